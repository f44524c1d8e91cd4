// nntar error codes. The numeric values are part of the public contract:
// they are printed by the CLI, named in golden must-fail file names and never
// reused (values below 1000 are stable, as zstd's < 100 rule).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace archive_nn {
inline namespace v1 {

enum class errc : uint16_t {
  ok = 0,
  // I/O and environment
  io_read_failed = 1,
  io_write_failed = 2,
  io_open_failed = 3,
  out_of_memory = 4,
  usage = 5,
  // container structure
  magic_wrong = 10,
  truncated = 11,
  version_unsupported = 12,
  header_corrupt = 13,
  reserved_bits_set = 14,
  record_type_unknown = 15,
  limit_exceeded = 16,
  field_invalid = 17,
  index_corrupt = 18,
  footer_corrupt = 19,
  entry_corrupt = 20,
  chunk_corrupt = 21,
  checksum_wrong = 22,
  size_mismatch = 23,
  path_unsafe = 24,
  duplicate_path = 25,
  // codecs and models
  codec_unknown = 26,
  codec_failed = 27,
  block_corrupt = 28,
  model_missing = 30,
  model_corrupt = 31,
  model_unsupported = 32,
  model_mismatch = 33,
  transform_failed = 34,
  // extraction side effects
  extract_failed = 40,
  link_failed = 41,
  metadata_failed = 42,
  source_changed = 43,
  internal = 99,
};

// Whether an error spoils one entry (others may still be read) or the archive.
enum class severity : uint8_t { entry = 1, archive = 2 };

const char* error_name(errc code) noexcept;
severity error_severity(errc code) noexcept;

struct error {
  errc code = errc::internal;
  std::string message;  // names the archive/entry/chunk where known
  severity level() const noexcept { return error_severity(code); }
  std::string what() const;  // "message [error_name #code]"
};

// A value or an error; data errors flow through this, bugs through ANN_ASSERT.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(error err) : v_(std::move(err)) {}
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const error& err() const& { return std::get<1>(v_); }
  error&& err() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, error> v_;
};

struct ok_t {};
using status = result<ok_t>;
inline status ok_status() { return ok_t{}; }

inline error make_error(errc code, std::string message) { return error{code, std::move(message)}; }

}  // namespace v1
}  // namespace archive_nn

// RETURN_ERROR_IF(cond, code, message): return an error from a function
// returning result<T>. TRY(expr): propagate the error of a result.
#define ANN_RETURN_ERROR_IF(cond, code, msg)                              \
  do {                                                                    \
    if (cond) return ::archive_nn::make_error(::archive_nn::errc::code, (msg)); \
  } while (0)

#define ANN_CONCAT_INNER(a, b) a##b
#define ANN_CONCAT(a, b) ANN_CONCAT_INNER(a, b)
#define ANN_TRY_IMPL(var, lhs, expr)          \
  auto var = (expr);                          \
  if (!var.ok()) return std::move(var).err(); \
  lhs = std::move(var).value()
// ANN_TRY_ASSIGN(auto x, f()); ANN_TRY(f());
#define ANN_TRY_ASSIGN(lhs, expr) ANN_TRY_IMPL(ANN_CONCAT(ann_try_, __LINE__), lhs, expr)
#define ANN_TRY(expr)                                            \
  do {                                                           \
    auto ann_try_status = (expr);                                \
    if (!ann_try_status.ok()) return std::move(ann_try_status).err(); \
  } while (0)
