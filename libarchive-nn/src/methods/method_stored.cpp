#include <cstring>

#include "methods/method.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {
namespace {

result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params&) {
  return std::vector<uint8_t>(data, data + size);
}

status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params&) {
  ANN_RETURN_ERROR_IF(in_size != out_size, chunk_corrupt, "stored chunk: coded size differs from original size");
  if (in_size) std::memcpy(out, in, in_size);
  return ok_status();
}

}  // namespace

const method method_stored = {codec_id::stored, "stored", encode, decode};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
