// Hand-written option parsing (no Boost: the trainer builds with LibTorch
// alone). Accepts "--name value" and "--name=value".
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "common.hpp"
#include "config.hpp"
#include "data_pack.hpp"

namespace nntar_train {
namespace {

using handler = std::function<void(const std::string&)>;

// Walks argv, calling the handler of each known option with its value;
// the options named in `flags` take none (their handler gets "").
void parse_args(int argc, char** argv, const std::map<std::string, handler>& table,
                const std::set<std::string>& flags = {}) {
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.compare(0, 2, "--") != 0) throw usage_error("unexpected argument '" + arg + "' (see --help)");
    std::string value;
    bool have_value = false;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      have_value = true;
    }
    const auto it = table.find(arg);
    if (it == table.end()) throw usage_error("unknown option '" + arg + "' (see --help)");
    if (flags.count(arg)) {
      if (have_value) throw usage_error(arg + " takes no value");
    } else if (!have_value) {
      if (i + 1 >= argc) throw usage_error(arg + " needs a value");
      value = argv[++i];
    }
    it->second(value);
  }
}

model::norm_placement parse_norm(const std::string& v) {
  if (v == "pre") return model::norm_placement::pre;
  if (v == "post") return model::norm_placement::post;
  throw usage_error("--norm: '" + v + "' is neither 'pre' nor 'post'");
}

uint32_t positive_u32(const std::string& v, const std::string& what) {
  const uint32_t n = parse_u32(v, what);
  if (n == 0) throw usage_error(what + " must be at least 1");
  return n;
}

// Bytes with an optional binary unit: 1000, 64K, 60MiB, 2G.
uint64_t parse_size(const std::string& text, const std::string& what) {
  std::string number = text;
  uint64_t unit = 1;
  for (const auto& [suffix, u] : std::vector<std::pair<std::string, uint64_t>>{
           {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"K", 1ull << 10}, {"M", 1ull << 20},
           {"G", 1ull << 30}}) {
    if (number.size() > suffix.size() && number.compare(number.size() - suffix.size(), suffix.size(), suffix) == 0) {
      number.resize(number.size() - suffix.size());
      unit = u;
      break;
    }
  }
  const uint64_t n = parse_u64(number, what);
  if (n > UINT64_MAX / unit) throw usage_error(what + ": too large");
  return n * unit;
}

}  // namespace

void add_pack_specs(const std::string& path, std::vector<data_spec>& data, std::vector<data_spec>& eval) {
  if (!is_data_pack_file(path)) throw usage_error("--pack '" + path + "' is not a data pack (nntar-train pack)");
  // Only the names and weights: the data is read once, by load_data.
  const data_pack p = read_pack_directory(path);
  for (const pack_member& m : p.members) {
    data_spec d;
    d.name = m.name;
    d.path = path;
    d.weight = m.weight;
    (m.kind == pack_kind::train ? data : eval).push_back(d);
  }
}

data_spec parse_data_spec(const std::string& arg, const std::string& option) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos)
    throw usage_error(option + " '" + arg + "': expected NAME=PATH[:WEIGHT], e.g. text=corpus/text.bin:2");
  data_spec d;
  d.name = arg.substr(0, eq);
  d.path = arg.substr(eq + 1);
  if (!valid_dataset_name(d.name))
    throw usage_error(option + " '" + arg + "': the name '" + d.name + "' must be lower-case letters, digits or _");
  // A trailing ":NUMBER" is a weight; a path that itself ends in ":digits"
  // can be given as "./name:3:1".
  const size_t colon = d.path.rfind(':');
  if (colon != std::string::npos) {
    const std::string w = d.path.substr(colon + 1);
    char* end = nullptr;
    const double v = std::strtod(w.c_str(), &end);
    if (!w.empty() && *end == '\0') {
      if (!(v > 0) || v > 1e9) throw usage_error(option + " '" + arg + "': the weight must be positive");
      d.weight = v;
      d.path = d.path.substr(0, colon);
    }
  }
  if (d.path.empty()) throw usage_error(option + " '" + arg + "': empty path");
  return d;
}

