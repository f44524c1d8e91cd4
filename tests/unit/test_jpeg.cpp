// The jpeg transform (spec/archive_format.md §11.5): JPEGs that libjxl
// transcodes and rebuilds become JPEG XL and come back byte for byte;
// anything else stays raw. The JPEGs are written here by libjpeg, so the
// test covers baseline, progressive, grey, restart markers, chroma layouts
// and odd geometries without checked-in pictures.
#include <catch2/catch.hpp>
#include <jpeglib.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "archive_nn/archive_nn.hpp"
#include "test_helpers.hpp"
#include "transform/jpeg.hpp"

using namespace archive_nn;

namespace {

struct jpeg_spec {
  uint32_t width = 320, height = 240;
  bool grey = false;
  bool progressive = false;
  bool subsampled = true;  // 4:2:0, else 4:4:4
  int quality = 90;
  int restart_rows = 0;
  bool optimize = false;   // optimised Huffman tables
};

// A photo-like picture (smooth gradients, edges, a little texture) written by libjpeg.
std::vector<uint8_t> make_jpeg(const jpeg_spec& s) {
  const int comps = s.grey ? 1 : 3;
  std::vector<uint8_t> pixels(size_t(s.width) * s.height * comps);
  uint32_t noise = 12345;
  for (uint32_t y = 0; y < s.height; ++y)
    for (uint32_t x = 0; x < s.width; ++x)
      for (int c = 0; c < comps; ++c) {
        noise = noise * 1103515245u + 12345u;
        const int edge = ((x / 37 + y / 29) & 1) ? 40 : 0;
        const int v = int(x * (60 + 40 * c) / (s.width + 1)) + int(y * 90 / (s.height + 1)) + edge + int((noise >> 16) % 9);
        pixels[(size_t(y) * s.width + x) * comps + c] = static_cast<uint8_t>(std::min(255, v));
      }
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = s.width;
  cinfo.image_height = s.height;
  cinfo.input_components = comps;
  cinfo.in_color_space = s.grey ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, s.quality, TRUE);
  if (!s.grey && !s.subsampled) {
    cinfo.comp_info[0].h_samp_factor = 1;
    cinfo.comp_info[0].v_samp_factor = 1;
  }
  if (s.progressive) jpeg_simple_progression(&cinfo);
  cinfo.restart_in_rows = s.restart_rows;
  cinfo.optimize_coding = s.optimize ? TRUE : FALSE;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = &pixels[size_t(cinfo.next_scanline) * s.width * comps];
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> v(out, out + out_size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return v;
}

std::vector<uint8_t> transcoded(const std::vector<uint8_t>& jpeg, transform::layout& l) {
  std::vector<uint8_t> stream;
  REQUIRE(transform::analyze_jpeg(jpeg.data(), jpeg.size(), l, &stream));
  CHECK(l.k == transform::kind::jpeg);
  CHECK(l.header_size == stream.size());
  CHECK(l.payload_size == 0);
  CHECK(l.trailer_size == 0);
  CHECK(stream.size() < jpeg.size());
  std::vector<uint8_t> back;
  REQUIRE(transform::inverse_jpeg(l, stream.data(), stream.size(), back));
  CHECK(back == jpeg);
  return stream;
}

}  // namespace

TEST_CASE("jpeg: baseline, progressive, grey, 4:4:4, restart markers and optimised tables rebuild exactly", "[transform][jpeg]") {
  std::vector<jpeg_spec> specs(7);
  specs[1].progressive = true;
  specs[2].grey = true;
  specs[3].subsampled = false;
  specs[4].restart_rows = 2;
  specs[5].optimize = true;
  specs[6].quality = 60;
  specs[6].width = 333;  // not a multiple of the MCU
  specs[6].height = 201;
  for (size_t i = 0; i < specs.size(); ++i) {
    INFO("spec " << i);
    const auto jpeg = make_jpeg(specs[i]);
    REQUIRE(transform::may_be_jpeg(jpeg.data(), jpeg.size()));
    transform::layout l;
    transcoded(jpeg, l);
  }
}

