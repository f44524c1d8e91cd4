#include "model/transformer.hpp"

#include <algorithm>
#include <cmath>

#include "coder/cdf.hpp"
#include "model/nn_math.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {

kv_cache::kv_cache(const model& m, size_t slots, size_t capacity)
    : slots_(slots),
      layers_(m.hp().n_layer),
      ctx_(capacity),
      stride_(capacity + 16),
      per_layer_(size_t(m.hp().d_model) * (capacity + 16)),
      kt_(slots * layers_ * per_layer_),
      v_(slots * layers_ * per_layer_) {}

uint64_t kv_cache::bytes_for(const model& m, size_t slots, size_t capacity) {
  return uint64_t(slots) * m.hp().n_layer * 2 * uint64_t(m.hp().d_model) * (capacity + 16) * sizeof(uint16_t);
}

forward_pass::forward_pass(const model& m, const kernel_table& k, size_t max_rows)
    : m_(m),
      k_(k),
      max_rows_(max_rows),
      d_(m.hp().d_model),
      ff_(m.hp().d_ff),
      heads_(m.hp().n_head),
      dh_(m.hp().d_head()),
      ctx_(m.hp().context_length) {
  scale_ = 1.0f / std::sqrt(static_cast<float>(dh_));
  x_.resize(max_rows * d_);
  a_.resize(max_rows * d_);
  q_.resize(max_rows * d_);
  kv_.resize(max_rows * d_);
  o_.resize(max_rows * d_);
  t_.resize(max_rows * d_);
  h_.resize(max_rows * d_);
  g_.resize(max_rows * ff_);
  u_.resize(max_rows * ff_);
  logits_.resize(max_rows * archive_nn::model::vocab_size);
  scores_.resize(heads_ * ctx_);
  e_.resize(heads_ * ctx_);
  z_.resize(heads_);
}

// spec/nn_forward.md §3.
void forward_pass::rmsnorm_rows(const float* x, const std::vector<float>& g, size_t rows, float* y) const {
  k_.rmsnorm(x, g.data(), rows, d_, m_.hp().norm_eps, y);
}

// spec/nn_forward.md §4.1: q/k/v projections, cache update, per-row attention.
void forward_pass::attention(kv_cache& cache, size_t layer, size_t rows, const uint32_t* positions,
                             const uint32_t* slots, const layer_weights& w, const float* a, float* out) {
  const size_t cap = cache.stride();
  k_.linear(a, rows, d_, w.wk_t.data(), d_, kv_.data());
  for (size_t r = 0; r < rows; ++r) {
    k_.to_half_strided(kv_.data() + r * d_, d_, cache.kt(slots[r], layer) + positions[r], cap);
  }
  k_.linear(a, rows, d_, w.wv_t.data(), d_, kv_.data());
  for (size_t r = 0; r < rows; ++r) {
    k_.to_half_strided(kv_.data() + r * d_, d_, cache.v(slots[r], layer) + size_t(positions[r]) * d_, 1);
  }
  k_.linear(a, rows, d_, w.wq_t.data(), d_, q_.data());
  for (size_t r = 0; r < rows; ++r) {
    const size_t n = size_t(positions[r]) + 1;
    const uint16_t* kt = cache.kt(slots[r], layer);
    const uint16_t* v = cache.v(slots[r], layer);
    for (size_t h = 0; h < heads_; ++h) {
      float* s = scores_.data() + h * ctx_;
      float* e = e_.data() + h * ctx_;
      k_.attn_scores(q_.data() + r * d_ + h * dh_, kt + h * dh_ * cap, dh_, cap, n, scale_, s);
      k_.exp_shift(s, n, k_.max_of(s, n), e);
    }
    k_.sum_rows(e_.data(), ctx_, n, heads_, z_.data());
    for (size_t h = 0; h < heads_; ++h) {
      float* e = e_.data() + h * ctx_;
      const float z = z_[h];
      for (size_t j = 0; j < n; ++j) e[j] = e[j] / z;
    }
    k_.attn_mix_heads(e_.data(), ctx_, v, d_, n, heads_, dh_, o_.data() + r * d_);
    flops_ += 4 * uint64_t(n) * d_;
  }
  k_.linear(o_.data(), rows, d_, w.wo_t.data(), d_, out);
}

