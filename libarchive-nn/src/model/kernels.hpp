// The engine's kernels. kernels_ref.cpp defines each operation (spec/nn_forward.md);
// every SIMD table must return bit-identical results (tests/unit/test_kernels_exact.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace archive_nn {
inline namespace v1 {
namespace nn {

struct kernel_table {
  const char* name;
  // y[r*out + o] = dot(x[r*in + :], wt[: * out + o], in): one fma chain per output,
  // i increasing. wt is the transposed weight, [in][out], in the model file's
  // binary16 (widened exactly: the same values, half the memory traffic).
  void (*linear)(const float* x, size_t rows, size_t in, const uint16_t* wt, size_t out, float* y);
  // s[j] = dot(q[0..dh), kt[c*stride + j] over c, dh) * scale, for j < n.
  // Keys and values are binary16 (spec/nn_forward.md §4.1), widened exactly.
  void (*attn_scores)(const float* q, const uint16_t* kt, size_t dh, size_t stride, size_t n, float scale, float* s);
  // e[j] = exp_nn(s[j] - m), for j < n.
  void (*exp_shift)(const float* s, size_t n, float m, float* e);
  // o[c] = fma chain over j < n of p[j] * v[j*vstride + c], for c < dh.
  void (*attn_mix)(const float* p, const uint16_t* v, size_t vstride, size_t n, size_t dh, float* o);
  // All heads at once: o[h*dh + c] = fma chain over j < n of
  // p[h*pstride + j] * v[j*vstride + h*dh + c]; the same value as attn_mix per head.
  void (*attn_mix_heads)(const float* p, size_t pstride, const uint16_t* v, size_t vstride, size_t n, size_t heads,
                         size_t dh, float* o);
  // m = s[0]; for j in 1..n-1: m = s[j] > m ? s[j] : m.
  float (*max_of)(const float* s, size_t n);
  // Per row: ss = dot(x, x, d); inv = 1 / sqrt(ss / d + eps); y[c] = (x[c] * inv) * g[c].
  void (*rmsnorm)(const float* x, const float* g, size_t rows, size_t d, float eps, float* y);
  // g[i] = silu_nn(g[i]) * u[i].
  void (*silu_mul)(float* g, const float* u, size_t n);
  // z[h] = sum_seq(e[h*stride + 0..n)) for h < rows: one sequential chain per row.
  void (*sum_rows)(const float* e, size_t stride, size_t n, size_t rows, float* z);
  // dst[i*dst_stride] = to_half(src[i]) for i < n.
  void (*to_half_strided)(const float* src, size_t n, uint16_t* dst, size_t dst_stride);
};

const kernel_table& kernels_ref();
// binary16 <-> binary32, exact / round to nearest even (as F16C).
uint16_t to_half(float f);
float from_half(uint16_t h);

// The fastest table this CPU supports (AVX2+FMA+F16C when present), unless the
// engine was built scalar-only or ANN_KERNELS=ref is set.
const kernel_table& kernels_best();
// nullptr when not compiled in or not supported by this CPU.
const kernel_table* kernels_avx2();

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
