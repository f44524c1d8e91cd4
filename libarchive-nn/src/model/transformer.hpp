// The forward pass of spec/nn_forward.md over a set of rows. A row is one
// token of one window (cache slot) at one position. The encoder passes a whole
// window (rows = positions 0..n-1 of slot 0); the decoder passes one position
// of many windows (rows = slots). Both call run(), so both produce identical
// probabilities: each output element follows the same operation sequence.
#pragma once

#include <cstdint>
#include <vector>

#include "model/kernels.hpp"
#include "model/model.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {

class kv_cache {
 public:
  // capacity: positions per slot (<= the model's context).
  kv_cache(const model& m, size_t slots, size_t capacity);
  // binary16 keys transposed per layer, [d_model][stride()]; values
  // [capacity][d_model] (spec/nn_forward.md §4.1: keys and values are rounded
  // to binary16, which halves the decoder's memory traffic).
  uint16_t* kt(size_t slot, size_t layer) { return kt_.data() + (slot * layers_ + layer) * per_layer_; }
  uint16_t* v(size_t slot, size_t layer) { return v_.data() + (slot * layers_ + layer) * per_layer_; }
  size_t capacity() const { return ctx_; }
  // Row stride of the transposed keys: padded so rows do not alias in the L1 cache.
  size_t stride() const { return stride_; }
  size_t slots() const { return slots_; }
  static uint64_t bytes_for(const model& m, size_t slots, size_t capacity);

 private:
  size_t slots_, layers_, ctx_, stride_, per_layer_;
  std::vector<uint16_t> kt_, v_;
};

class forward_pass {
 public:
  forward_pass(const model& m, const kernel_table& k, size_t max_rows);
  // probs: rows x 256. Rows must be written to the cache in position order per
  // slot: a row at position p attends to positions 0..p of its slot, which
  // this call or earlier calls have filled.
  void run(kv_cache& cache, size_t rows, const uint32_t* tokens, const uint32_t* positions, const uint32_t* slots,
           float* probs);
  uint64_t flops_done() const { return flops_; }

 private:
  void rmsnorm_rows(const float* x, const std::vector<float>& g, size_t rows, float* y) const;
  void attention(kv_cache& cache, size_t layer, size_t rows, const uint32_t* positions, const uint32_t* slots,
                 const layer_weights& w, const float* a, float* out);

  const model& m_;
  const kernel_table& k_;
  size_t max_rows_;
  size_t d_, ff_, heads_, dh_, ctx_;
  float scale_;
  std::vector<float> x_, a_, q_, kv_, o_, t_, h_, g_, u_, logits_, scores_, e_, z_;
  uint64_t flops_ = 0;
};

// Total bits the model spends on data cut into the codec's windows of
// context_length bytes (each from the start token): -sum log2 p from the float
// probabilities; with quantised_bits, also from the coder's frequency tables.
double cross_entropy_bits(const model& m, const kernel_table& k, const uint8_t* data, size_t size,
                          double* quantised_bits = nullptr);

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
