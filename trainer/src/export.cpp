#include "export.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

#include "common.hpp"
#include "model/model_file.hpp"

namespace nntar_train {

uint64_t export_model(const std::string& path, const model::hparams& hp, const tensor_list& params,
                      const export_info& info) {
  model::model_file m;
  m.hp = hp;
  auto add_str = [&](const std::string& k, const std::string& v) {
    m.extras.push_back({k, model::value_type::string, 0, 0.0f, v});
  };
  auto add_u32 = [&](const std::string& k, uint32_t v) { m.extras.push_back({k, model::value_type::u32, v, 0.0f, ""}); };
  auto add_f32 = [&](const std::string& k, float v) { m.extras.push_back({k, model::value_type::f32, 0, v, ""}); };
  add_str(model::keys::name, info.name);
  add_u32("train.steps", info.steps > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<uint32_t>(info.steps));
  // A string: a long run sees more than 2^32 bytes and the format's only
  // integer type is u32.
  add_str("train.bytes_seen", std::to_string(info.bytes_seen));
  for (const auto& [name, bpb] : info.eval_bits_per_byte) add_f32("train.bits_per_byte." + name, float(bpb));

  for (const std::vector<float>& t : params) {
    std::vector<uint16_t> h(t.size());
    for (size_t i = 0; i < t.size(); ++i) h[i] = model::f32_to_f16(t[i]);
    m.tensors.push_back(std::move(h));
  }
  const std::vector<uint8_t> bytes = model::serialize(m);
  // Re-parse before writing: an export that the archiver would refuse must
  // fail here, not at compression time.
  const auto check = model::parse(bytes.data(), bytes.size());
  if (!check.ok()) throw usage_error("export: the model does not parse back: " + check.err().what());
  write_file_atomic(path, bytes);
  return bytes.size();
}

loaded_model load_model(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  auto parsed = model::parse(bytes.data(), bytes.size());
  if (!parsed.ok()) throw usage_error("'" + path + "': " + parsed.err().what());
  loaded_model out;
  out.hp = parsed->hp;
  for (const model::extra_kv& kv : parsed->extras)
    if (kv.key == model::keys::name && kv.type == model::value_type::string) out.name = kv.str;
  for (const std::vector<uint16_t>& t : parsed->tensors) {
    std::vector<float> f(t.size());
    for (size_t i = 0; i < t.size(); ++i) f[i] = model::f16_to_f32(t[i]);
    out.params.push_back(std::move(f));
  }
  return out;
}

void write_card(const card_info& c) {
  const run_config& k = c.config;
  const model::hparams& hp = k.hp;
  std::ostringstream s;
  s << "# Model card: " << c.result.name << "\n\n"
    << "Produced by `nntar-train` (LibTorch " << torch_version() << ") on ";
  {
    char date[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    s << date;
  }
  s << ".\n\n"
    << "- file: `" << c.export_path << "` (" << c.model_file_bytes << " bytes, float16 weights)\n"
    << "- parameters: " << hp.parameter_count() << "\n\n"
    << "## Command\n\n```\n" << c.command_line << "\n```\n\n";
  if (!c.resumed_from.empty()) s << "Resumed from `" << c.resumed_from << "`.\n\n";

  s << "## Architecture\n\n| key | value |\n|---|---|\n"
    << "| preset | " << k.preset_name << " |\n"
    << "| d_model | " << hp.d_model << " |\n"
    << "| layers | " << hp.n_layer << " |\n"
    << "| heads | " << hp.n_head << " |\n"
    << "| d_ff (SwiGLU) | " << hp.d_ff << " |\n"
    << "| context | " << hp.context_length << " bytes |\n"
    << "| norm | RMSNorm, " << (hp.norm == model::norm_placement::post ? "post" : "pre") << ", eps " << hp.norm_eps
    << " |\n| positions | sinusoidal |\n\n";

  s << "## Training data\n\n| name | path | weight | training bytes | description |\n|---|---|---|---|---|\n";
  if (c.train)
    for (const dataset& d : *c.train)
      s << "| " << d.spec.name << " | `" << d.spec.path << "` | " << d.spec.weight << " | " << d.bytes.size() << " | "
        << d.description << " |\n";
  s << "\n## Evaluation data\n\n| name | bytes evaluated | source |\n|---|---|---|\n";
  if (c.eval)
    for (const dataset& d : *c.eval)
      s << "| " << d.spec.name << " | " << std::min<uint64_t>(d.bytes.size(), c.eval_bytes) << " | "
        << (k.eval.empty() ? d.description + " (held out, same sources)" : "`" + d.spec.path + "`") << " |\n";

  s << "\n## Optimisation\n\n| key | value |\n|---|---|\n"
    << "| optimiser | Adam (beta1 0.9, beta2 0.98, eps 1e-8), no weight decay |\n"
    << "| batch | " << k.batch << " windows of " << hp.context_length << " bytes |\n"
    << "| learning rate | " << k.lr << " peak, linear warm-up " << k.warmup << " steps, cosine to " << k.min_lr
    << " |\n"
    << "| gradient clip | " << k.clip << " (global norm) |\n"
    << "| seed | " << k.seed << " |\n"
    << "| steps | " << c.result.steps << (k.steps ? " of " + std::to_string(k.steps) : std::string()) << " |\n"
    << "| time limit | " << (k.time_limit > 0 ? human_duration(k.time_limit) : std::string("none")) << " |\n"
    << "| training bytes seen | " << c.result.bytes_seen << " (" << human_bytes(double(c.result.bytes_seen))
    << ") |\n"
    << "| wall time | " << human_duration(c.result.wall_seconds) << " (" << format_double(c.result.wall_seconds, 0)
    << " s) |\n"
    << "| device | " << c.device << (c.processes > 1 ? ", " + std::to_string(c.processes) + " data-parallel processes (Gloo allreduce)" : std::string()) << " |\n"
    << "| throughput | " << format_double(c.bytes_per_second, 0) << " training bytes/s at " << c.threads
    << " threads" << (c.processes > 1 ? " per process" : "") << " |\n\n";

  s << "## Results\n\nEvaluation in bits per byte (float16 weights, non-overlapping windows of " << hp.context_length
    << " bytes from BOS, as the codec codes them; 8 = no compression):\n\n| name | bits/byte | ratio |\n|---|---|---|\n";
  for (const auto& [name, bpb] : c.result.eval_bits_per_byte)
    s << "| " << name << " | " << format_double(bpb, 4) << " | " << format_double(bpb / 8.0, 4) << " |\n";
  s << "\nRatios exclude the model itself (" << c.model_file_bytes << " bytes) and the archive's overhead.\n";
  const std::string text = s.str();
  write_file_atomic(c.card_path, std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace nntar_train
