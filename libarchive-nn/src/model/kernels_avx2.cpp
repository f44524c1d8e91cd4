// AVX2+FMA kernels. Each vector lane runs exactly the operation sequence of
// the matching kernels_ref.cpp loop (vectorised across outputs, never inside a
// reduction), so results are bit-identical. Compiled with -mavx2 -mfma.
#include "model/kernels.hpp"

#if defined(ANN_HAVE_AVX2_KERNELS)
#include <cpuid.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "model/nn_math.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {
namespace {

inline __m256 load_half8(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// One output column o for rows [r0, r1): the scalar definition.
void linear_column_scalar(const float* x, size_t r0, size_t r1, size_t in, const uint16_t* wt, size_t out, size_t o,
                          float* y) {
  for (size_t r = r0; r < r1; ++r) {
    float acc = 0.0f;
    for (size_t i = 0; i < in; ++i) acc = fma_nn(x[r * in + i], _cvtsh_ss(wt[i * out + o]), acc);
    y[r * out + o] = acc;
  }
}

// Rows [r0, r0+4) x columns [o, o+24): 12 independent fma chains.
inline void tile_4x24(const float* x, size_t r0, size_t in, const uint16_t* wt, size_t out, size_t o, float* y) {
  __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
  __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
  const float* x0 = x + r0 * in;
  const float* x1 = x0 + in;
  const float* x2 = x1 + in;
  const float* x3 = x2 + in;
  for (size_t i = 0; i < in; ++i) {
    const uint16_t* w = wt + i * out + o;
    const __m256 w0 = load_half8(w), w1 = load_half8(w + 8), w2 = load_half8(w + 16);
    __m256 b = _mm256_broadcast_ss(x0 + i);
    a00 = _mm256_fmadd_ps(b, w0, a00);
    a01 = _mm256_fmadd_ps(b, w1, a01);
    a02 = _mm256_fmadd_ps(b, w2, a02);
    b = _mm256_broadcast_ss(x1 + i);
    a10 = _mm256_fmadd_ps(b, w0, a10);
    a11 = _mm256_fmadd_ps(b, w1, a11);
    a12 = _mm256_fmadd_ps(b, w2, a12);
    b = _mm256_broadcast_ss(x2 + i);
    a20 = _mm256_fmadd_ps(b, w0, a20);
    a21 = _mm256_fmadd_ps(b, w1, a21);
    a22 = _mm256_fmadd_ps(b, w2, a22);
    b = _mm256_broadcast_ss(x3 + i);
    a30 = _mm256_fmadd_ps(b, w0, a30);
    a31 = _mm256_fmadd_ps(b, w1, a31);
    a32 = _mm256_fmadd_ps(b, w2, a32);
  }
  float* y0 = y + r0 * out + o;
  _mm256_storeu_ps(y0, a00);
  _mm256_storeu_ps(y0 + 8, a01);
  _mm256_storeu_ps(y0 + 16, a02);
  _mm256_storeu_ps(y0 + out, a10);
  _mm256_storeu_ps(y0 + out + 8, a11);
  _mm256_storeu_ps(y0 + out + 16, a12);
  _mm256_storeu_ps(y0 + 2 * out, a20);
  _mm256_storeu_ps(y0 + 2 * out + 8, a21);
  _mm256_storeu_ps(y0 + 2 * out + 16, a22);
  _mm256_storeu_ps(y0 + 3 * out, a30);
  _mm256_storeu_ps(y0 + 3 * out + 8, a31);
  _mm256_storeu_ps(y0 + 3 * out + 16, a32);
}

// One row x columns [o, o+8).
inline void tile_1x8(const float* x, size_t r, size_t in, const uint16_t* wt, size_t out, size_t o, float* y) {
  __m256 acc = _mm256_setzero_ps();
  const float* xr = x + r * in;
  for (size_t i = 0; i < in; ++i) acc = _mm256_fmadd_ps(_mm256_broadcast_ss(xr + i), load_half8(wt + i * out + o), acc);
  _mm256_storeu_ps(y + r * out + o, acc);
}

void linear_avx2(const float* x, size_t rows, size_t in, const uint16_t* wt, size_t out, float* y) {
  const size_t out24 = out - out % 24;
  const size_t rows4 = rows - rows % 4;
  for (size_t o = 0; o < out24; o += 24) {
    for (size_t r = 0; r < rows4; r += 4) tile_4x24(x, r, in, wt, out, o, y);
    for (size_t r = rows4; r < rows; ++r)
      for (size_t k = 0; k < 24; k += 8) tile_1x8(x, r, in, wt, out, o + k, y);
  }
  size_t o = out24;
  for (; o + 8 <= out; o += 8)
    for (size_t r = 0; r < rows; ++r) tile_1x8(x, r, in, wt, out, o, y);
  for (; o < out; ++o) linear_column_scalar(x, 0, rows, in, wt, out, o, y);
}

void attn_scores_avx2(const float* q, const uint16_t* kt, size_t dh, size_t stride, size_t n, float scale, float* s) {
  const __m256 vscale = _mm256_set1_ps(scale);
  size_t j = 0;
  // 64 keys at a time: 8 independent chains hide the fma latency.
  for (; j + 64 <= n; j += 64) {
    __m256 a[8];
    for (int i = 0; i < 8; ++i) a[i] = _mm256_setzero_ps();
    for (size_t c = 0; c < dh; ++c) {
      const __m256 qc = _mm256_broadcast_ss(q + c);
      const uint16_t* row = kt + c * stride + j;
      a[0] = _mm256_fmadd_ps(qc, load_half8(row), a[0]);
      a[1] = _mm256_fmadd_ps(qc, load_half8(row + 8), a[1]);
      a[2] = _mm256_fmadd_ps(qc, load_half8(row + 16), a[2]);
      a[3] = _mm256_fmadd_ps(qc, load_half8(row + 24), a[3]);
      a[4] = _mm256_fmadd_ps(qc, load_half8(row + 32), a[4]);
      a[5] = _mm256_fmadd_ps(qc, load_half8(row + 40), a[5]);
      a[6] = _mm256_fmadd_ps(qc, load_half8(row + 48), a[6]);
      a[7] = _mm256_fmadd_ps(qc, load_half8(row + 56), a[7]);
    }
    for (int i = 0; i < 8; ++i) _mm256_storeu_ps(s + j + 8 * i, _mm256_mul_ps(a[i], vscale));
  }
  for (; j + 8 <= n; j += 8) {
    __m256 a0 = _mm256_setzero_ps();
    for (size_t c = 0; c < dh; ++c) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(q + c), load_half8(kt + c * stride + j), a0);
    _mm256_storeu_ps(s + j, _mm256_mul_ps(a0, vscale));
  }
  for (; j < n; ++j) {
    float acc = 0.0f;
    for (size_t c = 0; c < dh; ++c) acc = fma_nn(q[c], _cvtsh_ss(kt[c * stride + j]), acc);
    s[j] = acc * scale;
  }
}

// Lane-wise exp_nn: the same operations as nn_math.hpp, in the same order.
inline __m256 exp_avx2(__m256 x) {
  const __m256 keep = _mm256_cmp_ps(x, _mm256_set1_ps(exp_lo), _CMP_GE_OQ);  // false for NaN
  x = _mm256_min_ps(x, _mm256_set1_ps(exp_hi));
  const __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(log2e));
  const __m256 magic = _mm256_set1_ps(round_magic);
  const __m256 n = _mm256_sub_ps(_mm256_add_ps(t, magic), magic);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(ln2_hi), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(ln2_lo), r);
  __m256 p = _mm256_set1_ps(exp_c6);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(exp_c5));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(exp_c4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(exp_c3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(exp_c2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(exp_c1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(exp_c0));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_and_ps(_mm256_mul_ps(p, _mm256_castsi256_ps(e)), keep);
}

void exp_shift_avx2(const float* s, size_t n, float m, float* e) {
  const __m256 vm = _mm256_set1_ps(m);
  size_t j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(e + j, exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(s + j), vm)));
  for (; j < n; ++j) e[j] = exp_nn(s[j] - m);
}

