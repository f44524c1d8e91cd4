// ann_bench_engine: speed of the nn codec. Compresses and decompresses a file
// chunk by chunk (chunks in parallel) at 1, 2, 4... threads, and reports
// KB/s, achieved GFLOP/s and the machine's FMA peak measured in the same run.
//
//   ann_bench_engine [--model M.nnm | --d-model 128 --layers 4 --d-ff 512 --context 1024]
//                    [--input FILE] [--bytes N] [--threads-max T]
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <thread>

#include "archive_nn/archive_nn.hpp"
#include "bench_peak.hpp"
#include "methods/method.hpp"
#include "model/kernels.hpp"
#include "model/model.hpp"
#include "model/random_model.hpp"

using namespace archive_nn;
using clock_type = std::chrono::steady_clock;

namespace {

model_handle random_model(const model::hparams& hp) {
  const auto bytes = model::serialize(model::random_model_file(hp, 1));
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

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

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
  std::printf("input: %zu bytes; AVX2 FMA peak measured now: %.1f GFLOP per CPU-second (%u cores)\n\n", data.size(), peak1,
              std::thread::hardware_concurrency());
  std::printf("| threads | compress KB/s | decompress KB/s | dec/comp | compress KB/CPU-s | decompress KB/CPU-s | dec/comp (CPU) | GFLOP per CPU-s (compress) | of one core's FMA peak |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  const double fpb = flops_per_byte(hp);
  // The codec itself, chunk by chunk as the archiver cuts them (16 windows),
  // chunks spread over the threads: random weights would make the archiver
  // store the chunks instead, so the nn method is called directly.
  const size_t chunk = size_t(hp.context_length) * 16;
  std::vector<std::pair<size_t, size_t>> chunks;
  for (size_t at = 0; at < data.size(); at += chunk) chunks.emplace_back(at, std::min(chunk, data.size() - at));
  const methods::method* nn = methods::find_method("nn");
  methods::codec_params p;
  p.model = m.get();
  p.codec_param = hp.context_length;
  for (unsigned t = 1; t <= threads_max; t *= 2) {
    std::vector<std::vector<uint8_t>> coded(chunks.size());
    std::vector<uint8_t> back(data.size());
    auto run = [&](auto&& job) {
      std::atomic<size_t> next{0};
      std::vector<std::thread> pool;
      for (unsigned k = 0; k < t; ++k)
        pool.emplace_back([&] {
          for (size_t i; (i = next++) < chunks.size();) job(i);
        });
      for (auto& th : pool) th.join();
    };
    auto t0 = clock_type::now();
    double c0 = cpu_seconds();
    run([&](size_t i) { coded[i] = nn->encode(data.data() + chunks[i].first, chunks[i].second, p).value(); });
    const double enc = std::chrono::duration<double>(clock_type::now() - t0).count();
    const double enc_cpu = cpu_seconds() - c0;
    c0 = cpu_seconds();
    t0 = clock_type::now();
    std::atomic<bool> ok{true};
    run([&](size_t i) {
      ok = ok && nn->decode(coded[i].data(), coded[i].size(), back.data() + chunks[i].first, chunks[i].second, p).ok();
    });
    const double dec = std::chrono::duration<double>(clock_type::now() - t0).count();
    const double dec_cpu = cpu_seconds() - c0;
    if (!ok || back != data) {
      std::fprintf(stderr, "round trip failed\n");
      return 1;
    }
    const double gflops = fpb * data.size() / enc_cpu / 1e9;  // per CPU-second of all threads
    std::printf("| %u | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.1f | %.0f%% |\n", t, data.size() / enc / 1000,
                data.size() / dec / 1000, enc / dec, data.size() / enc_cpu / 1000, data.size() / dec_cpu / 1000,
                enc_cpu / dec_cpu, gflops, 100 * gflops / peak1);
  }
  return 0;
}
