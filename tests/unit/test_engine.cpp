// The forward pass: teacher forcing (encoder) and batched one-step decoding
// give identical probabilities; reference and SIMD kernels give identical
// probabilities; thread counts never change an archive.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "methods/method.hpp"
#include "model/transformer.hpp"
#include "test_helpers.hpp"

using namespace archive_nn;

namespace {
std::vector<float> window_probs(const nn::model& m, const nn::kernel_table& k, const std::vector<uint8_t>& bytes) {
  const size_t n = bytes.size();
  nn::kv_cache cache(m, 1, n);
  nn::forward_pass fwd(m, k, n);
  std::vector<uint32_t> tok(n), pos(n), slot(n, 0);
  for (size_t i = 0; i < n; ++i) {
    tok[i] = i == 0 ? model::bos_token : bytes[i - 1];
    pos[i] = static_cast<uint32_t>(i);
  }
  std::vector<float> probs(n * 256);
  fwd.run(cache, n, tok.data(), pos.data(), slot.data(), probs.data());
  return probs;
}
}  // namespace

TEST_CASE("teacher forcing equals step-by-step batched decoding, bit for bit", "[engine]") {
  for (bool post : {false, true}) {
    auto m = test::random_model(48, 2, 4, 80, 64, 5, post);
    REQUIRE(m);
    const size_t n = 64, windows = 5;
    std::vector<std::vector<uint8_t>> data;
    for (size_t w = 0; w < windows; ++w) data.push_back(test::text_bytes(n, static_cast<uint32_t>(w)));
    // Step by step, all windows in one batch.
    nn::kv_cache cache(*m, windows, n);
    nn::forward_pass fwd(*m, nn::kernels_best(), windows);
    std::vector<uint32_t> tok(windows), pos(windows), slot(windows);
    std::vector<float> step(windows * 256);
    std::vector<std::vector<float>> stepwise(windows, std::vector<float>(n * 256));
    for (size_t i = 0; i < n; ++i) {
      for (size_t w = 0; w < windows; ++w) {
        tok[w] = i == 0 ? model::bos_token : data[w][i - 1];
        pos[w] = static_cast<uint32_t>(i);
        slot[w] = static_cast<uint32_t>(w);
      }
      fwd.run(cache, windows, tok.data(), pos.data(), slot.data(), step.data());
      for (size_t w = 0; w < windows; ++w) std::memcpy(&stepwise[w][i * 256], &step[w * 256], 256 * sizeof(float));
    }
    for (size_t w = 0; w < windows; ++w) {
      const auto whole = window_probs(*m, nn::kernels_best(), data[w]);
      CHECK(std::memcmp(whole.data(), stepwise[w].data(), whole.size() * sizeof(float)) == 0);
      const auto whole_ref = window_probs(*m, nn::kernels_ref(), data[w]);
      CHECK(std::memcmp(whole.data(), whole_ref.data(), whole.size() * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("nn method round-trips any bytes, including a short last window", "[engine]") {
  auto m = test::random_model(32, 2, 4, 64, 128, 9);
  REQUIRE(m);
  const methods::method* nn = methods::find_method("nn");
  REQUIRE(nn);
  for (size_t size : {1, 2, 127, 128, 129, 1000, 2048}) {
    const auto data = test::text_bytes(size, static_cast<uint32_t>(size));
    methods::codec_params p;
    p.model = m.get();
    p.codec_param = 128;
    auto coded = nn->encode(data.data(), data.size(), p);
    REQUIRE(coded.ok());
    std::vector<uint8_t> back(size);
    REQUIRE(nn->decode(coded->data(), coded->size(), back.data(), back.size(), p).ok());
    CHECK(back == data);
    auto again = nn->encode(data.data(), data.size(), p);
    CHECK(again.value() == coded.value());
  }
}

TEST_CASE("archives do not depend on thread count or decode batch", "[engine][archive]") {
  auto m = test::tiny_model();
  if (!m) m = test::random_model(32, 2, 4, 64, 128, 9);
  std::vector<test::mem_entry> entries;
  for (int i = 0; i < 5; ++i) {
    auto d = test::text_bytes(3000 + 997 * i, 100 + i);
    entries.push_back({test::file_header("f" + std::to_string(i) + ".txt", d.size()), d});
  }
  archive_nn::create_options o;
  o.model = m;
  o.codec = archive_nn::codec_choice::nn;
  o.threads = 1;
  const auto a1 = test::make_archive(entries, o);
  o.threads = 2;
  const auto a2 = test::make_archive(entries, o);
  o.nn_windows_per_chunk = 3;  // a different decode batch
  const auto a3 = test::make_archive(entries, o);
  REQUIRE(!a1.empty());
  CHECK(a1 == a2);
  for (const auto* a : {&a1, &a3}) {
    for (unsigned threads : {1u, 2u, 3u}) {
      archive_nn::read_options ro;
      ro.threads = threads;
      ro.resolve = [m](const archive_nn::model_hash& h) { return archive_nn::hash_of(m) == h ? m : nullptr; };
      auto r = test::read_all(*a, ro);
      REQUIRE(r.st.ok());
      REQUIRE(r.entries.size() == entries.size());
      for (size_t i = 0; i < entries.size(); ++i) CHECK(r.entries[i].data == entries[i].data);
    }
  }
}

TEST_CASE("nn chunks are within 0.5% (+ a few bytes) of the model's cross-entropy", "[engine][coder]") {
  auto m = test::tiny_model();
  REQUIRE(m);
  const size_t ctx = m->hp().context_length;
  const auto data = test::text_bytes(16 * ctx - 5, 77);  // 16 windows, the last one short
  const double bits = nn::cross_entropy_bits(*m, nn::kernels_best(), data.data(), data.size());
  methods::codec_params p;
  p.model = m.get();
  p.codec_param = ctx;
  auto coded = methods::find_method("nn")->encode(data.data(), data.size(), p);
  REQUIRE(coded.ok());
  const double coded_bits = 8.0 * coded->size();
  INFO("coded " << coded_bits << " bits, cross-entropy " << bits);
  CHECK(coded_bits <= bits * 1.005 + 8 * 8);
  CHECK(coded_bits >= bits * 0.99);
}
