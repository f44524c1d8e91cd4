#include "bench_peak.hpp"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

namespace bench {
namespace {

float spin(long iters) {
  __m256 a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm256_set1_ps(0.001f * i);
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (long k = 0; k < iters; ++k)
    for (int i = 0; i < 12; ++i) a[i] = _mm256_fmadd_ps(a[i], x, y);
  __m256 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, a[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

}  // namespace

// Per CPU-second of one thread, so that other load on the machine (which
// takes wall time, not CPU time) does not lower the measured peak.
double fma_peak_gflops(unsigned threads) {
  const long iters = 20000000;
  std::vector<double> cpu(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      timespec a, b;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
      volatile float sink = spin(iters);
      (void)sink;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
      cpu[t] = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    });
  for (auto& t : pool) t.join();
  double best = 0;
  for (double c : cpu) best = std::max(best, 12.0 * 8 * 2 * iters / c / 1e9);
  return best;
}

}  // namespace bench