void attn_mix_avx2(const float* p, const uint16_t* v, size_t vstride, size_t n, size_t dh, float* o) {
  size_t c = 0;
  for (; c + 16 <= dh; c += 16) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    for (size_t j = 0; j < n; ++j) {
      const __m256 pj = _mm256_broadcast_ss(p + j);
      a0 = _mm256_fmadd_ps(pj, load_half8(v + j * vstride + c), a0);
      a1 = _mm256_fmadd_ps(pj, load_half8(v + j * vstride + c + 8), a1);
    }
    _mm256_storeu_ps(o + c, a0);
    _mm256_storeu_ps(o + c + 8, a1);
  }
  for (; c + 8 <= dh; c += 8) {
    __m256 a0 = _mm256_setzero_ps();
    for (size_t j = 0; j < n; ++j) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(p + j), load_half8(v + j * vstride + c), a0);
    _mm256_storeu_ps(o + c, a0);
  }
  for (; c < dh; ++c) {
    float acc = 0.0f;
    for (size_t j = 0; j < n; ++j) acc = fma_nn(p[j], _cvtsh_ss(v[j * vstride + c]), acc);
    o[c] = acc;
  }
}

// Columns [c0, c0 + 8*k) of all heads, k <= 8 vectors: 8 independent chains
// hide the fma latency that one head's 2 chains cannot. Needs dh % 8 == 0.
void attn_mix_heads_avx2(const float* p, size_t pstride, const uint16_t* v, size_t vstride, size_t n, size_t heads,
                         size_t dh, float* o) {
  if (dh % 8 != 0) {
    for (size_t h = 0; h < heads; ++h) attn_mix_avx2(p + h * pstride, v + h * dh, vstride, n, dh, o + h * dh);
    return;
  }
  const size_t d = heads * dh;
  for (size_t c0 = 0; c0 < d; c0 += 64) {
    const size_t k = std::min<size_t>(8, (d - c0) / 8);
    __m256 acc[8];
    const float* prow[8];
    for (size_t i = 0; i < k; ++i) {
      acc[i] = _mm256_setzero_ps();
      prow[i] = p + ((c0 + 8 * i) / dh) * pstride;
    }
    if (k == 8) {
      for (size_t j = 0; j < n; ++j) {
        const uint16_t* vj = v + j * vstride + c0;
        acc[0] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[0] + j), load_half8(vj), acc[0]);
        acc[1] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[1] + j), load_half8(vj + 8), acc[1]);
        acc[2] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[2] + j), load_half8(vj + 16), acc[2]);
        acc[3] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[3] + j), load_half8(vj + 24), acc[3]);
        acc[4] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[4] + j), load_half8(vj + 32), acc[4]);
        acc[5] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[5] + j), load_half8(vj + 40), acc[5]);
        acc[6] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[6] + j), load_half8(vj + 48), acc[6]);
        acc[7] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[7] + j), load_half8(vj + 56), acc[7]);
      }
    } else {
      for (size_t j = 0; j < n; ++j)
        for (size_t i = 0; i < k; ++i)
          acc[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(prow[i] + j), load_half8(v + j * vstride + c0 + 8 * i), acc[i]);
    }
    for (size_t i = 0; i < k; ++i) _mm256_storeu_ps(o + c0 + 8 * i, acc[i]);
  }
}

