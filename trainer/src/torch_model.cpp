// The only translation unit that includes LibTorch. Uses ATen and autograd
// directly (no torch::nn modules, no torch::optim): the parameters are a
// plain list in model::tensor_layout order, which makes export, checkpoints
// and the architecture contract one-to-one, and a hand-written Adam keeps the
// optimiser state in a form the checkpoint can store exactly.
#include "torch_model.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "common.hpp"
#include "distributed.hpp"

namespace nntar_train {
namespace {

constexpr double ln2 = 0.69314718055994530942;
constexpr int per_layer = 9;  // tensors per block in model::tensor_layout
constexpr int64_t attention_block = 256;  // query rows per causal block

enum layer_tensor { attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down };

at::Tensor rmsnorm(const at::Tensor& x, const at::Tensor& g, double eps) {
  return x * at::rsqrt(x.pow(2).mean(-1, true) + eps) * g;
}

// Sinusoidal table P[i][2k] = sin(i w_k), P[i][2k+1] = cos(i w_k),
// w_k = exp(-(2k/d) ln 10000), in binary32 as spec/nn_forward.md §2 (the
// engine's own sin/cos differ in the last bits, which training tolerates).
at::Tensor positions(uint32_t context, uint32_t d) {
  at::Tensor p = at::empty({int64_t(context), int64_t(d)}, at::kFloat);
  float* out = p.data_ptr<float>();
  const float ln_10000 = 9.21034049987792968750f;
  for (uint32_t k = 0; k < d / 2; ++k) {
    const float omega = std::exp(-(float(2 * k) / float(d)) * ln_10000);
    for (uint32_t i = 0; i < context; ++i) {
      const float angle = float(i) * omega;
      out[size_t(i) * d + 2 * k] = std::sin(angle);
      out[size_t(i) * d + 2 * k + 1] = std::cos(angle);
    }
  }
  return p;
}

at::Tensor to_tensor(const std::vector<float>& v, const std::vector<uint32_t>& shape) {
  std::vector<int64_t> sizes(shape.begin(), shape.end());
  return at::from_blob(const_cast<float*>(v.data()), sizes, at::kFloat).clone();
}

std::vector<float> to_vector(const at::Tensor& t) {
  const at::Tensor c = t.detach().to(at::kCPU).contiguous();
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}

}  // namespace

void set_torch_threads(uint32_t n) {
  at::set_num_threads(static_cast<int>(n));
  // Inter-op parallelism is unused (one graph at a time); keep it from
  // spawning threads that compete with the intra-op pool.
  try {
    at::set_num_interop_threads(1);
  } catch (const std::exception&) {
    // Already set once: nothing to do.
  }
}

std::string torch_version() { return TORCH_VERSION; }

std::string resolve_device(const std::string& requested, int local_rank) {
  const bool has_cuda = at::hasCUDA();
  const int64_t gpus = has_cuda ? int64_t(at::getNumGPUs()) : 0;
  if (requested == "cpu") return "cpu";
  if (requested == "auto" || requested == "cuda") {
    if (gpus > 0) return "cuda:" + std::to_string(local_rank % gpus);
    if (requested == "auto") return "cpu";
    throw usage_error("--device cuda: this LibTorch (" + torch_version() +
                      ") sees no CUDA GPU; use --device cpu, or build against a CUDA LibTorch "
                      "(trainer/scripts/accelerator_train.sh uses PyTorch's)");
  }
  if (requested.compare(0, 5, "cuda:") == 0) {
    const uint32_t n = parse_u32(requested.substr(5), "--device");
    if (int64_t(n) >= gpus)
      throw usage_error("--device " + requested + ": this LibTorch sees " + std::to_string(gpus) + " CUDA GPU(s)");
    return requested;
  }
  throw usage_error("--device '" + requested + "': expected auto, cpu, cuda or cuda:N");
}

bool resolve_mixed_precision(const std::string& requested, const std::string& device) {
  const bool cuda = device.compare(0, 4, "cuda") == 0;
  if (requested == "auto") return cuda;
  if (requested == "fp32") return false;
  if (requested == "bf16") {
    if (!cuda) throw usage_error("--precision bf16 needs a CUDA device (on the CPU, fp32 is faster)");
    return true;
  }
  throw usage_error("--precision '" + requested + "': expected auto, fp32 or bf16");
}

struct torch_model::impl {
  model::hparams hp;
  at::Device device{at::kCPU};
  bool mixed_precision = false;
  std::vector<model::tensor_desc> layout;
  std::vector<at::Tensor> w;     // parameters (requires_grad)
  std::vector<at::Tensor> adam_m, adam_v;  // Adam moments
  uint64_t adam_step = 0;
  at::Tensor pos;                // [context, d_model]
  mutable at::Tensor mask_cache; // [T, T] additive causal mask
  mutable int64_t mask_len = -1;

