// The mixing codec's model (spec/mix_codec.md §9): per bit, the counters of
// eight contexts (orders 0-4 and 6, a word, a sparse context), the match
// model and, when a transformer is given, its prediction (direct and
// APM-refined) go into three mixers whose average is refined by two APMs.
// Everything after the transformer's integer frequency table is integer
// arithmetic, so every build predicts the same bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/apm.hpp"
#include "mix/context_map.hpp"
#include "mix/match_model.hpp"
#include "mix/mixer.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

constexpr int table_bits_min = 16, table_bits_max = 22;
// Counter count limit of the context maps: fast adaptation (1/7.5 of the
// error at the limit) won on source code and prose (limit 6: -8% against 255).
constexpr uint32_t order_limit = 6;
constexpr int mixer_inputs = 13;
constexpr int mixer_rate = 6;  // learning rate (of 2^14); measured 3-8 best on text

class predictor {
 public:
  // bits: log2 of each context map's counters (table_bits_min..max);
  // capacity: the chunk's size (the history the match model reads).
  predictor(int bits, size_t capacity);

  // Before the first bit of a byte: the transformer's cumulative frequency
  // table cum[0..256] (cum[256] = 2^20) for this byte, and its most likely
  // byte; nullptr when no transformer is used.
  void set_transformer(const uint32_t* cum, int top) {
    cum_ = cum;
    top_ = top;
  }

  // P(next bit = 1) in [1, 4095] of 4096.
  int p();
  void update(int bit);

 private:
  void byte_done();

  std::vector<uint8_t> hist_;
  std::vector<context_map> maps_;
  uint32_t order0_[256];
  match_model match_;
  mixer by_c0_, by_match_, by_transformer_;
  apm apm_c0_, apm_c2_, apm_transformer_;
  uint32_t c0_ = 1;  // the bits of the current byte after a leading 1
  int bit_ = 0;      // bits of the current byte seen (0..7)
  uint64_t c4_ = 0, c8_ = 0;
  uint64_t word_ = 0;
  uint64_t hashes_[8] = {};
  int x_[mixer_inputs] = {};
  int expected_ = -1;
  int p_mix_ = 2048, p_final_ = 2048;
  const uint32_t* cum_ = nullptr;
  int top_ = 0;
  int p_transformer_ = 2048;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
