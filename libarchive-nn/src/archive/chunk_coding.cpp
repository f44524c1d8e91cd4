#include "archive/chunk_coding.hpp"

#include <xxhash.h>

#include "model/model.hpp"

namespace archive_nn {
inline namespace v1 {

result<coded_chunk> encode_chunk(const uint8_t* data, size_t size, const chunk_plan& plan) {
  coded_chunk best;
  best.header.size_original = size;
  best.header.content_checksum = XXH64(data, size, 0);
  bool have = false;
  for (methods::codec_id id : plan.candidates) {
    if (id == methods::codec_id::stored) continue;
    // LZMA's -9e set-up costs ~2 ms, far more than it can save on a tiny chunk.
    if (id == methods::codec_id::lzma && size < 2048 && plan.candidates.size() > 1) continue;
    const methods::method* m = methods::find_method(static_cast<uint8_t>(id));
    methods::codec_params p;
    p.level = plan.level;
    if (id == methods::codec_id::nn) {
      if (!plan.model) continue;
      p.model = plan.model;
      p.codec_param = plan.nn_window;
    } else if (id == methods::codec_id::flac) {
      if (!plan.channels) continue;
      p.codec_param = plan.channels;
    }
    auto coded = m->encode(data, size, p);
    if (!coded.ok()) {
      if (coded.err().code == errc::out_of_memory) return std::move(coded).err();
      continue;  // this codec cannot take this chunk; another will
    }
    std::vector<uint8_t>& bytes = coded.value();
    if (bytes.empty() && size > 0) continue;
    if (bytes.size() >= size) continue;
    if (have && bytes.size() >= best.payload.size()) continue;
    best.payload = std::move(bytes);
    best.header.codec_id = static_cast<uint8_t>(id);
    best.header.model_id = id == methods::codec_id::nn ? plan.model_id : 0;
    best.header.codec_param = p.codec_param;
    have = true;
  }
  if (!have) {
    best.payload.assign(data, data + size);
    best.header.codec_id = static_cast<uint8_t>(methods::codec_id::stored);
    best.header.model_id = 0;
    best.header.codec_param = 0;
  }
  best.header.size_coded = best.payload.size();
  return best;
}

status decode_chunk(const chunk_header& h, const uint8_t* payload, const nn::model* model, uint8_t* out) {
  const methods::method* m = methods::find_method(h.codec_id);
  ANN_RETURN_ERROR_IF(!m, codec_unknown, "unknown codec id " + std::to_string(h.codec_id));
  const bool is_nn = h.codec_id == static_cast<uint8_t>(methods::codec_id::nn);
  ANN_RETURN_ERROR_IF(is_nn && h.model_id == 0, chunk_corrupt, "nn chunk without a model id");
  ANN_RETURN_ERROR_IF(!is_nn && h.model_id != 0, chunk_corrupt, "model id on a chunk that is not nn");
  ANN_RETURN_ERROR_IF(is_nn && !model, model_missing, "model " + std::to_string(h.model_id) + " is not available");
  ANN_RETURN_ERROR_IF(h.codec_id == static_cast<uint8_t>(methods::codec_id::stored) && h.codec_param != 0, chunk_corrupt,
                      "stored chunk with a codec parameter");
  methods::codec_params p;
  p.codec_param = h.codec_param;
  p.model = model;
  ANN_TRY(m->decode(payload, static_cast<size_t>(h.size_coded), out, static_cast<size_t>(h.size_original), p));
  ANN_RETURN_ERROR_IF(XXH64(out, static_cast<size_t>(h.size_original), 0) != h.content_checksum, checksum_wrong,
                      "content checksum mismatch");
  return ok_status();
}

}  // namespace v1
}  // namespace archive_nn
