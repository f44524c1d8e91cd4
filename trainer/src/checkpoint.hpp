// Training checkpoints: everything needed to continue a run exactly, i.e. the
// run configuration, the step counter (which is also the sampler's state,
// see datasets.hpp), the float32 parameters and Adam's moments. Torch-free:
// a simple tagged binary file rather than torch::save, so its contents are
// checked against model_arch.hpp before anything is allocated in LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "torch_model.hpp"

namespace nntar_train {

struct checkpoint {
  run_config config;
  uint64_t step = 0;         // optimiser steps done
  uint64_t bytes_seen = 0;   // training bytes consumed
  double elapsed = 0;        // training wall seconds, summed over sessions
  std::vector<std::pair<std::string, double>> last_eval;  // name -> bits/byte
  tensor_list params;
  optimizer_state opt;
};

// Atomic: written to PATH.tmp, then renamed.
void save_checkpoint(const std::string& path, const checkpoint& c);
// Throws usage_error if the file is not a valid checkpoint.
checkpoint load_checkpoint(const std::string& path);
// True if the file starts with the .nnm magic (so --resume takes weights only).
bool is_model_file(const std::string& path);

}  // namespace nntar_train
