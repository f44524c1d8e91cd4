// Codec registry: one method_<name>.cpp per codec, each filling a `method`,
// listed in method_registry.cpp. Ids are written in spec/archive_format.md §7
// and never reused.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "archive_nn/errors.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {
class model;
}
namespace methods {

enum class codec_id : uint8_t { stored = 0, zstd = 1, lzma = 2, zlib = 3, flac = 4, nn = 8, mix1 = 9, mix2 = 10, mix = 11 };

// The revisions of the mixing codec (spec/mix_codec.md): 9, 10 for reading old archives, 11.
inline bool is_mix(codec_id id) { return id == codec_id::mix || id == codec_id::mix2 || id == codec_id::mix1; }
inline bool is_mix(uint8_t id) { return is_mix(static_cast<codec_id>(id)); }

struct codec_params {
  uint64_t codec_param = 0;       // Codec_Param of the chunk header (§7)
  const nn::model* model = nullptr;  // nn only
  int level = 0;                  // encoder effort; 0 = codec default
  uint32_t lockstep = 4;          // nn encoder: windows decoded together (1..255)
  bool text = false;              // encoder hint: the bytes are text (LZMA: lc 4, pb 0)
  uint32_t image_width = 0;       // encoder hint: pixels per row of an image payload (mix: Profile 1)
  uint8_t pixel_bytes = 0;        // encoder hint: bytes per pixel (1..4), 0 when not an image
  uint8_t audio_channels = 0;     // encoder hint: 16-bit PCM with this many interleaved channels (mix: Profile 2)
};

struct method {
  codec_id id;
  const char* name;
  // Returns the coded bytes; an empty result with ok() means "cannot code this input".
  result<std::vector<uint8_t>> (*encode)(const uint8_t* data, size_t size, const codec_params& p);
  // Decodes exactly out_size bytes or fails.
  status (*decode)(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params& p);
};

const method* find_method(uint8_t id);
const method* find_method(std::string_view name);
const std::vector<const method*>& all_methods();

extern const method method_stored;
extern const method method_zstd;
extern const method method_lzma;
extern const method method_zlib;
extern const method method_flac;
extern const method method_nn;
extern const method method_mix1;
extern const method method_mix2;
extern const method method_mix;

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
