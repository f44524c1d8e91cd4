// The engine's elementary functions, built only from IEEE-754 binary32
// +, -, *, /, sqrt and fma in a fixed order (spec/nn_forward.md §6). Every
// line is one specified operation; kernels_avx2.cpp mirrors exp_nn lane-wise.
// `static inline` keeps one copy per translation unit, whatever its flags.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace archive_nn {
inline namespace v1 {
namespace nn {

constexpr float exp_lo = -87.0f;
constexpr float exp_hi = 88.0f;
constexpr float log2e = 0x1.715476p+0f;
constexpr float round_magic = 0x1.8p23f;
constexpr float ln2_hi = 0x1.62e400p-1f;
constexpr float ln2_lo = 0x1.7f7d1cp-20f;
constexpr float exp_c6 = 0x1.6c16c2p-10f;  // 1/720
constexpr float exp_c5 = 0x1.111112p-7f;   // 1/120
constexpr float exp_c4 = 0x1.555556p-5f;   // 1/24
constexpr float exp_c3 = 0x1.555556p-3f;   // 1/6
constexpr float exp_c2 = 0x1.000000p-1f;   // 1/2
constexpr float exp_c1 = 1.0f;
constexpr float exp_c0 = 1.0f;

static inline float bits_to_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

static inline float fma_nn(float a, float b, float c) { return std::fma(a, b, c); }

static inline float exp_nn(float x) {
  if (!(x >= exp_lo)) return 0.0f;  // also maps NaN to 0: deterministic everywhere
  if (x > exp_hi) x = exp_hi;
  const float t = x * log2e;
  const float n = (t + round_magic) - round_magic;
  float r = fma_nn(-n, ln2_hi, x);
  r = fma_nn(-n, ln2_lo, r);
  float p = exp_c6;
  p = fma_nn(p, r, exp_c5);
  p = fma_nn(p, r, exp_c4);
  p = fma_nn(p, r, exp_c3);
  p = fma_nn(p, r, exp_c2);
  p = fma_nn(p, r, exp_c1);
  p = fma_nn(p, r, exp_c0);
  const int32_t e = static_cast<int32_t>(n) + 127;  // n in [-126, 127]
  return p * bits_to_float(static_cast<uint32_t>(e) << 23);
}

static inline float silu_nn(float z) { return z / (1.0f + exp_nn(-z)); }

constexpr float two_over_pi = 0x1.45f306p-1f;
constexpr float pio2_1 = 0x1.921fb6p+0f;
constexpr float pio2_2 = -0x1.777a5cp-25f;
constexpr float pio2_3 = -0x1.ee59dap-50f;
constexpr float sin_s1 = -0x1.555556p-3f;  // -1/6
constexpr float sin_s2 = 0x1.111112p-7f;   // 1/120
constexpr float sin_s3 = -0x1.a01a02p-13f; // -1/5040
constexpr float cos_c1 = -0x1.000000p-1f;  // -1/2
constexpr float cos_c2 = 0x1.555556p-5f;   // 1/24
constexpr float cos_c3 = -0x1.6c16c2p-10f; // -1/720
constexpr float cos_c4 = 0x1.a01a02p-16f;  // 1/40320

// sin (quadrant_shift 0) or cos (quadrant_shift 1) of x, 0 <= x < 2^22.
static inline float sincos_nn(float x, int quadrant_shift) {
  const float k = (x * two_over_pi + round_magic) - round_magic;
  float r = fma_nn(-k, pio2_1, x);
  r = fma_nn(-k, pio2_2, r);
  r = fma_nn(-k, pio2_3, r);
  const int q = (static_cast<int>(k) + quadrant_shift) & 3;
  const float r2 = r * r;
  float s = fma_nn(sin_s3, r2, sin_s2);
  s = fma_nn(s, r2, sin_s1);
  s = s * r2;
  s = fma_nn(s, r, r);  // r + r^3 * S(r^2)
  float c = fma_nn(cos_c4, r2, cos_c3);
  c = fma_nn(c, r2, cos_c2);
  c = fma_nn(c, r2, cos_c1);
  c = fma_nn(c, r2, 1.0f);
  switch (q) {
    case 0: return s;
    case 1: return c;
    case 2: return -s;
    default: return -c;
  }
}
static inline float sin_nn(float x) { return sincos_nn(x, 0); }
static inline float cos_nn(float x) { return sincos_nn(x, 1); }

constexpr float ln_10000 = 0x1.26bb1cp+3f;  // binary32 nearest to ln(10000)

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