void forward_pass::run(kv_cache& cache, size_t rows, const uint32_t* tokens, const uint32_t* positions,
                       const uint32_t* slots, float* probs) {
  const bool pre = m_.hp().norm == archive_nn::model::norm_placement::pre;
  const std::vector<float>& embd = m_.token_embd();
  const std::vector<float>& pos = m_.positions();
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < d_; ++c) x_[r * d_ + c] = embd[tokens[r] * d_ + c] + pos[positions[r] * d_ + c];

  for (size_t l = 0; l < m_.layers().size(); ++l) {
    const layer_weights& w = m_.layers()[l];
    const size_t n = rows * d_;
    if (pre) {
      rmsnorm_rows(x_.data(), w.attn_norm, rows, a_.data());
      attention(cache, l, rows, positions, slots, w, a_.data(), t_.data());
      for (size_t i = 0; i < n; ++i) h_[i] = x_[i] + t_[i];
      rmsnorm_rows(h_.data(), w.ffn_norm, rows, a_.data());
    } else {
      attention(cache, l, rows, positions, slots, w, x_.data(), t_.data());
      for (size_t i = 0; i < n; ++i) t_[i] = x_[i] + t_[i];
      rmsnorm_rows(t_.data(), w.attn_norm, rows, h_.data());
      for (size_t i = 0; i < n; ++i) a_[i] = h_[i];
    }
    // spec/nn_forward.md §4.2: SwiGLU on a_.
    k_.linear(a_.data(), rows, d_, w.wgate_t.data(), ff_, g_.data());
    k_.linear(a_.data(), rows, d_, w.wup_t.data(), ff_, u_.data());
    k_.silu_mul(g_.data(), u_.data(), rows * ff_);
    k_.linear(g_.data(), rows, ff_, w.wdown_t.data(), d_, t_.data());
    if (pre) {
      for (size_t i = 0; i < n; ++i) x_[i] = h_[i] + t_[i];
    } else {
      for (size_t i = 0; i < n; ++i) t_[i] = h_[i] + t_[i];
      rmsnorm_rows(t_.data(), w.ffn_norm, rows, x_.data());
    }
    flops_ += 2 * uint64_t(rows) * (4 * d_ * d_ + 3 * d_ * ff_);
  }

  // spec/nn_forward.md §5.
  rmsnorm_rows(x_.data(), m_.output_norm(), rows, a_.data());
  const size_t vocab = archive_nn::model::vocab_size;
  k_.linear(a_.data(), rows, d_, m_.output_t().data(), vocab, logits_.data());
  flops_ += 2 * uint64_t(rows) * d_ * vocab;
  for (size_t r = 0; r < rows; ++r) {
    const float* lg = logits_.data() + r * vocab;
    float* p = probs + r * vocab;
    k_.exp_shift(lg, vocab, k_.max_of(lg, vocab), p);
    float z = 0.0f;
    for (size_t c = 0; c < vocab; ++c) z = z + p[c];
    for (size_t c = 0; c < vocab; ++c) p[c] = p[c] / z;
  }
}

double cross_entropy_bits(const model& m, const kernel_table& k, const uint8_t* data, size_t size,
                          double* quantised_bits) {
  const size_t ctx = m.hp().context_length;
  kv_cache cache(m, 1, ctx);
  forward_pass fwd(m, k, ctx);
  std::vector<uint32_t> tok(ctx), pos(ctx), slot(ctx, 0);
  std::vector<float> probs(ctx * archive_nn::model::vocab_size);
  double bits = 0, table_bits = 0;
  uint32_t freq[256];
  for (size_t at = 0; at < size; at += ctx) {
    const size_t n = std::min(ctx, size - at);
    for (size_t i = 0; i < n; ++i) {
      tok[i] = i == 0 ? archive_nn::model::bos_token : data[at + i - 1];
      pos[i] = static_cast<uint32_t>(i);
    }
    fwd.run(cache, n, tok.data(), pos.data(), slot.data(), probs.data());
    for (size_t i = 0; i < n; ++i) {
      const float* p = probs.data() + i * archive_nn::model::vocab_size;
      bits -= std::log2(std::max(static_cast<double>(p[data[at + i]]), 1e-30));
      if (quantised_bits) {
        coder::quantize(p, freq);
        table_bits -= std::log2(static_cast<double>(freq[data[at + i]]) / coder::total);
      }
    }
  }
  if (quantised_bits) *quantised_bits = table_bits;
  return bits;
}

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
