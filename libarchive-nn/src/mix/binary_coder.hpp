// The binary arithmetic coder of the mixing codec (spec/mix_codec.md §3):
// 32-bit range [x1, x2], 12-bit probabilities of a 1, bytes out when the top
// bytes agree; carry-less, as in lpaq1. The decoder reads zeros past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace archive_nn {
inline namespace v1 {
namespace mix {

class binary_encoder {
 public:
  explicit binary_encoder(std::vector<uint8_t>& out) : out_(out) {}
  // p1: probability that bit is 1, in [1, 4095] (of 4096).
  void encode(int bit, uint32_t p1) {
    const uint32_t xmid = x1_ + ((x2_ - x1_) >> 12) * p1 + ((((x2_ - x1_) & 0xFFF) * p1) >> 12);
    if (bit) x2_ = xmid;
    else x1_ = xmid + 1;
    while (((x1_ ^ x2_) & 0xFF000000u) == 0) {
      out_.push_back(static_cast<uint8_t>(x2_ >> 24));
      x1_ <<= 8;
      x2_ = (x2_ << 8) | 255;
    }
  }
  // Four bytes of x1: any value in [x1, x2] decodes the same bits.
  void finish() {
    for (int i = 0; i < 4; ++i) {
      out_.push_back(static_cast<uint8_t>(x1_ >> 24));
      x1_ <<= 8;
    }
  }

 private:
  std::vector<uint8_t>& out_;
  uint32_t x1_ = 0, x2_ = 0xFFFFFFFFu;
};

class binary_decoder {
 public:
  binary_decoder(const uint8_t* in, size_t size) : in_(in), end_(in + size) {
    for (int i = 0; i < 4; ++i) x_ = (x_ << 8) | next();
  }
  int decode(uint32_t p1) {
    const uint32_t xmid = x1_ + ((x2_ - x1_) >> 12) * p1 + ((((x2_ - x1_) & 0xFFF) * p1) >> 12);
    const int bit = x_ <= xmid;
    if (bit) x2_ = xmid;
    else x1_ = xmid + 1;
    while (((x1_ ^ x2_) & 0xFF000000u) == 0) {
      x1_ <<= 8;
      x2_ = (x2_ << 8) | 255;
      x_ = (x_ << 8) | next();
    }
    return bit;
  }

 private:
  uint32_t next() { return in_ < end_ ? *in_++ : 0; }
  const uint8_t* in_;
  const uint8_t* end_;
  uint32_t x1_ = 0, x2_ = 0xFFFFFFFFu, x_ = 0;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
