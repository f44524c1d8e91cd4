#include "mix/image_predictor.hpp"

#include <algorithm>
#include <cstdlib>

#include "mix/byte_context.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {
namespace {

constexpr uint32_t map_limit = 6;  // measured: 4 +0.3%, 6 best, 7 +1.1% on the evaluation images
constexpr int first_rate = 3, final_rate = 6;
// With 16 taps, measured: 2 -0.1% on the evaluation images but +0.06% on the training images, 4 +0.2%.
constexpr int lms_mu_shift = 3;
constexpr int fast_lms_mu_shift = 1;
constexpr int direct_rate = 7;  // the direct inputs' confidences; measured: 5 +0.05%, 6 +0.03%
constexpr uint16_t direct_init = 32768;  // P = 1/2

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
// A non-negative magnitude in 8 classes: 0-1, 2-3, 4-7, .., 64-127, 128+.
uint64_t magnitude_class(int a) {
  return static_cast<uint64_t>(a < 2 ? 0 : a < 4 ? 1 : a < 8 ? 2 : a < 16 ? 3 : a < 32 ? 4 : a < 64 ? 5 : a < 128 ? 6 : 7);
}
// CALIC's gradient-adjusted predictor from its gradients dh (horizontal) and dv (vertical).
int gap_predictor(int w, int n, int nw, int ne, int dh, int dv) {
  const int d = dv - dh;
  if (d > 80) return w;
  if (d < -80) return n;
  const int base = ((w + n) * 2 + (ne - nw)) / 4;
  const int v = d > 32 ? (base + w) / 2 : d > 8 ? (3 * base + w) / 4 : d < -32 ? (base + n) / 2 : d < -8 ? (3 * base + n) / 4 : base;
  return clamp255(v);
}
// PNG's Paeth predictor: whichever of W, N, NW is nearest W + N - NW.
int paeth_predictor(int w, int n, int nw) {
  const int g = w + n - nw;
  const int dw = std::abs(g - w), dn = std::abs(g - n), dnw = std::abs(g - nw);
  return dw <= dn && dw <= dnw ? w : dn <= dnw ? n : nw;
}
// The filters' estimate of the residual from their inputs: a clamped dot
// product (64-bit sum), and the NLMS step of the weights toward the residual.
int filter_estimate(const int32_t* weights, const int* inputs, int taps) {
  int64_t sum = 0;
  for (int k = 0; k < taps; ++k) sum += int64_t(weights[k]) * inputs[k];
  return std::max(-255, std::min(255, static_cast<int>(sum >> 14)));
}
void filter_step(int32_t* weights, const int* inputs, int taps, int error, int mu_shift, int64_t energy) {
  const int64_t step = (int64_t(error) * (int64_t(1) << (30 - mu_shift))) / energy;
  for (int k = 0; k < taps; ++k) weights[k] = weight_add(weights[k], (step * inputs[k]) >> 16);
}

int activity_class(int a) {
  static const int bounds[] = {2, 4, 8, 12, 18, 26, 40, 64, 100};
  int c = 0;
  while (c < 9 && a >= bounds[c]) ++c;
  return c;
}

}  // namespace

image_predictor::image_predictor(int bits, size_t capacity, uint32_t width, uint32_t pixel_bytes)
    : stride_(width * pixel_bytes),
      pixel_bytes_(pixel_bytes),
      final_(first_mixers + 1, 1, final_rate),
      apm_activity_(64 * 4 * 256, 7),
      apm_west_(4 * 64 * 256, 7),
      apm_lms_(4 * 32 * 256, 7) {
  buf_.reserve(capacity);
  residuals_.reserve(capacity);
  for (int i = 0; i < maps; ++i) maps_.emplace_back(bits, map_limit);
  for (auto& t : direct_hits_) t = direct_init;
  // Revision 1's second mixer by channel x c0 duplicated the first exactly;
  // dropped (re-keying it by the filter's estimate gained 0.05% for 20% more time).
  mixers_.emplace_back(mixer_inputs, 4 * 256, first_rate);        // by channel x c0
  mixers_.emplace_back(mixer_inputs, 10 * 4 * 8, first_rate);     // by activity class x channel x bit
  mixers_.emplace_back(mixer_inputs, 32 * 8 * 8, first_rate);     // by the previous channel's residual x bit
  byte_start();
}

int image_predictor::symbol_of(uint8_t x) const {
  return static_cast<int>(zigzag(static_cast<int8_t>(static_cast<uint8_t>(x - prediction_))));
}

