// The trainer's configuration: what the command line asked for (options),
// the resolved values one run trains with (run_config, stored in every
// checkpoint), and the architecture presets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/model_arch.hpp"

namespace nntar_train {

namespace model = archive_nn::model;

// One --data/--eval argument: NAME=PATH[:WEIGHT]. NAME is the modality label
// used in reports and in the train.bits_per_byte.NAME metadata key.
struct data_spec {
  std::string name;
  std::string path;
  double weight = 1.0;
  bool operator==(const data_spec& o) const { return name == o.name && path == o.path && weight == o.weight; }
};

struct preset {
  const char* name;
  model::hparams hp;
  uint32_t batch;  // default batch size for this preset
  const char* note;
};
const std::vector<preset>& presets();
const preset* find_preset(const std::string& name);

// Everything that defines a training run. A checkpoint stores it, so that
// --resume continues the same run: same schedule, same data order.
struct run_config {
  model::hparams hp;
  std::string preset_name;  // informational ("custom" if overridden)
  uint32_t batch = 16;
  double lr = 1e-3;
  double min_lr = 1e-4;
  uint64_t warmup = 200;
  double clip = 1.0;
  uint64_t steps = 0;       // 0: no step limit
  double time_limit = 0;    // seconds of training wall time, 0: none
  uint64_t seed = 1;
  std::vector<data_spec> data;
  std::vector<data_spec> eval;  // empty: hold out the tail of each data stream

  std::string to_text() const;                         // key=value lines
  static run_config from_text(const std::string& text);  // throws usage_error
};

// The command line of `nntar-train` (training mode). Optional fields were
// not given; resolve() fills them from the preset, the checkpoint or defaults.
struct train_options {
  std::vector<data_spec> data;
  std::vector<data_spec> eval;
  std::optional<std::string> preset;
  std::optional<uint32_t> d_model, n_layer, n_head, d_ff, context;
  std::optional<model::norm_placement> norm;
  std::optional<uint64_t> steps;
  std::optional<double> time_limit;
  std::optional<uint32_t> batch;
  std::optional<double> lr, min_lr, clip;
  std::optional<uint64_t> warmup, seed;
  uint32_t threads = 2;
  uint64_t eval_every = 200;
  uint64_t eval_bytes = 64 * 1024;
  double log_every = 5;
  uint64_t stop_at_step = 0;  // end this session at this step (checkpoint, no export); 0: off
  std::string checkpoint;  // default: <export>.ckpt
  double checkpoint_every = 600;
  std::string resume;
  std::string export_path;
  std::string name;
  std::string card;
  std::string command_line;
  std::string device = "auto";     // auto | cpu | cuda | cuda:N
  std::string precision = "auto";  // auto (bf16 on CUDA) | fp32 | bf16
  std::string loss_log;            // per-step "step loss grad_norm lr" lines (rank 0)
  double dist_timeout = 600;       // seconds a collective may wait for the other ranks
};

struct eval_options {
  std::string model_path;
  std::vector<data_spec> data;
  uint64_t bytes = 1024 * 1024;  // per dataset
  std::optional<uint32_t> context;
  uint32_t threads = 2;
  uint32_t batch = 8;
  std::string device = "auto";
};

// `nntar-train pack`: writes the training mixture into one file.
struct pack_options {
  std::vector<data_spec> data;
  std::vector<data_spec> eval;
  std::string output;
  uint64_t max_size = 0;  // cap on the file size, 0: none
  uint32_t level = 6;     // xz preset
  bool xz = true;
};

// Parses argv (after the program name, and after "eval" for eval_options).
train_options parse_train_options(int argc, char** argv);
eval_options parse_eval_options(int argc, char** argv);
pack_options parse_pack_options(int argc, char** argv);
// --pack FILE: the pack's training members become --data specs (with their
// weights) and its evaluation members --eval specs; both name FILE, and
// load_dataset picks the member by name and kind.
void add_pack_specs(const std::string& path, std::vector<data_spec>& data, std::vector<data_spec>& eval);
data_spec parse_data_spec(const std::string& arg, const std::string& option);
void print_usage();

// The architecture the command line asks for, starting from `base` (the
// preset's, a checkpoint's or a model file's).
model::hparams requested_hparams(const train_options& o, const model::hparams& base);
// Describes the differences of two architectures ("d_model 128 vs 64, ..."),
// empty if equal.
std::string hparams_diff(const model::hparams& have, const model::hparams& want);
std::string hparams_text(const model::hparams& hp);

// Builds the run configuration of a fresh run (from_checkpoint == nullptr)
// or of a resumed one; throws usage_error on invalid or mismatched values.
run_config resolve(const train_options& o, const run_config* from_checkpoint,
                   const model::hparams* from_model_file);

}  // namespace nntar_train
