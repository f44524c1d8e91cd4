#include "mix/image_predictor_r2.hpp"

#include <algorithm>
#include <cstdlib>

#include "mix/byte_context.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {
namespace {

constexpr uint32_t map_limit = 6;  // measured: 4 +0.3%, 6 best, 7 +1.1% on the evaluation images
constexpr int first_rate = 3, final_rate = 6;
constexpr int lms_mu_shift = 3;  // measured: 2 and 3 within 0.05%, 4 +0.2%, 6 +0.6% on the evaluation images

int clamp255(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }
int median_predictor(int w, int n, int nw) {
  const int hi = std::max(w, n), lo = std::min(w, n);
  return nw >= hi ? lo : nw <= lo ? hi : w + n - nw;
}
// A signed difference in 16 classes: sign, then 0, 1, 2-3, 4-7, .., 64+.
uint64_t diff_class(int d) {
  const int a = std::abs(d);
  const int m = a == 0 ? 0 : a < 2 ? 1 : a < 4 ? 2 : a < 8 ? 3 : a < 16 ? 4 : a < 32 ? 5 : a < 64 ? 6 : 7;
  return static_cast<uint64_t>(d < 0 ? 8 + m : m);
}
int activity_class(int a) {
  static const int bounds[] = {2, 4, 8, 12, 18, 26, 40, 64, 100};
  int c = 0;
  while (c < 9 && a >= bounds[c]) ++c;
  return c;
}

}  // namespace

image_predictor_r2::image_predictor_r2(int bits, size_t capacity, uint32_t width, uint32_t pixel_bytes)
    : stride_(width * pixel_bytes),
      pixel_bytes_(pixel_bytes),
      final_(first_mixers + 1, 1, final_rate),
      apm_activity_(64 * 4 * 256, 7),
      apm_west_(4 * 64 * 256, 7) {
  buf_.reserve(capacity);
  residuals_.reserve(capacity);
  for (int i = 0; i < maps; ++i) maps_.emplace_back(bits, map_limit);
  mixers_.emplace_back(maps + 1, 4 * 256, first_rate);      // by channel x c0
  mixers_.emplace_back(maps + 1, 10 * 4 * 8, first_rate);   // by activity class x channel x bit
  mixers_.emplace_back(maps + 1, 4 * 256, first_rate);      // by channel x c0 (a second learner)
  mixers_.emplace_back(maps + 1, 32 * 8 * 8, first_rate);   // by the previous channel's residual x bit
  byte_start();
}

int image_predictor_r2::symbol_of(uint8_t x) const {
  return static_cast<int>(zigzag(static_cast<int8_t>(static_cast<uint8_t>(x - prediction_))));
}

