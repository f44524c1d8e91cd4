// zstd frames without the optional content checksum (chunks carry XXH64).
#include <zstd.h>

#include "methods/method.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {
namespace {

result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params& p) {
  std::vector<uint8_t> out(ZSTD_compressBound(size));
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ANN_RETURN_ERROR_IF(!cctx, out_of_memory, "zstd: cannot create a context");
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, p.level ? p.level : 19);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0);
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data, size);
  ZSTD_freeCCtx(cctx);
  ANN_RETURN_ERROR_IF(ZSTD_isError(n), codec_failed, std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params&) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ANN_RETURN_ERROR_IF(!dctx, out_of_memory, "zstd: cannot create a context");
  // The window can never exceed the chunk: refuse frames that ask for more.
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27);
  ZSTD_inBuffer ib{in, in_size, 0};
  ZSTD_outBuffer ob{out, out_size, 0};
  size_t ret = 0;
  do {
    ret = ZSTD_decompressStream(dctx, &ob, &ib);
  } while (!ZSTD_isError(ret) && ret != 0 && ib.pos < ib.size && ob.pos < ob.size);
  // A frame that would write more than out_size leaves output pending.
  uint8_t extra = 0;
  ZSTD_outBuffer probe{&extra, 1, 0};
  size_t more = ZSTD_isError(ret) ? ret : (ret != 0 ? ZSTD_decompressStream(dctx, &probe, &ib) : 0);
  ZSTD_freeDCtx(dctx);
  ANN_RETURN_ERROR_IF(ZSTD_isError(ret), chunk_corrupt, std::string("zstd: ") + ZSTD_getErrorName(ret));
  ANN_RETURN_ERROR_IF(ret != 0 || ib.pos != ib.size || ob.pos != out_size || ZSTD_isError(more) || probe.pos != 0,
                      chunk_corrupt, "zstd: frame does not decode to the chunk's size");
  return ok_status();
}

}  // namespace

const method method_zstd = {codec_id::zstd, "zstd", encode, decode};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