TEST_CASE("jpeg: whatever libjxl cannot improve or rebuild stays raw and still round-trips", "[transform][jpeg]") {
  const auto good = make_jpeg(jpeg_spec{});
  transform::layout l;
  REQUIRE(transform::analyze_jpeg(good.data(), good.size(), l, nullptr));
  // Truncated files (a cut in the scan or before it), a flipped marker.
  for (size_t cut : {size_t(3), size_t(20), size_t(300), good.size() / 2, good.size() - 1}) {
    INFO("cut at " << cut);
    CHECK_FALSE(transform::analyze_jpeg(good.data(), cut, l, nullptr));
  }
  // A frame header claiming 65535 x 65535 pixels: refused before libjxl sees it.
  std::vector<uint8_t> huge = good;
  for (size_t i = 2; i + 9 < huge.size(); ++i)
    if (huge[i] == 0xFF && huge[i + 1] == 0xC0) {
      huge[i + 5] = huge[i + 6] = huge[i + 7] = huge[i + 8] = 0xFF;
      break;
    }
  CHECK_FALSE(transform::analyze_jpeg(huge.data(), huge.size(), l, nullptr));
  // Odd geometries: too small to gain (the JPEG XL container costs more) or
  // extreme; either way the archive gives the file back.
  for (auto [w, h] : {std::pair<uint32_t, uint32_t>{1, 1}, {1, 300}, {300, 1}, {8, 8}, {1, 65500}}) {
    INFO(w << " x " << h);
    jpeg_spec s;
    s.width = w;
    s.height = h;
    s.grey = true;
    const auto jpeg = make_jpeg(s);
    std::vector<uint8_t> stream;
    if (transform::analyze_jpeg(jpeg.data(), jpeg.size(), l, &stream)) {
      std::vector<uint8_t> back;
      REQUIRE(transform::inverse_jpeg(l, stream.data(), stream.size(), back));
      CHECK(back == jpeg);
    }
    const auto archive = test::make_archive({{test::file_header("odd.jpg", jpeg.size()), jpeg}}, create_options{});
    const auto r = test::read_all(archive);
    REQUIRE(r.entries.size() == 1);
    CHECK(r.entries[0].data == jpeg);
  }
}

TEST_CASE("jpeg: the inverse refuses a stream that cannot be one", "[transform][jpeg]") {
  const auto jpeg = make_jpeg(jpeg_spec{});
  transform::layout l;
  const auto stream = transcoded(jpeg, l);
  std::vector<uint8_t> out;
  // Version, the JPEG's size (too small, too large, past the limit), the JPEG XL signature.
  for (size_t at : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(5), size_t(8)}) {
    INFO("byte " << at);
    std::vector<uint8_t> bad = stream;
    bad[at] ^= 0x5A;
    CHECK_FALSE(transform::inverse_jpeg(l, bad.data(), bad.size(), out));
  }
  // The image data cut short.
  transform::layout shorter = l;
  shorter.header_size -= 100;
  CHECK_FALSE(transform::inverse_jpeg(shorter, stream.data(), stream.size() - 100, out));
  // Sizes that do not describe the stream.
  transform::layout with_payload = l;
  with_payload.header_size -= 1;
  with_payload.payload_size = 1;
  CHECK_FALSE(transform::inverse_jpeg(with_payload, stream.data(), stream.size(), out));
}

TEST_CASE("jpeg: archived as JPEG XL, extracted byte for byte, through the Index and sequentially", "[transform][jpeg][archive]") {
  jpeg_spec progressive;
  progressive.progressive = true;
  const auto a = make_jpeg(jpeg_spec{}), b = make_jpeg(progressive);
  const std::vector<uint8_t> text = test::text_bytes(5000, 3);
  for (uint64_t solid : {uint64_t(0), uint64_t(16) << 20}) {
    INFO("solid block " << solid);
    create_options opt;
    opt.solid_block_size = solid;
    const auto archive = test::make_solid_archive(
        {{test::file_header("a.jpg", a.size()), a}, {test::file_header("b.jpeg", b.size()), b},
         {test::file_header("notes.txt", text.size()), text}},
        opt);
    CHECK(archive.size() < a.size() + b.size() + text.size() / 2);
    const auto r = test::read_all(archive);
    REQUIRE(r.st.ok());
    REQUIRE(r.entries.size() == 3);
    int jpegs = 0;
    for (const auto& e : r.entries) {
      if (e.header.path == "a.jpg") CHECK(e.data == a);
      if (e.header.path == "b.jpeg") CHECK(e.data == b);
      if (e.header.path == "notes.txt") CHECK(e.data == text);
      jpegs += e.header.transform == static_cast<uint8_t>(transform::kind::jpeg);
    }
    CHECK(jpegs == 2);
  }
  // --codec stored leaves JPEGs as bytes.
  create_options stored;
  stored.codec = codec_choice::stored;
  const auto archive = test::make_archive({{test::file_header("a.jpg", a.size()), a}}, stored);
  const auto r = test::read_all(archive);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].header.transform == 0);
  CHECK(r.entries[0].data == a);
}
