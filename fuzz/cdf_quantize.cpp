// cdf_quantize: any 256 float bit patterns (NaN, Inf, negatives, subnormals,
// values above 1) -> quantize() gives every symbol a frequency >= 1 and a
// total of exactly 2^20; cumulate() and find_symbol() agree with it
// (spec/nn_codec.md §2).
#include <cmath>

#include "coder/cdf.hpp"
#include "fuzz_helpers.hpp"

namespace coder = archive_nn::coder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  float p[256];
  const uint8_t mode = in.u8();
  for (float& v : p) {
    switch (mode & 3) {
      case 0: v = in.f32_bits(); break;                      // raw bit patterns
      case 1: v = static_cast<float>(in.u8()) / 255.0f; break;  // in [0, 1]
      case 2: v = static_cast<float>(in.u32_in(0, 1 << 20)) * (1.0f / (1 << 20)); break;
      default: v = in.flag() ? in.f32_bits() : 1.0f / 256.0f; break;  // mostly uniform
    }
  }
  if (mode & 4) {  // a softmax-like vector: normalised to sum 1 (when finite)
    double sum = 0;
    for (float v : p) sum += std::isfinite(v) && v > 0 ? v : 0;
    if (sum > 0)
      for (float& v : p) v = std::isfinite(v) && v > 0 ? static_cast<float>(v / sum) : 0.0f;
  }

  uint32_t freq[256], again[256], cum[257];
  coder::quantize(p, freq);
  uint64_t sum = 0;
  for (uint32_t s = 0; s < 256; ++s) {
    FUZZ_ASSERT_MSG(freq[s] >= 1, "symbol " + std::to_string(s) + " has frequency 0");
    sum += freq[s];
  }
  FUZZ_ASSERT_MSG(sum == coder::total, "frequencies total " + std::to_string(sum));

  coder::quantize(p, again);
  FUZZ_ASSERT(std::memcmp(freq, again, sizeof freq) == 0);

  coder::cumulate(freq, cum);
  FUZZ_ASSERT(cum[0] == 0 && cum[256] == coder::total);
  for (uint32_t s = 0; s < 256; ++s) {
    FUZZ_ASSERT(cum[s + 1] == cum[s] + freq[s]);
    // Both ends of every symbol's interval decode to it.
    FUZZ_ASSERT(coder::find_symbol(cum, cum[s]) == s);
    FUZZ_ASSERT(coder::find_symbol(cum, cum[s + 1] - 1) == s);
  }
  for (int k = 0; k < 8; ++k) {
    const uint32_t target = in.u32_in(0, coder::total - 1);
    const uint32_t s = coder::find_symbol(cum, target);
    FUZZ_ASSERT(s < 256 && cum[s] <= target && target < cum[s + 1]);
  }
  return 0;
}
