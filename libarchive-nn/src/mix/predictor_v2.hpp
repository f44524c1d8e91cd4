// The mixing codec's model, revision 2 (spec/mix_codec.md §11): per bit, the
// counters of an order-0 table and fourteen checked context maps (orders 1-6,
// words and word pairs, a sparse, a column and two indirect contexts), the
// match model and, when a transformer is given, its prediction, go into five
// mixers (weight sets by the partial byte, the match state, the transformer's
// most likely byte, the last byte, the column), a final mixer combines them,
// and three APMs refine the result. Integer only after the transformer's
// frequency table, like revision 1 (predictor.hpp), which stays for reading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/apm.hpp"
#include "mix/checked_map.hpp"
#include "mix/match_model.hpp"
#include "mix/mixer.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

constexpr int v2_table_bits_min = 16, v2_table_bits_max = 23;

class predictor_v2 {
 public:
  static constexpr int maps = 14;
  static constexpr int inputs = 1 + maps + 1 + 2 + 1;  // order 0, maps, match, transformer x2, bias
  static constexpr int first_mixers = 5;

  // bits: log2 of each context map's slots (v2_table_bits_min..max);
  // capacity: the chunk's size (the history the match model reads).
  predictor_v2(int bits, size_t capacity);

  // As predictor::set_transformer: the transformer's cumulative frequency
  // table for this byte and its most likely byte; nullptr without one.
  void set_transformer(const uint32_t* cum, int top) {
    cum_ = cum;
    top_ = top;
  }

  // P(next bit = 1) in [1, 4095] of 4096.
  int p();
  void update(int bit);

 private:
  void byte_done();
  void observe(uint32_t c);

  std::vector<uint8_t> hist_;
  std::vector<checked_map> maps_;
  uint64_t hashes_[maps] = {};
  uint32_t order0_[256];
  match_model match_;
  std::vector<mixer> mixers_;
  mixer final_;
  apm apm_order1_, apm_order2_, apm_match_, apm_transformer_;
  // Indirect contexts: the last two bytes that followed each byte / byte pair.
  std::vector<uint16_t> after1_, after2_;
  uint32_t c0_ = 1;  // the bits of the current byte after a leading 1
  int bit_ = 0;      // bits of the current byte seen (0..7)
  uint64_t c4_ = 0, c8_ = 0;
  uint64_t word0_ = 0, word1_ = 0, word2_ = 0;  // hashes of the current and the two previous words
  uint32_t line_start_ = 0, prev_line_start_ = 0, column_ = 0;
  int x_[inputs] = {};
  int y_[first_mixers + 1] = {};
  int expected_ = -1;
  const uint32_t* cum_ = nullptr;
  int top_ = 0;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
