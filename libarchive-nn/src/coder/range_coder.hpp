// Integer range coder of the nn codec (spec/nn_codec.md §3): a 48-bit coding
// window kept between 2^40 and 2^48, frequencies totalling 2^20, carries
// propagated into bytes already written, minimal termination. Header-only:
// it sits in the per-byte loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace archive_nn {
inline namespace v1 {
namespace coder {

constexpr uint32_t total_bits = 20;
constexpr uint32_t total = uint32_t(1) << total_bits;
constexpr uint64_t window_bits = 48;
constexpr uint64_t window_mask = (uint64_t(1) << window_bits) - 1;
constexpr uint64_t range_min = uint64_t(1) << 40;

class range_encoder {
 public:
  explicit range_encoder(std::vector<uint8_t>& out) : out_(out) {}

  // Codes the symbol occupying [cum, cum + freq) of `total`.
  void encode(uint32_t cum, uint32_t freq) {
    const uint64_t r = range_ >> total_bits;
    low_ += r * cum;
    range_ = r * freq;
    if (low_ > window_mask) carry();
    while (range_ < range_min) {
      out_.push_back(static_cast<uint8_t>(low_ >> 40));
      low_ = (low_ << 8) & window_mask;
      range_ <<= 8;
    }
  }

  // Emits the shortest byte string that selects a value in [low, low+range)
  // when the decoder reads zeros past the end, then drops trailing zeros.
  void finish() {
    for (int k = 0; k <= 6; ++k) {
      const unsigned shift = static_cast<unsigned>(48 - 8 * k);
      const uint64_t granule = uint64_t(1) << shift;
      const uint64_t value = (low_ + granule - 1) >> shift << shift;  // ceil to the granule
      if (value - low_ < range_) {
        if (value > window_mask) carry();
        for (int i = 0; i < k; ++i) out_.push_back(static_cast<uint8_t>((value & window_mask) >> (40 - 8 * i)));
        break;
      }
    }
    while (!out_.empty() && out_.back() == 0) out_.pop_back();
  }

 private:
  void carry() {
    low_ &= window_mask;
    for (size_t i = out_.size(); i-- > 0;) {
      if (++out_[i] != 0) return;
    }
  }
  std::vector<uint8_t>& out_;
  uint64_t low_ = 0;
  uint64_t range_ = uint64_t(1) << window_bits;
};

class range_decoder {
 public:
  range_decoder(const uint8_t* data, size_t size) : p_(data), end_(data + size) {
    for (int i = 0; i < 6; ++i) code_ = (code_ << 8) | next();
  }

  // The value in [0, total) that selects the next symbol.
  uint32_t target() {
    r_ = range_ >> total_bits;
    const uint64_t v = code_ / r_;
    return v < total ? static_cast<uint32_t>(v) : total - 1;  // only on corrupt input
  }

  // Consumes the symbol [cum, cum + freq) chosen from target().
  void consume(uint32_t cum, uint32_t freq) {
    code_ -= r_ * cum;
    range_ = r_ * freq;
    while (range_ < range_min) {
      code_ = ((code_ << 8) | next()) & window_mask;
      range_ <<= 8;
    }
  }

  // Bytes of input not yet read (a valid stream never reads past its end
  // except for implicit zeros).
  size_t overrun() const { return overrun_; }

 private:
  uint8_t next() {
    if (p_ < end_) return *p_++;
    ++overrun_;
    return 0;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t code_ = 0;
  uint64_t range_ = uint64_t(1) << window_bits;
  uint64_t r_ = 0;
  size_t overrun_ = 0;
};

}  // namespace coder
}  // namespace v1
}  // namespace archive_nn
