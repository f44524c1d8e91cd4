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

#include "baseline.hpp"
#include "checkpoint.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "datasets.hpp"
#include "distributed.hpp"
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

// Each rank evaluates its share of the windows (the last, shorter window
// goes to the last rank) and the bits are summed over the group: the result
// is one process's up to the order of the additions.
std::vector<std::pair<std::string, double>> evaluate_all(const torch_model& m, const std::vector<dataset>& eval,
                                                         uint64_t max_bytes, uint32_t batch, process_group* group) {
  std::vector<std::pair<std::string, double>> out;
  const uint64_t ranks = group ? uint64_t(group->size()) : 1, rank = group ? uint64_t(group->rank()) : 0;
  for (const dataset& d : eval) {
    const uint64_t n = std::min<uint64_t>(d.bytes.size(), max_bytes);
    const uint32_t ctx = m.hp().context_length;
    const uint64_t windows = n / ctx;
    const uint64_t first = windows * rank / ranks, last = windows * (rank + 1) / ranks;
    const uint64_t begin = first * ctx;
    const uint64_t end = rank + 1 == ranks ? n : last * ctx;
    eval_result r;
    if (end > begin) r = m.evaluate(d.bytes.data() + begin, end - begin, ctx, batch, /*round_f16=*/true);
    double sums[2] = {r.bits, double(r.bytes)};
    if (group && ranks > 1) group->allreduce_sum(sums, 2);
    out.emplace_back(d.spec.name, sums[1] > 0 ? sums[0] / sums[1] : 0.0);
  }
  return out;
}

// What a user should know about a run that ended: still inside its warm-up,
// or a model that does not beat the classical codecs on the held-out data.
void warn_about_result(const run_config& cfg, uint64_t step, const std::vector<dataset>& eval,
                       const std::vector<std::pair<std::string, double>>& last_eval, uint64_t eval_bytes) {
  if (step < cfg.warmup)
    std::cerr << "nntar-train: warning: the run ended at step " << step << ", inside its warm-up of " << cfg.warmup
              << " steps: the learning rate never reached its peak and the model is undertrained "
                 "(train longer, or lower --warmup)\n";
  for (size_t i = 0; i < eval.size() && i < last_eval.size(); ++i) {
    const uint64_t n = std::min<uint64_t>(eval[i].bytes.size(), eval_bytes);
    const baseline_result b = measure_baselines(eval[i].bytes.data(), n);
    const double model_bpb = last_eval[i].second;
    if (model_bpb < b.best()) continue;
    std::cerr << "nntar-train: warning: held-out " << last_eval[i].first << ": the model codes "
              << format_double(model_bpb, 3) << " bits/byte, no better than ";
    if (b.xz_bits_per_byte >= 0) std::cerr << "xz -6 (" << format_double(b.xz_bits_per_byte, 3) << ") or ";
    std::cerr << "an adaptive order-2 model (" << format_double(b.order2_bits_per_byte, 3)
              << "): alone (--codec nn) it would lose to nntar's classical codecs; train longer or on more data\n";
  }
}

}  // namespace

void install_signal_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

int stop_requested() { return g_stop_signal; }

