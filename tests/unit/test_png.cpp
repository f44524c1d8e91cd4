// The png transform (spec/archive_format.md §11.4): PNGs that zlib rebuilds
// become pixels and come back byte for byte; anything else stays raw.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <cstring>

#include "archive_nn/archive_nn.hpp"
#include "test_helpers.hpp"
#include "transform/png.hpp"

using namespace archive_nn;

namespace {

void put32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 3; i >= 0; --i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

void chunk(std::vector<uint8_t>& png, const char* type, const std::vector<uint8_t>& data) {
  put32(png, static_cast<uint32_t>(data.size()));
  const size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  put32(png, static_cast<uint32_t>(crc32(0, &png[start], static_cast<uInt>(data.size() + 4))));
}

struct png_spec {
  uint32_t width = 16, height = 8;
  uint8_t color = 2;  // 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
  int level = 6, mem_level = 8, strategy = Z_DEFAULT_STRATEGY;
  bool hand_made_deflate = false;  // stored blocks of 100 bytes: valid, but no zlib setting writes them
  size_t idat_piece = 0;  // 0: one IDAT chunk
  bool interlaced = false;
};

// An 8-bit PNG with a textured picture, rows filtered with types 0..4 in turn.
std::vector<uint8_t> make_png(const png_spec& s) {
  static const uint32_t channels_of[7] = {1, 0, 3, 1, 2, 0, 4};
  const uint32_t ch = channels_of[s.color];
  const size_t row = size_t(s.width) * ch;
  std::vector<uint8_t> raw(row * s.height);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>((i * 7 + (i / row) * 13 + (i % 5) * 31) & 0xFF);
  std::vector<uint8_t> filtered;
  for (uint32_t y = 0; y < s.height; ++y) {
    const uint8_t type = static_cast<uint8_t>(y % 5);
    filtered.push_back(type);
    for (size_t x = 0; x < row; ++x) {
      const int a = x >= ch ? raw[y * row + x - ch] : 0, b = y ? raw[(y - 1) * row + x] : 0;
      const int c = y && x >= ch ? raw[(y - 1) * row + x - ch] : 0;
      const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
      const int pred = type == 1 ? a : type == 2 ? b : type == 3 ? (a + b) / 2
                       : type == 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? b : c) : 0;
      filtered.push_back(static_cast<uint8_t>(raw[y * row + x] - pred));
    }
  }
  std::vector<uint8_t> compressed;
  if (s.hand_made_deflate) {
    compressed = {0x78, 0x01};
    for (size_t at = 0; at < filtered.size(); at += 100) {
      const size_t n = std::min<size_t>(100, filtered.size() - at);
      compressed.push_back(at + n == filtered.size() ? 1 : 0);
      compressed.insert(compressed.end(), {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8),
                                           static_cast<uint8_t>(~n), static_cast<uint8_t>(~n >> 8)});
      compressed.insert(compressed.end(), filtered.begin() + static_cast<std::ptrdiff_t>(at),
                        filtered.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
    put32(compressed, static_cast<uint32_t>(adler32(1, filtered.data(), static_cast<uInt>(filtered.size()))));
  } else {
    z_stream z{};
    REQUIRE(deflateInit2(&z, s.level, Z_DEFLATED, 15, s.mem_level, s.strategy) == Z_OK);
    compressed.resize(deflateBound(&z, static_cast<uLong>(filtered.size())));
    z.next_in = filtered.data();
    z.avail_in = static_cast<uInt>(filtered.size());
    z.next_out = compressed.data();
    z.avail_out = static_cast<uInt>(compressed.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    compressed.resize(z.total_out);
    deflateEnd(&z);
  }

  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  put32(ihdr, s.width);
  put32(ihdr, s.height);
  ihdr.insert(ihdr.end(), {8, s.color, 0, 0, static_cast<uint8_t>(s.interlaced ? 1 : 0)});
  chunk(png, "IHDR", ihdr);
  if (s.color == 3) chunk(png, "PLTE", std::vector<uint8_t>(768, 7));
  chunk(png, "tEXt", {'C', 'o', 'm', 'm', 'e', 'n', 't', 0, 'h', 'i'});
  const size_t piece = s.idat_piece ? s.idat_piece : compressed.size();
  for (size_t at = 0; at < compressed.size(); at += piece)
    chunk(png, "IDAT", std::vector<uint8_t>(compressed.begin() + static_cast<std::ptrdiff_t>(at),
                                            compressed.begin() + static_cast<std::ptrdiff_t>(std::min(compressed.size(), at + piece))));
  chunk(png, "IEND", {});
  return png;
}

void check_round_trip(const std::vector<uint8_t>& png, uint32_t width, uint8_t pixel_bytes) {
  transform::layout l;
  std::vector<uint8_t> stream;
  REQUIRE(transform::analyze_png(png.data(), png.size(), l, &stream));
  CHECK(l.k == transform::kind::png);
  CHECK(l.what == transform::modality::image);
  CHECK(l.image_width == width);
  CHECK(l.pixel_bytes == pixel_bytes);
  CHECK(l.header_size + l.payload_size + l.trailer_size == stream.size());
  std::vector<uint8_t> back;
  REQUIRE(transform::inverse_png(l, stream.data(), stream.size(), back));
  CHECK(back == png);
}

}  // namespace

TEST_CASE("png: every 8-bit colour type, odd geometries, zlib settings and IDAT splits rebuild exactly", "[transform][png]") {
  for (uint8_t color : {uint8_t(0), uint8_t(2), uint8_t(3), uint8_t(4), uint8_t(6)}) {
    INFO("colour type " << int(color));
    png_spec s;
    s.color = color;
    static const uint8_t bytes[7] = {1, 0, 3, 1, 2, 0, 4};
    check_round_trip(make_png(s), s.width, bytes[color]);
  }
  for (auto [w, h] : {std::pair<uint32_t, uint32_t>{1, 1}, {1, 300}, {300, 1}, {1, 65535}}) {
    INFO(w << " x " << h);
    png_spec s;
    s.width = w;
    s.height = h;
    s.color = 0;
    check_round_trip(make_png(s), w, 1);
  }
  for (int level : {1, 3, 6, 9})
    for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_RLE, Z_HUFFMAN_ONLY}) {
      INFO("level " << level << " strategy " << strategy);
      png_spec s;
      s.width = 40;
      s.height = 30;
      s.level = level;
      s.strategy = strategy;
      s.mem_level = level == 3 ? 5 : 8;
      s.idat_piece = level == 9 ? 100 : 0;
      check_round_trip(make_png(s), 40, 3);
    }
}