// Neighbours outside the image take the nearest available: W at the left
// edge is N, N on the first row is W, NW and NE fall back to N, WW to W, NN
// to N, NNE to NE, NNW and NWW to NW, NEE to NE; the very first byte's
// neighbours are 0. The previous channels' neighbours fall back alike.
void image_predictor::byte_start() {
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
  const int NNE = pos_ < 2 * s || right ? NE : at(2 * s - b);
  const int NNW = pos_ < 2 * s || left ? NW : at(2 * s + b);
  const int NWW = top || col < 2 * b ? NW : at(s + 2 * b);
  const int NEE = top || col + 2 * b >= s ? NE : at(s - 2 * b);
  int p = median_predictor(W, N, NW);
  int channel_error = 0;  // the previous channel's value against its own median prediction
  int first_error = 0;    // for the third channel, the first channel's error alike
  // The previous channel's steps from its W, N, NE and NW to its value at this pixel.
  int step_w = 0, step_n = 0, step_ne = 0, step_nw = 0;
  if (channel_ > 0) {
    const int cW = left ? (top ? 0 : at(s + 1)) : at(b + 1);
    const int cN = top ? cW : at(s + 1);
    const int cNW = top || left ? cN : at(s + b + 1);
    const int cNE = top || right ? cN : at(s - b + 1);
    channel_error = at(1) - median_predictor(cW, cN, cNW);
    p = clamp255(p + channel_error);
    step_w = at(1) - cW;
    step_n = at(1) - cN;
    step_ne = at(1) - cNE;
    step_nw = at(1) - cNW;
  }
  if (channel_ > 1) {
    const int dW = left ? (top ? 0 : at(s + 2)) : at(b + 2);
    const int dN = top ? dW : at(s + 2);
    const int dNW = top || left ? dN : at(s + b + 2);
    first_error = at(2) - median_predictor(dW, dN, dNW);
  }
  prediction_ = p;
  // The filter's inputs: the neighbours against p, and for a later channel
  // the previous channel's steps and errors, and the neighbours' signed
  // residuals (20 taps rather than 8: -0.7%).
  auto e = [&](size_t back) { return unzigzag(residuals_[pos_ - back]); };
  const int eW = left ? (top ? 0 : e(s)) : e(b);
  const int eN = top ? eW : e(s);
  const int eNW = top || left ? eN : e(s + b);
  const int eNE = top || right ? eN : e(s - b);
  const int inputs[lms_taps] = {W - p,   N - p,  NW - p,  NE - p,      WW - p,  NN - p,  step_w,   channel_error,
                                NNE - p, step_n, step_ne, first_error, NNW - p, NWW - p, NEE - p, step_nw,
                                eW,      eN,     eNW,     eNE};
  std::copy(inputs, inputs + lms_taps, lms_inputs_);
  lms_correction_ = filter_estimate(&lms_weights_[channel_ * lms_taps], inputs, lms_taps);
  fast_lms_correction_ = filter_estimate(&fast_lms_weights_[channel_ * lms_taps], inputs, lms_taps);
  const uint64_t fast_lms_symbol =
      static_cast<uint64_t>(zigzag(std::max(-128, std::min(127, fast_lms_correction_))));
  const uint64_t lms_symbol = static_cast<uint64_t>(zigzag(std::max(-128, std::min(127, lms_correction_))));
  const int gradient = clamp255(W + N - NW), average = (W + N + 1) / 2;
  const int north_east = clamp255(N + NE - NN), west_west = clamp255(2 * W - WW);
  // CALIC's gradients, its GAP predictor, and more predictors as paq8px im24.
  const int dh = std::abs(W - WW) + std::abs(N - NW) + std::abs(NE - N);
  const int dv = std::abs(W - NW) + std::abs(N - NN) + std::abs(NE - NNE);
  const int gap = gap_predictor(W, N, NW, NE, dh, dv), paeth = paeth_predictor(W, N, NW);
  const int west_north_east = clamp255(W + NE - N), average_west_ne = (W + NE + 1) / 2;
  const int average_north_ne = (N + NE + 1) / 2;
  // The previous channel's step at this pixel applied to this channel's
  // neighbours (for the first channel, the neighbours themselves).
  const int channel_w = clamp255(W + step_w), channel_n = clamp255(N + step_n);
  const int channel_ne = clamp255(NE + step_ne), channel_nw = clamp255(NW + step_nw);
  const int predictors[direct_inputs] = {W,     N,     NW,    NE,       gradient, average,
                                         north_east, west_west, clamp255(p + lms_correction_),
                                         paeth, gap,   west_north_east, average_west_ne, average_north_ne,
                                         channel_w, channel_n, channel_ne, channel_nw,
                                         clamp255(p + fast_lms_correction_)};
  for (int k = 0; k < direct_inputs; ++k)
    expected_[k] = 256 | zigzag(std::max(-128, std::min(127, predictors[k] - p)));
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
  h[20] = z(paeth) << 8 | z(gap);
  h[21] = z(west_north_east) << 8 | z(average_west_ne);
  h[22] = z(channel_w) << 8 | z(channel_n);
  h[23] = z(channel_ne) << 8 | z(average_north_ne);
  // CALIC's texture pattern: which of 8 neighbours and extrapolations lie below p.
  const uint64_t texture = uint64_t(W < p) | uint64_t(N < p) << 1 | uint64_t(NW < p) << 2 | uint64_t(NE < p) << 3 |
                           uint64_t(NN < p) << 4 | uint64_t(WW < p) << 5 | uint64_t(2 * N - NN < p) << 6 |
                           uint64_t(2 * W - WW < p) << 7;
  h[24] = texture << 8 | magnitude_class(dh + dv) << 4 | std::min<uint64_t>(rW, 15);
  h[25] = lms_symbol << 16 | rP << 8 | std::min<uint64_t>(rPP, 15);
  h[26] = fast_lms_symbol << 8 | lms_symbol;
  for (int i = 0; i < maps; ++i) {
    hashes_[i] = ((h[i] << 4 | static_cast<uint64_t>(channel_)) + (uint64_t(i + 1) << 56)) * 0xD6E8FEB86659FD93ull;
    maps_[static_cast<size_t>(i)].select(hashes_[i], 1);
  }
  const size_t ch = static_cast<size_t>(channel_);
  west_residual_ = rW;
  mixer_base_[0] = ch * 256;
  mixer_base_[1] = (qa * 4 + ch) * 8;
  lms_symbol_ = lms_symbol;
  mixer_base_[2] = std::min<size_t>(rP, 31) * 64;
  c0_ = 1;
  bit_ = 0;
}