// Neighbours outside the image take the nearest available: W at the left
// edge is N, N on the first row is W, NW and NE fall back to N, WW to W, NN
// to N; the very first byte's neighbours are 0.
void image_predictor_r2::byte_start() {
  const size_t col = pos_ % stride_;
  channel_ = static_cast<int>(col % pixel_bytes_);
  const size_t s = stride_, b = pixel_bytes_;
  const bool top = pos_ < s, left = col < b, right = col + b >= s;
  auto at = [&](size_t back) { return byte_back(back); };
  const int W = left ? (top ? 0 : at(s)) : at(b);
  const int N = top ? W : at(s);
  const int NW = top || left ? N : at(s + b);
  const int NE = top || right ? N : at(s - b);
  const int WW = col < 2 * b ? W : at(2 * b);
  const int NN = pos_ < 2 * s ? N : at(2 * s);
  int p = median_predictor(W, N, NW);
  int channel_error = 0;  // the previous channel's value against its own median prediction
  if (channel_ > 0) {
    const int cW = left ? (top ? 0 : at(s + 1)) : at(b + 1);
    const int cN = top ? cW : at(s + 1);
    const int cNW = top || left ? cN : at(s + b + 1);
    channel_error = at(1) - median_predictor(cW, cN, cNW);
    p = clamp255(p + channel_error);
  }
  prediction_ = p;
  // The filter's inputs: the neighbours against p, and for a later channel
  // the previous channel's step from its W and its error.
  const int channel_step = channel_ > 0 ? at(1) - (left ? (top ? 0 : at(s + 1)) : at(b + 1)) : 0;
  const int inputs[lms_taps] = {W - p, N - p, NW - p, NE - p, WW - p, NN - p, channel_step, channel_error};
  const int32_t* weights = &lms_weights_[channel_ * lms_taps];
  int64_t sum = 0;
  for (int k = 0; k < lms_taps; ++k) {
    lms_inputs_[k] = inputs[k];
    sum += int64_t(weights[k]) * inputs[k];
  }
  lms_correction_ = std::max(-255, std::min(255, static_cast<int>(sum >> 14)));
  const uint64_t lms_symbol = static_cast<uint64_t>(zigzag(std::max(-128, std::min(127, lms_correction_))));
  const int gradient = clamp255(W + N - NW), average = (W + N + 1) / 2;
  const int north_east = clamp255(N + NE - NN), west_west = clamp255(2 * W - WW);
  activity_ = std::abs(W - NW) + std::abs(N - NW) + std::abs(N - NE) + std::abs(W - WW) / 2;
  const uint64_t qa = static_cast<uint64_t>(activity_class(activity_));
  // The neighbours' residuals, with the neighbours' fallbacks at the edges.
  auto r = [&](size_t back) { return static_cast<uint64_t>(residuals_[pos_ - back]); };
  const uint64_t rW = left ? (top ? 0 : r(s)) : r(b);
  const uint64_t rN = top ? rW : r(s);
  const uint64_t rNW = top || left ? rN : r(s + b);
  const uint64_t rNE = top || right ? rN : r(s - b);
  const uint64_t rP = channel_ > 0 ? r(1) : 0;
  const uint64_t rPP = channel_ > 1 ? r(2) : 0;
  auto z = [&](int v) { return static_cast<uint64_t>(zigzag(v - p)); };
  uint64_t h[maps];
  h[0] = 0;
  h[1] = diff_class(W - p) << 8 | diff_class(N - p) << 4 | diff_class(NE - p);
  h[2] = rW << 8 | rN;
  h[3] = qa << 16 | rP;
  h[4] = diff_class(gradient - p) << 12 | diff_class(average - p) << 8 | diff_class(north_east - p) << 4 |
         diff_class(west_west - p);
  h[5] = rP << 16 | diff_class(channel_error) << 8 | qa;
  h[6] = rW << 16 | rNW << 8 | rNE;
  h[7] = static_cast<uint64_t>(p >> 2) << 8 | qa;
  h[8] = diff_class(W - NW) << 12 | diff_class(N - NW) << 8 | diff_class(NE - N) << 4 | diff_class(WW - W);
  h[9] = static_cast<uint64_t>(W >> 2) << 16 | static_cast<uint64_t>(N >> 2) << 8;
  h[10] = rP << 16 | rW << 8 | rN;
  h[11] = diff_class(NN - N) << 8 | diff_class(N - p) << 4 | diff_class(W - p);
  h[12] = rPP << 16 | rP << 8 | qa;
  h[13] = std::min<uint64_t>(rW, 15) << 12 | std::min<uint64_t>(rN, 15) << 8 | std::min<uint64_t>(rNW, 15) << 4 |
          std::min<uint64_t>(rNE, 15);
  h[14] = z(gradient) << 8 | std::min<uint64_t>(qa, 7);
  h[15] = z(north_east) << 8 | z(average);
  h[16] = z(W) << 8 | z(N);
  h[17] = z(west_west) << 8 | z(NE);
  h[18] = lms_symbol << 8 | std::min<uint64_t>(qa, 7);
  h[19] = lms_symbol << 16 | rW << 8 | rN;
  for (int i = 0; i < maps; ++i) {
    hashes_[i] = ((h[i] << 4 | static_cast<uint64_t>(channel_)) + (uint64_t(i + 1) << 56)) * 0xD6E8FEB86659FD93ull;
    maps_[static_cast<size_t>(i)].select(hashes_[i], 1);
  }
  const size_t ch = static_cast<size_t>(channel_);
  west_residual_ = rW;
  mixer_base_[0] = ch * 256;
  mixer_base_[1] = (qa * 4 + ch) * 8;
  mixer_base_[2] = ch * 256;
  mixer_base_[3] = std::min<size_t>(rP, 31) * 64;
  c0_ = 1;
  bit_ = 0;
}

int image_predictor_r2::p() {
  if (bit_ == 4)
    for (int i = 0; i < maps; ++i) maps_[static_cast<size_t>(i)].select(hashes_[i], c0_);
  const uint32_t j = nibble_slot(bit_, c0_);
  int k = 0;
  for (auto& m : maps_) x_[k++] = stretch(m.p(j));
  x_[k] = 256;  // bias
  const size_t bit = static_cast<size_t>(bit_);
  y_[0] = mixers_[0].mix(x_, mixer_base_[0] + c0_);
  y_[1] = mixers_[1].mix(x_, mixer_base_[1] + bit);
  y_[2] = mixers_[2].mix(x_, mixer_base_[2] + c0_);
  y_[3] = mixers_[3].mix(x_, mixer_base_[3] + bit);
  y_[4] = 256;
  const int p_mix = squash(final_.mix(y_, 0));
  const size_t ch = static_cast<size_t>(channel_);
  const size_t activity = static_cast<size_t>(std::min(activity_, 255) >> 2);
  const int a1 = apm_activity_.refine(p_mix, (activity * 4 + ch) * 256 + c0_);
  const size_t west = std::min<size_t>(west_residual_, 63);
  const int a2 = apm_west_.refine(p_mix, (ch * 64 + west) * 256 + c0_);
  return std::min(4095, std::max(1, (2 * p_mix + a1 + a2 + 2) >> 2));
}

void image_predictor_r2::update(int bit) {
  for (auto& m : maps_) m.update(bit);
  for (auto& m : mixers_) m.update(bit);
  final_.update(bit);
  apm_activity_.update(bit);
  apm_west_.update(bit);
  c0_ = (c0_ << 1) | static_cast<uint32_t>(bit);
  if (++bit_ == 8) {
    const uint32_t z = c0_ & 255;
    const uint8_t x = static_cast<uint8_t>(prediction_ + unzigzag(z));
    // NLMS step toward the residual (x - prediction, unwrapped).
    const int error = (x - prediction_) - lms_correction_;
    int64_t energy = 64;
    for (int v : lms_inputs_) energy += int64_t(v) * v;
    const int64_t step = (int64_t(error) * (int64_t(1) << (30 - lms_mu_shift))) / energy;
    int32_t* weights = &lms_weights_[channel_ * lms_taps];
    for (int k = 0; k < lms_taps; ++k) weights[k] = weight_add(weights[k], (step * lms_inputs_[k]) >> 16);
    buf_.push_back(x);
    residuals_.push_back(static_cast<uint8_t>(z));
    ++pos_;
    byte_start();
  }
}

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
