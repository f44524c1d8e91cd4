// The mixing codec's audio model (spec/mix_codec.md §12.6, Profile 2): for
// 16-bit PCM, each sample is predicted by a cascade of three integer NLMS
// filters (a 16-tap filter on the first difference, then a 32-tap and a
// 16-tap filter on what the stage before left, as Monkey's Audio and
// OptimFROG cascade adaptive filters), and the coder codes the zigzagged
// 16-bit residual, high byte first, in checked context maps keyed by the
// residuals' recent magnitude, mixed by two mixers and a final mixer and
// refined by two APMs. Channels have their own filters; a channel after the
// first also sees the previous channel's residual at the same instant.
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

// Normalised least-mean-squares adaptive filter, integer only: weights in
// units of 2^-14, step 2^-mu_shift normalised by the inputs' energy.
class nlms_filter {
 public:
  nlms_filter(int taps, int mu_shift) : w_(static_cast<size_t>(taps), 0), x_(static_cast<size_t>(taps), 0), mu_shift_(mu_shift) {}
  int predict() const;
  void update(int error);  // error = target - predict()
  void push(int v);        // the newest input becomes tap 0
  int32_t& tap(size_t i) { return x_[i]; }

 private:
  std::vector<int32_t> w_, x_;
  int mu_shift_;
};

class audio_predictor {
 public:
  static constexpr int maps = 6;
  static constexpr int channels_max = 8;

  audio_predictor(int bits, uint32_t channels);

  // The 16-bit symbol the coder codes for the next sample (its residual, zigzagged).
  uint32_t symbol_of(int sample) const;
  // The sample coded last (valid after its sixteenth update).
  int last_sample() const { return last_sample_; }

  // P(next bit of the symbol = 1) in [1, 4095] of 4096.
  int p();
  void update(int bit);

 private:
  struct channel_state {
    channel_state();
    nlms_filter difference, first, second;
    int previous = 0;                     // the channel's last sample
    int p_difference = 0, p_first = 0, p_second = 0;
    int error_difference = 0;             // the last first-stage error (seen by the next channel)
    int magnitude = 0;                    // running mean of the symbols, x16
    uint32_t last_symbol = 0;
  };
  void sample_start();
  void byte_start();
  void sample_done(int sample);

  std::vector<channel_state> ch_;
  uint32_t channels_, channel_ = 0;
  int prediction_ = 0, last_sample_ = 0;
  int scale_ = 0, last_scale_ = 0;  // bit lengths of the running magnitude and of the last symbol
  std::vector<checked_map> maps_;
  uint64_t hashes_[maps] = {};
  mixer by_scale_, by_last_, final_;
  apm apm_scale_, apm_last_;
  uint32_t c0_ = 1, high_ = 0;
  int bit_ = 0, byte_ = 0;  // bit of the current byte, byte of the symbol (0 high, 1 low)
  int x_[maps + 1] = {};
  int y_[3] = {};
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
