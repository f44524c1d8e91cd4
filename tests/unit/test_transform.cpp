#include <catch2/catch.hpp>

#include "test_helpers.hpp"
#include "transform/transform.hpp"

using namespace archive_nn;

TEST_CASE("PPM, WAV and text are classified; the payload is the model stream", "[transform]") {
  std::string ppm = "P6\n# comment\n4 2\n255\n";
  const size_t header = ppm.size();
  ppm.append(24, 'x');
  ppm += "trailer";
  auto l = transform::analyze(reinterpret_cast<const uint8_t*>(ppm.data()), ppm.size());
  CHECK(l.k == transform::kind::pnm);
  CHECK(l.what == transform::modality::image);
  CHECK(l.header_size == header);
  CHECK(l.payload_size == 24);
  CHECK(l.trailer_size == 7);

  std::vector<uint8_t> wav = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0,
                              1,   0,   1,   0,   0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0, 16, 0, 'd', 'a', 't', 'a', 8, 0, 0, 0};
  for (int i = 0; i < 8; ++i) wav.push_back(static_cast<uint8_t>(i));
  l = transform::analyze(wav.data(), wav.size());
  CHECK(l.k == transform::kind::wav_pcm16);
  CHECK(l.header_size == 44);
  CHECK(l.payload_size == 8);
  CHECK(l.channels == 1);

  const auto text = test::text_bytes(1000, 1);
  CHECK(transform::analyze(text.data(), text.size()).what == transform::modality::text);
  const auto bin = test::random_bytes(1000, 1);
  CHECK(transform::analyze(bin.data(), bin.size()).what == transform::modality::binary);
}

TEST_CASE("BMP rows become top-down RGB and come back exactly", "[transform]") {
  const uint32_t w = 3, h = 2, stride = 12;
  std::vector<uint8_t> bmp(54 + stride * h, 0);
  bmp[0] = 'B';
  bmp[1] = 'M';
  bmp[10] = 54;
  bmp[14] = 40;
  bmp[18] = w;
  bmp[22] = h;
  bmp[26] = 1;
  bmp[28] = 24;
  for (size_t i = 54; i < bmp.size(); ++i) bmp[i] = static_cast<uint8_t>(i * 7);
  const auto l = transform::analyze(bmp.data(), bmp.size());
  REQUIRE(l.k == transform::kind::bmp24);
  CHECK(l.payload_size == w * h * 3);
  const auto fwd = transform::forward(l, bmp.data(), bmp.size());
  // First RGB pixel is the top row's (file row 1) first pixel, channels swapped.
  CHECK(fwd[54] == bmp[54 + stride + 2]);
  CHECK(fwd[56] == bmp[54 + stride + 0]);
  std::vector<uint8_t> back;
  REQUIRE(transform::inverse(l, fwd.data(), fwd.size(), back));
  CHECK(back == bmp);
}
