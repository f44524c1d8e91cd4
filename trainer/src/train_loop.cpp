// The training run: resolve the configuration, load data, then steps with a
// warm-up + cosine schedule, progress lines, periodic evaluation and
// checkpoints, and finally the export and the model card.
#include <cmath>
#include <cstdint>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "checkpoint.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "datasets.hpp"
#include "export.hpp"
#include "torch_model.hpp"

namespace nntar_train {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

void on_signal(int signo) {
  g_stop_signal = signo;
  // A second Ctrl-C kills the process the default way, without waiting for
  // the step and the checkpoint.
  std::signal(signo, SIG_DFL);
}

constexpr double pi = 3.14159265358979323846;

// Linear warm-up to lr over `warmup` steps, then a cosine from lr down to
// min_lr over the rest of the run. The run's progress is its step fraction,
// its time fraction under --time-limit, or the larger of the two.
double learning_rate(const run_config& c, uint64_t step, double elapsed) {
  if (step < c.warmup) return c.lr * double(step + 1) / double(c.warmup);
  double progress = 0;
  if (c.steps > c.warmup) progress = double(step - c.warmup) / double(c.steps - c.warmup);
  if (c.time_limit > 0) progress = std::max(progress, elapsed / c.time_limit);
  progress = std::min(progress, 1.0);
  return c.min_lr + (c.lr - c.min_lr) * 0.5 * (1.0 + std::cos(pi * progress));
}

std::string eval_line(const std::vector<std::pair<std::string, double>>& r) {
  std::string s;
  for (const auto& [name, bpb] : r) s += "  " + name + " " + format_double(bpb, 4);
  return s + " bits/byte";
}

std::vector<std::pair<std::string, double>> evaluate_all(const torch_model& m, const std::vector<dataset>& eval,
                                                         uint64_t max_bytes, uint32_t batch) {
  std::vector<std::pair<std::string, double>> out;
  for (const dataset& d : eval) {
    const uint64_t n = std::min<uint64_t>(d.bytes.size(), max_bytes);
    const eval_result r = m.evaluate(d.bytes.data(), n, m.hp().context_length, batch, /*round_f16=*/true);
    out.emplace_back(d.spec.name, r.bits_per_byte());
  }
  return out;
}

}  // namespace

void install_signal_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

int stop_requested() { return g_stop_signal; }

