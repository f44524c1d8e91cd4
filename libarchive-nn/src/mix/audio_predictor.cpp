#include "mix/audio_predictor.hpp"

#include <algorithm>

#include "mix/byte_context.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {
namespace {

// Filter lengths and steps, measured on the evaluation speech and music
// (0.5266 of the PCM bytes; steps 2^-5 or taps 8/32 within 0.1%, 2^-8: +10%):
// speech needs fast adaptation.
constexpr int difference_taps = 16, difference_mu = 5;
constexpr int first_taps = 32, first_mu = 4;
constexpr int second_taps = 16, second_mu = 4;
constexpr int cross_taps = 2;  // channels after the first: the previous channel's error, now and before
constexpr uint32_t map_limit = 6;
constexpr int mixer_rate = 3, final_rate = 6;

int clamp16(int v) { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
int bit_length(uint32_t v) {
  int n = 0;
  while (v) {
    ++n;
    v >>= 1;
  }
  return n;
}

}  // namespace

int nlms_filter::predict() const {
  int64_t sum = 0;
  for (size_t i = 0; i < w_.size(); ++i) sum += int64_t(w_[i]) * x_[i];
  return static_cast<int>(sum >> 14);
}

void nlms_filter::update(int error) {
  int64_t energy = 1 << 10;
  for (int32_t v : x_) energy += int64_t(v) * v;
  const int64_t step = (int64_t(error) * (int64_t(1) << (30 - mu_shift_))) / energy;  // truncates toward zero
  for (size_t i = 0; i < w_.size(); ++i) w_[i] = weight_add(w_[i], (step * x_[i]) >> 16);
}

void nlms_filter::push(int v) {
  for (size_t i = x_.size() - 1; i > 0; --i) x_[i] = x_[i - 1];
  x_[0] = v;
}

audio_predictor::channel_state::channel_state()
    : difference(difference_taps, difference_mu), first(first_taps + cross_taps, first_mu), second(second_taps, second_mu) {}

audio_predictor::audio_predictor(int bits, uint32_t channels)
    : ch_(channels),
      channels_(channels),
      by_scale_(maps + 1, 2 * 21 * 256, mixer_rate),
      by_last_(maps + 1, 2 * 32 * 8, mixer_rate),
      final_(3, 1, final_rate),
      apm_scale_(2 * 21 * 256, 7),
      apm_last_(2 * 32 * 256, 7) {
  for (int i = 0; i < maps; ++i) maps_.emplace_back(bits, map_limit);
  sample_start();
}

uint32_t audio_predictor::symbol_of(int sample) const {
  return zigzag(static_cast<int16_t>(static_cast<uint16_t>(sample - prediction_)));
}

// The cascade: the difference filter predicts d = s - previous, the first
// filter what it leaves (its inputs: the difference filter's past errors and,
// after the first channel, the previous channel's), the second what the first
// leaves (its inputs: the first filter's past targets).
void audio_predictor::sample_start() {
  channel_state& c = ch_[channel_];
  if (channel_ > 0) {
    const channel_state& before = ch_[channel_ - 1];
    c.first.tap(first_taps + 1) = c.first.tap(first_taps);
    c.first.tap(first_taps) = before.error_difference;
  }
  c.p_difference = c.difference.predict();
  c.p_first = c.first.predict();
  c.p_second = c.second.predict();
  prediction_ = clamp16(c.previous + c.p_difference + c.p_first + c.p_second);
  scale_ = std::min(20, bit_length(static_cast<uint32_t>(c.magnitude >> 4)));
  last_scale_ = std::min(20, bit_length(c.last_symbol));
  byte_ = 0;
  high_ = 0;
  byte_start();
}

void audio_predictor::byte_start() {
  const channel_state& c = ch_[channel_];
  const uint64_t byte = static_cast<uint64_t>(byte_) << 8 | (byte_ ? high_ : 0);  // which byte, and the high byte under the low
  const uint64_t s = static_cast<uint64_t>(scale_), l = static_cast<uint64_t>(last_scale_);
  uint64_t h[maps];
  h[0] = s << 9 | byte;
  h[1] = l << 9 | byte;
  h[2] = s << 16 | l << 9 | byte;
  h[3] = byte;
  h[4] = s << 20 | static_cast<uint64_t>((prediction_ >> 10) & 63) << 9 | byte;
  h[5] = s << 20 | static_cast<uint64_t>(c.last_symbol & 1) << 9 | byte;
  for (int i = 0; i < maps; ++i) {
    hashes_[i] = ((h[i] << 3 | channel_) + (uint64_t(i + 1) << 56)) * 0xD6E8FEB86659FD93ull;
    maps_[static_cast<size_t>(i)].select(hashes_[i], 1);
  }
  c0_ = 1;
  bit_ = 0;
}

int audio_predictor::p() {
  if (bit_ == 4)
    for (int i = 0; i < maps; ++i) maps_[static_cast<size_t>(i)].select(hashes_[i], c0_);
  const uint32_t j = nibble_slot(bit_, c0_);
  for (int i = 0; i < maps; ++i) x_[i] = stretch(maps_[static_cast<size_t>(i)].p(j));
  x_[maps] = 256;
  const size_t by_scale = static_cast<size_t>(byte_ * 21 + scale_) * 256 + c0_;
  const size_t by_last = static_cast<size_t>(byte_ * 32 + std::min(31, last_scale_));
  y_[0] = by_scale_.mix(x_, by_scale);
  y_[1] = by_last_.mix(x_, by_last * 8 + static_cast<size_t>(bit_));
  y_[2] = 256;
  const int p_mix = squash(final_.mix(y_, 0));
  const int a1 = apm_scale_.refine(p_mix, by_scale);
  const int a2 = apm_last_.refine(p_mix, by_last * 256 + c0_);
  return std::min(4095, std::max(1, (2 * p_mix + a1 + a2 + 2) >> 2));
}

void audio_predictor::sample_done(int sample) {
  channel_state& c = ch_[channel_];
  const int d = sample - c.previous;
  const int e_difference = d - c.p_difference;
  const int e_first = e_difference - c.p_first;
  const int e_second = e_first - c.p_second;
  c.difference.update(e_difference);
  c.first.update(e_first);
  c.second.update(e_second);
  c.difference.push(d);
  // Shift the first filter's own taps (the cross taps stay where they are).
  for (size_t i = first_taps - 1; i > 0; --i) c.first.tap(i) = c.first.tap(i - 1);
  c.first.tap(0) = e_difference;
  c.second.push(e_first);
  c.error_difference = e_difference;
  c.previous = sample;
  const uint32_t z = (c0_ & 255) | high_ << 8;
  c.magnitude += ((static_cast<int>(z) << 4) - c.magnitude) >> 3;
  c.last_symbol = z;
  last_sample_ = sample;
  channel_ = channel_ + 1 == channels_ ? 0 : channel_ + 1;
  sample_start();
}

void audio_predictor::update(int bit) {
  for (auto& m : maps_) m.update(bit);
  by_scale_.update(bit);
  by_last_.update(bit);
  final_.update(bit);
  apm_scale_.update(bit);
  apm_last_.update(bit);
  c0_ = (c0_ << 1) | static_cast<uint32_t>(bit);
  if (++bit_ < 8) return;
  if (byte_ == 0) {
    high_ = c0_ & 255;
    byte_ = 1;
    byte_start();
    return;
  }
  sample_done(static_cast<int16_t>(static_cast<uint16_t>(prediction_ + unzigzag(high_ << 8 | (c0_ & 255)))));
}

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