  const at::Tensor& causal_mask(int64_t t) const {
    if (mask_len != t) {
      // 0 on and below the diagonal, -inf above: baddbmm adds it to the
      // scores, which on 1.13 is faster and leaner than masked_fill + softmax.
      mask_cache = at::full({t, t}, -INFINITY, at::TensorOptions().dtype(at::kFloat).device(device)).triu(1);
      mask_len = t;
    }
    return mask_cache;
  }

  at::Tensor attention(const at::Tensor& a, const at::Tensor* L) const {
    const int64_t B = a.size(0), T = a.size(1), d = hp.d_model, H = hp.n_head, dh = d / H;
    // One GEMM for q, k and v: with d_model 128 three separate ones leave
    // the BLAS kernel mostly idle.
    const at::Tensor qkv = at::linear(a, at::cat({L[attn_q], L[attn_k], L[attn_v]}, 0))
                               .view({B, T, 3, H, dh})
                               .permute({2, 0, 3, 1, 4});  // [3, B, H, T, dh]
    const at::Tensor q = qkv[0].reshape({B * H, T, dh});
    const at::Tensor k = qkv[1].reshape({B * H, T, dh});
    const at::Tensor v = qkv[2].reshape({B * H, T, dh});
    const double scale = 1.0 / std::sqrt(double(dh));
    const at::Tensor& mask = causal_mask(T);
    // Causal block skipping: queries [j, e) only need keys [0, e). With
    // blocks of 256 a 1024-byte window computes and stores 10/16 of the
    // T x T scores; attention is memory-bound here (dh = 16), so this cuts
    // its time by ~40% on the 2-core machine.
    std::vector<at::Tensor> rows;
    for (int64_t j = 0; j < T; j += attention_block) {
      const int64_t e = std::min(T, j + attention_block);
      const at::Tensor scores = at::baddbmm(mask.slice(0, j, e).slice(1, 0, e), q.slice(1, j, e),
                                            k.slice(1, 0, e).transpose(1, 2), 1.0, scale);
      rows.push_back(at::bmm(at::softmax(scores, -1), v.slice(1, 0, e)));
    }
    const at::Tensor o = (rows.size() == 1 ? rows[0] : at::cat(rows, 1))
                             .view({B, H, T, dh})
                             .transpose(1, 2)
                             .reshape({B, T, d});
    return at::linear(o, L[attn_output]);
  }

  at::Tensor ffn(const at::Tensor& f, const at::Tensor* L) const {
    const std::vector<at::Tensor> gu = at::linear(f, at::cat({L[ffn_gate], L[ffn_up]}, 0)).chunk(2, -1);
    return at::linear(at::silu(gu[0]) * gu[1], L[ffn_down]);
  }

