#include "mix/predictor_v3.hpp"

#include <algorithm>

#include "mix/byte_context.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {
namespace {

// Counter count limits: the low orders (1, 2), the sparse, column and
// indirect contexts adapt fast; the longer contexts and the words average
// over more bits (12-bit probabilities, 4-bit counts). Against 6 for all
// (13-bit probabilities, 3-bit counts): -0.5% on English, +0.1% on C++.
constexpr uint32_t fast_limit = 7, slow_limit = 14;
constexpr uint32_t map_limits[predictor_v3::maps] = {
    fast_limit, fast_limit, slow_limit, slow_limit, slow_limit, slow_limit, fast_limit, slow_limit, slow_limit,
    fast_limit, slow_limit, fast_limit, fast_limit, slow_limit, fast_limit, fast_limit, fast_limit, slow_limit};
constexpr int map_count_bits = 4;
constexpr int first_rate = 4;       // first-layer mixers: 4 against 3 with 40 inputs (3 was best of 3, 6, 10 with 19)
constexpr int final_rate = 6;       // final mixer: 4-8 within 0.1%
// The second match model hashes about the last 8 bytes (factor 6 against
// 24): it finds the longer repeats that the first, following the most recent
// 5-byte one, misses. -1.1% on C++, -0.1% on English.
constexpr uint32_t long_match_hash_factor = 6;
constexpr uint64_t mul_a = 0x9E3779B97F4A7C15ull, mul_b = 0x2545F4914F6CDD1Dull, mul_c = 0xD6E8FEB86659FD93ull;

}  // namespace

predictor_v3::predictor_v3(int bits, size_t capacity)
    : refine_(size_t(maps) * 16 * 8 * 64),
      match_(bits - 3),
      long_match_(bits - 3, long_match_hash_factor),
      final_(first_mixers + 1, 256, final_rate),
      apm_order1_(65536, 7),
      apm_order2_(65536, 7),
      apm_match_(64 * 256, 7),
      apm_transformer_(8 * 256, 7),
      after1_(256, 0),
      after2_(65536, 0) {
  hist_.reserve(capacity);
  for (int i = 0; i < maps; ++i) maps_.emplace_back(bits, map_limits[i], map_count_bits);
  mixers_.emplace_back(inputs, 256, first_rate);      // by the partial byte c0
  mixers_.emplace_back(inputs, 3 * 8, first_rate);    // by match state x bit position
  mixers_.emplace_back(inputs, 256 * 8, first_rate);  // by the transformer's most likely byte x bit position
  mixers_.emplace_back(inputs, 256 * 8, first_rate);  // by the last byte x bit position
  mixers_.emplace_back(inputs, 64 * 8, first_rate);   // by the column (at most 63) x bit position
  mixers_.emplace_back(inputs, 2048, first_rate);     // by a hash of the last two bytes (11 bits)
  // The refining counters start at the probability of their stretch bucket's centre.
  for (size_t i = 0; i < refine_.size(); ++i)
    refine_[i] = static_cast<uint32_t>(squash(static_cast<int>(i & 63) * 64 + 32 - 2048)) << 20;
  std::fill(std::begin(order0_), std::end(order0_), counter_init);
  byte_done();
}