train_options parse_train_options(int argc, char** argv) {
  train_options o;
  std::map<std::string, handler> t;
  t["--data"] = [&](const std::string& v) { o.data.push_back(parse_data_spec(v, "--data")); };
  t["--eval"] = [&](const std::string& v) { o.eval.push_back(parse_data_spec(v, "--eval")); };
  t["--preset"] = [&](const std::string& v) {
    if (!find_preset(v)) throw usage_error("--preset: unknown preset '" + v + "' (tiny, mini, small, medium)");
    o.preset = v;
  };
  t["--d-model"] = [&](const std::string& v) { o.d_model = positive_u32(v, "--d-model"); };
  t["--layers"] = [&](const std::string& v) { o.n_layer = positive_u32(v, "--layers"); };
  t["--heads"] = [&](const std::string& v) { o.n_head = positive_u32(v, "--heads"); };
  t["--d-ff"] = [&](const std::string& v) { o.d_ff = positive_u32(v, "--d-ff"); };
  t["--context"] = [&](const std::string& v) { o.context = positive_u32(v, "--context"); };
  t["--norm"] = [&](const std::string& v) { o.norm = parse_norm(v); };
  t["--steps"] = [&](const std::string& v) {
    o.steps = parse_u64(v, "--steps");
    if (*o.steps == 0) throw usage_error("--steps must be at least 1");
  };
  t["--time-limit"] = [&](const std::string& v) {
    o.time_limit = parse_duration(v, "--time-limit");
    if (!(*o.time_limit > 0)) throw usage_error("--time-limit must be positive (seconds)");
  };
  t["--batch"] = [&](const std::string& v) { o.batch = positive_u32(v, "--batch"); };
  t["--lr"] = [&](const std::string& v) { o.lr = parse_double(v, "--lr"); };
  t["--min-lr"] = [&](const std::string& v) { o.min_lr = parse_double(v, "--min-lr"); };
  t["--warmup"] = [&](const std::string& v) { o.warmup = parse_u64(v, "--warmup"); };
  t["--clip"] = [&](const std::string& v) { o.clip = parse_double(v, "--clip"); };
  t["--seed"] = [&](const std::string& v) { o.seed = parse_u64(v, "--seed"); };
  t["--threads"] = [&](const std::string& v) {
    o.threads = positive_u32(v, "--threads");
    if (o.threads > 1024) throw usage_error("--threads: too many");
  };
  t["--eval-every"] = [&](const std::string& v) { o.eval_every = parse_u64(v, "--eval-every"); };
  t["--eval-bytes"] = [&](const std::string& v) { o.eval_bytes = parse_u64(v, "--eval-bytes"); };
  t["--log-every"] = [&](const std::string& v) {
    o.log_every = parse_double(v, "--log-every");
    if (!(o.log_every >= 0)) throw usage_error("--log-every must be >= 0 (seconds)");
  };
  t["--stop-at-step"] = [&](const std::string& v) { o.stop_at_step = parse_u64(v, "--stop-at-step"); };
  t["--checkpoint"] = [&](const std::string& v) { o.checkpoint = v; };
  t["--checkpoint-every"] = [&](const std::string& v) {
    o.checkpoint_every = parse_duration(v, "--checkpoint-every");
    if (!(o.checkpoint_every > 0)) throw usage_error("--checkpoint-every must be positive (seconds)");
  };
  t["--resume"] = [&](const std::string& v) { o.resume = v; };
  t["--export"] = [&](const std::string& v) { o.export_path = v; };
  t["--name"] = [&](const std::string& v) {
    if (v.empty() || v.size() > 256) throw usage_error("--name must be 1 to 256 characters");
    o.name = v;
  };
  t["--card"] = [&](const std::string& v) { o.card = v; };
  t["--pack"] = [&](const std::string& v) { add_pack_specs(v, o.data, o.eval); };
  t["--device"] = [&](const std::string& v) { o.device = v; };
  t["--precision"] = [&](const std::string& v) {
    if (v != "auto" && v != "fp32" && v != "bf16") throw usage_error("--precision: expected auto, fp32 or bf16");
    o.precision = v;
  };
  t["--loss-log"] = [&](const std::string& v) { o.loss_log = v; };
  t["--dist-timeout"] = [&](const std::string& v) {
    o.dist_timeout = parse_duration(v, "--dist-timeout");
    if (!(o.dist_timeout >= 1)) throw usage_error("--dist-timeout must be at least 1 second");
  };
  parse_args(argc, argv, t);

  if (o.export_path.empty()) throw usage_error("give --export PATH.nnm (where the trained model goes)");
  if (o.checkpoint.empty()) o.checkpoint = o.export_path + ".ckpt";
  return o;
}

eval_options parse_eval_options(int argc, char** argv) {
  eval_options o;
  std::map<std::string, handler> t;
  t["--model"] = [&](const std::string& v) { o.model_path = v; };
  t["--data"] = [&](const std::string& v) { o.data.push_back(parse_data_spec(v, "--data")); };
  t["--bytes"] = [&](const std::string& v) {
    o.bytes = parse_u64(v, "--bytes");
    if (o.bytes == 0) throw usage_error("--bytes must be at least 1");
  };
  t["--context"] = [&](const std::string& v) { o.context = positive_u32(v, "--context"); };
  t["--threads"] = [&](const std::string& v) { o.threads = positive_u32(v, "--threads"); };
  t["--batch"] = [&](const std::string& v) { o.batch = positive_u32(v, "--batch"); };
  t["--device"] = [&](const std::string& v) { o.device = v; };
  t["--pack"] = [&](const std::string& v) {
    // The pack's held-out members; a pack without them is evaluated on its
    // training members.
    std::vector<data_spec> train, eval;
    add_pack_specs(v, train, eval);
    o.data.insert(o.data.end(), (eval.empty() ? train : eval).begin(), (eval.empty() ? train : eval).end());
  };
  parse_args(argc, argv, t);
  if (o.model_path.empty()) throw usage_error("eval: give --model PATH.nnm");
  if (o.data.empty()) throw usage_error("eval: give at least one --data NAME=PATH or --pack FILE");
  return o;
}

