// A loaded model: float32 weights ready for the kernels, plus its identity.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "archive_nn/errors.hpp"
#include "model/model_arch.hpp"
#include "model/model_file.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {

using model_hash = std::array<uint8_t, 16>;

// XXH3-128 of the .nnm bytes, low 64 bits first, each little-endian (spec/model_format.md §7).
model_hash hash_model_bytes(const uint8_t* data, size_t size);
std::string hash_hex(const model_hash& h);

struct layer_weights {
  std::vector<float> attn_norm, ffn_norm;
  // Linear weights transposed to [in][out] for the kernels, binary16 bits.
  std::vector<uint16_t> wq_t, wk_t, wv_t, wo_t, wgate_t, wup_t, wdown_t;
};

class model {
 public:
  // Parses and validates an .nnm file (raw, or xz-compressed).
  static result<std::shared_ptr<const model>> load(const uint8_t* data, size_t size);
  static result<std::shared_ptr<const model>> load_file(const std::string& path);

  const archive_nn::model::hparams& hp() const { return hp_; }
  const model_hash& hash() const { return hash_; }
  const std::vector<uint8_t>& file_bytes() const { return file_; }  // canonical .nnm bytes
  std::string name() const;
  const std::vector<archive_nn::model::extra_kv>& extras() const { return extras_; }

  const std::vector<float>& token_embd() const { return tok_embd_; }  // [257][d]
  const std::vector<float>& positions() const { return pos_; }        // [context][d]
  const std::vector<layer_weights>& layers() const { return layers_; }
  const std::vector<float>& output_norm() const { return out_norm_; }
  const std::vector<uint16_t>& output_t() const { return out_t_; }  // [d][256], binary16

 private:
  archive_nn::model::hparams hp_;
  model_hash hash_{};
  std::vector<uint8_t> file_;
  std::vector<archive_nn::model::extra_kv> extras_;
  std::vector<float> tok_embd_, pos_, out_norm_;
  std::vector<uint16_t> out_t_;
  std::vector<layer_weights> layers_;
};

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
