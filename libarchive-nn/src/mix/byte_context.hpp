// What every model of the mixing codec derives from the partial byte
// (spec/mix_codec.md §5, §9): the counter slot within a nibble bucket, the
// transformer's probability for the next bit, and the word bytes of the text
// contexts. Shared by both revisions and all profiles, so they cannot drift.
#pragma once

#include <algorithm>
#include <cstdint>

namespace archive_nn {
inline namespace v1 {
namespace mix {

// The slot of a nibble bucket at bit `bit` (0..7) of a byte whose bits so far
// are c0 (after a leading 1): 1, then 2..3, 4..7, 8..15 within each half byte.
inline uint32_t nibble_slot(int bit, uint32_t c0) {
  return (1u << (bit & 3)) | (c0 & ((1u << (bit & 3)) - 1));
}

// P(next bit = 1) of 4096 from a cumulative frequency table cum[0..256]: of
// the bytes still possible, [lo, hi), the share of those whose next bit is 1,
// [mid, hi); clamped to [1, 4095].
inline int transformer_bit_p(const uint32_t* cum, int bit, uint32_t c0) {
  const uint32_t v = c0 - (1u << bit);  // the bits seen so far
  const uint32_t lo = v << (8 - bit), hi = (v + 1) << (8 - bit), mid = lo + (1u << (7 - bit));
  const uint64_t all = cum[hi] - cum[lo], ones = cum[hi] - cum[mid];
  const int p = static_cast<int>((ones << 12) / all);
  return std::min(4095, std::max(1, p));
}

// a-z, A-Z, 0-9, _ and any byte >= 128 (UTF-8 letters).
inline bool is_word_byte(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 128;
}

// Residual symbols of the image and audio models: 0, -1, 1, -2, 2, ... -> 0, 1, 2, 3, 4, ...
inline uint32_t zigzag(int e) { return e >= 0 ? 2u * static_cast<uint32_t>(e) : 2u * static_cast<uint32_t>(-e) - 1u; }
inline int unzigzag(uint32_t z) { return (z & 1) ? -static_cast<int>((z + 1) / 2) : static_cast<int>(z / 2); }

// An adaptive filter's weight plus a step, saturated to 32 bits: the sum is
// well defined whatever the input (signed overflow is not), and identical to
// plain addition whenever that does not overflow.
inline int32_t weight_add(int32_t weight, int64_t step) {
  const int64_t w = int64_t(weight) + step;
  return static_cast<int32_t>(w > INT32_MAX ? INT32_MAX : w < INT32_MIN ? INT32_MIN : w);
}

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