// Lane-wise "s > m ? s : m" from m = s[0], then the lanes in order: the same
// value as the sequential scan (a NaN s[0] stays; other NaNs never win).
float max_of_avx2(const float* s, size_t n) {
  float m = s[0];
  size_t j = 1;
  if (n >= 9) {
    __m256 vm = _mm256_set1_ps(m);
    for (; j + 8 <= n; j += 8) {
      const __m256 x = _mm256_loadu_ps(s + j);
      vm = _mm256_blendv_ps(vm, x, _mm256_cmp_ps(x, vm, _CMP_GT_OQ));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, vm);
    for (float x : lanes) m = x > m ? x : m;
  }
  for (; j < n; ++j) m = s[j] > m ? s[j] : m;
  return m;
}

// Eight rows' sum-of-squares chains side by side (each still sequential in c).
void rmsnorm_avx2(const float* x, const float* g, size_t rows, size_t d, float eps, float* y) {
  const float dim = static_cast<float>(d);
  for (size_t r0 = 0; r0 < rows; r0 += 8) {
    const size_t k = std::min<size_t>(8, rows - r0);
    float ss[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t c = 0; c < d; ++c)
      for (size_t i = 0; i < k; ++i) {
        const float v = x[(r0 + i) * d + c];
        ss[i] = fma_nn(v, v, ss[i]);
      }
    for (size_t i = 0; i < k; ++i) {
      const float inv = 1.0f / std::sqrt(ss[i] / dim + eps);
      const float* xr = x + (r0 + i) * d;
      float* yr = y + (r0 + i) * d;
      const __m256 vinv = _mm256_set1_ps(inv);
      size_t c = 0;
      for (; c + 8 <= d; c += 8)
        _mm256_storeu_ps(yr + c, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(xr + c), vinv), _mm256_loadu_ps(g + c)));
      for (; c < d; ++c) yr[c] = (xr[c] * inv) * g[c];
    }
  }
}

