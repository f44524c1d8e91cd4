#include "archive/chunk_coding.hpp"

#include <xxhash.h>

#include <algorithm>

#include "model/model.hpp"

namespace archive_nn {
inline namespace v1 {

namespace {

methods::codec_params params_for(methods::codec_id id, const chunk_plan& plan) {
  methods::codec_params p;
  p.level = plan.level;
  p.text = plan.text;
  if (id == methods::codec_id::nn) {
    p.model = plan.model;
    p.codec_param = plan.nn_window;
  } else if (id == methods::codec_id::flac) {
    p.codec_param = plan.channels;
  }
  return p;
}

// The model codes ~100x slower than LZMA: on a large chunk it is tried only
// when it beats the next candidate on the chunk's first 64 KiB (a cheap
// estimate; coding the whole chunk both ways would double the cost for
// nothing where the model cannot win).
bool model_worth_trying(const uint8_t* data, size_t size, const chunk_plan& plan) {
  constexpr size_t probe_bytes = 64 * 1024;
  if (!plan.probe_model || size < 4 * probe_bytes || plan.candidates.size() < 2 || !plan.model) return true;
  const methods::codec_id other = plan.candidates[1];
  if (other == methods::codec_id::nn || other == methods::codec_id::stored) return true;
  if (other == methods::codec_id::flac && !plan.channels) return true;
  const uint64_t window = plan.nn_window ? plan.nn_window : 1;
  const size_t probe = static_cast<size_t>(std::max<uint64_t>(window, probe_bytes / window * window));
  auto with_model = methods::find_method(static_cast<uint8_t>(methods::codec_id::nn))
                        ->encode(data, probe, params_for(methods::codec_id::nn, plan));
  auto without = methods::find_method(static_cast<uint8_t>(other))->encode(data, probe, params_for(other, plan));
  if (!with_model.ok() || with_model->empty()) return false;
  if (!without.ok() || without->empty()) return true;
  return with_model->size() < without->size();
}

}  // namespace

result<coded_chunk> encode_chunk(const uint8_t* data, size_t size, const chunk_plan& plan) {
  coded_chunk best;
  best.header.size_original = size;
  best.header.content_checksum = XXH64(data, size, 0);
  bool have = false;
  const bool try_model = model_worth_trying(data, size, plan);
  for (methods::codec_id id : plan.candidates) {
    if (id == methods::codec_id::stored) continue;
    if (id == methods::codec_id::nn && !try_model) continue;
    // LZMA's -9e set-up costs ~2 ms, far more than it can save on a tiny chunk.
    if (id == methods::codec_id::lzma && size < 2048 && plan.candidates.size() > 1) continue;
    const methods::method* m = methods::find_method(static_cast<uint8_t>(id));
    if (id == methods::codec_id::nn && !plan.model) continue;
    if (id == methods::codec_id::flac && !plan.channels) continue;
    const methods::codec_params p = params_for(id, plan);
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
