#include "transform/transform.hpp"

#include <cstring>

namespace archive_nn {
inline namespace v1 {
namespace transform {
namespace {

uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Parses one decimal PNM header field, skipping whitespace and comments.
bool pnm_number(const uint8_t* data, size_t size, size_t& pos, uint32_t& value) {
  for (;;) {
    while (pos < size && is_space(data[pos])) ++pos;
    if (pos < size && data[pos] == '#') {
      while (pos < size && data[pos] != '\n') ++pos;
      continue;
    }
    break;
  }
  if (pos >= size || data[pos] < '0' || data[pos] > '9') return false;
  uint64_t v = 0;
  while (pos < size && data[pos] >= '0' && data[pos] <= '9') {
    v = v * 10 + (data[pos] - '0');
    if (v > 0xFFFFFF) return false;
    ++pos;
  }
  value = static_cast<uint32_t>(v);
  return true;
}

bool analyze_pnm(const uint8_t* data, size_t size, uint64_t total, layout& l) {
  if (size < 8 || data[0] != 'P' || (data[1] != '5' && data[1] != '6')) return false;
  size_t pos = 2;
  uint32_t w = 0, h = 0, maxval = 0;
  if (!pnm_number(data, size, pos, w) || !pnm_number(data, size, pos, h) || !pnm_number(data, size, pos, maxval))
    return false;
  if (pos >= size || !is_space(data[pos])) return false;
  ++pos;  // exactly one whitespace byte ends the header
  if (w == 0 || h == 0 || maxval == 0 || maxval > 255) return false;
  const uint64_t channels = data[1] == '6' ? 3 : 1;
  const uint64_t pixels = uint64_t(w) * h * channels;
  if (pixels > total - pos) return false;
  l.k = kind::pnm;
  l.what = modality::image;
  l.image_width = w;
  l.pixel_bytes = static_cast<uint8_t>(channels);
  l.header_size = pos;
  l.payload_size = pixels;
  l.trailer_size = total - pos - pixels;
  return true;
}

bool analyze_wav(const uint8_t* data, size_t size, uint64_t total, layout& l) {
  if (size < 44 || std::memcmp(data, "RIFF", 4) != 0 || std::memcmp(data + 8, "WAVE", 4) != 0) return false;
  size_t pos = 12;
  bool have_fmt = false;
  uint16_t channels = 0;
  while (pos + 8 <= size) {
    const uint32_t chunk_size = le32(data + pos + 4);
    const uint8_t* id = data + pos;
    const size_t body = pos + 8;
    if (std::memcmp(id, "fmt ", 4) == 0) {
      if (chunk_size < 16 || chunk_size > size - body) return false;
      const uint16_t format = le16(data + body);
      channels = le16(data + body + 2);
      const uint16_t bits = le16(data + body + 14);
      if ((format != 1 && format != 0xFFFE) || bits != 16 || channels < 1 || channels > 8) return false;
      have_fmt = true;
    } else if (std::memcmp(id, "data", 4) == 0) {
      if (!have_fmt) return false;
      uint64_t n = chunk_size;
      if (n > total - body) n = total - body;  // truncated or streamed WAV: code what is there
      n &= ~uint64_t(1);
      l.k = kind::wav_pcm16;
      l.what = modality::audio;
      l.header_size = body;
      l.payload_size = n;
      l.trailer_size = total - body - n;
      l.channels = channels;
      return true;
    }
    if (chunk_size > size - body) return false;
    pos = body + chunk_size + (chunk_size & 1);
  }
  return false;
}

// Uncompressed 24-bit bottom-up BMP with a BITMAPINFOHEADER or later.
bool analyze_bmp(const uint8_t* data, size_t size, layout& l) {
  if (size < 54 || data[0] != 'B' || data[1] != 'M') return false;
  const uint32_t offset = le32(data + 10);
  const uint32_t info_size = le32(data + 14);
  if (info_size < 40 || offset < 14 + info_size || offset > size) return false;
  const int32_t w = static_cast<int32_t>(le32(data + 18));
  const int32_t h = static_cast<int32_t>(le32(data + 22));
  const uint16_t planes = le16(data + 26), bpp = le16(data + 28);
  const uint32_t compression = le32(data + 30);
  if (planes != 1 || bpp != 24 || compression != 0 || w <= 0 || h <= 0 || w > 65536 || h > 65536) return false;
  const uint64_t stride = (uint64_t(w) * 3 + 3) & ~uint64_t(3);
  const uint64_t pixel_bytes = stride * uint64_t(h);
  if (pixel_bytes > size - offset) return false;
  l.k = kind::bmp24;
  l.what = modality::image;
  l.image_width = static_cast<uint32_t>(w);
  l.pixel_bytes = 3;
  l.header_size = offset;
  l.payload_size = uint64_t(w) * 3 * uint64_t(h);
  // Row padding moves into the trailer so the payload is pure RGB.
  l.trailer_size = size - offset - l.payload_size;
  return true;
}

bool looks_like_text(const uint8_t* data, size_t size) {
  if (size == 0) return false;
  const size_t n = size < 65536 ? size : 65536;
  size_t bad = 0;
  size_t i = 0;
  while (i < n) {
    const uint8_t c = data[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) ++bad;
      ++i;
      continue;
    }
    int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > n) {
      if (i + len > n && len != 0) break;  // sequence cut by the sample window
      ++bad;
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k < len; ++k)
      if ((data[i + k] & 0xC0) != 0x80) ok = false;
    if (!ok) ++bad;
    i += ok ? len : 1;
  }
  return bad * 100 <= n;  // tolerate 1% (Latin-1 accents in old text)
}

}  // namespace

layout analyze(const uint8_t* data, size_t available, uint64_t total) {
  layout l;
  if (available > total) available = static_cast<size_t>(total);
  if (analyze_pnm(data, available, total, l) || analyze_wav(data, available, total, l)) return l;
  if (available == total && analyze_bmp(data, available, l)) return l;
  l = layout{};
  l.k = kind::raw;
  l.what = looks_like_text(data, available) ? modality::text : modality::binary;
  l.payload_size = total;
  return l;
}

std::vector<uint8_t> forward(const layout& l, const uint8_t* data, size_t size) {
  if (l.k != kind::bmp24) return std::vector<uint8_t>(data, data + size);
  // BMP: header, then rows top-down without padding as RGB, then the row padding
  // bytes (in file order) and whatever followed the pixel array.
  std::vector<uint8_t> out;
  out.reserve(size);
  out.insert(out.end(), data, data + l.header_size);
  const uint32_t w = le32(data + 18), h = le32(data + 22);
  const uint64_t row = uint64_t(w) * 3, stride = (row + 3) & ~uint64_t(3);
  const uint8_t* pixels = data + l.header_size;
  for (uint64_t y = 0; y < h; ++y) {
    const uint8_t* src = pixels + (h - 1 - y) * stride;
    for (uint64_t x = 0; x < w; ++x) {
      out.push_back(src[3 * x + 2]);
      out.push_back(src[3 * x + 1]);
      out.push_back(src[3 * x + 0]);
    }
  }
  for (uint64_t y = 0; y < h; ++y) out.insert(out.end(), pixels + y * stride + row, pixels + (y + 1) * stride);
  out.insert(out.end(), pixels + stride * h, data + size);
  return out;
}

bool inverse(const layout& l, const uint8_t* data, size_t size, std::vector<uint8_t>& out) {
  if (l.header_size + l.payload_size + l.trailer_size != size) return false;
  if (l.k != kind::bmp24) {
    out.assign(data, data + size);
    return true;
  }
  if (l.header_size < 54) return false;
  const uint32_t w = le32(data + 18), h = le32(data + 22);
  if (w == 0 || h == 0 || w > 65536 || h > 65536) return false;
  const uint64_t row = uint64_t(w) * 3, stride = (row + 3) & ~uint64_t(3);
  if (row * h != l.payload_size || (stride - row) * h > l.trailer_size) return false;
  out.clear();
  out.reserve(size);
  out.insert(out.end(), data, data + l.header_size);
  const uint8_t* rgb = data + l.header_size;
  const uint8_t* pad = rgb + l.payload_size;
  for (uint64_t y = 0; y < h; ++y) {  // file row y holds picture row h-1-y
    const uint8_t* src = rgb + (h - 1 - y) * row;
    for (uint64_t x = 0; x < w; ++x) {
      out.push_back(src[3 * x + 2]);
      out.push_back(src[3 * x + 1]);
      out.push_back(src[3 * x + 0]);
    }
    out.insert(out.end(), pad + y * (stride - row), pad + (y + 1) * (stride - row));
  }
  out.insert(out.end(), pad + (stride - row) * h, data + size);
  return true;
}

std::vector<uint8_t> model_stream(const uint8_t* data, size_t size, modality* what) {
  const layout l = analyze(data, size);
  if (what) *what = l.what;
  const std::vector<uint8_t> t = forward(l, data, size);
  return std::vector<uint8_t>(t.begin() + static_cast<std::ptrdiff_t>(l.header_size),
                              t.begin() + static_cast<std::ptrdiff_t>(l.header_size + l.payload_size));
}

const char* modality_name(modality m) {
  switch (m) {
    case modality::text: return "text";
    case modality::image: return "image";
    case modality::audio: return "audio";
    case modality::binary: return "binary";
  }
  return "binary";
}

const char* kind_name(kind k) {
  switch (k) {
    case kind::raw: return "raw";
    case kind::pnm: return "pnm";
    case kind::wav_pcm16: return "wav_pcm16";
    case kind::bmp24: return "bmp24";
    case kind::png: return "png";
    case kind::jpeg: return "jpeg";
    case kind::sparse: return "sparse";
  }
  return "unknown";
}

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
