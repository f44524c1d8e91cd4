// jpeg_transform: the jpeg transform (spec/archive_format.md §11.5) on
// hostile input. Often the input is dressed as a JPEG that libjpeg wrote
// (fuzzer-chosen geometry, grey or colour, quality, progressive, restart
// interval; pixels from the fuzzer's bytes), then maybe damaged at a
// fuzzer-chosen byte or cut. Whenever analyze_jpeg() accepts a file,
// inverse_jpeg() gives it back exactly, and a damaged copy of the stream is
// refused or rebuilt, never a crash; inverse_jpeg() on arbitrary bytes
// behind a valid descriptor refuses or returns.
#include <cstdio>  // before jpeglib.h, which uses FILE and size_t
#include <cstdlib>

#include <jpeglib.h>

#include "fuzz_helpers.hpp"
#include "transform/jpeg.hpp"

namespace tf = archive_nn::transform;

namespace {

std::vector<uint8_t> dress_jpeg(fuzz::data_producer& in, const std::vector<uint8_t>& body) {
  const uint32_t w = in.u32_in(1, 160), h = in.u32_in(1, 120);
  const bool grey = in.flag(), progressive = in.flag();
  const int quality = static_cast<int>(in.u32_in(30, 100));
  const int restart = static_cast<int>(in.u32_in(0, 3));
  const int comps = grey ? 1 : 3;
  std::vector<uint8_t> pixels(size_t(w) * h * comps);
  for (size_t i = 0; i < pixels.size(); ++i)  // a gradient with the fuzzer's bytes as texture
    pixels[i] = static_cast<uint8_t>(i / comps % w + (i / comps / w) + (body.empty() ? 0 : body[i % body.size()] % 16));
  // Geometry and settings are always valid, so libjpeg has no error to report.
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = comps;
  cinfo.in_color_space = grey ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  if (progressive) jpeg_simple_progression(&cinfo);
  cinfo.restart_in_rows = restart;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = &pixels[size_t(cinfo.next_scanline) * w * comps];
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> v(out, out + out_size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  const bool dressed = in.flag();
  const uint32_t damage = in.u32_in(0, 2);  // none, one byte, a cut
  const uint32_t damage_at = in.u32();
  const uint8_t damage_xor = static_cast<uint8_t>(in.u32_in(1, 255));
  std::vector<uint8_t> body = in.rest();
  if (body.size() > 4096) body.resize(4096);
  std::vector<uint8_t> file = dressed ? dress_jpeg(in, body) : body;
  if (damage == 1 && !file.empty()) file[damage_at % file.size()] ^= damage_xor;
  if (damage == 2 && !file.empty()) file.resize(damage_at % file.size());

  tf::layout l;
  std::vector<uint8_t> stream;
  if (tf::analyze_jpeg(file.data(), file.size(), l, &stream, 1)) {  // effort 1: fast; the format is the same
    FUZZ_ASSERT(l.k == tf::kind::jpeg && l.header_size == stream.size() && l.payload_size == 0 && l.trailer_size == 0);
    FUZZ_ASSERT(stream.size() < file.size());
    std::vector<uint8_t> back;
    FUZZ_ASSERT_MSG(tf::inverse_jpeg(l, stream.data(), stream.size(), back), "inverse refused analyze's stream");
    FUZZ_ASSERT_MSG(back == file, "inverse(analyze(x)) != x");
    // The stream damaged or cut, as a reader may see it: refused or rebuilt, never a crash.
    std::vector<uint8_t> bad = stream;
    bad[damage_at % bad.size()] ^= damage_xor;
    (void)tf::inverse_jpeg(l, bad.data(), bad.size(), back);
    tf::layout cut = l;
    cut.header_size = damage_at % stream.size();
    (void)tf::inverse_jpeg(cut, stream.data(), static_cast<size_t>(cut.header_size), back);
  }
  // Arbitrary bytes behind a valid descriptor and the JPEG XL container's signature.
  std::vector<uint8_t> any = {1, static_cast<uint8_t>(64 + damage_at % 64), 0x00, 0x00, 0x00, 0x0C, 'J', 'X', 'L', ' ',
                              0x0D, 0x0A, 0x87, 0x0A};
  any.insert(any.end(), body.begin(), body.end());
  tf::layout as_stream;
  as_stream.k = tf::kind::jpeg;
  as_stream.header_size = any.size();
  std::vector<uint8_t> out;
  (void)tf::inverse_jpeg(as_stream, any.data(), any.size(), out);
  return 0;
}
