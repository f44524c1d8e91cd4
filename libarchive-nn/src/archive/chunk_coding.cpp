#include "archive/chunk_coding.hpp"

#include <xxhash.h>

#include <algorithm>

#include "model/model.hpp"
#include "model/transformer.hpp"

namespace archive_nn {
inline namespace v1 {

namespace {

// One way to code a chunk: a codec, and for mix whether the transformer joins.
struct variant {
  methods::codec_id id;
  bool with_model = false;
};

methods::codec_params params_for(const variant& v, const chunk_plan& plan) {
  methods::codec_params p;
  p.level = plan.level;
  p.text = plan.text;
  p.image_width = plan.image_width;
  p.pixel_bytes = plan.pixel_bytes;
  if (methods::is_mix(v.id)) p.audio_channels = plan.pcm_channels;
  if (v.id == methods::codec_id::nn || (methods::is_mix(v.id) && v.with_model)) {
    p.model = plan.model;
    p.codec_param = plan.nn_window;
  } else if (v.id == methods::codec_id::flac) {
    p.codec_param = plan.channels;
  }
  return p;
}

std::vector<variant> variants_of(const chunk_plan& plan, size_t size) {
  std::vector<variant> out;
  for (methods::codec_id id : plan.candidates) {
    if (id == methods::codec_id::stored) continue;
    if (id == methods::codec_id::nn && !plan.model) continue;
    if (id == methods::codec_id::flac && !plan.channels) continue;
    // LZMA's -9e set-up costs ~2 ms, far more than it can save on a tiny chunk.
    if (id == methods::codec_id::lzma && size < 2048 && plan.candidates.size() > 1) continue;
    // The mix codec's tables (16 MiB and its maps) take ~10 ms to set up;
    // under 32 bytes (a PPM header) its payload header and coder flush alone
    // nearly match storing the chunk. (A 54-byte BMP header still gains.)
    if (methods::is_mix(id) && size < 32 && plan.candidates.size() > 1) continue;
    if (methods::is_mix(id) && plan.model) out.push_back({id, true});
    out.push_back({id, false});
  }
  return out;
}

// Fastest first: the classical codecs, then the mix codec, then the nn codec
// (and a model-driven variant after the same codec without the model).
int speed_rank(const variant& v) {
  switch (v.id) {
    case methods::codec_id::zstd: return 0;
    case methods::codec_id::zlib: return 1;
    case methods::codec_id::lzma: return 2;
    case methods::codec_id::flac: return 3;
    case methods::codec_id::nn: return 8;
    default: return methods::is_mix(v.id) ? (v.with_model ? 6 : 5) : 4;
  }
}

// Coding a large chunk with every candidate costs the sum of their times, and
// the model-driven ones are ~100x slower than LZMA: on chunks of at least four
// probes, every variant codes the chunk's first 64 KiB (whole model windows)
// and only the smallest codes the chunk (a cheap estimate, spec: informative).
void keep_best_on_probe(const uint8_t* data, size_t size, const chunk_plan& plan, std::vector<variant>& vs) {
  constexpr size_t probe_bytes = 64 * 1024;
  if (!plan.probe || vs.size() < 2 || size < 4 * probe_bytes) return;
  const size_t window = plan.nn_window ? static_cast<size_t>(plan.nn_window) : 1;
  const size_t probe = std::max(window, probe_bytes / window * window);
  // The variants are tried fastest first, and once one codes the probe in
  // tiny_probe bytes or fewer the slower ones are not tried: on data every
  // codec squeezes to almost nothing (zeros, sparse files) the model-driven
  // codecs would cost seconds per MiB to save a few bytes. Otherwise the
  // smallest wins (the first of equals).
  constexpr size_t tiny_probe = 64;
  std::stable_sort(vs.begin(), vs.end(), [](const variant& a, const variant& b) { return speed_rank(a) < speed_rank(b); });
  size_t best = 0, best_size = SIZE_MAX;
  for (size_t i = 0; i < vs.size() && best_size > tiny_probe; ++i) {
    auto coded = methods::find_method(static_cast<uint8_t>(vs[i].id))->encode(data, probe, params_for(vs[i], plan));
    if (!coded.ok() || (coded->empty() && probe > 0)) continue;
    if (coded->size() < best_size) {
      best = i;
      best_size = coded->size();
    }
  }
  vs = {vs[best]};
}

}  // namespace

result<coded_chunk> encode_chunk(const uint8_t* data, size_t size, const chunk_plan& plan) {
  coded_chunk best;
  best.header.size_original = size;
  best.header.content_checksum = XXH64(data, size, 0);
  bool have = false;
  std::vector<variant> vs = variants_of(plan, size);
  keep_best_on_probe(data, size, plan, vs);
  for (const variant& v : vs) {
    const methods::method* m = methods::find_method(static_cast<uint8_t>(v.id));
    const methods::codec_params p = params_for(v, plan);
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
    best.header.codec_id = static_cast<uint8_t>(v.id);
    best.header.model_id = p.model ? plan.model_id : 0;
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
  const bool is_mix = methods::is_mix(h.codec_id);
  ANN_RETURN_ERROR_IF(is_nn && h.model_id == 0, chunk_corrupt, "nn chunk without a model id");
  ANN_RETURN_ERROR_IF(!is_nn && !is_mix && h.model_id != 0, chunk_corrupt, "model id on a chunk that is not nn or mix");
  ANN_RETURN_ERROR_IF(is_mix && (h.model_id != 0) != (h.codec_param != 0), chunk_corrupt,
                      "mix chunk: a window size needs a model id, a model id a window size");
  ANN_RETURN_ERROR_IF(h.model_id != 0 && !model, model_missing, "model " + std::to_string(h.model_id) + " is not available");
  ANN_RETURN_ERROR_IF(h.codec_id == static_cast<uint8_t>(methods::codec_id::stored) && h.codec_param != 0, chunk_corrupt,
                      "stored chunk with a codec parameter");
  methods::codec_params p;
  p.codec_param = h.codec_param;
  p.model = h.model_id != 0 ? model : nullptr;
  ANN_TRY(m->decode(payload, static_cast<size_t>(h.size_coded), out, static_cast<size_t>(h.size_original), p));
  ANN_RETURN_ERROR_IF(XXH64(out, static_cast<size_t>(h.size_original), 0) != h.content_checksum, checksum_wrong,
                      "content checksum mismatch");
  return ok_status();
}

uint64_t decode_memory(const chunk_header& h, const uint8_t* payload, const nn::model* model) {
  constexpr uint64_t mib = uint64_t(1) << 20;
  uint64_t state = 0;
  switch (static_cast<methods::codec_id>(h.codec_id)) {
    case methods::codec_id::stored: break;
    case methods::codec_id::zstd: state = 2 * mib; break;   // one-shot: the output is the window
    case methods::codec_id::zlib: state = mib; break;
    case methods::codec_id::flac: state = 8 * mib; break;
    case methods::codec_id::lzma: {                        // the dictionary: the chunk rounded up to a power of two
      uint64_t d = 4096;
      while (d < h.size_original && d < (uint64_t(1) << 27)) d <<= 1;
      state = d + 2 * mib;
      break;
    }
    case methods::codec_id::nn:
      if (model && h.size_coded >= 1 && h.codec_param > 0)
        state = nn::kv_cache::bytes_for(*model, std::max<uint8_t>(payload[0], 1), static_cast<size_t>(h.codec_param)) +
                static_cast<uint64_t>(payload[0]) * h.codec_param * 256 * 4 + 16 * mib;
      break;
    case methods::codec_id::mix1:
    case methods::codec_id::mix2:
    case methods::codec_id::mix:
      // First byte: log2 of each context map's slots (16 bits each); the
      // second (revisions 2 and 3) the profile, whose model has that many
      // maps (general 18, images 27, audio 6; revision 1: at most 18), plus
      // match models, mixers and APMs.
      if (h.size_coded >= 1 && payload[0] < 40) {
        const uint8_t profile = h.codec_id != static_cast<uint8_t>(methods::codec_id::mix1) && h.size_coded >= 2 ? payload[1] : 0;
        const uint64_t maps = profile == 1 ? 27 : profile == 2 ? 6 : 18;
        state = maps * (uint64_t(2) << payload[0]) + (uint64_t(1) << payload[0]) + 16 * mib;
      }
      if (model && h.codec_param > 0) state += nn::kv_cache::bytes_for(*model, 1, static_cast<size_t>(h.codec_param)) + 16 * mib;
      break;
  }
  return h.size_original + h.size_coded + state;
}

namespace {
// The transformer's multiply-adds per byte with windows of `window` bytes:
// per layer the four attention projections, the SwiGLU feed-forward, and
// attention over half a window on average (scores and values); then the
// output layer. The reference engine does about 16 per work unit.
uint64_t transformer_work_per_byte(const nn::model& m, uint64_t window) {
  const auto& hp = m.hp();
  const uint64_t d = hp.d_model, ff = hp.d_ff;
  const uint64_t macs = uint64_t(hp.n_layer) * (4 * d * d + 3 * d * ff + window * d) + 256 * d;
  return macs / 16 + 256;  // + the frequency table of 256 symbols
}
}  // namespace

uint64_t decode_work(const chunk_header& h, const uint8_t* payload, const nn::model* model) {
  const uint64_t n = h.size_original;
  switch (static_cast<methods::codec_id>(h.codec_id)) {
    case methods::codec_id::stored: return 0;
    case methods::codec_id::zstd: return n;
    case methods::codec_id::zlib: return 4 * n;
    case methods::codec_id::lzma:
    case methods::codec_id::flac: return 8 * n;
    case methods::codec_id::nn:
      return model && h.codec_param > 0 ? n * transformer_work_per_byte(*model, h.codec_param) : 0;
    case methods::codec_id::mix1:
    case methods::codec_id::mix2:
    case methods::codec_id::mix: {
      // Per byte: the general and image models ~10 µs, audio ~2 µs; set-up:
      // zeroing the context maps and the fixed tables (a unit per byte of
      // the state the memory estimate counts: ~10 ms for the smallest maps,
      // measured).
      const uint8_t profile =
          h.codec_id != static_cast<uint8_t>(methods::codec_id::mix1) && h.size_coded >= 2 ? payload[1] : 0;
      uint64_t work = n * (profile == 2 ? 2000 : 10000) + (uint64_t(16) << 20);
      if (h.size_coded >= 1 && payload[0] < 40)
        work += (profile == 1 ? 27 : profile == 2 ? 6 : 18) * (uint64_t(2) << payload[0]) + (uint64_t(1) << payload[0]);
      if (model && h.codec_param > 0) work += n * transformer_work_per_byte(*model, h.codec_param);
      return work;
    }
  }
  return 0;
}

}  // namespace v1
}  // namespace archive_nn
