// Adaptive bit probabilities (spec/mix_codec.md §4): a 32-bit slot holds a
// 22-bit probability that the next bit is 1 and a 10-bit count n; each update
// moves the probability by 1/(n + 1.5) of the error until n reaches a limit,
// so young contexts learn fast and old ones average (zpaq's CM counters).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace archive_nn {
inline namespace v1 {
namespace mix {

constexpr uint32_t counter_init = uint32_t(1) << 31;  // p = 1/2, n = 0

// rate[n] = floor(2^17 / (2n + 3)): 65536 / (n + 1.5).
inline const std::array<int32_t, 1024>& counter_rates() {
  static const std::array<int32_t, 1024> r = [] {
    std::array<int32_t, 1024> t{};
    for (int n = 0; n < 1024; ++n) t[static_cast<size_t>(n)] = (1 << 17) / (2 * n + 3);
    return t;
  }();
  return r;
}

// The slot's probability of a 1 in 12 bits.
inline int counter_p(uint32_t slot) { return static_cast<int>(slot >> 20); }

inline void counter_update(uint32_t& slot, int bit, uint32_t limit) {
  const uint32_t n = slot & 1023;
  const int64_t p = slot >> 10;
  const int64_t target = bit ? (int64_t(1) << 22) - 1 : 0;
  const int64_t moved = p + (((target - p) * counter_rates()[n]) >> 16);
  slot = (static_cast<uint32_t>(moved) << 10) | (n < limit ? n + 1 : limit);
}

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
