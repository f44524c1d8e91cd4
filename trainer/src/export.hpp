// .nnm export (float16 weights via model::serialize), .nnm import for
// `eval` and `--resume model.nnm`, and the Markdown model card.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "datasets.hpp"
#include "torch_model.hpp"

namespace nntar_train {

struct export_info {
  std::string name;
  uint64_t steps = 0;
  uint64_t bytes_seen = 0;
  double wall_seconds = 0;
  std::vector<std::pair<std::string, double>> eval_bits_per_byte;
};

// Rounds the parameters to float16 and writes the model file atomically.
// Returns the file size.
uint64_t export_model(const std::string& path, const model::hparams& hp, const tensor_list& params,
                      const export_info& info);

// Reads a .nnm file; the weights come back as the float32 values of its
// float16 numbers. Throws usage_error naming the problem.
struct loaded_model {
  model::hparams hp;
  tensor_list params;
  std::string name;
};
loaded_model load_model(const std::string& path);

struct card_info {
  std::string card_path;
  std::string export_path;
  uint64_t model_file_bytes = 0;
  std::string command_line;
  run_config config;
  const std::vector<dataset>* train = nullptr;
  const std::vector<dataset>* eval = nullptr;
  export_info result;
  double bytes_per_second = 0;
  uint32_t threads = 0;
  uint64_t eval_bytes = 0;  // bytes evaluated per dataset
  std::string resumed_from;
  std::string device = "cpu";
  uint32_t processes = 1;
};
void write_card(const card_info& c);

}  // namespace nntar_train
