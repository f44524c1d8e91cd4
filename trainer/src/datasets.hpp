// Training and evaluation byte streams, and the batch sampler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.hpp"

namespace nntar_train {

struct dataset {
  data_spec spec;
  std::vector<uint8_t> bytes;
  std::string description;  // "file, 64.0 MiB" or "folder: 12 files (10 text, 2 image)"
};

// Reads a file (a raw byte stream) or a folder (every regular file below it,
// sorted by path, each through transform::model_stream, concatenated).
// Throws usage_error for missing or empty data.
// A data pack (nntar-train pack) gives its member named spec.name: the
// held-out one for option "--eval", else the training one.
dataset load_dataset(const data_spec& spec, const std::string& option);
// Frees the last data pack load_dataset unpacked (load_data does it).
void release_pack_cache();

struct data_split {
  std::vector<dataset> train;
  std::vector<dataset> eval;
};

// Loads the run's data. Without --eval, the last 1% (at most 1 MiB) of each
// training stream becomes its evaluation set and is never trained on.
// Every training stream must hold at least context + 1 bytes.
data_split load_data(const run_config& c);

// Picks training windows. The windows of step s are a pure function of
// (seed, s, dataset sizes), so a resumed run sees exactly the data an
// uninterrupted one would: the step counter is the whole sampler state.
class sampler {
 public:
  sampler(const std::vector<dataset>& train, uint32_t context, uint64_t seed);
  // Writes batch windows of `context` bytes, one after the other, to out.
  void fill(uint64_t step, uint32_t batch, uint8_t* out) const;

 private:
  const std::vector<dataset>& train_;
  uint32_t context_;
  uint64_t seed_;
  std::vector<double> cumulative_;  // normalised cumulative weights
};

}  // namespace nntar_train