void silu_mul_avx2(float* g, const float* u, size_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 z = _mm256_loadu_ps(g + i);
    const __m256 e = exp_avx2(_mm256_xor_ps(z, sign));
    const __m256 s = _mm256_div_ps(z, _mm256_add_ps(one, e));
    _mm256_storeu_ps(g + i, _mm256_mul_ps(s, _mm256_loadu_ps(u + i)));
  }
  for (; i < n; ++i) g[i] = silu_nn(g[i]) * u[i];
}

// Eight rows at a time: an 8x8 transpose turns eight row chains into one
// vector chain whose lanes are the rows; each lane still adds j = 0, 1, 2...
void sum_rows_avx2(const float* e, size_t stride, size_t n, size_t rows, float* z) {
  size_t h0 = 0;
  for (; h0 + 8 <= rows; h0 += 8) {
    __m256 acc = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
      __m256 r0 = _mm256_loadu_ps(e + (h0 + 0) * stride + j), r1 = _mm256_loadu_ps(e + (h0 + 1) * stride + j);
      __m256 r2 = _mm256_loadu_ps(e + (h0 + 2) * stride + j), r3 = _mm256_loadu_ps(e + (h0 + 3) * stride + j);
      __m256 r4 = _mm256_loadu_ps(e + (h0 + 4) * stride + j), r5 = _mm256_loadu_ps(e + (h0 + 5) * stride + j);
      __m256 r6 = _mm256_loadu_ps(e + (h0 + 6) * stride + j), r7 = _mm256_loadu_ps(e + (h0 + 7) * stride + j);
      const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
      const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
      const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
      const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
      const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      // column k of the 8x8 block (j + k for every row), in order k = 0..7
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u0, u4, 0x20));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u1, u5, 0x20));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u2, u6, 0x20));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u3, u7, 0x20));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u0, u4, 0x31));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u1, u5, 0x31));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u2, u6, 0x31));
      acc = _mm256_add_ps(acc, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, acc);
    for (; j < n; ++j)
      for (size_t h = 0; h < 8; ++h) lanes[h] = lanes[h] + e[(h0 + h) * stride + j];
    for (size_t h = 0; h < 8; ++h) z[h0 + h] = lanes[h];
  }
  for (; h0 < rows; ++h0) {
    float acc = 0.0f;
    for (size_t j = 0; j < n; ++j) acc = acc + e[h0 * stride + j];
    z[h0] = acc;
  }
}

void to_half_strided_avx2(const float* src, size_t n, uint16_t* dst, size_t dst_stride) {
  size_t i = 0;
  if (dst_stride == 1)
    for (; i + 8 <= n; i += 8)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                       _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  alignas(16) uint16_t h[8];
  for (; i + 8 <= n; i += 8) {
    _mm_store_si128(reinterpret_cast<__m128i*>(h),
                    _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (size_t k = 0; k < 8; ++k) dst[(i + k) * dst_stride] = h[k];
  }
  for (; i < n; ++i) dst[i * dst_stride] = _cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

}  // namespace

const kernel_table* kernels_avx2() {
  static const kernel_table table = {"avx2", linear_avx2, attn_scores_avx2, exp_shift_avx2, attn_mix_avx2,
                                     attn_mix_heads_avx2, max_of_avx2, rmsnorm_avx2, silu_mul_avx2,
                                     sum_rows_avx2, to_half_strided_avx2};
  // F16C through cpuid: clang 14's __builtin_cpu_supports does not know "f16c".
  static const bool supported = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    const bool f16c = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
    return f16c && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return supported ? &table : nullptr;
}

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn

#else

namespace archive_nn {
inline namespace v1 {
namespace nn {
const kernel_table* kernels_avx2() { return nullptr; }
}  // namespace nn
}  // namespace v1
}  // namespace archive_nn

#endif
