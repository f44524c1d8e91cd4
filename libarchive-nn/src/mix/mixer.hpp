// The logistic mixer (spec/mix_codec.md §7): a weight set, chosen by a small
// context, combines the inputs (stretched probabilities) in fixed point; after
// each bit the weights move along the gradient of the coding cost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/squash.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

constexpr int32_t mixer_weight_init = 1 << 14;  // 0.25 in 16.16

class mixer {
 public:
  // inputs: values per mix; sets: weight sets; rate: learning rate (of 2^14).
  mixer(int inputs, size_t sets, int rate) : n_(inputs), w_(sets * static_cast<size_t>(inputs), mixer_weight_init), rate_(rate) {}

  // The stretched output for inputs x (n values) with weight set s.
  int mix(const int* x, size_t s) {
    x_ = x;
    w_at_ = &w_[s * static_cast<size_t>(n_)];
    int64_t dot = 0;
    for (int i = 0; i < n_; ++i) dot += int64_t(x[i]) * w_at_[i];
    int d = static_cast<int>(dot >> 16);
    d = d < -2047 ? -2047 : d > 2047 ? 2047 : d;
    p_ = squash(d);
    return d;
  }
  // A new learning rate (of 2^14) for the following updates.
  void set_rate(int rate) { rate_ = rate; }
  void update(int bit) {
    const int err = ((bit << 12) - p_) * rate_;
    for (int i = 0; i < n_; ++i) w_at_[i] += (x_[i] * err) >> 14;
  }

 private:
  int n_;
  std::vector<int32_t> w_;
  int rate_;
  const int* x_ = nullptr;
  int32_t* w_at_ = nullptr;
  int p_ = 2048;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
