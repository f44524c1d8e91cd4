// A hashed context model with checked buckets (spec/mix_codec.md §11.2):
// 2^bits 16-bit slots in buckets of 16, one bucket per (context, nibble).
// Slot 0 holds a 16-bit check of the context hash; slots 1..15 are counters
// (a probability in the high bits, a count in the low count_bits: 13 + 3 by
// default, 12 + 4 for revision 2's general profile, whose slow maps count to
// 14) for the nibble's bits so far. A context
// finds its bucket among two neighbours (one cache line); when neither carries
// its check, the less used one is reset for it. Checks keep unrelated contexts
// from sharing counters: at the memory of revision 1's maps they cost 1.0%
// less on C++ headers, and twice the slots give the rest (as lpaq1's hash
// table, Matt Mahoney 2007).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/counter.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

class checked_map {
 public:
  static constexpr uint16_t fresh = 1 << 15;  // p = 1/2, n = 0 (in either layout)

  // limit: the count at which the counter's rate stops falling (at most
  // 2^count_bits - 1); count_bits: 3 or 4.
  checked_map(int bits, uint32_t limit, int count_bits = 3)
      : t_(size_t(1) << bits, 0), bits_(bits), limit_(limit), count_bits_(count_bits), count_mask_((1u << count_bits) - 1) {}

  // At bit 0 (c0 = 1) and bit 4 (c0 = 16..31): the bucket for context hash h.
  void select(uint64_t h, uint32_t c0) {
    const uint64_t x = (h + c0 * 0x9E3779B97F4A7C15ull) * 0xD6E8FEB86659FD93ull;
    const size_t first = static_cast<size_t>(x >> (64 - bits_)) & ~size_t(15);
    const uint16_t check = static_cast<uint16_t>(((x >> 8) & 0xFFFF) | ((x >> 8) & 0xFFFF ? 0 : 1));
    const size_t second = first ^ 16;
    if (t_[first] == check) {
      base_ = first;
    } else if (t_[second] == check) {
      base_ = second;
    } else {
      // Replace the bucket whose first counter saw fewer bits (an empty one first).
      const int use_first = t_[first] ? static_cast<int>(t_[first + 1] & count_mask_) : -1;
      const int use_second = t_[second] ? static_cast<int>(t_[second + 1] & count_mask_) : -1;
      base_ = use_second < use_first ? second : first;
      t_[base_] = check;
      for (size_t j = 1; j < 16; ++j) t_[base_ + j] = fresh;
    }
  }
  // j: the current nibble's bits so far after a leading 1 (1..15); P(1) of 4096.
  int p(uint32_t j) {
    slot_ = &t_[base_ + j];
    return *slot_ >> 4;
  }
  // The current counter's count n (0..limit): the bits it has seen, capped.
  uint32_t count() const { return *slot_ & count_mask_; }
  void update(int bit) {
    const uint32_t n = *slot_ & count_mask_;
    const int32_t p = *slot_ >> count_bits_, target = bit ? (1 << (16 - count_bits_)) - 1 : 0;
    const int32_t moved = p + (((target - p) * counter_rates()[n]) >> 16);
    *slot_ = static_cast<uint16_t>((static_cast<uint32_t>(moved) << count_bits_) | (n < limit_ ? n + 1 : limit_));
  }

 private:
  std::vector<uint16_t> t_;
  int bits_;
  uint32_t limit_;
  int count_bits_;
  uint32_t count_mask_;
  size_t base_ = 0;
  uint16_t* slot_ = nullptr;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
