#include "mix/predictor.hpp"

#include <algorithm>

#include "mix/byte_context.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {
predictor::predictor(int bits, size_t capacity)
    : match_(bits - 2),
      by_c0_(mixer_inputs, 256, mixer_rate),
      by_match_(mixer_inputs, 3 * 8, mixer_rate),
      by_transformer_(mixer_inputs, 256 * 8, mixer_rate),
      apm_c0_(256, 7),
      apm_c2_(65536, 7),
      apm_transformer_(8 * 256, 7) {
  hist_.reserve(capacity);
  for (int i = 0; i < 8; ++i) maps_.emplace_back(bits, order_limit);
  std::fill(std::begin(order0_), std::end(order0_), counter_init);
  byte_done();
}

void predictor::byte_done() {
  if (!hist_.empty()) {
    const uint32_t c = hist_.back();
    c8_ = (c8_ << 8) | (c4_ >> 24);
    c4_ = ((c4_ << 8) | c) & 0xFFFFFFFFu;
    word_ = is_word_byte(c) ? (word_ + (c | 32u)) * hash_mul_1 : 0;
    match_.byte_done(hist_.data(), static_cast<uint32_t>(hist_.size()));
  }
  const uint64_t c1 = c4_ & 0xFF;
  hashes_[0] = c4_ & 0xFF;
  hashes_[1] = c4_ & 0xFFFF;
  hashes_[2] = c4_ & 0xFFFFFF;
  hashes_[3] = c4_;
  hashes_[4] = c4_ | ((c8_ & 0xFFFF) << 32);
  hashes_[5] = word_ ? word_ : c1 | (uint64_t(1) << 40);
  hashes_[6] = (c4_ >> 8) & 0xFFFF;
  hashes_[7] = c4_ | ((c8_ & 0xFF) << 32);
  for (int i = 0; i < 8; ++i) {
    hashes_[i] = (hashes_[i] + (uint64_t(i + 1) << 56)) * hash_mul_2;
    maps_[static_cast<size_t>(i)].select(hashes_[i], 1);
  }
  c0_ = 1;
  bit_ = 0;
}

int predictor::p() {
  if (bit_ == 4)
    for (int i = 0; i < 8; ++i) maps_[static_cast<size_t>(i)].select(hashes_[i], c0_);
  const uint32_t j = nibble_slot(bit_, c0_);
  x_[0] = stretch(counter_p(order0_[c0_]));
  for (int i = 0; i < 7; ++i) x_[1 + i] = stretch(maps_[static_cast<size_t>(i)].p(j));
  expected_ = match_.expected(hist_.data(), bit_, c0_);
  x_[8] = match_.input(expected_);
  if (cum_) {
    p_transformer_ = transformer_bit_p(cum_, bit_, c0_);
    x_[9] = stretch(p_transformer_);
    x_[10] = stretch(apm_transformer_.refine(p_transformer_, static_cast<size_t>(bit_ * 256 + top_)));
  } else {
    x_[9] = x_[10] = 0;
  }
  x_[11] = 256;  // bias
  x_[12] = stretch(maps_[7].p(j));
  const size_t match_set = static_cast<size_t>(match_.state() * 8 + bit_);
  int d = by_c0_.mix(x_, c0_) + by_match_.mix(x_, match_set);
  if (cum_) {
    d = (d + by_transformer_.mix(x_, static_cast<size_t>(bit_ * 256 + top_))) / 3;
  } else {
    d /= 2;
  }
  p_mix_ = squash(d);
  const uint32_t c2 = static_cast<uint32_t>(c4_ & 0xFFFF);
  const int a1 = apm_c0_.refine(p_mix_, c0_);
  const int a2 = apm_c2_.refine(p_mix_, ((c2 << 8 | c0_) * 0x9E3779B1u) >> 16);
  p_final_ = std::min(4095, std::max(1, (p_mix_ + a1 + 2 * a2 + 2) >> 2));
  return p_final_;
}

void predictor::update(int bit) {
  counter_update(order0_[c0_], bit, 1023);
  for (auto& m : maps_) m.update(bit);
  match_.update(bit);
  by_c0_.update(bit);
  by_match_.update(bit);
  if (cum_) {
    by_transformer_.update(bit);
    apm_transformer_.update(bit);
  }
  apm_c0_.update(bit);
  apm_c2_.update(bit);
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
