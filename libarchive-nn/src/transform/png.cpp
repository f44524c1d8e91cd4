#include "transform/png.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "byte_io.hpp"

namespace archive_nn {
inline namespace v1 {
namespace transform {
namespace {

constexpr uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr uint64_t raw_max = uint64_t(256) << 20;  // filtered image data held in memory
constexpr uint32_t dimension_max = 1u << 24;
constexpr uint64_t stream_max = uint64_t(256) << 20;  // spec §10: buffered entries

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void put_be32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 3; i >= 0; --i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

struct geometry {
  uint32_t width = 0, height = 0, channels = 0;  // 8-bit samples per pixel
  uint64_t row() const { return uint64_t(width) * channels; }
  uint64_t filtered_size() const { return (row() + 1) * height; }
};

// IHDR at the file's start: 8-bit, compression 0, filter 0, no interlace.
bool read_ihdr(const uint8_t* data, size_t size, geometry& g) {
  if (size < 33 || std::memcmp(data, signature, 8) != 0) return false;
  if (be32(data + 8) != 13 || std::memcmp(data + 12, "IHDR", 4) != 0) return false;
  g.width = be32(data + 16);
  g.height = be32(data + 20);
  const uint8_t depth = data[24], color = data[25];
  if (depth != 8 || data[26] != 0 || data[27] != 0 || data[28] != 0) return false;
  static const uint8_t channels_of[7] = {1, 0, 3, 1, 2, 0, 4};
  if (color > 6 || channels_of[color] == 0) return false;
  g.channels = channels_of[color];
  if (g.width == 0 || g.height == 0 || g.width > dimension_max || g.height > dimension_max) return false;
  return g.filtered_size() <= raw_max;
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// The filter's prediction of byte x of a row from the raw bytes (bpp: bytes per pixel).
inline int predict(int type, const uint8_t* row, const uint8_t* above, size_t x, size_t bpp) {
  const int a = x >= bpp ? row[x - bpp] : 0, b = above ? above[x] : 0, c = above && x >= bpp ? above[x - bpp] : 0;
  switch (type) {
    case 1: return a;
    case 2: return b;
    case 3: return (a + b) / 2;
    case 4: return paeth(a, b, c);
    default: return 0;
  }
}

// Filtered rows (filter byte + row) -> raw pixels and the filter bytes; false on a filter type > 4.
bool unfilter(const std::vector<uint8_t>& filtered, const geometry& g, std::vector<uint8_t>& raw, std::vector<uint8_t>& types) {
  const size_t row = static_cast<size_t>(g.row()), bpp = g.channels;
  raw.resize(row * g.height);
  types.resize(g.height);
  for (size_t y = 0; y < g.height; ++y) {
    const uint8_t* src = &filtered[y * (row + 1)];
    if (src[0] > 4) return false;
    types[y] = src[0];
    uint8_t* dst = &raw[y * row];
    const uint8_t* above = y ? dst - row : nullptr;
    for (size_t x = 0; x < row; ++x) dst[x] = static_cast<uint8_t>(src[1 + x] + predict(src[0], dst, above, x, bpp));
  }
  return true;
}

std::vector<uint8_t> refilter(const uint8_t* raw, const uint8_t* types, const geometry& g) {
  const size_t row = static_cast<size_t>(g.row()), bpp = g.channels;
  std::vector<uint8_t> out(static_cast<size_t>(g.filtered_size()));
  for (size_t y = 0; y < g.height; ++y) {
    uint8_t* dst = &out[y * (row + 1)];
    dst[0] = types[y];
    const uint8_t* cur = raw + y * row;
    const uint8_t* above = y ? cur - row : nullptr;
    for (size_t x = 0; x < row; ++x) dst[1 + x] = static_cast<uint8_t>(cur[x] - predict(types[y], cur, above, x, bpp));
  }
  return out;
}

bool inflate_all(const uint8_t* in, size_t in_size, std::vector<uint8_t>& out) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(in);
  z.avail_in = static_cast<uInt>(in_size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const bool ok = rc == Z_STREAM_END && z.avail_in == 0 && z.avail_out == 0;
  inflateEnd(&z);
  return ok;
}

struct zlib_params {
  int level = 6, mem_level = 8, strategy = Z_DEFAULT_STRATEGY, window_bits = 15;
};

// Deflates `in`; with `expect`, stops at the first byte that differs from it
// (false). Without, fills `out`.
bool deflate_with(const zlib_params& p, const std::vector<uint8_t>& in, const std::vector<uint8_t>* expect,
                  std::vector<uint8_t>* out) {
  z_stream z{};
  if (deflateInit2(&z, p.level, Z_DEFLATED, p.window_bits, p.mem_level, p.strategy) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  uint8_t buf[16384];
  size_t produced = 0;
  bool ok = true;
  for (;;) {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    const int rc = deflate(&z, Z_FINISH);
    const size_t n = sizeof buf - z.avail_out;
    if (expect) {
      if (produced + n > expect->size() || std::memcmp(expect->data() + produced, buf, n) != 0) {
        ok = false;
        break;
      }
    } else {
      out->insert(out->end(), buf, buf + n);
    }
    produced += n;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      ok = false;
      break;
    }
  }
  deflateEnd(&z);
  return ok && (!expect || produced == expect->size());
}

// The zlib parameters that rebuild `compressed` from `filtered`: the window
// from the stream header, levels from its FLEVEL hint, libpng's and zlib's
// defaults first.
bool find_params(const std::vector<uint8_t>& filtered, const std::vector<uint8_t>& compressed, zlib_params& found) {
  if (compressed.size() < 2) return false;
  const int window_bits = (compressed[0] >> 4) + 8;
  if ((compressed[0] & 0x0F) != 8 || window_bits > 15) return false;
  static const std::vector<int> levels_by_hint[4] = {{1, 0}, {2, 3, 4, 5}, {6}, {9, 7, 8}};
  const std::vector<int>& levels = levels_by_hint[compressed[1] >> 6];
  static const int strategies[] = {Z_FILTERED, Z_DEFAULT_STRATEGY, Z_RLE, Z_HUFFMAN_ONLY, Z_FIXED};
  static const int mem_levels[] = {8, 9, 7, 6, 5, 4, 3, 2, 1};
  for (int mem : mem_levels)
    for (int strategy : strategies)
      for (int level : levels) {
        const zlib_params p{level, mem, strategy, window_bits};
        if (deflate_with(p, filtered, &compressed, nullptr)) {
          found = p;
          return true;
        }
      }
  return false;
}

// Descriptor: Level, Mem_Level, Strategy, Window_Bits (u8 each), IDAT_Count
// and each IDAT chunk's data length (varints), Prefix_Size (varint), the
// filter byte of every row; then the prefix (the file before the first IDAT).
struct descriptor {
  zlib_params zp;
  std::vector<uint64_t> idat_sizes;
  uint64_t prefix_size = 0;
  const uint8_t* types = nullptr;  // height bytes
  const uint8_t* prefix = nullptr;
  size_t size = 0;                 // descriptor + prefix bytes
};

bool parse_descriptor(const uint8_t* data, size_t size, descriptor& d, geometry& g) {
  byte_reader in(data, size);
  d.zp.level = in.u8();
  d.zp.mem_level = in.u8();
  d.zp.strategy = in.u8();
  d.zp.window_bits = in.u8();
  if (in.failed() || d.zp.level > 9 || d.zp.mem_level < 1 || d.zp.mem_level > 9 || d.zp.strategy > Z_FIXED ||
      d.zp.window_bits < 8 || d.zp.window_bits > 15)
    return false;
  const uint64_t count = in.varint();
  if (in.failed() || count == 0 || count > in.remaining()) return false;  // every size takes a byte at least
  d.idat_sizes.resize(static_cast<size_t>(count));
  for (auto& n : d.idat_sizes)
    if ((n = in.varint()) > 0x7FFFFFFFu) return false;
  d.prefix_size = in.varint();
  // The filter bytes follow the prefix, whose IHDR gives their count.
  d.prefix = in.bytes(static_cast<size_t>(std::min<uint64_t>(d.prefix_size, SIZE_MAX)));
  if (in.failed() || !read_ihdr(d.prefix, static_cast<size_t>(d.prefix_size), g)) return false;
  d.types = in.bytes(g.height);
  if (in.failed()) return false;
  for (uint32_t y = 0; y < g.height; ++y)
    if (d.types[y] > 4) return false;
  d.size = in.position();
  return true;
}

uint32_t chunk_crc(const uint8_t* type_and_data, size_t n) {
  return static_cast<uint32_t>(crc32(0, type_and_data, static_cast<uInt>(n)));
}

// The file from its parts: prefix, the compressed data cut into IDAT chunks, suffix.
std::vector<uint8_t> assemble(const uint8_t* prefix, size_t prefix_size, const std::vector<uint8_t>& compressed,
                              const std::vector<uint64_t>& idat_sizes, const uint8_t* suffix, size_t suffix_size) {
  std::vector<uint8_t> out(prefix, prefix + prefix_size);
  size_t at = 0;
  for (uint64_t n : idat_sizes) {
    const size_t start = out.size();
    put_be32(out, static_cast<uint32_t>(n));
    out.insert(out.end(), {'I', 'D', 'A', 'T'});
    out.insert(out.end(), compressed.begin() + static_cast<std::ptrdiff_t>(at),
               compressed.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += static_cast<size_t>(n);
    put_be32(out, chunk_crc(&out[start + 4], static_cast<size_t>(n) + 4));
  }
  out.insert(out.end(), suffix, suffix + suffix_size);
  return out;
}

}  // namespace

bool may_be_png(const uint8_t* data, size_t size) {
  geometry g;
  return read_ihdr(data, size, g);
}

bool analyze_png(const uint8_t* data, size_t size, layout& l, std::vector<uint8_t>* stream) {
  geometry g;
  if (!read_ihdr(data, size, g)) return false;
  // Walk the chunks: the IDATs must be consecutive, with valid CRCs.
  size_t pos = 8, first_idat = 0, after_idat = 0;
  std::vector<uint64_t> idat_sizes;
  std::vector<uint8_t> compressed;
  bool in_idat = false, idat_done = false;
  while (pos + 12 <= size) {
    const uint32_t n = be32(data + pos);
    if (n > 0x7FFFFFFFu || n > size - pos - 12) return false;
    const uint8_t* type = data + pos + 4;
    const bool is_idat = std::memcmp(type, "IDAT", 4) == 0;
    if (is_idat) {
      if (idat_done) return false;
      if (be32(data + pos + 8 + n) != chunk_crc(type, size_t(n) + 4)) return false;
      if (!in_idat) first_idat = pos;
      in_idat = true;
      idat_sizes.push_back(n);
      compressed.insert(compressed.end(), data + pos + 8, data + pos + 8 + n);
      if (compressed.size() > raw_max) return false;
    } else if (in_idat) {
      in_idat = false;
      idat_done = true;
      after_idat = pos;
    }
    pos += size_t(n) + 12;
    if (std::memcmp(type, "IEND", 4) == 0) break;
  }
  if (idat_sizes.empty()) return false;
  if (in_idat) after_idat = pos;
  // Deflate expands at most ~1032:1: a claim beyond that is false, and is
  // refused before the rows are allocated.
  if (g.filtered_size() > uint64_t(compressed.size()) * 1032 + 1024) return false;
  std::vector<uint8_t> filtered(static_cast<size_t>(g.filtered_size()));
  if (!inflate_all(compressed.data(), compressed.size(), filtered)) return false;
  zlib_params zp;
  if (!find_params(filtered, compressed, zp)) return false;
  std::vector<uint8_t> raw, types;
  if (!unfilter(filtered, g, raw, types)) return false;

  byte_writer head;
  head.u8(static_cast<uint8_t>(zp.level));
  head.u8(static_cast<uint8_t>(zp.mem_level));
  head.u8(static_cast<uint8_t>(zp.strategy));
  head.u8(static_cast<uint8_t>(zp.window_bits));
  head.varint(idat_sizes.size());
  for (uint64_t n : idat_sizes) head.varint(n);
  head.varint(first_idat);
  std::vector<uint8_t> s = std::move(head.buffer());
  s.insert(s.end(), data, data + first_idat);
  s.insert(s.end(), types.begin(), types.end());
  const size_t header = s.size();
  s.insert(s.end(), raw.begin(), raw.end());
  s.insert(s.end(), data + after_idat, data + size);
  if (s.size() > stream_max) return false;  // the decoder rebuilds the entry in memory

  l.k = kind::png;
  l.what = modality::image;
  l.header_size = header;
  l.payload_size = raw.size();
  l.trailer_size = size - after_idat;
  l.image_width = g.width;
  l.pixel_bytes = static_cast<uint8_t>(g.channels);
  // Verify: the inverse must give back the file.
  std::vector<uint8_t> back;
  if (!inverse_png(l, s.data(), s.size(), back) || back.size() != size || std::memcmp(back.data(), data, size) != 0)
    return false;
  if (stream) *stream = std::move(s);
  return true;
}

bool inverse_png(const layout& l, const uint8_t* data, size_t size, std::vector<uint8_t>& out) {
  if (l.header_size + l.payload_size + l.trailer_size != size) return false;
  descriptor d;
  geometry g;
  if (!parse_descriptor(data, static_cast<size_t>(l.header_size), d, g)) return false;
  if (d.size != l.header_size || g.row() * g.height != l.payload_size) return false;
  const std::vector<uint8_t> filtered = refilter(data + l.header_size, d.types, g);
  std::vector<uint8_t> compressed;
  if (!deflate_with(d.zp, filtered, nullptr, &compressed)) return false;
  uint64_t total = 0;
  for (uint64_t n : d.idat_sizes) total += n;
  if (total != compressed.size()) return false;
  out = assemble(d.prefix, static_cast<size_t>(d.prefix_size), compressed, d.idat_sizes,
                 data + l.header_size + l.payload_size, static_cast<size_t>(l.trailer_size));
  return true;
}

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
