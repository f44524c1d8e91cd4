// A hashed context model (spec/mix_codec.md §5): 2^bits counters in buckets
// of 16, one bucket per (context, nibble). At a byte's bits 0 and 4 the
// bucket is found from the context hash and the bits seen; within the nibble
// the counter is the bucket's slot j = 1, 2..3, 4..7, 8..15 (the nibble's
// bits so far after a leading 1), so a byte costs two cache lines per model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/counter.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

constexpr uint64_t hash_mul_1 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t hash_mul_2 = 0xD6E8FEB86659FD93ull;

class context_map {
 public:
  context_map(int bits, uint32_t limit) : t_(size_t(1) << bits, counter_init), bits_(bits), limit_(limit) {}

  // At bit 0 (c0 = 1) and bit 4 (c0 = 16..31): the bucket for context hash h.
  void select(uint64_t h, uint32_t c0) {
    const uint64_t x = (h + c0 * hash_mul_1) * hash_mul_2;
    base_ = static_cast<size_t>(x >> (64 - bits_)) & ~size_t(15);
  }
  // j: the current nibble's bits so far after a leading 1 (1..15).
  int p(uint32_t j) {
    slot_ = &t_[base_ + j];
    return counter_p(*slot_);
  }
  void update(int bit) { counter_update(*slot_, bit, limit_); }

 private:
  std::vector<uint32_t> t_;
  int bits_;
  uint32_t limit_;
  size_t base_ = 0;
  uint32_t* slot_ = nullptr;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
