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

constexpr int mixer_inputs = 13;
constexpr int32_t mixer_weight_init = 1 << 14;  // 0.25 in 16.16
constexpr int mixer_rate = 6;                   // learning rate (of 2^14); measured 3-8 best on text

class mixer {
 public:
  explicit mixer(size_t sets) : w_(sets * mixer_inputs, mixer_weight_init) {}

  // The stretched output for inputs x (mixer_inputs values) with weight set s.
  int mix(const int* x, size_t s) {
    x_ = x;
    w_at_ = &w_[s * mixer_inputs];
    int64_t dot = 0;
    for (int i = 0; i < mixer_inputs; ++i) dot += int64_t(x[i]) * w_at_[i];
    int d = static_cast<int>(dot >> 16);
    d = d < -2047 ? -2047 : d > 2047 ? 2047 : d;
    p_ = squash(d);
    return d;
  }
  void update(int bit) {
    const int err = ((bit << 12) - p_) * mixer_rate;
    for (int i = 0; i < mixer_inputs; ++i) w_at_[i] += (x_[i] * err) >> 14;
  }

 private:
  std::vector<int32_t> w_;
  const int* x_ = nullptr;
  int32_t* w_at_ = nullptr;
  int p_ = 2048;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