  // tokens: [B, T] int64, BOS first. Returns logits [B, T, 256].
  at::Tensor forward(const std::vector<at::Tensor>& W, const at::Tensor& tokens, const at::Tensor& P) const {
    const int64_t T = tokens.size(1);
    const double eps = hp.norm_eps;
    at::Tensor x = at::embedding(W[0], tokens) + P.slice(0, 0, T);
    for (uint32_t l = 0; l < hp.n_layer; ++l) {
      const at::Tensor* L = &W[1 + per_layer * l];
      if (hp.norm == model::norm_placement::pre) {
        const at::Tensor h = x + attention(rmsnorm(x, L[attn_norm], eps), L);
        x = h + ffn(rmsnorm(h, L[ffn_norm], eps), L);
      } else {
        const at::Tensor h = rmsnorm(x + attention(x, L), L[attn_norm], eps);
        x = rmsnorm(h + ffn(h, L), L[ffn_norm], eps);
      }
    }
    const size_t n = W.size();
    return at::linear(rmsnorm(x, W[n - 2], eps), W[n - 1]);
  }
};

namespace {

// Input tokens (BOS, b[0..T-2]) and targets (b[0..T-1]) of B windows, on
// the model's device.
void make_tokens(const uint8_t* bytes, int64_t B, int64_t T, const at::Device& device, at::Tensor& inputs,
                 at::Tensor& targets) {
  targets = at::from_blob(const_cast<uint8_t*>(bytes), {B, T}, at::kByte).to(device).to(at::kLong);
  const at::Tensor bos = at::full({B, 1}, int64_t(model::bos_token), at::TensorOptions().dtype(at::kLong).device(device));
  inputs = at::cat({bos, targets.slice(1, 0, T - 1)}, 1);
}

// bf16 autocast for one forward/backward pass (CUDA), restored on exit.
class autocast_scope {
 public:
  explicit autocast_scope(bool on) : on_(on) {
    if (!on_) return;
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
  }
  ~autocast_scope() {
    if (!on_) return;
    at::autocast::set_enabled(false);
    at::autocast::clear_cache();
  }
  autocast_scope(const autocast_scope&) = delete;
  autocast_scope& operator=(const autocast_scope&) = delete;

 private:
  bool on_;
};

}  // namespace

torch_model::torch_model(const model::hparams& hp, const std::string& device, bool mixed_precision)
    : p_(std::make_unique<impl>()) {
  p_->hp = hp;
  p_->device = at::Device(device);
  p_->mixed_precision = mixed_precision;
  p_->layout = model::tensor_layout(hp);
  p_->pos = positions(hp.context_length, hp.d_model).to(p_->device);
  for (const model::tensor_desc& t : p_->layout) {
    std::vector<int64_t> sizes(t.shape.begin(), t.shape.end());
    p_->w.push_back(at::zeros(sizes, at::TensorOptions().dtype(at::kFloat).device(p_->device)).requires_grad_(true));
  }
  reset_optimizer();
}

torch_model::~torch_model() = default;

const model::hparams& torch_model::hp() const { return p_->hp; }

void torch_model::init_random(uint64_t seed) {
  at::NoGradGuard no_grad;
  at::manual_seed(seed);
  const double std_w = 0.02;
  // Residual-branch outputs are scaled down with depth (GPT-2) so the
  // residual stream's variance does not grow with the layer count.
  const double std_out = 0.02 / std::sqrt(2.0 * p_->hp.n_layer);
  // Drawn on the CPU and copied: the same seed gives the same weights on
  // every device (CUDA's generator draws other numbers).
  for (size_t i = 0; i < p_->layout.size(); ++i) {
    const std::string& name = p_->layout[i].name;
    at::Tensor t = at::empty_like(p_->w[i], at::TensorOptions().device(at::kCPU));
    auto ends_with = [&](const char* s) {
      const std::string suffix = s;
      return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (t.dim() == 1) {
      t.fill_(1.0);  // RMSNorm gains
    } else if (name == model::names::token_embd()) {
      // Unit-variance embeddings: the same scale as the sinusoidal
      // positions they are added to (RMS 0.71), so neither drowns the other.
      t.normal_(0.0, 1.0);
    } else if (ends_with("attn_output.weight") || ends_with("ffn_down.weight")) {
      t.normal_(0.0, std_out);
    } else {
      t.normal_(0.0, std_w);
    }
    p_->w[i].copy_(t);
  }
  reset_optimizer();
}

tensor_list torch_model::params() const {
  tensor_list out;
  for (const at::Tensor& t : p_->w) out.push_back(to_vector(t));
  return out;
}

void torch_model::set_params(const tensor_list& t) {
  if (t.size() != p_->layout.size()) throw std::runtime_error("set_params: wrong tensor count");
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].size() != p_->layout[i].elements())
      throw std::runtime_error("set_params: wrong size for " + p_->layout[i].name);
    p_->w[i].copy_(to_tensor(t[i], p_->layout[i].shape));
  }
}

