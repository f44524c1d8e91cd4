// The nn codec (spec/nn_codec.md): a chunk is cut into windows of
// Codec_Param bytes, each predicted from scratch by the model; the symbols
// of all windows are coded interleaved, position-major, in one range-coder
// stream, so the decoder advances every window of the chunk in lock-step.
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
  // The decoder keeps every window's keys and values: bound that before allocating.
  ANN_RETURN_ERROR_IF(nn::kv_cache::bytes_for(*p.model, w.count, w.window) > nn_kv_bytes_max, limit_exceeded,
                      "nn chunk: " + std::to_string(size) + " bytes in windows of " + std::to_string(w.window) +
                          " need more than 1 GiB of decoder state");
  return w;
}

result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params& p) {
  ANN_TRY_ASSIGN(const window_plan wp, plan(size, p));
  const nn::model& m = *p.model;
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
  coder::range_encoder enc(out);
  for (size_t i = 0; i < wp.window; ++i)
    for (size_t w = 0; w < wp.count && i < wp.length(w); ++w) enc.encode(sym_cum[w * wp.window + i], sym_freq[w * wp.window + i]);
  enc.finish();
  return out;
}

status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params& p) {
  ANN_TRY_ASSIGN(const window_plan wp, plan(out_size, p));
  const nn::model& m = *p.model;
  nn::kv_cache cache(m, wp.count, wp.window);
  nn::forward_pass fwd(m, nn::kernels_best(), wp.count);
  std::vector<uint32_t> tokens(wp.count), positions(wp.count), slots(wp.count);
  std::vector<float> probs(wp.count * vocab);
  for (size_t w = 0; w < wp.count; ++w) slots[w] = static_cast<uint32_t>(w);
  coder::range_decoder dec(in, in_size);
  uint32_t freq[256], cum[257];
  for (size_t i = 0; i < wp.window; ++i) {
    const size_t active = i < wp.last ? wp.count : wp.count - 1;
    if (active == 0) break;
    for (size_t w = 0; w < active; ++w) {
      tokens[w] = i == 0 ? bos_token : out[w * wp.window + i - 1];
      positions[w] = static_cast<uint32_t>(i);
    }
    fwd.run(cache, active, tokens.data(), positions.data(), slots.data(), probs.data());
    for (size_t w = 0; w < active; ++w) {
      coder::quantize(probs.data() + w * vocab, freq);
      coder::cumulate(freq, cum);
      const uint32_t s = coder::find_symbol(cum, dec.target());
      dec.consume(cum[s], freq[s]);
      out[w * wp.window + i] = static_cast<uint8_t>(s);
    }
  }
  return ok_status();
}

}  // namespace

const method method_nn = {codec_id::nn, "nn", encode, decode};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