TEST_CASE("png: damaged, interlaced or unrebuildable files stay raw", "[transform][png]") {
  png_spec s;
  s.width = 40;
  s.height = 20;
  const std::vector<uint8_t> good = make_png(s);
  transform::layout l;
  REQUIRE(transform::analyze_png(good.data(), good.size(), l, nullptr));

  std::vector<uint8_t> bad_crc = good;
  bad_crc[bad_crc.size() - 20] ^= 1;  // inside the last IDAT chunk's data or CRC
  CHECK_FALSE(transform::analyze_png(bad_crc.data(), bad_crc.size(), l, nullptr));
  for (size_t cut : {size_t(8), size_t(40), good.size() / 2, good.size() - 13}) {
    INFO("cut at " << cut);
    CHECK_FALSE(transform::analyze_png(good.data(), cut, l, nullptr));
  }
  png_spec interlaced = s;
  interlaced.interlaced = true;
  const auto i = make_png(interlaced);
  CHECK_FALSE(transform::may_be_png(i.data(), i.size()));
  CHECK_FALSE(transform::analyze_png(i.data(), i.size(), l, nullptr));
  // Absurd dimensions in the IHDR (CRC fixed up): refused before any allocation.
  std::vector<uint8_t> huge = good;
  huge[16] = 0x7F;  // width ~2^31
  huge[20] = 0x7F;
  const uint32_t crc = static_cast<uint32_t>(crc32(0, &huge[12], 17));
  for (int k = 0; k < 4; ++k) huge[29 + k] = static_cast<uint8_t>(crc >> (24 - 8 * k));
  CHECK_FALSE(transform::analyze_png(huge.data(), huge.size(), l, nullptr));
  // A valid deflate stream that no zlib setting produces: stays raw, and
  // still archives and extracts as bytes.
  png_spec hand = s;
  hand.hand_made_deflate = true;
  const auto h = make_png(hand);
  CHECK(transform::may_be_png(h.data(), h.size()));
  CHECK_FALSE(transform::analyze_png(h.data(), h.size(), l, nullptr));
  const auto archive = test::make_archive({{test::file_header("h.png", h.size()), h}}, create_options{});
  const auto r = test::read_all(archive);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].data == h);
  CHECK(r.entries[0].header.transform == 0);
}

TEST_CASE("png: the inverse refuses a stream that cannot be one", "[transform][png]") {
  png_spec s;
  const std::vector<uint8_t> png = make_png(s);
  transform::layout l;
  std::vector<uint8_t> stream;
  REQUIRE(transform::analyze_png(png.data(), png.size(), l, &stream));
  std::vector<uint8_t> out;
  for (size_t at : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(4), size_t(5)}) {
    std::vector<uint8_t> bad = stream;
    bad[at] = 0xFF;  // zlib parameters, IDAT count
    CHECK_FALSE(transform::inverse_png(l, bad.data(), bad.size(), out));
  }
  transform::layout shorter = l;
  shorter.payload_size -= 1;
  CHECK_FALSE(transform::inverse_png(shorter, stream.data(), stream.size() - 1, out));
}

TEST_CASE("png files archive as pixels and extract byte for byte, solid or not", "[transform][png][archive]") {
  png_spec s;
  s.width = 64;
  s.height = 48;
  const std::vector<uint8_t> png = make_png(s);
  const std::vector<test::mem_entry> entries = {{test::file_header("pic.png", png.size()), png},
                                                {test::file_header("notes.txt", 2000), test::text_bytes(2000, 3)}};
  for (uint64_t solid : {uint64_t(0), uint64_t(1) << 20}) {
    INFO("solid block " << solid);
    create_options o;
    o.solid_block_size = solid;
    const auto archive = solid ? test::make_solid_archive(entries, o) : test::make_archive(entries, o);
    const auto r = test::read_all(archive);
    REQUIRE(r.st.ok());
    REQUIRE(r.entries.size() == 2);
    for (const auto& e : r.entries) {
      if (e.header.path != "pic.png") continue;
      CHECK(e.data == png);
      CHECK(e.header.transform == static_cast<uint8_t>(transform::kind::png));
    }
  }
}
