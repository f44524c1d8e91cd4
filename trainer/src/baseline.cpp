#include "baseline.hpp"

#include <cmath>

#include "data_pack.hpp"

namespace nntar_train {
namespace {

// Cost in bits of coding data with an adaptive binary model whose context
// is the previous two bytes and the bits of the current byte so far (a
// direct table, 2^24 12-bit probabilities, shift-4 updates): roughly what a
// simple order-2 context-mixing stage reaches.
double order2_bits(const uint8_t* data, uint64_t size) {
  std::vector<uint16_t> p(size_t(1) << 24, 2048);
  double bits = 0;
  uint32_t c2 = 0;
  for (uint64_t i = 0; i < size; ++i) {
    uint32_t node = 1;
    for (int k = 7; k >= 0; --k) {
      const int bit = (data[i] >> k) & 1;
      uint16_t& q = p[(size_t(c2 & 0xffff) << 8) | node];
      const double p1 = double(q) / 4096.0;
      bits -= std::log2(bit ? p1 : 1.0 - p1);
      if (bit) q = uint16_t(q + ((4096 - q) >> 4));
      else q = uint16_t(q - (q >> 4));
      if (q < 1) q = 1;
      if (q > 4095) q = 4095;
      node = (node << 1) | uint32_t(bit);
    }
    c2 = (c2 << 8) | data[i];
  }
  return bits;
}

}  // namespace

baseline_result measure_baselines(const uint8_t* data, uint64_t size) {
  baseline_result r;
  if (size == 0) return r;
  r.order2_bits_per_byte = order2_bits(data, size) / double(size);
  if (lzma_available()) {
    const std::vector<uint8_t> xz = xz_compress(std::vector<uint8_t>(data, data + size), 6);
    r.xz_bits_per_byte = 8.0 * double(xz.size()) / double(size);
  }
  return r;
}

}  // namespace nntar_train
