// An adaptive probability map (secondary estimation, spec/mix_codec.md §8):
// per context, 24 probabilities at evenly spaced points of the stretch
// domain; the input probability is refined by interpolating between the two
// nearest, and the nearer one learns. As lpaq1's APM.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "mix/squash.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

class apm {
 public:
  apm(size_t contexts, int rate) : t_(contexts * 24), rate_(rate) {
    uint16_t first[24];
    for (int j = 0; j < 24; ++j)  // point j sits at stretch j * 4096 / 23 - 2048
      first[j] = static_cast<uint16_t>(squash(j * 4096 / 23 - 2048) * 16);
    for (size_t i = 0; i < contexts; ++i) std::copy(first, first + 24, t_.begin() + static_cast<std::ptrdiff_t>(i * 24));
  }
  // p in [0, 4095] -> refined p in [0, 4095].
  int refine(int p, size_t cx) {
    const int s = (stretch(p) + 2048) * 23;  // 0 .. 94185
    const int w = s & 0xFFF;                 // weight of the upper point
    const size_t at = cx * 24 + static_cast<size_t>(s >> 12);
    index_ = at + static_cast<size_t>(w >> 11);
    return (t_[at] * (4096 - w) + t_[at + 1] * w) >> 16;
  }
  void update(int bit) {
    const int g = (bit << 16) + (bit << rate_) - bit - bit;
    t_[index_] = static_cast<uint16_t>(t_[index_] + ((g - t_[index_]) >> rate_));
  }

 private:
  std::vector<uint16_t> t_;
  int rate_;
  size_t index_ = 0;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
