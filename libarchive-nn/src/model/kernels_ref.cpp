// Scalar reference kernels: the definition every other table must equal.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "model/kernels.hpp"
#include "model/model_file.hpp"
#include "model/nn_math.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {
namespace {

void linear_ref(const float* x, size_t rows, size_t in, const uint16_t* wt, size_t out, float* y) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t o = 0; o < out; ++o) {
      float acc = 0.0f;
      for (size_t i = 0; i < in; ++i) acc = fma_nn(x[r * in + i], from_half(wt[i * out + o]), acc);
      y[r * out + o] = acc;
    }
}

void attn_scores_ref(const float* q, const uint16_t* kt, size_t dh, size_t stride, size_t n, float scale, float* s) {
  for (size_t j = 0; j < n; ++j) {
    float acc = 0.0f;
    for (size_t c = 0; c < dh; ++c) acc = fma_nn(q[c], from_half(kt[c * stride + j]), acc);
    s[j] = acc * scale;
  }
}

void exp_shift_ref(const float* s, size_t n, float m, float* e) {
  for (size_t j = 0; j < n; ++j) e[j] = exp_nn(s[j] - m);
}

void attn_mix_ref(const float* p, const uint16_t* v, size_t vstride, size_t n, size_t dh, float* o) {
  for (size_t c = 0; c < dh; ++c) {
    float acc = 0.0f;
    for (size_t j = 0; j < n; ++j) acc = fma_nn(p[j], from_half(v[j * vstride + c]), acc);
    o[c] = acc;
  }
}

void attn_mix_heads_ref(const float* p, size_t pstride, const uint16_t* v, size_t vstride, size_t n, size_t heads,
                        size_t dh, float* o) {
  for (size_t h = 0; h < heads; ++h) attn_mix_ref(p + h * pstride, v + h * dh, vstride, n, dh, o + h * dh);
}

float max_of_ref(const float* s, size_t n) {
  float m = s[0];
  for (size_t j = 1; j < n; ++j) m = s[j] > m ? s[j] : m;
  return m;
}

void rmsnorm_ref(const float* x, const float* g, size_t rows, size_t d, float eps, float* y) {
  const float dim = static_cast<float>(d);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * d;
    float ss = 0.0f;
    for (size_t c = 0; c < d; ++c) ss = fma_nn(xr[c], xr[c], ss);
    const float inv = 1.0f / std::sqrt(ss / dim + eps);
    float* yr = y + r * d;
    for (size_t c = 0; c < d; ++c) yr[c] = (xr[c] * inv) * g[c];
  }
}

void silu_mul_ref(float* g, const float* u, size_t n) {
  for (size_t i = 0; i < n; ++i) g[i] = silu_nn(g[i]) * u[i];
}

void sum_rows_ref(const float* e, size_t stride, size_t n, size_t rows, float* z) {
  for (size_t h = 0; h < rows; ++h) {
    float acc = 0.0f;
    for (size_t j = 0; j < n; ++j) acc = acc + e[h * stride + j];
    z[h] = acc;
  }
}

void to_half_strided_ref(const float* src, size_t n, uint16_t* dst, size_t dst_stride) {
  for (size_t i = 0; i < n; ++i) dst[i * dst_stride] = archive_nn::model::f32_to_f16(src[i]);
}

}  // namespace

uint16_t to_half(float f) { return archive_nn::model::f32_to_f16(f); }
float from_half(uint16_t h) { return archive_nn::model::f16_to_f32(h); }

const kernel_table& kernels_ref() {
  static const kernel_table table = {"ref", linear_ref, attn_scores_ref, exp_shift_ref, attn_mix_ref, attn_mix_heads_ref, max_of_ref,
                                     rmsnorm_ref, silu_mul_ref, sum_rows_ref, to_half_strided_ref};
  return table;
}

const kernel_table& kernels_best() {
  static const kernel_table* best = [] {
    const char* env = std::getenv("ANN_KERNELS");
    if (env && std::strcmp(env, "ref") == 0) return &kernels_ref();
    const kernel_table* avx2 = kernels_avx2();
    return avx2 ? avx2 : &kernels_ref();
  }();
  return *best;
}

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
