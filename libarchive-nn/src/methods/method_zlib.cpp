// zlib-wrapped deflate (RFC 1950), level 9.
#include <zlib.h>

#include <algorithm>

#include "methods/method.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {
namespace {

result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params& p) {
  uLongf n = compressBound(static_cast<uLong>(size));
  std::vector<uint8_t> out(n);
  const int rc = compress2(out.data(), &n, data, static_cast<uLong>(size), p.level ? std::min(p.level, 9) : 9);  // as LZMA, up to 9
  ANN_RETURN_ERROR_IF(rc != Z_OK, codec_failed, "zlib: encoder failed");
  out.resize(n);
  return out;
}

status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params&) {
  z_stream zs{};
  ANN_RETURN_ERROR_IF(inflateInit(&zs) != Z_OK, out_of_memory, "zlib: cannot create a context");
  zs.next_in = const_cast<Bytef*>(in);
  zs.avail_in = static_cast<uInt>(in_size);
  zs.next_out = out;
  zs.avail_out = static_cast<uInt>(out_size);
  const int rc = inflate(&zs, Z_FINISH);
  const bool good = rc == Z_STREAM_END && zs.total_out == out_size && zs.avail_in == 0;
  inflateEnd(&zs);
  ANN_RETURN_ERROR_IF(!good, chunk_corrupt, "zlib: stream does not decode to the chunk's size");
  return ok_status();
}

}  // namespace

const method method_zlib = {codec_id::zlib, "zlib", encode, decode};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
