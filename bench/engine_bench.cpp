// ann_bench_engine: speed of the nn codec. Compresses and decompresses a file
// through the archive API (chunks in parallel) at 1 and 2 threads, and reports
// KB/s, achieved GFLOP/s and the machine's FMA peak measured in the same run.
//
//   ann_bench_engine [--model M.nnm | --d-model 128 --layers 4 --d-ff 512 --context 1024]
//                    [--input FILE] [--bytes N] [--threads-max T]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>

#include "archive_nn/archive_nn.hpp"
#include "bench_peak.hpp"
#include "model/kernels.hpp"
#include "model/model.hpp"
#include "model/model_file.hpp"

using namespace archive_nn;
using clock_type = std::chrono::steady_clock;

namespace {

model_handle random_model(const model::hparams& hp) {
  model::model_file f;
  f.hp = hp;
  std::mt19937 rng(1);
  for (const auto& t : model::tensor_layout(hp)) {
    std::normal_distribution<float> d(0.0f, t.shape.size() == 1 ? 0.1f : 1.0f / std::sqrt(float(t.shape.back())));
    std::vector<uint16_t> v(t.elements());
    for (auto& h : v) h = model::f32_to_f16(t.shape.size() == 1 ? 1.0f + d(rng) : d(rng));
    f.tensors.push_back(std::move(v));
  }
  const auto bytes = model::serialize(f);
  return load_model_bytes(bytes.data(), bytes.size()).value();
}

// FLOPs per coded byte at window position i (spec/nn_forward.md): the
// linear layers plus attention over i+1 keys; averaged over a full window.
double flops_per_byte(const model::hparams& hp) {
  const double d = hp.d_model, ff = hp.d_ff, L = hp.n_layer, n = hp.context_length;
  const double linear = 2.0 * (L * (4 * d * d + 3 * d * ff) + d * 256);
  const double attention = L * 4.0 * d * (n + 1) / 2;
  return linear + attention;
}

class sink_visitor : public entry_visitor {
 public:
  bool begin_entry(const entry_header&) override { return true; }
  status write(const uint8_t*, size_t) override { return ok_status(); }
  void end_entry(const entry_header&, const status& st) override { ok = ok && st.ok(); }
  bool ok = true;
};

}  // namespace

int main(int argc, char** argv) {
  model::hparams hp;
  std::string model_path, input;
  size_t bytes = 256 * 1024;
  unsigned threads_max = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--model") model_path = v;
    else if (k == "--input") input = v;
    else if (k == "--bytes") bytes = std::strtoull(v, nullptr, 10);
    else if (k == "--threads-max") threads_max = std::atoi(v);
    else if (k == "--d-model") hp.d_model = std::atoi(v);
    else if (k == "--layers") hp.n_layer = std::atoi(v);
    else if (k == "--d-ff") hp.d_ff = std::atoi(v);
    else if (k == "--heads") hp.n_head = std::atoi(v);
    else if (k == "--context") hp.context_length = std::atoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  model_handle m = model_path.empty() ? random_model(hp) : load_model_file(model_path).value();
  hp = m->hp();
  std::vector<uint8_t> data;
  if (!input.empty()) {
    std::FILE* f = std::fopen(input.c_str(), "rb");
    if (!f) return 2;
    data.resize(bytes);
    data.resize(std::fread(data.data(), 1, bytes, f));
    std::fclose(f);
  } else {
    std::mt19937 rng(2);
    data.resize(bytes);
    for (auto& b : data) b = static_cast<uint8_t>('a' + rng() % 26);
  }
  const double peak1 = bench::fma_peak_gflops(1);
  std::printf("model: d_model %u, layers %u, heads %u, d_ff %u, context %u (%s kernels)\n", hp.d_model, hp.n_layer,
              hp.n_head, hp.d_ff, hp.context_length, nn::kernels_best().name);
  std::printf("input: %zu bytes; FMA peak measured now: %.1f GFLOP/s per core (%u cores)\n\n", data.size(), peak1,
              std::thread::hardware_concurrency());
  std::printf("| threads | compress KB/s | decompress KB/s | decompress/compress | GFLOP/s (compress) | of FMA peak |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  const double fpb = flops_per_byte(hp);
  for (unsigned t = 1; t <= threads_max; t *= 2) {
    create_options o;
    o.model = m;
    o.codec = codec_choice::nn;
    o.threads = t;
    memory_sink sink;
    auto t0 = clock_type::now();
    {
      archive_creator c(sink, o);
      c.begin();
      entry_header h;
      h.path = "bench.bin";
      h.size = data.size();
      auto src = make_memory_source(data.data(), data.size());
      if (!c.add_file(h, *src).ok() || !c.finish().ok()) return 1;
    }
    const double enc = std::chrono::duration<double>(clock_type::now() - t0).count();
    read_options ro;
    ro.threads = t;
    ro.resolve = [m](const model_hash& hh) { return hash_of(m) == hh ? m : nullptr; };
    sink_visitor v;
    auto src = make_memory_source(sink.bytes.data(), sink.bytes.size());
    t0 = clock_type::now();
    const status st = read_archive(*src, v, ro);
    const double dec = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (!st.ok() || !v.ok) return 1;
    const double gflops = fpb * data.size() / enc / 1e9;
    std::printf("| %u | %.1f | %.1f | %.2f | %.1f | %.0f%% |\n", t, data.size() / enc / 1000, data.size() / dec / 1000,
                enc / dec, gflops, 100 * gflops / (peak1 * t));
  }
  return 0;
}
