#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "coder/cdf.hpp"
#include "coder/range_coder.hpp"

using namespace archive_nn;

namespace {
// Random peaky distributions, like a language model's.
void random_probs(std::mt19937& rng, float* p, float temperature) {
  std::normal_distribution<float> dist(0.0f, temperature);
  double z = 0;
  double e[256];
  for (int i = 0; i < 256; ++i) z += e[i] = std::exp(dist(rng));
  for (int i = 0; i < 256; ++i) p[i] = static_cast<float>(e[i] / z);
}
}  // namespace

TEST_CASE("range coder round-trips and stays within 0.5% of the entropy", "[coder]") {
  for (float temperature : {0.5f, 2.0f, 4.0f, 8.0f}) {
    std::mt19937 rng(static_cast<uint32_t>(temperature * 10));
    const size_t n = 20000;
    std::vector<std::vector<uint32_t>> cums(n, std::vector<uint32_t>(257));
    std::vector<uint32_t> freqs(n * 256);
    std::vector<uint8_t> symbols(n);
    double bits = 0;
    std::vector<uint8_t> out;
    coder::range_encoder enc(out);
    float p[256];
    for (size_t i = 0; i < n; ++i) {
      random_probs(rng, p, temperature);
      coder::quantize(p, &freqs[i * 256]);
      coder::cumulate(&freqs[i * 256], cums[i].data());
      // Draw the symbol from p itself, so the model is right on average.
      std::discrete_distribution<int> pick(p, p + 256);
      symbols[i] = static_cast<uint8_t>(pick(rng));
      bits += -std::log2(static_cast<double>(p[symbols[i]]));
      enc.encode(cums[i][symbols[i]], freqs[i * 256 + symbols[i]]);
    }
    enc.finish();
    INFO("temperature " << temperature << ": " << out.size() * 8 << " bits vs entropy " << bits);
    CHECK(out.size() * 8.0 <= bits * 1.005 + 64);

    coder::range_decoder dec(out.data(), out.size());
    for (size_t i = 0; i < n; ++i) {
      const uint32_t s = coder::find_symbol(cums[i].data(), dec.target());
      REQUIRE(s == symbols[i]);
      dec.consume(cums[i][s], freqs[i * 256 + s]);
    }
  }
}

TEST_CASE("range coder: extreme frequencies, carries and termination", "[coder]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const size_t n = rng() % 300;
    std::vector<uint32_t> freq(256, 1), cum(257);
    freq[rng() % 256] = coder::total - 255;  // one symbol ~certain
    coder::cumulate(freq.data(), cum.data());
    std::vector<uint8_t> syms(n), out;
    coder::range_encoder enc(out);
    for (auto& s : syms) {
      s = static_cast<uint8_t>(rng() % 3 == 0 ? rng() % 256 : std::max_element(freq.begin(), freq.end()) - freq.begin());
      enc.encode(cum[s], freq[s]);
    }
    enc.finish();
    CHECK((out.empty() || out.back() != 0));
    coder::range_decoder dec(out.data(), out.size());
    for (uint8_t s : syms) {
      const uint32_t got = coder::find_symbol(cum.data(), dec.target());
      REQUIRE(got == s);
      dec.consume(cum[got], freq[got]);
    }
  }
}

TEST_CASE("range decoder survives arbitrary bytes", "[coder]") {
  std::mt19937 rng(3);
  std::vector<uint32_t> freq(256, coder::total / 256), cum(257);
  coder::cumulate(freq.data(), cum.data());
  for (int round = 0; round < 100; ++round) {
    std::vector<uint8_t> junk(rng() % 64);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    coder::range_decoder dec(junk.data(), junk.size());
    for (int i = 0; i < 1000; ++i) {
      const uint32_t s = coder::find_symbol(cum.data(), dec.target());
      REQUIRE(s < 256);
      dec.consume(cum[s], freq[s]);
    }
  }
}
