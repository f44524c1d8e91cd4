// `nntar-train eval`: bits per byte of a .nnm model on datasets, computed
// with LibTorch in float32 from the file's float16 weights, window by window
// as the codec codes them. `nntar-train info`: what a file holds.
#include <cstdio>
#include <iostream>

#include "checkpoint.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "data_pack.hpp"
#include "datasets.hpp"
#include "distributed.hpp"
#include "export.hpp"
#include "model/model_file.hpp"
#include "torch_model.hpp"

namespace nntar_train {
namespace {

uint64_t params_hash(const tensor_list& t) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const std::vector<float>& v : t) h = fnv1a64(reinterpret_cast<const uint8_t*>(v.data()), v.size() * 4, h);
  return h;
}

}  // namespace

int run_eval(const eval_options& o) {
  const loaded_model lm = load_model(o.model_path);
  const uint32_t context = o.context.value_or(lm.hp.context_length);
  if (context > lm.hp.context_length)
    std::cerr << "nntar-train: note: --context " << context << " exceeds the model's " << lm.hp.context_length
              << " (the codec never does this)\n";
  set_torch_threads(o.threads);
  torch_model m(lm.hp, resolve_device(o.device, 0));
  m.set_params(lm.params);
  std::printf("model %s: %s, %llu parameters\n", o.model_path.c_str(), hparams_text(lm.hp).c_str(),
              static_cast<unsigned long long>(lm.hp.parameter_count()));
  double total_bits = 0;
  uint64_t total_bytes = 0;
  for (const data_spec& spec : o.data) {
    // "--eval": a data pack's held-out member of that name (its training
    // member when it has none).
    const dataset d = load_dataset(spec, "--eval");
    const uint64_t n = std::min<uint64_t>(d.bytes.size(), o.bytes);
    const double t0 = now_seconds();
    // The weights are already float16 values: no further rounding.
    const eval_result r = m.evaluate(d.bytes.data(), n, context, o.batch, /*round_f16=*/false);
    const double dt = now_seconds() - t0;
    std::printf("%-8s %10llu bytes  %.4f bits/byte  (%.0f B/s)\n", spec.name.c_str(),
                static_cast<unsigned long long>(r.bytes), r.bits_per_byte(), dt > 0 ? double(r.bytes) / dt : 0.0);
    total_bits += r.bits;
    total_bytes += r.bytes;
  }
  if (o.data.size() > 1)
    std::printf("%-8s %10llu bytes  %.4f bits/byte\n", "all", static_cast<unsigned long long>(total_bytes),
                total_bytes ? total_bits / double(total_bytes) : 0.0);
  return 0;
}

int run_version() {
  std::string device;
  try {
    device = resolve_device("auto", 0);
  } catch (const std::exception& e) {
    device = std::string("? (") + e.what() + ")";
  }
  std::printf("nntar-train, LibTorch %s\ndefault device: %s\ndistributed (gloo): %s\nxz data packs: %s\n",
              torch_version().c_str(), device.c_str(), distributed_available() ? "yes" : "no",
              lzma_available() ? "yes" : "no");
  return 0;
}

int run_info(const std::string& path) {
  if (is_model_file(path)) {
    const std::vector<uint8_t> bytes = read_file(path);
    auto parsed = archive_nn::model::parse(bytes.data(), bytes.size());
    if (!parsed.ok()) throw usage_error("'" + path + "': " + parsed.err().what());
    std::printf("model file %s (%zu bytes)\n%s\nparameters %llu\n", path.c_str(), bytes.size(),
                hparams_text(parsed->hp).c_str(), static_cast<unsigned long long>(parsed->hp.parameter_count()));
    for (const archive_nn::model::extra_kv& kv : parsed->extras) {
      if (kv.type == archive_nn::model::value_type::u32) std::printf("%s = %u\n", kv.key.c_str(), kv.u32);
      else if (kv.type == archive_nn::model::value_type::f32) std::printf("%s = %.6g\n", kv.key.c_str(), kv.f32);
      else std::printf("%s = %s\n", kv.key.c_str(), kv.str.c_str());
    }
    return 0;
  }
  const checkpoint c = load_checkpoint(path);
  std::printf("checkpoint %s\n%s\nstep %llu\nbytes_seen %llu\nelapsed %.1f s\nadam_step %llu\n", path.c_str(),
              hparams_text(c.config.hp).c_str(), static_cast<unsigned long long>(c.step),
              static_cast<unsigned long long>(c.bytes_seen), c.elapsed, static_cast<unsigned long long>(c.opt.step));
  for (const auto& [name, bpb] : c.last_eval) std::printf("eval.%s %.6f\n", name.c_str(), bpb);
  std::printf("params_hash %016llx\noptimizer_hash %016llx\n", static_cast<unsigned long long>(params_hash(c.params)),
              static_cast<unsigned long long>(params_hash(c.opt.m) ^ (params_hash(c.opt.v) * 31)));
  std::printf("--- config\n%s", c.config.to_text().c_str());
  return 0;
}

}  // namespace nntar_train
