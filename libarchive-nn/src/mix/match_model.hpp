// The match model (spec/mix_codec.md §6): the longest recent repeat of the
// last bytes, found through a hash of the last bytes, predicts the next byte;
// its expected bit goes to the mixer through a counter selected by the match
// length, so a solid block pays for a repeated file only once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mix/counter.hpp"
#include "mix/squash.hpp"

namespace archive_nn {
inline namespace v1 {
namespace mix {

class match_model {
 public:
  static constexpr uint32_t max_len = 65535;
  static constexpr uint32_t verify_max = 32;  // bytes compared backwards to confirm a candidate

  // bits: log2 of the table's positions; hash_factor: the factor of the
  // rolling hash of the last bytes (24: about the last bits / 4.6 bytes
  // reach the table index, a smaller factor hashes more bytes).
  explicit match_model(int bits, uint32_t hash_factor = 24)
      : table_(size_t(1) << bits, 0), mask_((uint32_t(1) << bits) - 1), hash_factor_(hash_factor) {
    std::fill(std::begin(counters_), std::end(counters_), counter_init);
  }

  // After byte buf[pos - 1] (pos >= 1): extend or look up the match.
  void byte_done(const uint8_t* buf, uint32_t pos) {
    const uint8_t c = buf[pos - 1];
    hash_ = (hash_ * hash_factor_ + c + 1) & mask_;
    if (len_ > 0 && buf[ptr_] == c) {
      len_ = std::min(len_ + 1, max_len);
      ++ptr_;
    } else {
      len_ = 0;
    }
    if (len_ == 0) {
      const uint32_t cand = table_[hash_];
      if (cand > 0) {
        uint32_t n = 0;
        while (n < verify_max && n < cand && buf[cand - 1 - n] == buf[pos - 1 - n]) ++n;
        if (n > 0) {
          len_ = n;
          ptr_ = cand;
        }
      }
    }
    table_[hash_] = pos;
    miss_ = false;
  }

  // Expected bit at bit position b (0 = most significant) given c0, or -1.
  int expected(const uint8_t* buf, int b, uint32_t c0) {
    if (len_ == 0 || miss_) return -1;
    const uint32_t predicted = buf[ptr_] | 256u;
    if ((predicted >> (8 - b)) != c0) {
      miss_ = true;
      return -1;
    }
    return static_cast<int>((predicted >> (7 - b)) & 1);
  }

  // Mixer input: stretch of the counter for (length bucket, expected bit); 0 without a match.
  int input(int expected_bit) {
    if (expected_bit < 0) {
      slot_ = nullptr;
      return 0;
    }
    slot_ = &counters_[length_bucket() * 2 + static_cast<uint32_t>(expected_bit)];
    return stretch(counter_p(*slot_));
  }
  void update(int bit) {
    if (slot_) counter_update(*slot_, bit, 1023);
  }
  // 0: no match, 1: short, 2: long (a mixer selector).
  int state() const { return len_ == 0 || miss_ ? 0 : len_ < 16 ? 1 : 2; }
  // 0..15: the length; 16..31: 15 + length / 16, at most 31.
  uint32_t length_bucket() const { return len_ < 16 ? len_ : std::min<uint32_t>(31, 15 + len_ / 16); }

 private:
  std::vector<uint32_t> table_;
  uint32_t mask_;
  uint32_t hash_factor_;
  uint32_t hash_ = 0, len_ = 0, ptr_ = 0;
  bool miss_ = false;
  uint32_t counters_[64];
  uint32_t* slot_ = nullptr;
};

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
