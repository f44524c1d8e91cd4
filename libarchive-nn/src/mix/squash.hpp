// The logistic functions of the mixing codec (spec/mix_codec.md §2), integer
// only: squash(d) = 4096 / (1 + e^(-d/256)) by interpolation in a 33-entry
// table, stretch(p) its inverse by a 4096-entry table built from squash.
// After lpaq1 (Matt Mahoney, 2007).
#pragma once

#include <cstdint>

namespace archive_nn {
inline namespace v1 {
namespace mix {

// d in the stretch domain (any int; clamped to [-2047, 2047]) -> p in [0, 4095].
inline int squash(int d) {
  static const int t[33] = {1,    2,    3,    6,    10,   16,   27,   45,   73,   120,  194,
                            310,  488,  747,  1101, 1546, 2047, 2549, 2994, 3348, 3607, 3785,
                            3901, 3975, 4022, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094};
  if (d > 2047) return 4095;
  if (d < -2047) return 0;
  const int w = d & 127;
  const int i = (d >> 7) + 16;  // floor(d / 128) + 16
  return (t[i] * (128 - w) + t[i + 1] * w + 64) >> 7;
}

// p in [0, 4095] -> d in [-2047, 2047].
int stretch(int p);

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
