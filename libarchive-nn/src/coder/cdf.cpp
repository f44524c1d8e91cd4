#include "coder/cdf.hpp"

namespace archive_nn {
inline namespace v1 {
namespace coder {

void quantize(const float* p, uint32_t* freq) {
  uint32_t sum = 0;
  uint32_t top = 0;  // argmax, lowest index on ties
  for (uint32_t s = 0; s < symbols; ++s) {
    float v = p[s];
    if (!(v >= 0.0f)) v = 0.0f;
    if (v > 1.0f) v = 1.0f;
    freq[s] = 1 + static_cast<uint32_t>(v * budget);
    sum += freq[s];
    if (freq[s] > freq[top]) top = s;
  }
  // A deficit goes to the most probable symbol (lowest index on ties). An
  // excess (only when the p[] sum to more than 1) is taken from the symbols in
  // index order, each kept >= 1 (spec/nn_codec.md §2).
  if (sum <= total) {
    freq[top] += total - sum;
  } else {
    uint32_t excess = sum - total;
    while (excess > 0) {  // spread over symbols in order of index if one is not enough
      for (uint32_t s = 0; s < symbols && excess > 0; ++s) {
        const uint32_t take = freq[s] - 1 < excess ? freq[s] - 1 : excess;
        freq[s] -= take;
        excess -= take;
      }
    }
  }
}

void cumulate(const uint32_t* freq, uint32_t* cum) {
  cum[0] = 0;
  for (uint32_t s = 0; s < symbols; ++s) cum[s + 1] = cum[s] + freq[s];
}

uint32_t find_symbol(const uint32_t* cum, uint32_t target) {
  uint32_t lo = 0, hi = symbols;  // cum[lo] <= target < cum[hi]
  while (hi - lo > 1) {
    const uint32_t mid = (lo + hi) / 2;
    if (cum[mid] <= target) lo = mid;
    else hi = mid;
  }
  return lo;
}

}  // namespace coder
}  // namespace v1
}  // namespace archive_nn
