#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "coder/cdf.hpp"

using namespace archive_nn;

namespace {
void check_table(const float* p) {
  uint32_t freq[256];
  coder::quantize(p, freq);
  uint64_t sum = 0;
  for (uint32_t f : freq) {
    REQUIRE(f >= 1);
    sum += f;
  }
  REQUIRE(sum == coder::total);
}
}  // namespace

TEST_CASE("frequency tables: every symbol >= 1, exact total, for any input", "[cdf]") {
  float p[256];
  std::mt19937 rng(1);
  for (int round = 0; round < 200; ++round) {
    double z = 0;
    std::exponential_distribution<float> dist(round % 2 ? 0.1f : 10.0f);
    for (float& v : p) z += v = dist(rng);
    for (float& v : p) v = static_cast<float>(v / z);
    check_table(p);
  }
  std::fill(p, p + 256, 0.0f);
  p[17] = 1.0f;
  check_table(p);
  std::fill(p, p + 256, 1.0f);  // sums to 256: the excess path
  check_table(p);
  std::fill(p, p + 256, std::numeric_limits<float>::quiet_NaN());
  check_table(p);
  std::fill(p, p + 256, -1.0f);
  check_table(p);
  p[3] = std::numeric_limits<float>::infinity();
  check_table(p);
}

TEST_CASE("the rounding rule is the spec's: 1 + floor(p * 1048320), remainder to the argmax", "[cdf]") {
  float p[256];
  std::fill(p, p + 256, 0.0f);
  p[0] = 0.25f;
  p[1] = 0.75f;
  uint32_t freq[256];
  coder::quantize(p, freq);
  CHECK(freq[0] == 1 + 262080);
  CHECK(freq[1] == 1 + 786240 + (coder::total - (256 + 262080 + 786240)));
  CHECK(freq[2] == 1);
  uint32_t cum[257];
  coder::cumulate(freq, cum);
  CHECK(coder::find_symbol(cum, 0) == 0);
  CHECK(coder::find_symbol(cum, cum[1]) == 1);
  CHECK(coder::find_symbol(cum, coder::total - 1) == 255);
}
