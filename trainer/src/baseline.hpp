// Classical yardsticks for the held-out data, so the trainer can say when a
// model does not yet beat what nntar's other codecs already reach: xz (when
// built with liblzma) and an adaptive order-2 context model (always).
#pragma once

#include <cstdint>
#include <vector>

namespace nntar_train {

struct baseline_result {
  double order2_bits_per_byte = 0;  // adaptive binary order-2 model
  double xz_bits_per_byte = -1;     // xz -6; -1 without liblzma
  double best() const { return xz_bits_per_byte >= 0 && xz_bits_per_byte < order2_bits_per_byte ? xz_bits_per_byte : order2_bits_per_byte; }
};

baseline_result measure_baselines(const uint8_t* data, uint64_t size);

}  // namespace nntar_train
