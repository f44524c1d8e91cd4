// The nn codec (spec/nn_codec.md): a chunk is cut into windows of
// Codec_Param bytes, each predicted from scratch by the model. Windows form
// groups of Lockstep_Windows (the payload's first byte); a group's symbols are
// coded interleaved, position-major, so the decoder advances the group's
// windows in lock-step (weights reused across them) while the group's key/value
// caches stay small enough for the CPU caches. One range-coder stream per chunk.
#include <algorithm>

#include "coder/cdf.hpp"
#include "coder/range_coder.hpp"
#include "methods/method.hpp"
#include "model/transformer.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {
namespace {

using archive_nn::model::bos_token;
constexpr uint64_t nn_kv_bytes_max = uint64_t(1) << 30;  // spec/archive_format.md §10
constexpr size_t vocab = archive_nn::model::vocab_size;

struct window_plan {
  size_t window;
  size_t count;
  size_t last;  // length of the last window
  size_t length(size_t w) const { return w + 1 == count ? last : window; }
};

result<window_plan> plan(size_t size, const codec_params& p) {
  ANN_RETURN_ERROR_IF(!p.model, model_missing, "nn chunk: no model");
  ANN_RETURN_ERROR_IF(p.codec_param == 0 || p.codec_param > p.model->hp().context_length, chunk_corrupt,
                      "nn chunk: window size " + std::to_string(p.codec_param) + " outside [1, model context " +
                          std::to_string(p.model->hp().context_length) + "]");
  window_plan w;
  w.window = static_cast<size_t>(p.codec_param);
  w.count = (size + w.window - 1) / w.window;
  w.last = size - (w.count - 1) * w.window;
  return w;
}

// Windows [first, first + count) of a group, in position-major order.
struct group {
  size_t first, count;
};

result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params& p) {
  ANN_TRY_ASSIGN(const window_plan wp, plan(size, p));
  const nn::model& m = *p.model;
  size_t lockstep = std::min<size_t>(std::max<uint32_t>(p.lockstep, 1), std::min<size_t>(wp.count, 255));
  // Never write a chunk that a decoder must refuse (the decoder-state limit).
  while (lockstep > 1 && nn::kv_cache::bytes_for(*p.model, lockstep, wp.window) > nn_kv_bytes_max) --lockstep;
  ANN_RETURN_ERROR_IF(nn::kv_cache::bytes_for(*p.model, lockstep, wp.window) > nn_kv_bytes_max, limit_exceeded,
                      "nn chunk: one window of " + std::to_string(wp.window) + " bytes needs more than 1 GiB of decoder state");
  // Teacher forcing: every position of a window in one pass.
  nn::kv_cache cache(m, 1, wp.window);
  nn::forward_pass fwd(m, nn::kernels_best(), wp.window);
  std::vector<uint32_t> tokens(wp.window), positions(wp.window), slots(wp.window, 0);
  std::vector<float> probs(wp.window * vocab);
  std::vector<uint32_t> sym_cum(size), sym_freq(size);
  uint32_t freq[256], cum[257];
  for (size_t w = 0; w < wp.count; ++w) {
    const size_t n = wp.length(w);
    const uint8_t* bytes = data + w * wp.window;
    for (size_t i = 0; i < n; ++i) {
      tokens[i] = i == 0 ? bos_token : bytes[i - 1];
      positions[i] = static_cast<uint32_t>(i);
    }
    fwd.run(cache, n, tokens.data(), positions.data(), slots.data(), probs.data());
    for (size_t i = 0; i < n; ++i) {
      coder::quantize(probs.data() + i * vocab, freq);
      coder::cumulate(freq, cum);
      sym_cum[w * wp.window + i] = cum[bytes[i]];
      sym_freq[w * wp.window + i] = freq[bytes[i]];
    }
  }
  std::vector<uint8_t> out;
  out.reserve(size / 2 + 16);
  out.push_back(static_cast<uint8_t>(lockstep));
  coder::range_encoder enc(out);
  for (size_t g = 0; g < wp.count; g += lockstep) {
    const size_t end = std::min(wp.count, g + lockstep);
    for (size_t i = 0; i < wp.window; ++i)
      for (size_t w = g; w < end && i < wp.length(w); ++w) enc.encode(sym_cum[w * wp.window + i], sym_freq[w * wp.window + i]);
  }
  enc.finish();
  return out;
}

status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params& p) {
  ANN_TRY_ASSIGN(const window_plan wp, plan(out_size, p));
  ANN_RETURN_ERROR_IF(in_size < 1 || in[0] == 0, chunk_corrupt, "nn chunk: Lockstep_Windows is 0");
  const size_t lockstep = std::min<size_t>(in[0], wp.count);
  // The decoder keeps the keys and values of one group: bound that before allocating.
  ANN_RETURN_ERROR_IF(nn::kv_cache::bytes_for(*p.model, lockstep, wp.window) > nn_kv_bytes_max, limit_exceeded,
                      "nn chunk: " + std::to_string(lockstep) + " windows of " + std::to_string(wp.window) +
                          " bytes need more than 1 GiB of decoder state");
  const nn::model& m = *p.model;
  nn::kv_cache cache(m, lockstep, wp.window);
  nn::forward_pass fwd(m, nn::kernels_best(), lockstep);
  std::vector<uint32_t> tokens(lockstep), positions(lockstep), slots(lockstep);
  std::vector<float> probs(lockstep * vocab);
  for (size_t w = 0; w < lockstep; ++w) slots[w] = static_cast<uint32_t>(w);
  coder::range_decoder dec(in + 1, in_size - 1);
  uint32_t freq[256], cum[257];
  for (size_t g = 0; g < wp.count; g += lockstep) {
    const size_t end = std::min(wp.count, g + lockstep);
    for (size_t i = 0; i < wp.window; ++i) {
      size_t active = 0;
      while (g + active < end && i < wp.length(g + active)) ++active;
      if (active == 0) break;
      for (size_t k = 0; k < active; ++k) {
        tokens[k] = i == 0 ? bos_token : out[(g + k) * wp.window + i - 1];
        positions[k] = static_cast<uint32_t>(i);
      }
      fwd.run(cache, active, tokens.data(), positions.data(), slots.data(), probs.data());
      for (size_t k = 0; k < active; ++k) {
        coder::quantize(probs.data() + k * vocab, freq);
        coder::cumulate(freq, cum);
        const uint32_t s = coder::find_symbol(cum, dec.target());
        dec.consume(cum[s], freq[s]);
        out[(g + k) * wp.window + i] = static_cast<uint8_t>(s);
      }
    }
  }
  return ok_status();
}

}  // namespace

const method method_nn = {codec_id::nn, "nn", encode, decode};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