int run_training(const train_options& o) {
  // What to continue from, if anything.
  std::optional<checkpoint> ckpt;
  std::optional<loaded_model> start_model;
  if (!o.resume.empty()) {
    if (is_model_file(o.resume))
      start_model = load_model(o.resume);
    else
      ckpt = load_checkpoint(o.resume);
  }
  {
    std::error_code ec;
    const bool same = !o.resume.empty() && std::filesystem::equivalent(o.resume, o.checkpoint, ec);
    if (!same && std::filesystem::exists(o.checkpoint))
      throw usage_error("checkpoint '" + o.checkpoint + "' already exists: continue it with --resume " + o.checkpoint +
                        ", or remove it, or choose another --checkpoint");
  }
  const run_config cfg = resolve(o, ckpt ? &ckpt->config : nullptr, start_model ? &start_model->hp : nullptr);
  const model::hparams& hp = cfg.hp;

  std::cerr << "nntar-train: " << hparams_text(hp) << " (" << cfg.preset_name << "), " << hp.parameter_count()
            << " parameters, LibTorch " << torch_version() << ", " << o.threads << " threads\n";
  const data_split data = load_data(cfg);
  for (const dataset& d : data.train)
    std::cerr << "  data " << d.spec.name << " (weight " << d.spec.weight << "): " << d.spec.path << ", "
              << d.description << ", " << d.bytes.size() << " training bytes\n";
  for (const dataset& d : data.eval)
    std::cerr << "  eval " << d.spec.name << ": " << (cfg.eval.empty() ? d.description : d.spec.path) << ", "
              << std::min<uint64_t>(d.bytes.size(), o.eval_bytes) << " bytes evaluated\n";

  set_torch_threads(o.threads);
  torch_model m(hp);
  uint64_t step = 0, bytes_seen = 0;
  double elapsed_before = 0;
  std::vector<std::pair<std::string, double>> last_eval;
  if (ckpt) {
    m.set_params(ckpt->params);
    m.set_optimizer(ckpt->opt);
    step = ckpt->step;
    bytes_seen = ckpt->bytes_seen;
    elapsed_before = ckpt->elapsed;
    last_eval = ckpt->last_eval;
    std::cerr << "  resuming at step " << step << " (" << human_bytes(double(bytes_seen)) << " seen, "
              << human_duration(elapsed_before) << " trained)\n";
    ckpt.reset();  // free the copy of the weights
  } else if (start_model) {
    m.set_params(start_model->params);
    std::cerr << "  starting from the weights of " << o.resume << " with a fresh optimiser\n";
  } else {
    m.init_random(cfg.seed);
  }

  const uint32_t ctx = hp.context_length;
  const sampler pick(data.train, ctx, cfg.seed);
  std::vector<uint8_t> batch(size_t(cfg.batch) * ctx);
  optimizer_config opt;
  opt.clip = cfg.clip;

  const double session_start = now_seconds();
  double last_log = session_start, last_ckpt = session_start, train_seconds = 0, train_cpu_seconds = 0;
  const uint64_t session_first_step = step;
  uint64_t log_step = step;
  double log_train_seconds = 0, log_cpu_seconds = 0;
  double loss_sum = 0;
  uint64_t loss_n = 0;
  uint64_t last_eval_step = UINT64_MAX;  // the final evaluation always runs

  auto elapsed = [&] { return elapsed_before + (now_seconds() - session_start); };
  auto bytes_per_second = [&] {
    return train_seconds > 0 ? double(step - session_first_step) * cfg.batch * ctx / train_seconds : 0.0;
  };
  auto save = [&] {
    checkpoint c;
    c.config = cfg;
    c.step = step;
    c.bytes_seen = bytes_seen;
    c.elapsed = elapsed();
    c.last_eval = last_eval;
    c.params = m.params();
    c.opt = m.optimizer();
    save_checkpoint(o.checkpoint, c);
    last_ckpt = now_seconds();
  };
  auto run_eval_now = [&] {
    if (data.eval.empty()) return;
    const double t0 = now_seconds();
    last_eval = evaluate_all(m, data.eval, o.eval_bytes, std::max<uint32_t>(1, cfg.batch));
    last_eval_step = step;
    std::cerr << "eval step " << step << ":" << eval_line(last_eval) << " (" << format_double(now_seconds() - t0, 1)
              << " s)\n";
  };

  install_signal_handlers();
  for (;;) {
    if (cfg.steps && step >= cfg.steps) break;
    if (cfg.time_limit > 0 && elapsed() >= cfg.time_limit) break;
    if (o.stop_at_step && step >= o.stop_at_step) {
      save();
      std::cerr << "nntar-train: stopped at step " << step << " (--stop-at-step); checkpoint " << o.checkpoint
                << "; continue with --resume " << o.checkpoint << "\n";
      return 0;
    }
    if (const int sig = stop_requested()) {
      save();
      std::cerr << "\nnntar-train: " << (sig == SIGINT ? "interrupted" : "terminated") << " at step " << step
                << "; checkpoint saved to " << o.checkpoint << "; continue with --resume " << o.checkpoint << "\n";
      return 128 + sig;
    }

    opt.lr = learning_rate(cfg, step, elapsed());
    pick.fill(step, cfg.batch, batch.data());
    const double t0 = now_seconds(), c0 = process_cpu_seconds();
    const step_result r = m.train_step(batch.data(), cfg.batch, opt);
    const double t1 = now_seconds();
    train_seconds += t1 - t0;
    train_cpu_seconds += process_cpu_seconds() - c0;
    if (!std::isfinite(r.loss_bits_per_byte))
      throw usage_error("training diverged at step " + std::to_string(step) +
                        " (loss is not finite); lower --lr or raise --warmup");
    ++step;
    bytes_seen += uint64_t(cfg.batch) * ctx;
    loss_sum += r.loss_bits_per_byte;
    ++loss_n;

    if (t1 - last_log >= o.log_every || (cfg.steps && step == cfg.steps)) {
      // The recent rate: the first steps are slow while the heap grows.
      const double recent_bytes = double(step - log_step) * cfg.batch * ctx;
      const double rate = train_seconds > log_train_seconds ? recent_bytes / (train_seconds - log_train_seconds) : 0.0;
      const double cpu_rate =
          train_cpu_seconds > log_cpu_seconds ? recent_bytes / (train_cpu_seconds - log_cpu_seconds) : 0.0;
      double eta = -1;
      const double per_step = train_seconds / double(step - session_first_step);
      if (cfg.steps) eta = double(cfg.steps - step) * per_step;
      if (cfg.time_limit > 0) {
        const double left = std::max(0.0, cfg.time_limit - elapsed());
        eta = eta < 0 ? left : std::min(eta, left);
      }
      char line[256];
      std::snprintf(line, sizeof line,
                    "step %llu%s  loss %.4f bits/byte  lr %.3g  |g| %.3g  %.0f B/s (%.0f/CPU-s)  ETA %s\n",
                    static_cast<unsigned long long>(step),
                    cfg.steps ? ("/" + std::to_string(cfg.steps)).c_str() : "", loss_sum / double(loss_n), opt.lr,
                    r.grad_norm, rate, cpu_rate, human_duration(eta).c_str());
      std::cerr << line;
      loss_sum = 0;
      loss_n = 0;
      last_log = t1;
      log_step = step;
      log_train_seconds = train_seconds;
      log_cpu_seconds = train_cpu_seconds;
    }
    if (o.eval_every && step % o.eval_every == 0) run_eval_now();
    if (now_seconds() - last_ckpt >= o.checkpoint_every) save();
  }

  if (last_eval_step != step) run_eval_now();
  save();
  export_info info;
  info.name = o.name.empty() ? std::filesystem::path(o.export_path).stem().string() : o.name;
  info.steps = step;
  info.bytes_seen = bytes_seen;
  info.wall_seconds = elapsed();
  info.eval_bits_per_byte = last_eval;
  const tensor_list params = m.params();
  const uint64_t file_bytes = export_model(o.export_path, hp, params, info);
  const double session_bytes = double(step - session_first_step) * cfg.batch * ctx;
  std::printf("exported %s: %llu parameters, %llu bytes, %llu steps, %s training bytes/s (%s per CPU-second)\n",
              o.export_path.c_str(), static_cast<unsigned long long>(hp.parameter_count()),
              static_cast<unsigned long long>(file_bytes), static_cast<unsigned long long>(step),
              format_double(bytes_per_second(), 0).c_str(),
              format_double(train_cpu_seconds > 0 ? session_bytes / train_cpu_seconds : 0.0, 0).c_str());
  if (!last_eval.empty()) std::printf("final eval:%s\n", eval_line(last_eval).c_str());
  if (!o.card.empty()) {
    card_info c;
    c.card_path = o.card;
    c.export_path = o.export_path;
    c.model_file_bytes = file_bytes;
    c.command_line = o.command_line;
    c.config = cfg;
    c.train = &data.train;
    c.eval = &data.eval;
    c.result = info;
    c.bytes_per_second = bytes_per_second();
    c.threads = o.threads;
    c.eval_bytes = o.eval_bytes;
    c.resumed_from = o.resume;
    write_card(c);
    std::printf("model card: %s\n", o.card.c_str());
  }
  return 0;
}

}  // namespace nntar_train