optimizer_state torch_model::optimizer() const {
  optimizer_state s;
  s.step = p_->adam_step;
  for (size_t i = 0; i < p_->w.size(); ++i) {
    s.m.push_back(to_vector(p_->adam_m[i]));
    s.v.push_back(to_vector(p_->adam_v[i]));
  }
  return s;
}

void torch_model::set_optimizer(const optimizer_state& s) {
  if (s.m.size() != p_->layout.size() || s.v.size() != p_->layout.size())
    throw std::runtime_error("set_optimizer: wrong tensor count");
  p_->adam_step = s.step;
  for (size_t i = 0; i < p_->layout.size(); ++i) {
    if (s.m[i].size() != p_->layout[i].elements() || s.v[i].size() != p_->layout[i].elements())
      throw std::runtime_error("set_optimizer: wrong size for " + p_->layout[i].name);
    p_->adam_m[i] = to_tensor(s.m[i], p_->layout[i].shape).to(p_->device);
    p_->adam_v[i] = to_tensor(s.v[i], p_->layout[i].shape).to(p_->device);
  }
}

void torch_model::reset_optimizer() {
  p_->adam_step = 0;
  p_->adam_m.clear();
  p_->adam_v.clear();
  for (const at::Tensor& t : p_->w) {
    p_->adam_m.push_back(at::zeros_like(t, at::MemoryFormat::Contiguous).detach());
    p_->adam_v.push_back(at::zeros_like(t, at::MemoryFormat::Contiguous).detach());
  }
}

step_result torch_model::train_step(const uint8_t* windows, uint32_t batch, const optimizer_config& cfg,
                                    process_group* group) {
  impl& p = *p_;
  const int64_t T = p.hp.context_length;
  at::Tensor inputs, targets;
  make_tokens(windows, batch, T, p.device, inputs, targets);

  for (at::Tensor& w : p.w) w.mutable_grad() = at::Tensor();
  at::Tensor loss;
  {
    const autocast_scope amp(p.mixed_precision);
    const at::Tensor logits = p.forward(p.w, inputs, p.pos);
    loss = at::cross_entropy_loss(logits.view({-1, int64_t(model::vocab_size)}).to(at::kFloat), targets.view({-1}));
  }
  loss.backward();

  step_result r;
  r.loss_bits_per_byte = loss.item<double>() / ln2;

  at::NoGradGuard no_grad;
  if (group && group->size() > 1) {
    // One flat buffer (every gradient, then the loss) and one allreduce:
    // each rank's loss is the mean over its windows, and every rank has
    // the same number of windows, so the mean of the means is the loss of
    // the whole step, as one process would compute it.
    std::vector<at::Tensor> flat;
    for (const at::Tensor& w : p.w) flat.push_back(w.grad().reshape({-1}));
    flat.push_back(loss.detach().reshape({1}).to(at::kFloat));
    at::Tensor buffer = at::cat(flat).to(at::kCPU).contiguous();
    group->allreduce_sum(buffer.data_ptr<float>(), size_t(buffer.numel()));
    buffer.div_(double(group->size()));
    buffer = buffer.to(p.device);
    int64_t at_ = 0;
    for (at::Tensor& w : p.w) {
      const int64_t n = w.numel();
      w.mutable_grad().copy_(buffer.slice(0, at_, at_ + n).view(w.sizes()));
      at_ += n;
    }
    r.loss_bits_per_byte = buffer[at_].item<double>() / ln2;
  }
  std::vector<at::Tensor> norms;
  for (const at::Tensor& w : p.w) norms.push_back(w.grad().norm());
  const double total = at::stack(norms).norm().item<double>();
  r.grad_norm = total;
  // Same rule as torch.nn.utils.clip_grad_norm_.
  const double clip_coef = cfg.clip > 0 ? cfg.clip / (total + 1e-6) : 1.0;

  ++p.adam_step;
  const double bc1 = 1.0 - std::pow(cfg.beta1, double(p.adam_step));
  const double bc2 = 1.0 - std::pow(cfg.beta2, double(p.adam_step));
  const double step_size = cfg.lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (size_t i = 0; i < p.w.size(); ++i) {
    at::Tensor g = p.w[i].grad();
    if (clip_coef < 1.0) g = g * clip_coef;
    // torch.optim.Adam's update, term for term.
    p.adam_m[i].mul_(cfg.beta1).add_(g, 1.0 - cfg.beta1);
    p.adam_v[i].mul_(cfg.beta2).addcmul_(g, g, 1.0 - cfg.beta2);
    const at::Tensor denom = (p.adam_v[i].sqrt() / bc2_sqrt).add_(cfg.eps);
    p.w[i].addcdiv_(p.adam_m[i], denom, -step_size);
  }
  return r;
}

