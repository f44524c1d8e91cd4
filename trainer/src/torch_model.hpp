// The nntar transformer in LibTorch, behind a torch-free interface so that
// only torch_model.cpp pays LibTorch's compile cost. Implements
// spec/nn_forward.md §2-5 closely (not bit-exactly: LibTorch never produces
// a probability the coder uses).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/model_arch.hpp"

namespace nntar_train {

class process_group;  // distributed.hpp

namespace model = archive_nn::model;

// One float32 vector per tensor, in model::tensor_layout order.
using tensor_list = std::vector<std::vector<float>>;

struct optimizer_config {
  double lr = 1e-3;
  // beta2 0.98 rather than 0.999: the second moment adapts faster, which
  // keeps short CPU runs stable at peak learning rate (as in many
  // transformer recipes); eps 1e-8 is PyTorch's default.
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  double clip = 1.0;  // global gradient-norm bound, 0: none
};

// Adam's state, in float32 exactly as the optimiser holds it, so that a
// resumed run continues bit for bit.
struct optimizer_state {
  uint64_t step = 0;  // Adam's bias-correction counter
  tensor_list m, v;
};

struct step_result {
  double loss_bits_per_byte = 0;  // before the update
  double grad_norm = 0;           // before clipping
};

struct eval_result {
  double bits = 0;
  uint64_t bytes = 0;
  double bits_per_byte() const { return bytes ? bits / double(bytes) : 0.0; }
};

// Sets LibTorch's intra-op thread count (also used by OpenBLAS-openmp).
void set_torch_threads(uint32_t n);
std::string torch_version();

// Where the model trains. `requested` is "auto" (CUDA when this LibTorch
// sees a GPU, else the CPU), "cpu", "cuda" or "cuda:N"; "auto" and "cuda"
// pick GPU local_rank modulo the GPU count, so that the workers of one
// machine spread over its GPUs. Throws usage_error for a device this
// LibTorch cannot use.
std::string resolve_device(const std::string& requested, int local_rank);
// "auto": bf16 autocast on CUDA, fp32 on the CPU. "bf16" is refused on the
// CPU (LibTorch 1.13's CPU autocast is slower than fp32 there).
bool resolve_mixed_precision(const std::string& requested, const std::string& device);

class torch_model {
 public:
  // device: a resolve_device() result. mixed_precision: the forward and
  // backward passes of training run under bf16 autocast (CUDA only); the
  // parameters, Adam and evaluation stay float32.
  explicit torch_model(const model::hparams& hp, const std::string& device = "cpu", bool mixed_precision = false);
  ~torch_model();
  torch_model(const torch_model&) = delete;
  torch_model& operator=(const torch_model&) = delete;

  const model::hparams& hp() const;

  // GPT-2 style initialisation from torch's generator seeded with `seed`.
  void init_random(uint64_t seed);
  tensor_list params() const;
  void set_params(const tensor_list& t);  // checks the shapes
  optimizer_state optimizer() const;
  void set_optimizer(const optimizer_state& s);
  void reset_optimizer();

  // One Adam step on `batch` windows of context_length bytes each (window b
  // at windows + b * context_length); position 0 sees BOS. With a group,
  // these windows are this rank's share of the step: the gradients and the
  // loss are averaged over the group (one allreduce) before clipping and
  // Adam, so every rank applies the same update.
  step_result train_step(const uint8_t* windows, uint32_t batch, const optimizer_config& cfg,
                         process_group* group = nullptr);

  // Copies rank `root`'s parameters and Adam state to every rank.
  void broadcast_state(process_group& group, int root);

  // Bits to code data[0, size) as the codec does: consecutive windows of
  // `context` bytes (the last may be shorter), each starting from BOS.
  // round_f16 evaluates the float16-rounded weights (what an export holds).
  eval_result evaluate(const uint8_t* data, uint64_t size, uint32_t context, uint32_t batch,
                       bool round_f16) const;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

}  // namespace nntar_train
