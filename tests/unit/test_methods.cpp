#include <catch2/catch.hpp>

#include "archive/chunk_coding.hpp"
#include "methods/method.hpp"
#include "mix/predictor.hpp"
#include "mix/predictor_v2.hpp"
#include "mix/predictor_v3.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
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

TEST_CASE("mix codec round trips, with and without a model", "[methods][mix]") {
  const auto id = GENERATE(methods::codec_id::mix, methods::codec_id::mix2, methods::codec_id::mix1);
  const methods::method* m = methods::find_method(static_cast<uint8_t>(id));
  REQUIRE(m);
  std::vector<std::vector<uint8_t>> inputs = {test::text_bytes(1, 1), test::text_bytes(777, 2), test::text_bytes(70000, 3),
                                              test::random_bytes(3000, 4), std::vector<uint8_t>(5000, 'a')};
  const auto tiny = test::tiny_model();
  REQUIRE(tiny);
  for (const auto& in : inputs) {
    for (uint64_t window : {uint64_t(0), uint64_t(64), uint64_t(17)}) {
      INFO("size " << in.size() << " window " << window);
      methods::codec_params p;
      p.model = window ? tiny.get() : nullptr;
      p.codec_param = window;
      auto coded = m->encode(in.data(), in.size(), p);
      REQUIRE(coded.ok());
      std::vector<uint8_t> out(in.size());
      REQUIRE(m->decode(coded->data(), coded->size(), out.data(), out.size(), p).ok());
      CHECK(out == in);
    }
  }
}

// Cross-entropy in bits of a predictor's probabilities for the bytes.
template <class Predictor>
double cross_entropy(Predictor&& pr, const std::vector<uint8_t>& bytes) {
  double bits = 0;
  for (uint8_t c : bytes)
    for (int k = 7; k >= 0; --k) {
      const int bit = (c >> k) & 1;
      const int p1 = pr.p();
      bits -= std::log2((bit ? p1 : 4096 - p1) / 4096.0);
      pr.update(bit);
    }
  return bits;
}

TEST_CASE("mix codec: the coder spends what the model predicts, and beats LZMA on text", "[methods][mix]") {
  const auto text = test::text_bytes(200000, 9);
  const auto id = GENERATE(methods::codec_id::mix, methods::codec_id::mix2, methods::codec_id::mix1);
  INFO("codec " << static_cast<int>(id));
  // The table sizes the method picks for 200,000 bytes; revisions 2 and 3 have a Profile byte.
  const bool v2 = id != methods::codec_id::mix1;
  const double bits = id == methods::codec_id::mix    ? cross_entropy(mix::predictor_v3(21, text.size()), text)
                      : id == methods::codec_id::mix2 ? cross_entropy(mix::predictor_v2(21, text.size()), text)
                                                      : cross_entropy(mix::predictor(20, text.size()), text);
  methods::codec_params p;
  auto coded = methods::find_method(static_cast<uint8_t>(id))->encode(text.data(), text.size(), p);
  REQUIRE(coded.ok());
  REQUIRE((*coded)[0] == (v2 ? 21 : 20));
  const double payload = static_cast<double>(coded->size() - (v2 ? 2 : 1));
  CHECK(payload <= bits / 8 * 1.005 + 8);
  CHECK(payload >= bits / 8 * 0.995 - 8);
  auto lzma = methods::find_method(static_cast<uint8_t>(methods::codec_id::lzma))->encode(text.data(), text.size(), p);
  REQUIRE(lzma.ok());
  CHECK(coded->size() < lzma->size());
}

