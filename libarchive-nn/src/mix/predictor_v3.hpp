// The mixing codec's general model, revision 3 (Codec_Id 11, spec/mix_codec.md
// §14; revision 2, predictor_v2.hpp, stays for Codec_Id 10): per bit, the
// counters of an order-0 table and eighteen checked context maps (orders 1-6, 8,
// words and word pairs, a sparse, a column, two indirect contexts, the word
// with the byte before it, the line's indent and first word, the bracket
// depth), each read twice (its probability, and that probability refined by
// the counter's count and the bit position), two match models and, when a
// transformer is given, its prediction, go into six mixers (weight sets by
// the partial byte, the match state, the transformer's most likely byte, the
// last byte, the column, a hash of the last two bytes), a final mixer
// selected by the partial byte combines them, and three APMs refine the
// result. Integer only after the transformer's frequency table.
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

constexpr int v3_table_bits_min = 16, v3_table_bits_max = 23;

class predictor_v3 {
 public:
  static constexpr int maps = 18;
  // order 0, maps x2 (counter, refined counter), match x2, transformer x2, bias
  static constexpr int inputs = 1 + 2 * maps + 2 + 2 + 1;
  static constexpr int first_mixers = 6;

  // bits: log2 of each context map's slots (v3_table_bits_min..max);
  // capacity: the chunk's size (the history the match model reads).
  predictor_v3(int bits, size_t capacity);

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
  // Per map, counters that refine a slot's probability given its count and
  // the bit position (see predictor_v3.cpp); refined_at_: those used this bit.
  std::vector<uint32_t> refine_;
  uint32_t* refined_at_[maps] = {};
  match_model match_, long_match_;
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
  uint64_t word_lead_ = 0;    // the byte before the current (or last) word
  uint64_t line_word_ = 0;    // hash of the line's first word, 0 until it ends
  uint32_t indent_ = 0;       // the line's leading blanks (a tab counts 4)
  bool in_indent_ = true;     // only blanks on the line so far
  uint32_t depth_ = 0;        // open ( [ { not yet closed
  int x_[inputs] = {};
  int y_[first_mixers + 1] = {};
  int expected_ = -1;
  const uint32_t* cum_ = nullptr;
  int top_ = 0;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
