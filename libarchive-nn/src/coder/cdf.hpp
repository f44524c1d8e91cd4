// Probabilities -> integer frequency table (spec/nn_codec.md §2): every symbol
// gets at least 1, the total is exactly 2^20, and after the one float->int
// conversion per symbol everything is integer arithmetic.
#pragma once

#include <cstdint>

#include "coder/range_coder.hpp"

namespace archive_nn {
inline namespace v1 {
namespace coder {

constexpr uint32_t symbols = 256;
constexpr float budget = static_cast<float>(total - symbols);  // 1048320, exact in binary32

// freq[256] from p[256]; returns nothing, cannot fail (NaN/negative -> 0, > 1 -> 1).
void quantize(const float* p, uint32_t* freq);
// cum[257] prefix sums of freq: cum[0] = 0, cum[256] = total.
void cumulate(const uint32_t* freq, uint32_t* cum);
// The symbol s with cum[s] <= target < cum[s+1].
uint32_t find_symbol(const uint32_t* cum, uint32_t target);

}  // namespace coder
}  // namespace v1
}  // namespace archive_nn
