// Revision 2 of the mixing codec's image model (Codec_Id 10, spec/mix_codec.md
// §12.5, Profile 1), frozen so that archives written with it decode; new
// archives use image_predictor.hpp (revision 3, §14). For
// a pixel stream of known width and bytes per pixel, each byte is predicted
// by the median (LOCO-I) predictor of its W, N and NW neighbours, corrected
// by the error of the channel coded before it in the same pixel, and the
// coder codes the zigzagged residual. Checked context maps keyed by the
// neighbours' residuals, the local gradients, other predictors' disagreement
// with the prediction and the inter-channel error, four mixers (by channel,
// local activity, the previous channel's residual) and a final mixer model
// the residual's bits; two APMs refine them. An adaptive linear filter's
// estimate of the residual is one more context. As CALIC and JPEG-LS predict
// and then model residuals in context, and paq8px's im24 mixes many such
// contexts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/apm.hpp"
#include "mix/checked_map.hpp"
#include "mix/mixer.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

class image_predictor_r2 {
 public:
  static constexpr int maps = 20;
  static constexpr int lms_taps = 8;
  static constexpr int first_mixers = 4;

  // bits: log2 of each context map's slots; capacity: the chunk's size;
  // width: pixels per row (>= 1); pixel_bytes: bytes per pixel (1..4).
  image_predictor_r2(int bits, size_t capacity, uint32_t width, uint32_t pixel_bytes);

  // The symbol the coder codes for the next byte x (its residual, zigzagged).
  int symbol_of(uint8_t x) const;
  // The byte coded last (valid after its eighth update).
  uint8_t last_byte() const { return buf_.back(); }

  // P(next bit of the symbol = 1) in [1, 4095] of 4096.
  int p();
  void update(int bit);

 private:
  void byte_start();
  int byte_back(size_t back) const { return buf_[buf_.size() - back]; }

  std::vector<uint8_t> buf_, residuals_;
  size_t pos_ = 0;
  uint32_t stride_, pixel_bytes_;
  int prediction_ = 0, channel_ = 0, activity_ = 0;
  // An NLMS filter per channel that predicts the residual x - prediction from
  // the neighbours' differences to the prediction (a context, not the base).
  int32_t lms_weights_[4 * lms_taps] = {};
  int lms_inputs_[lms_taps] = {};
  int lms_correction_ = 0;
  uint64_t west_residual_ = 0;
  std::vector<checked_map> maps_;
  uint64_t hashes_[maps] = {};
  std::vector<mixer> mixers_;
  size_t mixer_base_[first_mixers] = {};
  mixer final_;
  apm apm_activity_, apm_west_;
  uint32_t c0_ = 1;
  int bit_ = 0;
  int x_[maps + 1] = {};
  int y_[first_mixers + 1] = {};
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