// The state that the byte c just coded changes: history, words, lines,
// indirect tables, the match.
void predictor_v3::observe(uint32_t c) {
  const uint32_t pos = static_cast<uint32_t>(hist_.size());  // c is hist_[pos - 1]
  c8_ = (c8_ << 8) | (c4_ >> 24);
  c4_ = ((c4_ << 8) | c) & 0xFFFFFFFFu;
  // Source code: the line's indent and first word, the bracket depth.
  if (c == '\n') {
    indent_ = 0;
    in_indent_ = true;
    line_word_ = 0;
  } else if (in_indent_ && (c == ' ' || c == '\t')) {
    indent_ += c == '\t' ? 4 : 1;
  } else {
    in_indent_ = false;
  }
  if (c == '(' || c == '[' || c == '{') {
    ++depth_;
  } else if ((c == ')' || c == ']' || c == '}') && depth_ > 0) {
    --depth_;
  }
  if (is_word_byte(c)) {
    if (!word0_) word_lead_ = (c4_ >> 8) & 0xFF;
    word0_ = (word0_ + ((c >= 'A' && c <= 'Z') ? c + 32 : c) + 1) * mul_a;
  } else if (word0_) {
    if (!line_word_ && c != '\n') line_word_ = word0_;
    word2_ = word1_;
    word1_ = word0_;
    word0_ = 0;
  }
  if (c == '\n') {
    prev_line_start_ = line_start_;
    line_start_ = pos;
  }
  column_ = pos - line_start_;
  if (pos >= 2) {
    const uint32_t before = hist_[pos - 2];
    after1_[before] = static_cast<uint16_t>(after1_[before] << 8 | c);
    const uint32_t pair = pos >= 3 ? (uint32_t(hist_[pos - 3]) << 8 | before) : before;
    after2_[pair] = static_cast<uint16_t>(after2_[pair] << 8 | c);
  }
  match_.byte_done(hist_.data(), pos);
  long_match_.byte_done(hist_.data(), pos);
}

void predictor_v3::byte_done() {
  if (!hist_.empty()) observe(hist_.back());
  const uint64_t c1 = c4_ & 0xFF, c2 = c4_ & 0xFFFF;
  const uint64_t above = prev_line_start_ + column_ < line_start_ ? hist_[prev_line_start_ + column_] : 0;
  uint64_t h[maps];
  h[0] = c1;
  h[1] = c2;
  h[2] = c4_ & 0xFFFFFF;
  h[3] = c4_;
  h[4] = c4_ | ((c8_ & 0xFFFF) << 32);  // order 6
  h[5] = word0_ ? word0_ : c1 | (uint64_t(1) << 40);
  h[6] = (c4_ >> 8) & 0xFFFF;           // sparse: the two bytes before the last
  h[7] = c4_ | ((c8_ & 0xFF) << 32);    // order 5
  h[8] = (word0_ + word1_ * mul_b) ^ c1;
  h[9] = (above << 8 | std::min<uint32_t>(column_, 255)) << 8 | c1;
  h[10] = (word0_ + word2_ * mul_b) ^ (c1 << 48);
  h[11] = (uint64_t(after1_[c1]) << 8 | c1) | (uint64_t(1) << 30);
  h[12] = uint64_t(after2_[c2]) << 16 | c2;
  h[13] = word0_ + word1_ * mul_b + word2_ * mul_a;
  h[14] = (word0_ ^ (word_lead_ << 48)) + c1 * mul_b;  // the word and the byte before it
  h[15] = line_word_ * mul_b + (uint64_t(std::min<uint32_t>(indent_, 63)) << 8 | c1);  // indent, first word
  h[16] = uint64_t(std::min<uint32_t>(depth_, 15)) << 16 | c2;  // bracket depth, order 2
  h[17] = c4_ + c8_ * mul_b;  // order 8: -0.8% on C++
  for (int i = 0; i < maps; ++i) {
    hashes_[i] = (h[i] + (uint64_t(i + 1) << 56)) * mul_c;
    maps_[static_cast<size_t>(i)].select(hashes_[i], 1);
  }
  // The first-layer mixers learn faster while they know little: rate 16,
  // one less every 16 KiB, down to first_rate (-0.4% on 2 MB of C++, under
  // 0.1% on English).
  const int rate = std::max<int>(first_rate, 16 - static_cast<int>(hist_.size() >> 14));
  for (auto& m : mixers_) m.set_rate(rate);
  c0_ = 1;
  bit_ = 0;
}

