#include "model/model_arch.hpp"

namespace archive_nn {
inline namespace v1 {
namespace model {

uint64_t hparams::parameter_count() const {
  uint64_t n = 0;
  for (const tensor_desc& t : tensor_layout(*this)) n += t.elements();
  return n;
}

std::string validate(const hparams& hp) {
  if (hp.d_model < 8 || hp.d_model > limits::d_model_max) return "nn.d_model out of range [8, 2048]";
  if (hp.n_layer < 1 || hp.n_layer > limits::n_layer_max) return "nn.n_layer out of range [1, 64]";
  if (hp.n_head < 1 || hp.n_head > limits::n_head_max) return "nn.n_head out of range [1, 64]";
  if (hp.d_model % hp.n_head != 0) return "nn.d_model is not a multiple of nn.n_head";
  if (hp.d_model % 2 != 0) return "nn.d_model must be even (sinusoidal positions)";
  if (hp.d_ff < 1 || hp.d_ff > limits::d_ff_max) return "nn.d_ff out of range [1, 16384]";
  if (hp.context_length < 1 || hp.context_length > limits::context_length_max)
    return "nn.context_length out of range [1, 65536]";
  if (hp.norm != norm_placement::pre && hp.norm != norm_placement::post) return "nn.norm_placement unknown";
  if (!(hp.norm_eps > 0.0f && hp.norm_eps < 1.0f)) return "nn.norm_eps out of range (0, 1)";
  return {};
}

std::vector<tensor_desc> tensor_layout(const hparams& hp) {
  const uint32_t d = hp.d_model;
  std::vector<tensor_desc> t;
  t.push_back({names::token_embd(), {embedding_rows, d}});
  for (uint32_t l = 0; l < hp.n_layer; ++l) {
    t.push_back({names::blk(l, "attn_norm"), {d}});
    t.push_back({names::blk(l, "attn_q"), {d, d}});
    t.push_back({names::blk(l, "attn_k"), {d, d}});
    t.push_back({names::blk(l, "attn_v"), {d, d}});
    t.push_back({names::blk(l, "attn_output"), {d, d}});
    t.push_back({names::blk(l, "ffn_norm"), {d}});
    t.push_back({names::blk(l, "ffn_gate"), {hp.d_ff, d}});
    t.push_back({names::blk(l, "ffn_up"), {hp.d_ff, d}});
    t.push_back({names::blk(l, "ffn_down"), {d, hp.d_ff}});
  }
  t.push_back({names::output_norm(), {d}});
  t.push_back({names::output(), {vocab_size, d}});
  return t;
}

}  // namespace model
}  // namespace v1
}  // namespace archive_nn
