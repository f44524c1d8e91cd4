// .nnm parsing: round trip, and a catalogue of malformed files (test-gguf style).
#include <catch2/catch.hpp>
#include <cstring>

#include "model/model.hpp"
#include "model/model_file.hpp"

using namespace archive_nn;

namespace {
model::model_file small_model() {
  model::model_file f;
  f.hp.d_model = 16;
  f.hp.n_layer = 1;
  f.hp.n_head = 2;
  f.hp.d_ff = 24;
  f.hp.context_length = 32;
  f.extras.push_back({"general.name", model::value_type::string, 0, 0, "unit"});
  uint16_t k = 0;
  for (const auto& t : model::tensor_layout(f.hp)) {
    std::vector<uint16_t> d(t.elements());
    for (auto& h : d) h = model::f32_to_f16(0.001f * static_cast<float>(k++ % 100));
    f.tensors.push_back(d);
  }
  return f;
}

enum class bad_file { magic, version_future, reserved_flag, kv_count_huge, tensor_count_huge, truncated_header,
                      truncated_data, trailing_byte, unknown_nn_key, wrong_vocab, nan_weight, bad_padding };

std::vector<uint8_t> make_bad(bad_file which) {
  std::vector<uint8_t> b = model::serialize(small_model());
  switch (which) {
    case bad_file::magic: b[1] = 'X'; break;
    case bad_file::version_future: b[8] = 2; break;
    case bad_file::reserved_flag: b[10] = 1; break;
    case bad_file::kv_count_huge: b[12] = 0xFF; b[13] = 0xFF; break;
    case bad_file::tensor_count_huge: b[16] = 0xFF; b[17] = 0xFF; break;
    case bad_file::truncated_header: b.resize(30); break;
    case bad_file::truncated_data: b.resize(b.size() - 1); break;
    case bad_file::trailing_byte: b.push_back(0); break;
    case bad_file::unknown_nn_key: {
      const char* key = "nn.d_model";
      auto it = std::search(b.begin(), b.end(), key, key + 10);
      (*(it + 3)) = 'x';  // nn.dxmodel
      break;
    }
    case bad_file::wrong_vocab: {
      const char* key = "nn.vocab_size";
      auto it = std::search(b.begin(), b.end(), key, key + 13);
      *(it + 13 + 1) = 0;  // value 256 -> 0
      *(it + 13 + 2) = 0;
      break;
    }
    case bad_file::nan_weight: b[b.size() - 2] = 0xFF; b[b.size() - 1] = 0x7F; break;
    case bad_file::bad_padding: {
      // The byte before the data section is padding.
      size_t data_size = 0;
      for (const auto& t : model::tensor_layout(small_model().hp)) data_size += (t.elements() * 2 + 31) / 32 * 32;
      b[b.size() - data_size - 1] = 1;
      break;
    }
  }
  return b;
}
}  // namespace

TEST_CASE("model files round-trip and hash their exact bytes", "[model_file]") {
  const auto bytes = model::serialize(small_model());
  auto parsed = model::parse(bytes.data(), bytes.size());
  REQUIRE(parsed.ok());
  CHECK(parsed->hp == small_model().hp);
  CHECK(model::serialize(parsed.value()) == bytes);
  auto m = nn::model::load(bytes.data(), bytes.size());
  REQUIRE(m.ok());
  CHECK(m.value()->hash() == nn::hash_model_bytes(bytes.data(), bytes.size()));
  CHECK(m.value()->name() == "unit");
}

TEST_CASE("malformed model files are rejected with their error", "[model_file]") {
  const std::pair<bad_file, errc> cases[] = {
      {bad_file::magic, errc::model_corrupt},          {bad_file::version_future, errc::model_unsupported},
      {bad_file::reserved_flag, errc::reserved_bits_set}, {bad_file::kv_count_huge, errc::limit_exceeded},
      {bad_file::tensor_count_huge, errc::limit_exceeded}, {bad_file::truncated_header, errc::model_corrupt},
      {bad_file::truncated_data, errc::model_corrupt}, {bad_file::trailing_byte, errc::model_corrupt},
      {bad_file::unknown_nn_key, errc::model_unsupported}, {bad_file::wrong_vocab, errc::model_unsupported},
      {bad_file::nan_weight, errc::model_corrupt},     {bad_file::bad_padding, errc::model_corrupt}};
  for (const auto& c : cases) {
    const auto b = make_bad(c.first);
    auto r = model::parse(b.data(), b.size());
    INFO("case " << static_cast<int>(c.first));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == c.second);
  }
  // Every truncation fails cleanly.
  const auto good = model::serialize(small_model());
  for (size_t n = 0; n < good.size(); n += 7) CHECK_FALSE(model::parse(good.data(), n).ok());
}

TEST_CASE("float16 conversions are exact and round to nearest even", "[model_file]") {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00) continue;
    const float f = model::f16_to_f32(static_cast<uint16_t>(h));
    REQUIRE(model::f32_to_f16(f) == h);
  }
  CHECK(model::f32_to_f16(1.0f + 1.0f / 2048) == 0x3C00);  // tie -> even
  CHECK(model::f32_to_f16(1.0f + 3.0f / 2048) == 0x3C02);  // tie -> even
  CHECK(model::f32_to_f16(1.0f + 3.0f / 4096) == 0x3C01);
  CHECK(model::f32_to_f16(1e6f) == 0x7C00);
}
