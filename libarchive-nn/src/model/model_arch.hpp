// The one definition of the nntar transformer's hyper-parameters, metadata
// keys and tensor names, compiled into both the engine and the trainer
// (spec/model_format.md §3 and §4). Dependency-free on purpose: the trainer
// must build with LibTorch alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace archive_nn {
inline namespace v1 {
namespace model {

enum class norm_placement : uint32_t { pre = 0, post = 1 };

// Input vocabulary: the 256 byte values plus one start-of-window token whose
// embedding row comes last (spec/model_format.md §4).
constexpr uint32_t vocab_size = 256;
constexpr uint32_t bos_token = 256;
constexpr uint32_t embedding_rows = 257;

struct hparams {
  uint32_t d_model = 128;
  uint32_t n_layer = 4;
  uint32_t n_head = 8;
  uint32_t d_ff = 512;  // SwiGLU hidden width
  uint32_t context_length = 1024;
  norm_placement norm = norm_placement::pre;
  float norm_eps = 1e-5f;

  uint32_t d_head() const { return d_model / n_head; }
  uint64_t parameter_count() const;
  bool operator==(const hparams& o) const {
    return d_model == o.d_model && n_layer == o.n_layer && n_head == o.n_head && d_ff == o.d_ff &&
           context_length == o.context_length && norm == o.norm && norm_eps == o.norm_eps;
  }
};

inline hparams make_hparams(uint32_t d_model, uint32_t n_layer, uint32_t n_head, uint32_t d_ff, uint32_t context,
                            norm_placement norm = norm_placement::pre) {
  hparams hp;
  hp.d_model = d_model;
  hp.n_layer = n_layer;
  hp.n_head = n_head;
  hp.d_ff = d_ff;
  hp.context_length = context;
  hp.norm = norm;
  return hp;
}

// Limits checked before any allocation (spec/model_format.md §6).
namespace limits {
constexpr uint32_t d_model_max = 2048;
constexpr uint32_t n_layer_max = 64;
constexpr uint32_t n_head_max = 64;
constexpr uint32_t d_ff_max = 16384;
constexpr uint32_t context_length_max = 65536;
constexpr uint32_t kv_count_max = 256;
constexpr uint32_t tensor_count_max = 1024;
constexpr uint32_t name_length_max = 128;
constexpr uint32_t string_length_max = 4096;
constexpr uint64_t file_size_max = uint64_t(1) << 31;
}  // namespace limits

// Returns an empty string when the hyper-parameters are acceptable, or the
// reason they are not.
std::string validate(const hparams& hp);

// Metadata keys (dotted lower_snake_case).
namespace keys {
constexpr const char* architecture = "general.architecture";
constexpr const char* name = "general.name";
constexpr const char* vocab_size = "nn.vocab_size";
constexpr const char* d_model = "nn.d_model";
constexpr const char* n_layer = "nn.n_layer";
constexpr const char* n_head = "nn.n_head";
constexpr const char* d_ff = "nn.d_ff";
constexpr const char* context_length = "nn.context_length";
constexpr const char* norm = "nn.norm";
constexpr const char* norm_placement = "nn.norm_placement";
constexpr const char* norm_eps = "nn.norm_eps";
constexpr const char* position = "nn.position";
constexpr const char* activation = "nn.activation";
}  // namespace keys

constexpr const char* architecture_name = "nntar-transformer";

// Tensor names and shapes, in file order. Shapes are [rows, cols] with rows
// the output dimension, as a PyTorch Linear weight.
struct tensor_desc {
  std::string name;
  std::vector<uint32_t> shape;
  uint64_t elements() const {
    uint64_t n = 1;
    for (uint32_t d : shape) n *= d;
    return n;
  }
};
std::vector<tensor_desc> tensor_layout(const hparams& hp);

namespace names {
inline std::string token_embd() { return "token_embd.weight"; }
inline std::string output_norm() { return "output_norm.weight"; }
inline std::string output() { return "output.weight"; }
inline std::string blk(uint32_t layer, const char* what) {
  return "blk." + std::to_string(layer) + "." + what + ".weight";
}
// what: attn_norm attn_q attn_k attn_v attn_output ffn_norm ffn_gate ffn_up ffn_down
}  // namespace names

}  // namespace model
}  // namespace v1
}  // namespace archive_nn