eval_result torch_model::evaluate(const uint8_t* data, uint64_t size, uint32_t context, uint32_t batch,
                                  bool round_f16) const {
  const impl& p = *p_;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> W;
  for (const at::Tensor& w : p.w) W.push_back(round_f16 ? w.detach().to(at::kHalf).to(at::kFloat) : w.detach());
  // Windows longer than the trained context need a longer position table.
  const at::Tensor P = context > p.hp.context_length ? positions(context, p.hp.d_model).to(p.device) : p.pos;

  eval_result r;
  auto run = [&](const uint8_t* bytes, int64_t B, int64_t T) {
    at::Tensor inputs, targets;
    make_tokens(bytes, B, T, p.device, inputs, targets);
    const at::Tensor logp = at::log_softmax(p.forward(W, inputs, P), -1);
    const at::Tensor picked = logp.gather(-1, targets.unsqueeze(-1));
    r.bits += -picked.to(at::kDouble).sum().item<double>() / ln2;
    r.bytes += uint64_t(B * T);
  };
  const uint64_t full = size / context;
  for (uint64_t w = 0; w < full; w += batch) {
    const uint64_t n = std::min<uint64_t>(batch, full - w);
    run(data + w * context, int64_t(n), context);
  }
  if (size % context) run(data + full * context, 1, int64_t(size % context));
  return r;
}

void torch_model::broadcast_state(process_group& group, int root) {
  if (group.size() < 2) return;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> flat;
  for (const at::Tensor& w : p_->w) flat.push_back(w.detach().reshape({-1}));
  for (const at::Tensor& m : p_->adam_m) flat.push_back(m.reshape({-1}));
  for (const at::Tensor& v : p_->adam_v) flat.push_back(v.reshape({-1}));
  at::Tensor buffer = at::cat(flat).to(at::kCPU).contiguous();
  group.broadcast(buffer.data_ptr<float>(), size_t(buffer.numel()), root);
  buffer = buffer.to(p_->device);
  int64_t at_ = 0;
  auto take = [&](at::Tensor& t) {
    const int64_t n = t.numel();
    t.copy_(buffer.slice(0, at_, at_ + n).view(t.sizes()));
    at_ += n;
  };
  for (at::Tensor& w : p_->w) take(w);
  for (at::Tensor& m : p_->adam_m) take(m);
  for (at::Tensor& v : p_->adam_v) take(v);
  // Adam's step counter is the same on every rank: it counts the steps.
}

}  // namespace nntar_train
