#include "transform/jpeg.hpp"

#include <jxl/decode.h>
#include <jxl/encode.h>

#include <cstring>
#include <memory>

#include "byte_io.hpp"

namespace archive_nn {
inline namespace v1 {
namespace transform {
namespace {

constexpr uint8_t descriptor_version = 1;
constexpr uint64_t file_max = uint64_t(256) << 20;  // spec §10: buffered entries
// libjxl holds about 40 bytes a pixel while it transcodes and 10 while it
// rebuilds (measured on a 3840x2160 photo: 320 MB and 82 MB); 2^25 pixels
// (8K UHD fits) keeps both directions near or under jpeg_memory_max.
constexpr uint64_t pixels_max = uint64_t(1) << 25;

uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }

// The frame's size from its SOFn marker, walking the markers before it;
// false for anything that is not a JPEG with a frame header before its scan.
bool frame_size(const uint8_t* data, size_t size, uint32_t& width, uint32_t& height) {
  if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return false;
  size_t pos = 2;
  while (pos + 4 <= size) {
    if (data[pos] != 0xFF) return false;
    const uint8_t marker = data[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      pos += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9 || marker == 0xD8) return false;  // scan or end before a frame
    const uint32_t length = be16(data + pos + 2);
    if (length < 2 || length > size - pos - 2) return false;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (length < 8) return false;
      height = be16(data + pos + 5);
      width = be16(data + pos + 7);
      return width != 0 && height != 0;
    }
    pos += 2 + length;
  }
  return false;
}

struct encoder_deleter {
  void operator()(JxlEncoder* e) const { JxlEncoderDestroy(e); }
};
struct decoder_deleter {
  void operator()(JxlDecoder* d) const { JxlDecoderDestroy(d); }
};

// Whether the file has its end-of-image marker: entropy-coded data never
// holds FF D9 (a coded FF is followed by 00), so its absence means a cut
// file, which libjxl refuses after parsing it (and complaining on stderr).
bool has_end_marker(const uint8_t* data, size_t size) {
  for (size_t i = size - 1; i > 2; --i)
    if (data[i] == 0xD9 && data[i - 1] == 0xFF) return true;
  return false;
}

bool transcode(const uint8_t* data, size_t size, int effort, std::vector<uint8_t>& jxl) {
  std::unique_ptr<JxlEncoder, encoder_deleter> enc(JxlEncoderCreate(nullptr));
  if (!enc) return false;
  if (JxlEncoderStoreJPEGMetadata(enc.get(), JXL_TRUE) != JXL_ENC_SUCCESS) return false;
  JxlEncoderFrameSettings* settings = JxlEncoderFrameSettingsCreate(enc.get(), nullptr);
  if (!settings || JxlEncoderFrameSettingsSetOption(settings, JXL_ENC_FRAME_SETTING_EFFORT, effort) != JXL_ENC_SUCCESS)
    return false;
  if (JxlEncoderAddJPEGFrame(settings, data, size) != JXL_ENC_SUCCESS) return false;
  JxlEncoderCloseInput(enc.get());
  jxl.resize(size / 2 + 4096);
  size_t used = 0;
  for (;;) {
    uint8_t* next = jxl.data() + used;
    size_t avail = jxl.size() - used;
    const JxlEncoderStatus st = JxlEncoderProcessOutput(enc.get(), &next, &avail);
    used = jxl.size() - avail;
    if (st == JXL_ENC_SUCCESS) break;
    if (st != JXL_ENC_NEED_MORE_OUTPUT || jxl.size() > size) return false;  // larger than the file: no use
    jxl.resize(jxl.size() * 2);
  }
  jxl.resize(used);
  return true;
}

// The JPEG file of `jpeg_size` bytes that the JPEG XL file rebuilds.
bool rebuild(const uint8_t* jxl, size_t jxl_size, uint64_t jpeg_size, std::vector<uint8_t>& out) {
  std::unique_ptr<JxlDecoder, decoder_deleter> dec(JxlDecoderCreate(nullptr));
  if (!dec) return false;
  if (JxlDecoderSubscribeEvents(dec.get(), JXL_DEC_BASIC_INFO | JXL_DEC_JPEG_RECONSTRUCTION | JXL_DEC_FULL_IMAGE) !=
      JXL_DEC_SUCCESS)
    return false;
  if (JxlDecoderSetInput(dec.get(), jxl, jxl_size) != JXL_DEC_SUCCESS) return false;
  JxlDecoderCloseInput(dec.get());
  bool have_buffer = false;
  for (;;) {
    const JxlDecoderStatus st = JxlDecoderProcessInput(dec.get());
    switch (st) {
      case JXL_DEC_BASIC_INFO: {
        JxlBasicInfo info;
        if (JxlDecoderGetBasicInfo(dec.get(), &info) != JXL_DEC_SUCCESS) return false;
        if (uint64_t(info.xsize) * info.ysize > pixels_max) return false;
        break;
      }
      case JXL_DEC_JPEG_RECONSTRUCTION:
        out.assign(static_cast<size_t>(jpeg_size), 0);
        if (JxlDecoderSetJPEGBuffer(dec.get(), out.data(), out.size()) != JXL_DEC_SUCCESS) return false;
        have_buffer = true;
        break;
      case JXL_DEC_FULL_IMAGE:
        // Every byte of the buffer written: the file is exactly jpeg_size long.
        if (!have_buffer || JxlDecoderReleaseJPEGBuffer(dec.get()) != 0) return false;
        have_buffer = false;
        break;
      case JXL_DEC_SUCCESS:
        return !out.empty();
      default:  // errors, missing input, a frame without reconstruction data (it would need pixel buffers)
        return false;
    }
  }
}

}  // namespace

bool may_be_jpeg(const uint8_t* data, size_t size) {
  return size >= 4 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

bool analyze_jpeg(const uint8_t* data, size_t size, layout& l, std::vector<uint8_t>* stream, int effort) {
  uint32_t width = 0, height = 0;
  if (!may_be_jpeg(data, size) || size > file_max || !frame_size(data, size, width, height) ||
      uint64_t(width) * height > pixels_max || !has_end_marker(data, size))
    return false;
  std::vector<uint8_t> jxl;
  if (!transcode(data, size, effort, jxl)) return false;
  byte_writer head;
  head.u8(descriptor_version);
  head.varint(size);
  std::vector<uint8_t> s = std::move(head.buffer());
  s.insert(s.end(), jxl.begin(), jxl.end());
  if (s.size() >= size) return false;  // no gain: stored as bytes

  l = layout{};
  l.k = kind::jpeg;
  l.what = modality::binary;
  l.header_size = s.size();
  // Verify: the inverse must give back the file.
  std::vector<uint8_t> back;
  if (!inverse_jpeg(l, s.data(), s.size(), back) || back.size() != size || std::memcmp(back.data(), data, size) != 0)
    return false;
  if (stream) *stream = std::move(s);
  return true;
}

bool inverse_jpeg(const layout& l, const uint8_t* data, size_t size, std::vector<uint8_t>& out) {
  if (l.header_size != size || l.payload_size != 0 || l.trailer_size != 0) return false;
  byte_reader in(data, size);
  const uint8_t version = in.u8();
  const uint64_t jpeg_size = in.varint();
  if (in.failed() || version != descriptor_version || jpeg_size < 4 || jpeg_size > file_max) return false;
  const size_t at = in.position();
  if (JxlSignatureCheck(data + at, size - at) != JXL_SIG_CONTAINER) return false;  // the jbrd box needs the container
  return rebuild(data + at, size - at, jpeg_size, out);
}

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
