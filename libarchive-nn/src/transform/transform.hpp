// Content classification and reversible transforms (spec/archive_format.md
// §Transforms). Dependency-free: the trainer feeds its models exactly the
// streams the archiver will code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace archive_nn {
inline namespace v1 {
namespace transform {

// What the bytes are, which decides the model stream and codec candidates.
enum class modality : uint8_t { binary = 0, text = 1, image = 2, audio = 3 };

// Transform ids stored in the Entry_Header (never reused).
enum class kind : uint8_t {
  raw = 0,        // bytes coded as they are
  pnm = 1,        // PPM/PGM (P5/P6, maxval <= 255): header verbatim, pixels as image stream
  wav_pcm16 = 2,  // RIFF WAVE, PCM 16-bit: header verbatim, samples as audio stream
  bmp24 = 3,      // BMP 24-bit uncompressed: header verbatim, rows to top-down RGB
  png = 4,        // PNG, 8-bit, zlib-rebuildable: descriptor and chunks, pixels unfiltered (transform/png.hpp,
                  // in the codec library: it needs zlib, which this dependency-free part does not link)
  jpeg = 5,       // JPEG transcoded by libjxl to JPEG XL with reconstruction data (transform/jpeg.hpp, codec library)
  sparse = 6,     // a file with holes: its map, then its data (transform/sparse.hpp; format version 3)
};

// The transformed stream is header || payload || trailer, each a byte range
// of the transformed stream; payload is what a model of `what` predicts.
struct layout {
  kind k = kind::raw;
  modality what = modality::binary;
  uint64_t header_size = 0;
  uint64_t payload_size = 0;
  uint64_t trailer_size = 0;
  uint16_t channels = 0;  // wav_pcm16: interleaved channels (FLAC's Codec_Param)
  uint32_t image_width = 0;  // pnm, bmp24: pixels per row of the payload
  uint8_t pixel_bytes = 0;   // pnm, bmp24: bytes per pixel (1 grey, 3 RGB)
};

// Picks a transform from the first `available` bytes of a file of `total`
// bytes (available <= total; bmp24 needs the whole file). Never fails:
// unknown or malformed inputs are raw.
layout analyze(const uint8_t* data, size_t available, uint64_t total);
inline layout analyze(const uint8_t* data, size_t size) { return analyze(data, size, size); }

// Forward transform of a whole file (identity except for bmp24).
std::vector<uint8_t> forward(const layout& l, const uint8_t* data, size_t size);
// Inverse transform; returns false if `data` cannot be the image of forward().
bool inverse(const layout& l, const uint8_t* data, size_t size, std::vector<uint8_t>& out);

// The model-ready bytes of a file (its payload after the forward transform):
// what the trainer trains on for folders of files.
std::vector<uint8_t> model_stream(const uint8_t* data, size_t size, modality* what = nullptr);

const char* modality_name(modality m);
const char* kind_name(kind k);

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