int run_training(const train_options& o) {
  // Every rank runs this function. Everything that can fail on bad input
  // (options, checkpoint, data) happens before the group connects, the same
  // way on every rank, so a mistake stops all of them at once.
  const world_info world = world_from_environment();
  const bool leader = world.rank == 0;
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
  if (cfg.batch % uint32_t(world.size) != 0)
    throw usage_error("--batch " + std::to_string(cfg.batch) + " does not split evenly over " +
                      std::to_string(world.size) + " processes: use a multiple of " + std::to_string(world.size));
  const uint32_t local_batch = cfg.batch / uint32_t(world.size);
  const std::string device = resolve_device(o.device, world.local_rank);
  const bool mixed = resolve_mixed_precision(o.precision, device);

  // Only rank 0 talks; the others report errors only.
  std::ostream& log = std::cerr;
  if (leader)
    log << "nntar-train: " << hparams_text(hp) << " (" << cfg.preset_name << "), " << hp.parameter_count()
        << " parameters, LibTorch " << torch_version() << ", " << device << (mixed ? " bf16 autocast" : "") << ", "
        << o.threads << " threads"
        << (world.distributed() ? " per process, " + std::to_string(world.size) + " processes (batch " +
                                      std::to_string(local_batch) + " each)"
                                : "")
        << "\n";
  const data_split data = load_data(cfg);
  if (leader) {
    for (const dataset& d : data.train)
      log << "  data " << d.spec.name << " (weight " << d.spec.weight << "): " << d.spec.path << ", "
          << d.description << ", " << d.bytes.size() << " training bytes\n";
    for (const dataset& d : data.eval)
      log << "  eval " << d.spec.name << ": " << (cfg.eval.empty() ? d.description : d.spec.path) << ", "
          << std::min<uint64_t>(d.bytes.size(), o.eval_bytes) << " bytes evaluated\n";
  }

  set_torch_threads(o.threads);
  torch_model m(hp, device, mixed);
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
    if (leader) std::cerr << "  resuming at step " << step << " (" << human_bytes(double(bytes_seen)) << " seen, "
              << human_duration(elapsed_before) << " trained)\n";
    ckpt.reset();  // free the copy of the weights
  } else if (start_model) {
    m.set_params(start_model->params);
    if (leader) std::cerr << "  starting from the weights of " << o.resume << " with a fresh optimiser\n";
  } else {
    m.init_random(cfg.seed);
  }

  std::unique_ptr<process_group> group;
  if (world.distributed()) {
    group = process_group::connect(world, o.dist_timeout);
    // The same start everywhere, whatever each rank read or drew.
    m.broadcast_state(*group, 0);
    if (leader) log << "  " << world.size << " processes joined at " << world.master_addr << ":" << world.master_port << "\n";
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> loss_log(nullptr, std::fclose);
  if (leader && !o.loss_log.empty()) {
    loss_log.reset(std::fopen(o.loss_log.c_str(), "a"));
    if (!loss_log) throw usage_error("--loss-log: cannot open '" + o.loss_log + "'");
  }

  const uint32_t ctx = hp.context_length;
  const sampler pick(data.train, ctx, cfg.seed);  // the whole step's windows, on every rank
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
    if (!leader) return;
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
    last_eval = evaluate_all(m, data.eval, o.eval_bytes, std::max<uint32_t>(1, local_batch), group.get());
    last_eval_step = step;
    if (leader) std::cerr << "eval step " << step << ":" << eval_line(last_eval) << " (" << format_double(now_seconds() - t0, 1)
              << " s)\n";
  };

  install_signal_handlers();
  // The ranks must agree on when to stop and on the learning rate, which
  // depends on the elapsed time: before the first step and after each one
  // they sum (signals seen, elapsed time, CPU time) over the group and all
  // use the mean elapsed time. The CPU time of all ranks makes the
  // per-CPU-second rates true for the whole run.
  double agreed_elapsed = elapsed(), agreed_cpu_seconds = 0;
  auto agree = [&] {
    const int own = stop_requested();
    double control[4] = {own == SIGINT ? 1.0 : 0.0, own != 0 && own != SIGINT ? 1.0 : 0.0, elapsed(),
                         train_cpu_seconds};
    if (group) group->allreduce_sum(control, 4);
    agreed_elapsed = control[2] / double(world.size);
    agreed_cpu_seconds = control[3];
    return control[0] > 0 ? SIGINT : control[1] > 0 ? SIGTERM : 0;
  };
  int sig = agree();
  for (;;) {
    if (cfg.steps && step >= cfg.steps) break;
    if (cfg.time_limit > 0 && agreed_elapsed >= cfg.time_limit) break;
    if (o.stop_at_step && step >= o.stop_at_step) {
      save();
      if (leader) std::cerr << "nntar-train: stopped at step " << step << " (--stop-at-step); checkpoint " << o.checkpoint
                << "; continue with --resume " << o.checkpoint << "\n";
      return 0;
    }
    if (sig) {
      save();
      if (leader) std::cerr << "\nnntar-train: " << (sig == SIGINT ? "interrupted" : "terminated") << " at step " << step
                << "; checkpoint saved to " << o.checkpoint << "; continue with --resume " << o.checkpoint << "\n";
      return 128 + sig;
    }

    opt.lr = learning_rate(cfg, step, agreed_elapsed);
    // The step's windows are the same whatever the number of processes;
    // rank r trains on its slice of them.
    pick.fill(step, cfg.batch, batch.data());
    const double t0 = now_seconds(), c0 = process_cpu_seconds();
    const step_result r =
        m.train_step(batch.data() + size_t(world.rank) * local_batch * ctx, local_batch, opt, group.get());
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
    sig = agree();
    if (loss_log)
      std::fprintf(loss_log.get(), "%llu %.6f %.6f %.6g\n", static_cast<unsigned long long>(step), r.loss_bits_per_byte,
                   r.grad_norm, opt.lr);

    if (leader && (t1 - last_log >= o.log_every || (cfg.steps && step == cfg.steps))) {
      // The recent rate: the first steps are slow while the heap grows.
      const double recent_bytes = double(step - log_step) * cfg.batch * ctx;
      const double rate = train_seconds > log_train_seconds ? recent_bytes / (train_seconds - log_train_seconds) : 0.0;
      const double cpu_rate =
          agreed_cpu_seconds > log_cpu_seconds ? recent_bytes / (agreed_cpu_seconds - log_cpu_seconds) : 0.0;
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
      log_cpu_seconds = agreed_cpu_seconds;
    }
    if (o.eval_every && step % o.eval_every == 0) run_eval_now();
    if (now_seconds() - last_ckpt >= o.checkpoint_every) save();
  }

  if (last_eval_step != step) run_eval_now();
  save();
  if (!leader) return 0;
  loss_log.reset();
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
              format_double(agreed_cpu_seconds > 0 ? session_bytes / agreed_cpu_seconds : 0.0, 0).c_str());
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
    c.device = device + (mixed ? " (bf16 autocast)" : "");
    c.processes = uint32_t(world.size);
    write_card(c);
    std::printf("model card: %s\n", o.card.c_str());
  }
  std::fflush(stdout);
  warn_about_result(cfg, step, data.eval, last_eval, o.eval_bytes);
  return 0;
}

}  // namespace nntar_train
