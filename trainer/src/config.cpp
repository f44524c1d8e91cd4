#include "config.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>

#include "common.hpp"

namespace nntar_train {
namespace {

model::hparams make_hp(uint32_t d, uint32_t layers, uint32_t heads, uint32_t ff, uint32_t ctx) {
  return model::make_hparams(d, layers, heads, ff, ctx);
}

const char* norm_name(model::norm_placement p) { return p == model::norm_placement::post ? "post" : "pre"; }

// Shortest text that reads back as the same double.
std::string exact(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string data_line(const data_spec& d) { return exact(d.weight) + " " + d.name + " " + d.path; }

data_spec parse_data_line(const std::string& v) {
  const size_t a = v.find(' ');
  const size_t b = a == std::string::npos ? a : v.find(' ', a + 1);
  if (b == std::string::npos) throw usage_error("checkpoint: bad data line '" + v + "'");
  data_spec d;
  d.weight = parse_double(v.substr(0, a), "checkpoint data weight");
  d.name = v.substr(a + 1, b - a - 1);
  d.path = v.substr(b + 1);
  return d;
}

void check_specs(const std::vector<data_spec>& specs, const char* option) {
  for (size_t i = 0; i < specs.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (specs[i].name == specs[j].name)
        throw usage_error(std::string(option) + ": dataset name '" + specs[i].name +
                          "' given twice (use one folder, or distinct names)");
}

template <class T>
void override_value(T& field, const std::optional<T>& given, const char* what, bool resuming) {
  if (!given) return;
  if (resuming && !(*given == field))
    std::cerr << "nntar-train: note: --" << what << " changed from the checkpoint's value; the resumed run "
              << "is no longer identical to an uninterrupted one\n";
  field = *given;
}

}  // namespace

const std::vector<preset>& presets() {
  static const std::vector<preset> all = {
      {"tiny", make_hp(16, 1, 2, 32, 64), 8, "tests only: a model file of a few KB"},
      {"mini", make_hp(64, 2, 8, 256, 512), 16, "quick CPU experiments, fast codec"},
      {"small", make_hp(128, 4, 8, 512, 1024), 16, "default: the shipped model's size"},
      {"medium", make_hp(256, 6, 8, 1024, 2048), 8, "for a GPU; ~5x the codec cost of small"},
  };
  return all;
}

const preset* find_preset(const std::string& name) {
  for (const preset& p : presets())
    if (name == p.name) return &p;
  return nullptr;
}

std::string hparams_text(const model::hparams& hp) {
  return "d_model " + std::to_string(hp.d_model) + ", layers " + std::to_string(hp.n_layer) + ", heads " +
         std::to_string(hp.n_head) + ", d_ff " + std::to_string(hp.d_ff) + ", context " +
         std::to_string(hp.context_length) + ", norm " + norm_name(hp.norm);
}

std::string hparams_diff(const model::hparams& have, const model::hparams& want) {
  std::string out;
  auto add = [&](const char* what, const std::string& a, const std::string& b) {
    if (a == b) return;
    if (!out.empty()) out += ", ";
    out += std::string(what) + " " + a + " vs " + b;
  };
  add("d_model", std::to_string(have.d_model), std::to_string(want.d_model));
  add("layers", std::to_string(have.n_layer), std::to_string(want.n_layer));
  add("heads", std::to_string(have.n_head), std::to_string(want.n_head));
  add("d_ff", std::to_string(have.d_ff), std::to_string(want.d_ff));
  add("context", std::to_string(have.context_length), std::to_string(want.context_length));
  add("norm", norm_name(have.norm), norm_name(want.norm));
  add("norm_eps", exact(have.norm_eps), exact(want.norm_eps));
  return out;
}

model::hparams requested_hparams(const train_options& o, const model::hparams& base) {
  model::hparams hp = base;
  if (o.preset) {
    const preset* p = find_preset(*o.preset);
    if (!p) throw usage_error("--preset: unknown preset '" + *o.preset + "' (tiny, mini, small, medium)");
    hp = p->hp;
  }
  if (o.d_model) hp.d_model = *o.d_model;
  if (o.n_layer) hp.n_layer = *o.n_layer;
  if (o.n_head) hp.n_head = *o.n_head;
  if (o.d_ff) hp.d_ff = *o.d_ff;
  if (o.context) hp.context_length = *o.context;
  if (o.norm) hp.norm = *o.norm;
  return hp;
}

std::string run_config::to_text() const {
  std::ostringstream s;
  s << "d_model=" << hp.d_model << "\n"
    << "n_layer=" << hp.n_layer << "\n"
    << "n_head=" << hp.n_head << "\n"
    << "d_ff=" << hp.d_ff << "\n"
    << "context=" << hp.context_length << "\n"
    << "norm=" << norm_name(hp.norm) << "\n"
    << "norm_eps=" << exact(hp.norm_eps) << "\n"
    << "preset=" << preset_name << "\n"
    << "batch=" << batch << "\n"
    << "lr=" << exact(lr) << "\n"
    << "min_lr=" << exact(min_lr) << "\n"
    << "warmup=" << warmup << "\n"
    << "clip=" << exact(clip) << "\n"
    << "steps=" << steps << "\n"
    << "time_limit=" << exact(time_limit) << "\n"
    << "seed=" << seed << "\n";
  for (const data_spec& d : data) s << "data=" << data_line(d) << "\n";
  for (const data_spec& d : eval) s << "eval=" << data_line(d) << "\n";
  return s.str();
}

run_config run_config::from_text(const std::string& text) {
  run_config c;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) throw usage_error("checkpoint: bad config line '" + line + "'");
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    const std::string what = "checkpoint " + k;
    if (k == "d_model") c.hp.d_model = parse_u32(v, what);
    else if (k == "n_layer") c.hp.n_layer = parse_u32(v, what);
    else if (k == "n_head") c.hp.n_head = parse_u32(v, what);
    else if (k == "d_ff") c.hp.d_ff = parse_u32(v, what);
    else if (k == "context") c.hp.context_length = parse_u32(v, what);
    else if (k == "norm") c.hp.norm = v == "post" ? model::norm_placement::post : model::norm_placement::pre;
    else if (k == "norm_eps") c.hp.norm_eps = static_cast<float>(parse_double(v, what));
    else if (k == "preset") c.preset_name = v;
    else if (k == "batch") c.batch = parse_u32(v, what);
    else if (k == "lr") c.lr = parse_double(v, what);
    else if (k == "min_lr") c.min_lr = parse_double(v, what);
    else if (k == "warmup") c.warmup = parse_u64(v, what);
    else if (k == "clip") c.clip = parse_double(v, what);
    else if (k == "steps") c.steps = parse_u64(v, what);
    else if (k == "time_limit") c.time_limit = parse_double(v, what);
    else if (k == "seed") c.seed = parse_u64(v, what);
    else if (k == "data") c.data.push_back(parse_data_line(v));
    else if (k == "eval") c.eval.push_back(parse_data_line(v));
    else throw usage_error("checkpoint: unknown config key '" + k + "' (written by a newer trainer?)");
  }
  return c;
}

run_config resolve(const train_options& o, const run_config* from_checkpoint, const model::hparams* from_model_file) {
  const bool resuming = from_checkpoint != nullptr;
  run_config c;
  if (resuming) {
    c = *from_checkpoint;
  } else {
    const std::string name = o.preset.value_or("small");
    const preset* p = find_preset(name);
    if (!p) throw usage_error("--preset: unknown preset '" + name + "' (tiny, mini, small, medium)");
    c.hp = p->hp;
    c.batch = p->batch;
    c.preset_name = p->name;
  }
  if (from_model_file) c.hp = *from_model_file;

  const model::hparams want = requested_hparams(o, c.hp);
  if (resuming || from_model_file) {
    const std::string diff = hparams_diff(c.hp, want);
    if (!diff.empty())
      throw usage_error(std::string(resuming ? "checkpoint '" : "model file '") + o.resume +
                        "' does not match the requested architecture (" + diff +
                        "); drop the architecture options to continue it as it is");
    if (from_model_file) c.preset_name = "from " + o.resume;
  } else {
    if (o.d_model || o.n_layer || o.n_head || o.d_ff || o.context || o.norm) c.preset_name += " (modified)";
    c.hp = want;
  }
  const std::string why = model::validate(c.hp);
  if (!why.empty()) throw usage_error("bad hyper-parameters: " + why);

  override_value(c.batch, o.batch, "batch", resuming);
  override_value(c.lr, o.lr, "lr", resuming);
  if (!resuming && !o.min_lr) c.min_lr = c.lr / 10;
  override_value(c.min_lr, o.min_lr, "min-lr", resuming);
  override_value(c.warmup, o.warmup, "warmup", resuming);
  override_value(c.clip, o.clip, "clip", resuming);
  override_value(c.steps, o.steps, "steps", resuming);
  override_value(c.time_limit, o.time_limit, "time-limit", resuming);
  override_value(c.seed, o.seed, "seed", resuming);
  if (!o.data.empty()) {
    if (resuming && !(o.data == c.data))
      std::cerr << "nntar-train: note: --data differs from the checkpoint's; the data order changes\n";
    c.data = o.data;
  }
  if (!o.eval.empty()) c.eval = o.eval;

  if (c.data.empty()) throw usage_error("no training data: give --data NAME=PATH (e.g. --data text=corpus.bin)");
  check_specs(c.data, "--data");
  check_specs(c.eval, "--eval");
  if (c.batch < 1) throw usage_error("--batch must be at least 1");
  if (!(c.lr > 0)) throw usage_error("--lr must be positive");
  if (!(c.min_lr >= 0 && c.min_lr <= c.lr)) throw usage_error("--min-lr must be in [0, lr]");
  if (!(c.clip >= 0)) throw usage_error("--clip must be >= 0 (0 disables clipping)");
  if (!(c.time_limit >= 0)) throw usage_error("--time-limit must be >= 0");
  if (c.steps == 0 && c.time_limit == 0)
    throw usage_error("give --steps N or --time-limit SECONDS (or both: whichever comes first)");
  return c;
}

}  // namespace nntar_train
