// Encoding one chunk with the best of its candidate codecs, and decoding one
// chunk; shared by archive creation, reading and the fuzzers.
#pragma once

#include <vector>

#include "archive_nn/archive_nn.hpp"
#include "methods/method.hpp"
#include "transform/transform.hpp"

namespace archive_nn {
inline namespace v1 {

struct chunk_plan {
  std::vector<methods::codec_id> candidates;  // tried in order; stored is the fallback
  uint8_t model_id = 0;
  const nn::model* model = nullptr;
  uint64_t nn_window = 0;
  uint16_t channels = 0;  // flac
  uint32_t image_width = 0;  // image payloads: pixels per row (the mix codec's image model)
  uint8_t pixel_bytes = 0;   // image payloads: bytes per pixel; 0 otherwise
  uint8_t pcm_channels = 0;  // 16-bit PCM payloads: channels (the mix codec's audio model); 0 otherwise
  int level = 0;
  bool text = false;        // codec hint (LZMA literal context)
  bool probe = true;        // large chunks: only the variant smallest on a 64 KiB probe codes the chunk
};

struct coded_chunk {
  chunk_header header;
  std::vector<uint8_t> payload;
};

// Never fails on data: a codec error makes that codec lose, stored always works.
result<coded_chunk> encode_chunk(const uint8_t* data, size_t size, const chunk_plan& plan);
// Decodes and verifies the content checksum.
status decode_chunk(const chunk_header& h, const uint8_t* payload, const nn::model* model, uint8_t* out);

// About how much memory decoding the chunk takes: its payload, its output
// and the codec's working state as the payload's header declares it (mix:
// its table size; nn: the key/value cache of its lockstep windows; LZMA:
// the dictionary). An upper estimate, for the reader's memory budget; it
// reads only the payload's first bytes.
uint64_t decode_memory(const chunk_header& h, const uint8_t* payload, const nn::model* model);

// About how much CPU decoding the chunk takes, in work units (one unit is
// about a nanosecond of one core of the reference machine; spec §15):
// Size_Original times the codec's cost per byte (for nn the model's
// multiply-adds per byte, for mix its profile's cost plus the transformer's
// when it names a model) plus the codec's set-up. An estimate from the header
// and the payload's first bytes, for the reader's work budget.
uint64_t decode_work(const chunk_header& h, const uint8_t* payload, const nn::model* model);

}  // namespace v1
}  // namespace archive_nn
