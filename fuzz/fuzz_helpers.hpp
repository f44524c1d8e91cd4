// Support code shared by the fuzz targets (STYLE.md practice 12): FUZZ_ASSERT,
// a data producer that turns the fuzz input into integers and byte strings
// (zstd's fuzz_data_producer), and the small models and helpers several
// targets need. Header-only so every target stays one .cpp file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"
#include "model/model_file.hpp"
#include "model/random_model.hpp"

// A property the target checks failed: print where and abort, so libFuzzer
// (or the regression driver) reports the input as a crash.
#define FUZZ_ASSERT_MSG(cond, msg)                                                              \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed: %s\n", __FILE__, __LINE__, #cond,    \
                   std::string(msg).c_str());                                                   \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)
#define FUZZ_ASSERT(cond) FUZZ_ASSERT_MSG(cond, "")

namespace fuzz {

// Consumes integers from the end of the input and byte strings from the
// front, so a mutation of the data rarely changes the structure and the other
// way round. Past the end every read returns zeros / the low end of a range.
class data_producer {
 public:
  data_producer(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t remaining() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Uniform-ish in [lo, hi] (inclusive); consumes only the bytes the range needs.
  uint64_t u64_in(uint64_t lo, uint64_t hi) {
    if (hi <= lo) return lo;
    const uint64_t range = hi - lo;
    uint64_t v = 0;
    for (unsigned bits = 0; bits < 64 && (range >> bits) != 0 && size_ > 0; bits += 8)
      v = (v << 8) | data_[--size_];
    return range == UINT64_MAX ? v : lo + v % (range + 1);
  }
  uint32_t u32_in(uint32_t lo, uint32_t hi) { return static_cast<uint32_t>(u64_in(lo, hi)); }
  uint32_t u32() { return u32_in(0, UINT32_MAX); }
  uint64_t u64() { return u64_in(0, UINT64_MAX); }
  uint8_t u8() { return static_cast<uint8_t>(u64_in(0, 255)); }
  bool flag() { return u64_in(0, 1) != 0; }
  // Any bit pattern, NaN and Inf included.
  float f32_bits() {
    const uint32_t bits = u32();
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  // Up to n bytes from the front.
  std::vector<uint8_t> bytes(size_t n) {
    if (n > size_) n = size_;
    std::vector<uint8_t> v(data_, data_ + n);
    data_ += n;
    size_ -= n;
    return v;
  }
  std::vector<uint8_t> rest() { return bytes(size_); }
  std::string str(size_t n) {
    const std::vector<uint8_t> v = bytes(n);
    return std::string(v.begin(), v.end());
  }

 private:
  const uint8_t* data_;
  size_t size_;
};

// Writes x as n little-endian bytes at v[at].
inline void put_le(std::vector<uint8_t>& v, size_t at, uint64_t x, int n) {
  for (int i = 0; i < n; ++i) v[at + i] = static_cast<uint8_t>(x >> (8 * i));
}

// A 44-byte PCM 16-bit WAV header, 16 kHz, followed by room for `frames`
// frames of samples (zero); Data_Size says data_size bytes.
inline std::vector<uint8_t> wav_header(uint16_t channels, size_t frames, uint64_t data_size) {
  std::vector<uint8_t> v(44 + frames * 2 * channels);
  std::memcpy(v.data(), "RIFF", 4);
  put_le(v, 4, v.size() - 8, 4);
  std::memcpy(v.data() + 8, "WAVEfmt ", 8);
  put_le(v, 16, 16, 4);
  put_le(v, 20, 1, 2);
  put_le(v, 22, channels, 2);
  put_le(v, 24, 16000, 4);
  put_le(v, 28, 32000 * channels, 4);
  put_le(v, 32, 2 * channels, 2);
  put_le(v, 34, 16, 2);
  std::memcpy(v.data() + 36, "data", 4);
  put_le(v, 40, data_size, 4);
  return v;
}

// A random model built in memory (model/random_model.hpp, the generator the
// tests use): weights from a fixed seed, so every run of a target sees the
// same model.
inline archive_nn::model_handle random_model(uint32_t d_model, uint32_t layers, uint32_t heads, uint32_t d_ff,
                                             uint32_t context, uint32_t seed, bool post_norm) {
  namespace m = archive_nn::model;
  const m::hparams hp = m::make_hparams(d_model, layers, heads, d_ff, context,
                                       post_norm ? m::norm_placement::post : m::norm_placement::pre);
  const std::vector<uint8_t> bytes = m::serialize(m::random_model_file(hp, seed, 1.5f));
  auto r = archive_nn::load_model_bytes(bytes.data(), bytes.size());
  FUZZ_ASSERT_MSG(r.ok(), "the in-memory fuzz model does not load");
  return r.value();
}

// The tiny model of the nn fuzzers: d_model 16, 1 layer, 2 heads, d_ff 16,
// context 32 (pre-norm), and a post-norm twin.
inline const archive_nn::model_handle& tiny_model() {
  static const archive_nn::model_handle m = random_model(16, 1, 2, 16, 32, 1234, false);
  return m;
}
inline const archive_nn::model_handle& tiny_model_post() {
  static const archive_nn::model_handle m = random_model(16, 1, 2, 16, 32, 4321, true);
  return m;
}

// A source that refuses to seek, as a pipe: exercises the sequential paths.
class pipe_source : public archive_nn::byte_source {
 public:
  pipe_source(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  archive_nn::result<size_t> read(void* out, size_t n) override {
    if (n > size_ - pos_) n = size_ - pos_;
    if (n) std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return n;
  }
  bool seekable() const override { return false; }
  archive_nn::status seek(uint64_t) override {
    return archive_nn::make_error(archive_nn::errc::io_read_failed, "pipe: cannot seek");
  }
  archive_nn::result<uint64_t> size() override {
    return archive_nn::make_error(archive_nn::errc::io_read_failed, "pipe: no size");
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace fuzz
