// Every SIMD kernel must equal its _ref kernel bit for bit (spec/nn_forward.md §1).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "model/kernels.hpp"
#include "model/nn_math.hpp"

using namespace archive_nn::nn;

namespace {
std::vector<float> randv(std::mt19937& rng, size_t n, float scale) {
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}
std::vector<uint16_t> halves(const std::vector<float>& f) {
  std::vector<uint16_t> h(f.size());
  for (size_t i = 0; i < f.size(); ++i) h[i] = to_half(f[i]);
  return h;
}
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
}  // namespace

TEST_CASE("SIMD kernels equal the reference kernels bit for bit", "[kernels]") {
  const kernel_table* simd = kernels_avx2();
  if (!simd) {
    WARN("no AVX2+FMA on this CPU or build: nothing to compare");
    return;
  }
  const kernel_table& ref = kernels_ref();
  std::mt19937 rng(42);
  SECTION("linear, odd and even shapes") {
    const size_t shapes[][3] = {{1, 16, 8}, {3, 17, 25}, {4, 64, 48}, {7, 128, 512}, {33, 40, 256}, {5, 3, 1}, {9, 512, 130}};
    for (const auto& s : shapes) {
      const auto x = randv(rng, s[0] * s[1], 1.0f);
      const auto w = halves(randv(rng, s[1] * s[2], 0.3f));
      std::vector<float> y1(s[0] * s[2]), y2(s[0] * s[2]);
      ref.linear(x.data(), s[0], s[1], w.data(), s[2], y1.data());
      simd->linear(x.data(), s[0], s[1], w.data(), s[2], y2.data());
      INFO(s[0] << "x" << s[1] << "x" << s[2]);
      CHECK(same_bits(y1, y2));
    }
  }
  SECTION("attention scores and mix") {
    for (size_t n : {1, 7, 8, 15, 16, 17, 100, 1024}) {
      for (size_t dh : {4, 8, 16, 20, 40}) {
        const size_t stride = 1100;
        const auto q = randv(rng, dh, 1.0f);
        const auto kt = halves(randv(rng, dh * stride, 1.0f)), v = halves(randv(rng, n * 64, 1.0f));
        std::vector<float> s1(n), s2(n), o1(dh), o2(dh);
        ref.attn_scores(q.data(), kt.data(), dh, stride, n, 0.25f, s1.data());
        simd->attn_scores(q.data(), kt.data(), dh, stride, n, 0.25f, s2.data());
        CHECK(same_bits(s1, s2));
        ref.attn_mix(s1.data(), v.data(), 64, n, dh, o1.data());
        simd->attn_mix(s1.data(), v.data(), 64, n, dh, o2.data());
        CHECK(same_bits(o1, o2));
      }
    }
  }
  SECTION("all-heads mix and max") {
    for (size_t n : {1, 9, 64, 333}) {
      for (size_t heads : {1, 2, 8}) {
        for (size_t dh : {8, 12, 16, 32}) {
          const size_t d = heads * dh, pstride = 400;
          const auto p = randv(rng, heads * pstride, 1.0f);
          const auto v = halves(randv(rng, n * d, 1.0f));
          std::vector<float> o1(d), o2(d), o3(d);
          ref.attn_mix_heads(p.data(), pstride, v.data(), d, n, heads, dh, o1.data());
          simd->attn_mix_heads(p.data(), pstride, v.data(), d, n, heads, dh, o2.data());
          for (size_t h = 0; h < heads; ++h) ref.attn_mix(p.data() + h * pstride, v.data() + h * dh, d, n, dh, o3.data() + h * dh);
          CHECK(same_bits(o1, o2));
          CHECK(same_bits(o1, o3));
        }
      }
      auto s = randv(rng, n, 3.0f);
      CHECK(ref.max_of(s.data(), n) == simd->max_of(s.data(), n));
      s[n / 2] = std::numeric_limits<float>::quiet_NaN();
      const float m1 = ref.max_of(s.data(), n), m2 = simd->max_of(s.data(), n);
      CHECK(std::memcmp(&m1, &m2, sizeof m1) == 0);
      s[0] = std::numeric_limits<float>::quiet_NaN();
      CHECK(std::isnan(ref.max_of(s.data(), n)));
      CHECK(std::isnan(simd->max_of(s.data(), n)));
    }
  }
  SECTION("sum_rows and to_half_strided") {
    for (size_t rows : {1, 7, 8, 9, 16}) {
      for (size_t n : {1, 5, 8, 9, 63, 64, 513}) {
        const auto e = randv(rng, rows * 600, 1.0f);
        std::vector<float> z1(rows), z2(rows);
        ref.sum_rows(e.data(), 600, n, rows, z1.data());
        simd->sum_rows(e.data(), 600, n, rows, z2.data());
        CHECK(same_bits(z1, z2));
      }
    }
    auto src = randv(rng, 1000, 30000.0f);
    src[3] = 70000.0f;
    src[4] = -1e-7f;
    src[5] = 3e-6f;
    src[6] = std::numeric_limits<float>::quiet_NaN();
    src[7] = -std::numeric_limits<float>::infinity();
    src[8] = 65519.0f;
    src[9] = 65520.0f;
    for (size_t stride : {1, 3}) {
      std::vector<uint16_t> h1(1000 * stride), h2(1000 * stride);
      ref.to_half_strided(src.data(), 1000, h1.data(), stride);
      simd->to_half_strided(src.data(), 1000, h2.data(), stride);
      CHECK(h1 == h2);
    }
  }
  SECTION("rmsnorm and silu_mul") {
    for (size_t rows : {1, 3, 8, 13}) {
      for (size_t d : {8, 20, 128}) {
        const auto x = randv(rng, rows * d, 2.0f), g = randv(rng, d, 1.0f);
        std::vector<float> y1(rows * d), y2(rows * d);
        ref.rmsnorm(x.data(), g.data(), rows, d, 1e-5f, y1.data());
        simd->rmsnorm(x.data(), g.data(), rows, d, 1e-5f, y2.data());
        CHECK(same_bits(y1, y2));
      }
    }
    auto g1 = randv(rng, 1003, 6.0f), u = randv(rng, 1003, 1.0f);
    g1[5] = 100.0f;
    g1[6] = -100.0f;
    auto g2 = g1;
    ref.silu_mul(g1.data(), u.data(), g1.size());
    simd->silu_mul(g2.data(), u.data(), g2.size());
    CHECK(same_bits(g1, g2));
  }
  SECTION("exp over its whole range, edges and NaN") {
    std::vector<float> s;
    for (float x = -100.0f; x <= 100.0f; x += 0.0137f) s.push_back(x);
    const float specials[] = {-87.0f, -86.99999f, -87.00001f, 88.0f, 88.00001f, 0.0f, -0.0f,
                              std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), 1e-30f, -1e-30f};
    s.insert(s.end(), std::begin(specials), std::end(specials));
    std::vector<float> e1(s.size()), e2(s.size());
    ref.exp_shift(s.data(), s.size(), 0.0f, e1.data());
    simd->exp_shift(s.data(), s.size(), 0.0f, e2.data());
    CHECK(same_bits(e1, e2));
    for (size_t i = 0; i < s.size(); ++i) REQUIRE(e1[i] == exp_nn(s[i] - 0.0f));
  }
}

TEST_CASE("exp_nn, sin_nn and cos_nn are accurate enough for the model", "[kernels]") {
  for (float x = -80.0f; x < 80.0f; x += 0.37f) {
    const double want = std::exp(static_cast<double>(x));
    CHECK(std::abs(exp_nn(x) - want) <= want * 4e-7);
  }
  for (float x = 0.0f; x < 5000.0f; x += 1.7f) {
    CHECK(std::abs(sin_nn(x) - std::sin(static_cast<double>(x))) < 2e-4);
    CHECK(std::abs(cos_nn(x) - std::cos(static_cast<double>(x))) < 2e-4);
  }
}
