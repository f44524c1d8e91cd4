#include <catch2/catch.hpp>

#include "archive/chunk_coding.hpp"
#include "methods/method.hpp"
#include "test_helpers.hpp"

using namespace archive_nn;

TEST_CASE("every classical method round-trips and rejects corrupt input", "[methods]") {
  const auto text = test::text_bytes(100000, 3);
  for (const char* name : {"stored", "zstd", "lzma", "zlib"}) {
    const methods::method* m = methods::find_method(name);
    REQUIRE(m);
    auto coded = m->encode(text.data(), text.size(), {});
    REQUIRE(coded.ok());
    std::vector<uint8_t> back(text.size());
    REQUIRE(m->decode(coded->data(), coded->size(), back.data(), back.size(), {}).ok());
    CHECK(back == text);
    if (std::string(name) != "stored") {
      CHECK(coded->size() < text.size() / 2);
      auto broken = coded.value();
      broken.resize(broken.size() / 2);
      CHECK_FALSE(m->decode(broken.data(), broken.size(), back.data(), back.size(), {}).ok());
    }
  }
}

TEST_CASE("flac codes 16-bit PCM losslessly", "[methods]") {
  std::vector<uint8_t> pcm;
  for (int i = 0; i < 20000; ++i) {
    const int16_t s = static_cast<int16_t>(8000 * std::sin(i * 0.05) + (i * 7919 % 61) - 30);
    pcm.push_back(static_cast<uint8_t>(s));
    pcm.push_back(static_cast<uint8_t>(static_cast<uint16_t>(s) >> 8));
  }
  const methods::method* m = methods::find_method("flac");
  methods::codec_params p;
  p.codec_param = 1;
  auto coded = m->encode(pcm.data(), pcm.size(), p);
  REQUIRE(coded.ok());
  CHECK(coded->size() < pcm.size() / 2);
  std::vector<uint8_t> back(pcm.size());
  REQUIRE(m->decode(coded->data(), coded->size(), back.data(), back.size(), p).ok());
  CHECK(back == pcm);
}

TEST_CASE("incompressible chunks are stored; the smallest codec wins", "[methods]") {
  const auto noise = test::random_bytes(50000, 9);
  chunk_plan plan;
  plan.candidates = {methods::codec_id::zstd, methods::codec_id::lzma};
  auto c = encode_chunk(noise.data(), noise.size(), plan);
  REQUIRE(c.ok());
  CHECK(c->header.codec_id == 0);
  CHECK(c->payload.size() == noise.size());
  const auto text = test::text_bytes(50000, 9);
  c = encode_chunk(text.data(), text.size(), plan);
  REQUIRE(c.ok());
  CHECK(c->header.codec_id != 0);
  for (const char* name : {"zstd", "lzma"}) {
    auto alone = methods::find_method(name)->encode(text.data(), text.size(), {});
    CHECK(c->payload.size() <= alone->size());
  }
  std::vector<uint8_t> back(text.size());
  CHECK(decode_chunk(c->header, c->payload.data(), nullptr, back.data()).ok());
  CHECK(back == text);
  c->payload[c->payload.size() / 2] ^= 1;
  CHECK_FALSE(decode_chunk(c->header, c->payload.data(), nullptr, back.data()).ok());
}