TEST_CASE("mix codec revision 1 refuses malformed payloads", "[methods][mix]") {
  const methods::method* m = methods::find_method(static_cast<uint8_t>(methods::codec_id::mix1));
  std::vector<uint8_t> out(100);
  methods::codec_params p;
  const uint8_t bad_bits[] = {15, 0, 0};
  CHECK(m->decode(bad_bits, sizeof bad_bits, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  CHECK(m->decode(nullptr, 0, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const auto tiny = test::tiny_model();
  p.model = tiny.get();
  p.codec_param = 64;
  const uint8_t no_windows[] = {16, 0};  // Model_Windows 0
  CHECK(m->decode(no_windows, sizeof no_windows, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t too_many[] = {16, 3};  // 100 bytes are 2 windows of 64
  CHECK(m->decode(too_many, sizeof too_many, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
}

TEST_CASE("mix codec revision 2 refuses malformed headers", "[methods][mix]") {
  const methods::method* m = methods::find_method(static_cast<uint8_t>(methods::codec_id::mix));
  std::vector<uint8_t> out(100);
  methods::codec_params p;
  const uint8_t bad_bits[] = {24, 0, 0};
  CHECK(m->decode(bad_bits, sizeof bad_bits, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t no_profile[] = {16};
  CHECK(m->decode(no_profile, sizeof no_profile, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t bad_profile[] = {16, 7, 0};
  CHECK(m->decode(bad_profile, sizeof bad_profile, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const auto tiny = test::tiny_model();
  p.model = tiny.get();
  p.codec_param = 64;
  const uint8_t no_windows[] = {16, 0, 0};  // Model_Windows 0
  CHECK(m->decode(no_windows, sizeof no_windows, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t too_many[] = {16, 0, 3};  // 100 bytes are 2 windows of 64
  CHECK(m->decode(too_many, sizeof too_many, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
}

TEST_CASE("mix codec image profile round trips any geometry and beats the general model on pixels", "[methods][mix]") {
  const auto id = GENERATE(methods::codec_id::mix, methods::codec_id::mix2);
  INFO("codec " << static_cast<int>(id));
  const methods::method* m = methods::find_method(static_cast<uint8_t>(id));
  // A smooth RGB gradient with noise, 64 x 48.
  std::vector<uint8_t> rgb;
  uint32_t seed = 5;
  auto noise = [&] { return (seed = seed * 1103515245u + 12345u) >> 29; };
  for (uint32_t y = 0; y < 48; ++y)
    for (uint32_t x = 0; x < 64; ++x)
      for (uint32_t c = 0; c < 3; ++c) rgb.push_back(static_cast<uint8_t>(x * 3 + y * (c + 1) + noise()));
  for (auto [width, pixel_bytes] : {std::pair<uint32_t, uint8_t>{64, 3}, {1, 1}, {7, 4}, {5000, 3}, {64, 1}}) {
    for (size_t size : {rgb.size(), size_t(1), size_t(100)}) {
      INFO("width " << width << " pixel bytes " << int(pixel_bytes) << " size " << size);
      methods::codec_params p;
      p.image_width = width;
      p.pixel_bytes = pixel_bytes;
      auto coded = m->encode(rgb.data(), size, p);
      REQUIRE(coded.ok());
      REQUIRE(coded->size() >= 4);
      CHECK((*coded)[1] == 1);  // Profile 1
      std::vector<uint8_t> out(size);
      REQUIRE(m->decode(coded->data(), coded->size(), out.data(), out.size(), {}).ok());
      CHECK(std::equal(out.begin(), out.end(), rgb.begin()));
    }
  }
  methods::codec_params image;
  image.image_width = 64;
  image.pixel_bytes = 3;
  const auto as_image = m->encode(rgb.data(), rgb.size(), image);
  const auto as_bytes = m->encode(rgb.data(), rgb.size(), {});
  REQUIRE(as_image.ok());
  REQUIRE(as_bytes.ok());
  CHECK(as_image->size() * 10 < as_bytes->size() * 9);  // at least 10% smaller
  // With a model the image profile does not code (the variant without it does).
  const auto tiny = test::tiny_model();
  image.model = tiny.get();
  image.codec_param = 64;
  const auto with_model = m->encode(rgb.data(), rgb.size(), image);
  REQUIRE(with_model.ok());
  CHECK(with_model->empty());
}

TEST_CASE("mix codec image profile refuses malformed parameters", "[methods][mix]") {
  const methods::method* m = methods::find_method(static_cast<uint8_t>(methods::codec_id::mix));
  std::vector<uint8_t> out(100);
  methods::codec_params p;
  const uint8_t width_0[] = {16, 1, 0, 3, 0};
  CHECK(m->decode(width_0, sizeof width_0, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t bytes_5[] = {16, 1, 40, 5, 0};
  CHECK(m->decode(bytes_5, sizeof bytes_5, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t cut[] = {16, 1, 0x80};
  CHECK(m->decode(cut, sizeof cut, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t wide[] = {16, 1, 0x81, 0x80, 0x80, 0x08, 3, 0};  // 2^24 + 1
  CHECK(m->decode(wide, sizeof wide, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const auto tiny = test::tiny_model();
  p.model = tiny.get();
  p.codec_param = 64;
  const uint8_t with_model[] = {16, 1, 40, 3, 0};
  CHECK(m->decode(with_model, sizeof with_model, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
}

TEST_CASE("mix codec audio profile round trips any channel count and odd sizes, and beats the general model on PCM", "[methods][mix]") {
  const methods::method* m = methods::find_method(static_cast<uint8_t>(methods::codec_id::mix));
  // Two channels of a chirp with noise, 16-bit little endian.
  std::vector<uint8_t> pcm;
  uint32_t seed = 9;
  for (int i = 0; i < 6000; ++i) {
    const int base = static_cast<int>(8000 * std::sin(i * (0.01 + i * 0.000002)));
    for (int c = 0; c < 2; ++c) {
      seed = seed * 1103515245u + 12345u;
      const int16_t s = static_cast<int16_t>(base / (c + 1) + static_cast<int>(seed >> 28) - 8);
      pcm.push_back(static_cast<uint8_t>(s & 0xFF));
      pcm.push_back(static_cast<uint8_t>(static_cast<uint16_t>(s) >> 8));
    }
  }
  for (uint8_t channels : {uint8_t(1), uint8_t(2), uint8_t(3), uint8_t(8)}) {
    for (size_t size : {pcm.size(), size_t(1), size_t(2), size_t(777)}) {
      INFO("channels " << int(channels) << " size " << size);
      methods::codec_params p;
      p.audio_channels = channels;
      auto coded = m->encode(pcm.data(), size, p);
      REQUIRE(coded.ok());
      REQUIRE(coded->size() >= 3);
      CHECK((*coded)[1] == 2);  // Profile 2
      std::vector<uint8_t> out(size);
      REQUIRE(m->decode(coded->data(), coded->size(), out.data(), out.size(), {}).ok());
      CHECK(std::equal(out.begin(), out.end(), pcm.begin()));
    }
  }
  methods::codec_params audio;
  audio.audio_channels = 2;
  const auto as_audio = m->encode(pcm.data(), pcm.size(), audio);
  const auto as_bytes = m->encode(pcm.data(), pcm.size(), {});
  REQUIRE(as_audio.ok());
  REQUIRE(as_bytes.ok());
  CHECK(as_audio->size() * 10 < as_bytes->size() * 9);  // at least 10% smaller
}

TEST_CASE("mix codec audio profile refuses malformed parameters", "[methods][mix]") {
  const methods::method* m = methods::find_method(static_cast<uint8_t>(methods::codec_id::mix));
  std::vector<uint8_t> out(100);
  methods::codec_params p;
  const uint8_t channels_0[] = {16, 2, 0, 0};
  CHECK(m->decode(channels_0, sizeof channels_0, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t channels_9[] = {16, 2, 9, 0};
  CHECK(m->decode(channels_9, sizeof channels_9, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const uint8_t cut[] = {16, 2};
  CHECK(m->decode(cut, sizeof cut, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
  const auto tiny = test::tiny_model();
  p.model = tiny.get();
  p.codec_param = 64;
  const uint8_t with_model[] = {16, 2, 1, 0};
  CHECK(m->decode(with_model, sizeof with_model, out.data(), out.size(), p).err().code == errc::chunk_corrupt);
}
