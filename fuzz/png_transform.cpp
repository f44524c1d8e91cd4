// png_transform: the png transform (spec/archive_format.md §11.4) on hostile
// input. Often the input is dressed as a PNG that zlib wrote (fuzzer-chosen
// geometry, colour type, zlib settings, filter types, IDAT split), then maybe
// damaged at a fuzzer-chosen byte. Whenever analyze_png() accepts a file,
// inverse_png() gives it back exactly; inverse_png() on arbitrary streams
// refuses or returns, never crashes or reads out of bounds; no claim in a
// small file makes it allocate much.
#include <zlib.h>

#include "fuzz_helpers.hpp"
#include "transform/png.hpp"

namespace tf = archive_nn::transform;

namespace {

void put_be32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 3; i >= 0; --i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

void chunk(std::vector<uint8_t>& png, const char* type, const uint8_t* data, size_t n) {
  put_be32(png, static_cast<uint32_t>(n));
  const size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data, data + n);
  put_be32(png, static_cast<uint32_t>(crc32(0, &png[start], static_cast<uInt>(n + 4))));
}

std::vector<uint8_t> dress_png(fuzz::data_producer& in, const std::vector<uint8_t>& body) {
  static const uint8_t colors[5] = {0, 2, 3, 4, 6};
  static const uint32_t bpp_of[7] = {1, 0, 3, 1, 2, 0, 4};
  const uint8_t color = colors[in.u32_in(0, 4)];
  const uint32_t w = in.u32_in(1, 48), h = in.u32_in(1, 48);
  const int level = static_cast<int>(in.u32_in(0, 9)), mem = static_cast<int>(in.u32_in(1, 9));
  const int strategy = static_cast<int>(in.u32_in(0, 4));
  const size_t piece = in.u32_in(1, 400);
  const size_t row = size_t(w) * bpp_of[color];
  std::vector<uint8_t> filtered;
  size_t at = 0;
  for (uint32_t y = 0; y < h; ++y) {
    filtered.push_back(static_cast<uint8_t>(body.empty() ? 0 : body[at++ % body.size()] % 6));  // 5: a bad type
    for (size_t x = 0; x < row; ++x) filtered.push_back(body.empty() ? 0 : body[at++ % body.size()]);
  }
  std::vector<uint8_t> compressed(compressBound(static_cast<uLong>(filtered.size())) + 64);
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15, mem, strategy) != Z_OK) return {};
  z.next_in = filtered.data();
  z.avail_in = static_cast<uInt>(filtered.size());
  z.next_out = compressed.data();
  z.avail_out = static_cast<uInt>(compressed.size());
  const int rc = deflate(&z, Z_FINISH);
  compressed.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return {};
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr.insert(ihdr.end(), {8, color, 0, 0, 0});
  chunk(png, "IHDR", ihdr.data(), ihdr.size());
  for (size_t a = 0; a < compressed.size(); a += piece)
    chunk(png, "IDAT", compressed.data() + a, std::min(piece, compressed.size() - a));
  chunk(png, "IEND", nullptr, 0);
  return png;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  const bool dressed = in.flag();
  const bool damage = in.flag();
  const uint32_t damage_at = in.u32();
  const uint8_t damage_xor = static_cast<uint8_t>(in.u32_in(1, 255));
  const uint32_t split = in.u32();
  std::vector<uint8_t> body = in.rest();
  if (body.size() > 4096) body.resize(4096);
  std::vector<uint8_t> file = dressed ? dress_png(in, body) : body;
  if (damage && !file.empty()) file[damage_at % file.size()] ^= damage_xor;

  tf::layout l;
  std::vector<uint8_t> stream;
  if (tf::analyze_png(file.data(), file.size(), l, &stream)) {
    FUZZ_ASSERT(l.k == tf::kind::png && l.header_size + l.payload_size + l.trailer_size == stream.size());
    FUZZ_ASSERT(l.pixel_bytes >= 1 && l.pixel_bytes <= 4 && l.image_width >= 1);
    std::vector<uint8_t> back;
    FUZZ_ASSERT_MSG(tf::inverse_png(l, stream.data(), stream.size(), back), "inverse refused analyze's stream");
    FUZZ_ASSERT_MSG(back == file, "inverse(analyze(x)) != x");
    // The stream damaged, as a reader may see it: refused or rebuilt, never a crash.
    if (!stream.empty()) {
      stream[damage_at % stream.size()] ^= damage_xor;
      (void)tf::inverse_png(l, stream.data(), stream.size(), back);
    }
  }
  // Arbitrary bytes as a stream, cut into header, payload and trailer anywhere.
  tf::layout any;
  any.k = tf::kind::png;
  any.header_size = body.empty() ? 0 : split % (body.size() + 1);
  any.payload_size = (body.size() - any.header_size) / 2;
  any.trailer_size = body.size() - any.header_size - any.payload_size;
  std::vector<uint8_t> out;
  (void)tf::inverse_png(any, body.data(), body.size(), out);
  return 0;
}