int predictor_v3::p() {
  if (bit_ == 4)
    for (int i = 0; i < maps; ++i) maps_[static_cast<size_t>(i)].select(hashes_[i], c0_);
  const uint32_t j = nibble_slot(bit_, c0_);
  int k = 0;
  x_[k++] = stretch(counter_p(order0_[c0_]));
  const size_t bit = static_cast<size_t>(bit_);
  // Each map gives its counter and the counter refined by an adaptive table
  // indexed by the counter's count, the bit position and its stretched
  // probability in 64 steps: a young counter's probability says less than an
  // old one's, and a run of equal bits is recognisable by (count, p).
  // -0.7% on English, -1.8% on C++.
  for (size_t i = 0; i < static_cast<size_t>(maps); ++i) {
    checked_map& m = maps_[i];
    const int st = stretch(m.p(j));
    x_[k++] = st;
    refined_at_[i] = &refine_[((i * 16 + m.count()) * 8 + bit) * 64 + static_cast<size_t>((st + 2048) >> 6)];
    x_[k++] = stretch(counter_p(*refined_at_[i]));
  }
  expected_ = match_.expected(hist_.data(), bit_, c0_);
  x_[k++] = match_.input(expected_);
  x_[k++] = long_match_.input(long_match_.expected(hist_.data(), bit_, c0_));
  if (cum_) {
    const int pt = transformer_bit_p(cum_, bit_, c0_);
    x_[k++] = stretch(pt);
    x_[k++] = stretch(apm_transformer_.refine(pt, static_cast<size_t>(bit_ * 256 + top_)));
  } else {
    x_[k++] = 0;
    x_[k++] = 0;
  }
  x_[k++] = 256;  // bias
  const uint32_t c1 = static_cast<uint32_t>(c4_ & 0xFF), c2 = static_cast<uint32_t>(c4_ & 0xFFFF);
  y_[0] = mixers_[0].mix(x_, c0_);
  y_[1] = mixers_[1].mix(x_, static_cast<size_t>(match_.state()) * 8 + bit);
  y_[2] = cum_ ? mixers_[2].mix(x_, static_cast<size_t>(top_) * 8 + bit) : 0;
  y_[3] = mixers_[3].mix(x_, c1 * 8 + bit);
  y_[4] = mixers_[4].mix(x_, std::min<uint32_t>(column_, 63) * 8 + bit);
  // By the hashed order 2: -0.25% on English, -1.0% on C++.
  y_[5] = mixers_[5].mix(x_, (c2 * 0x9E3779B1u) >> 21);
  y_[6] = 256;
  // The final mixer's weights by the partial byte: -0.2% on English.
  const int p_mix = squash(final_.mix(y_, c0_));
  const int a_order1 = apm_order1_.refine(p_mix, c1 << 8 | c0_);
  const int a_order2 = apm_order2_.refine(p_mix, ((c2 << 8 | c0_) * 0x9E3779B1u) >> 16);
  const size_t match_cx = (match_.length_bucket() * 2 + (expected_ < 0 ? 0u : 1u)) * 256 + c0_;
  const int a_match = apm_match_.refine(p_mix, match_cx);
  // The APMs alone (p_mix only through them): -0.3% against averaging p_mix in.
  return std::min(4095, std::max(1, (a_order1 + 2 * a_order2 + a_match + 2) >> 2));
}

void predictor_v3::update(int bit) {
  counter_update(order0_[c0_], bit, 1023);
  for (auto& m : maps_) m.update(bit);
  for (uint32_t* r : refined_at_) counter_update(*r, bit, 1023);
  match_.update(bit);
  long_match_.update(bit);
  for (size_t i = 0; i < mixers_.size(); ++i)
    if (i != 2 || cum_) mixers_[i].update(bit);
  final_.update(bit);
  if (cum_) apm_transformer_.update(bit);
  apm_order1_.update(bit);
  apm_order2_.update(bit);
  apm_match_.update(bit);
  c0_ = (c0_ << 1) | static_cast<uint32_t>(bit);
  ++bit_;
  if (bit_ == 8) {
    hist_.push_back(static_cast<uint8_t>(c0_ & 255));
    cum_ = nullptr;
    byte_done();
  }
}

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