int image_predictor::p() {
  if (bit_ == 4)
    for (int i = 0; i < maps; ++i) maps_[static_cast<size_t>(i)].select(hashes_[i], c0_);
  const uint32_t j = nibble_slot(bit_, c0_);
  int k = 0;
  for (auto& m : maps_) x_[k++] = stretch(m.p(j));
  // A predictor whose expected symbol still agrees with the bits so far votes
  // for its next bit with its learned confidence; one that disagrees is silent.
  for (int i = 0; i < direct_inputs; ++i) {
    const uint32_t e = expected_[i];
    int vote = 0;
    if ((e >> (8 - bit_)) == c0_) {
      vote = stretch(direct_hits_[(i * 4 + channel_) * 8 + bit_] >> 4);
      if (((e >> (7 - bit_)) & 1) == 0) vote = -vote;
    }
    x_[k++] = vote;
  }
  x_[k] = 256;  // bias
  const size_t bit = static_cast<size_t>(bit_);
  y_[0] = mixers_[0].mix(x_, mixer_base_[0] + c0_);
  y_[1] = mixers_[1].mix(x_, mixer_base_[1] + bit);
  y_[2] = mixers_[2].mix(x_, mixer_base_[2] + bit);
  y_[3] = 256;
  const int p_mix = squash(final_.mix(y_, 0));
  const size_t ch = static_cast<size_t>(channel_);
  const size_t activity = static_cast<size_t>(std::min(activity_, 255) >> 2);
  const int a1 = apm_activity_.refine(p_mix, (activity * 4 + ch) * 256 + c0_);
  const size_t west = std::min<size_t>(west_residual_, 63);
  const int a2 = apm_west_.refine(p_mix, (ch * 64 + west) * 256 + c0_);
  const int a3 = apm_lms_.refine(p_mix, (ch * 32 + std::min<size_t>(lms_symbol_, 31)) * 256 + c0_);
  return std::min(4095, std::max(1, (p_mix + a1 + a2 + a3 + 2) >> 2));
}

void image_predictor::update(int bit) {
  for (auto& m : maps_) m.update(bit);
  for (auto& m : mixers_) m.update(bit);
  final_.update(bit);
  apm_activity_.update(bit);
  apm_west_.update(bit);
  apm_lms_.update(bit);
  for (int i = 0; i < direct_inputs; ++i) {
    const uint32_t e = expected_[i];
    if ((e >> (8 - bit_)) == c0_) {
      uint16_t& t = direct_hits_[(i * 4 + channel_) * 8 + bit_];
      const int target = static_cast<int>((e >> (7 - bit_)) & 1) == bit ? 65535 : 0;
      t = static_cast<uint16_t>(t + ((target - t) >> direct_rate));
    }
  }
  c0_ = (c0_ << 1) | static_cast<uint32_t>(bit);
  if (++bit_ == 8) {
    const uint32_t z = c0_ & 255;
    const uint8_t x = static_cast<uint8_t>(prediction_ + unzigzag(z));
    // NLMS steps toward the residual (x - prediction, unwrapped), slow then fast.
    int64_t energy = 64;
    for (int v : lms_inputs_) energy += int64_t(v) * v;
    const int residual = x - prediction_;
    filter_step(&lms_weights_[channel_ * lms_taps], lms_inputs_, lms_taps, residual - lms_correction_, lms_mu_shift, energy);
    filter_step(&fast_lms_weights_[channel_ * lms_taps], lms_inputs_, lms_taps, residual - fast_lms_correction_,
                fast_lms_mu_shift, energy);
    buf_.push_back(x);
    residuals_.push_back(static_cast<uint8_t>(z));
    ++pos_;
    byte_start();
  }
}

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
