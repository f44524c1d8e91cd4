// Bounded little-endian byte cursor and appender: the only raw-byte code.
// Every read is checked against the end of the buffer; a failed read sets a
// sticky flag so parsers can read a whole structure and test once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace archive_nn {
inline namespace v1 {

class byte_reader {
 public:
  byte_reader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}
  explicit byte_reader(const std::vector<uint8_t>& v) : byte_reader(v.data(), v.size()) {}

  bool failed() const { return failed_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  const uint8_t* current() const { return p_; }

  uint8_t u8() { return static_cast<uint8_t>(uint_le(1)); }
  uint16_t u16() { return static_cast<uint16_t>(uint_le(2)); }
  uint32_t u32() { return static_cast<uint32_t>(uint_le(4)); }
  uint64_t u64() { return uint_le(8); }
  float f32() {
    uint32_t bits = u32();
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  // LEB128, at most 10 bytes, value must fit 64 bits, no redundant zero bytes.
  uint64_t varint() {
    uint64_t value = 0;
    for (int i = 0; i < 10; ++i) {
      if (p_ >= end_) return fail();
      uint8_t b = *p_++;
      if (i == 9 && b > 1) return fail();
      value |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if (!(b & 0x80)) {
        if (i > 0 && b == 0) return fail();  // non-canonical
        return value;
      }
    }
    return fail();
  }
  // Returns a view of the next n bytes, or an empty view on failure.
  const uint8_t* bytes(size_t n) {
    if (failed_ || n > remaining()) {
      failed_ = true;
      p_ = end_;
      return nullptr;
    }
    const uint8_t* at = p_;
    p_ += n;
    return at;
  }
  std::string string(size_t n) {
    const uint8_t* at = bytes(n);
    return at ? std::string(reinterpret_cast<const char*>(at), n) : std::string();
  }
  void skip(size_t n) { bytes(n); }

 private:
  uint64_t fail() {
    failed_ = true;
    p_ = end_;
    return 0;
  }
  uint64_t uint_le(int n) {
    if (failed_ || remaining() < static_cast<size_t>(n)) return fail();
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += n;
    return v;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  bool failed_ = false;
};

class byte_writer {
 public:
  std::vector<uint8_t>& buffer() { return buf_; }
  const std::vector<uint8_t>& buffer() const { return buf_; }
  size_t size() const { return buf_.size(); }

  void u8(uint8_t v) { buf_.push_back(v); }
  void u16(uint16_t v) { uint_le(v, 2); }
  void u32(uint32_t v) { uint_le(v, 4); }
  void u64(uint64_t v) { uint_le(v, 8); }
  void f32(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    u32(bits);
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
  }
  void bytes(const void* data, size_t n) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    buf_.insert(buf_.end(), p, p + n);
  }
  void bytes(std::string_view s) { bytes(s.data(), s.size()); }
  void zeros(size_t n) { buf_.insert(buf_.end(), n, 0); }

 private:
  void uint_le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> buf_;
};

inline size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace v1
}  // namespace archive_nn