pack_options parse_pack_options(int argc, char** argv) {
  pack_options o;
  std::map<std::string, handler> t;
  t["--data"] = [&](const std::string& v) { o.data.push_back(parse_data_spec(v, "--data")); };
  t["--eval"] = [&](const std::string& v) { o.eval.push_back(parse_data_spec(v, "--eval")); };
  t["--output"] = [&](const std::string& v) { o.output = v; };
  t["--max-size"] = [&](const std::string& v) {
    o.max_size = parse_size(v, "--max-size");
    if (o.max_size < 4096) throw usage_error("--max-size must be at least 4096 bytes");
  };
  t["--level"] = [&](const std::string& v) {
    o.level = parse_u32(v, "--level");
    if (o.level > 9) throw usage_error("--level: xz presets are 0 to 9");
  };
  t["--no-xz"] = [&](const std::string&) { o.xz = false; };
  parse_args(argc, argv, t, {"--no-xz"});
  if (o.output.empty()) throw usage_error("pack: give --output FILE");
  if (o.data.empty()) throw usage_error("pack: give at least one --data NAME=PATH[:W]");
  return o;
}

void print_usage() {
  std::printf(
      "usage: nntar-train --data NAME=PATH[:WEIGHT]... --export MODEL.nnm (--steps N | --time-limit S) [options]\n"
      "       nntar-train eval --model MODEL.nnm --data NAME=PATH... [--bytes N] [--context N]\n"
      "       nntar-train pack --data NAME=PATH[:WEIGHT]... --output PACK [--max-size 60MiB]\n"
      "       nntar-train --nproc N ...   (N worker processes, or RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT)\n"
      "\n"
      "Trains the nntar byte-level transformer with LibTorch and exports a .nnm model.\n"
      "PATH is a byte stream file or a folder (every regular file, sorted, through the\n"
      "archiver's transforms). NAME (text, image, audio, ...) labels the dataset.\n"
      "\n"
      "data and evaluation:\n"
      "  --data NAME=PATH[:W]    training data, sampled with probability ~ W (default 1)\n"
      "  --eval NAME=PATH        evaluation data; default: the last 1%% (<= 1 MiB) of each --data\n"
      "  --pack FILE             a data pack's training and evaluation sets (nntar-train pack)\n"
      "  --eval-every N          evaluate every N steps (default 200, 0: only at the end)\n"
      "  --eval-bytes N          bytes evaluated per dataset (default 65536)\n"
      "architecture:\n"
      "  --preset NAME           tiny | mini | small (default) | medium\n"
      "  --d-model N --layers N --heads N --d-ff N --context N --norm pre|post\n"
      "schedule:\n"
      "  --steps N               optimiser steps\n"
      "  --time-limit T          training time (across resumes): 3600, 90m, 6h; with --steps, first wins\n"
      "  --batch N               windows per step (default: preset's)\n"
      "  --lr F                  peak learning rate (default 1e-3)\n"
      "  --min-lr F              final learning rate of the cosine decay (default lr/10)\n"
      "  --warmup N              linear warm-up steps (default 200)\n"
      "  --clip F                global gradient-norm clip (default 1, 0: off)\n"
      "  --seed N                initialisation and data order (default 1)\n"
      "  --threads N             CPU threads per process (default 2; with --nproc: cores / N)\n"
      "devices and processes:\n"
      "  --device D              auto (CUDA if available) | cpu | cuda | cuda:N\n"
      "  --precision P           auto (bf16 autocast on CUDA, fp32 on CPU) | fp32 | bf16\n"
      "  --nproc N               train with N data-parallel processes on this machine (Gloo)\n"
      "  --dist-timeout T        how long a process waits for the others (default 10m)\n"
      "  --loss-log FILE         write 'step loss grad_norm lr' for every step\n"
      "checkpoints and output:\n"
      "  --checkpoint PATH       default: EXPORT.ckpt\n"
      "  --checkpoint-every T    time between checkpoints (default 10m)\n"
      "  --resume PATH           continue a checkpoint, or start from a .nnm's weights\n"
      "  --export PATH           the trained model (.nnm, float16)\n"
      "  --name NAME             general.name of the model (default: export file name)\n"
      "  --card PATH             write a Markdown model card\n"
      "  --log-every S           seconds between progress lines (default 5)\n"
      "  --stop-at-step N        end this session at step N with a checkpoint (no export)\n"
      "\n"
      "other commands:\n"
      "  nntar-train info PATH   describe a checkpoint or .nnm (config, step, parameter hash)\n"
      "  nntar-train version     LibTorch version, default device, distributed and xz support\n"
      "  nntar-train pack ...    write --data/--eval sets, as the codec sees them, into one file:\n"
      "                          --output FILE, --max-size SIZE (cap; keeps evenly spaced blocks),\n"
      "                          --level N (xz preset, 6), --no-xz\n");
}

}  // namespace nntar_train
