// The machine's fused-multiply-add peak, measured (not assumed): a loop of
// independent AVX2 FMA chains on `threads` threads.
#pragma once

namespace bench {
double fma_peak_gflops(unsigned threads);
}
