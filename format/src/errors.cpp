#include "archive_nn/errors.hpp"

namespace archive_nn {
inline namespace v1 {

const char* error_name(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::io_read_failed: return "io_read_failed";
    case errc::io_write_failed: return "io_write_failed";
    case errc::io_open_failed: return "io_open_failed";
    case errc::out_of_memory: return "out_of_memory";
    case errc::usage: return "usage";
    case errc::magic_wrong: return "magic_wrong";
    case errc::truncated: return "truncated";
    case errc::version_unsupported: return "version_unsupported";
    case errc::header_corrupt: return "header_corrupt";
    case errc::reserved_bits_set: return "reserved_bits_set";
    case errc::record_type_unknown: return "record_type_unknown";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::field_invalid: return "field_invalid";
    case errc::index_corrupt: return "index_corrupt";
    case errc::footer_corrupt: return "footer_corrupt";
    case errc::entry_corrupt: return "entry_corrupt";
    case errc::chunk_corrupt: return "chunk_corrupt";
    case errc::checksum_wrong: return "checksum_wrong";
    case errc::size_mismatch: return "size_mismatch";
    case errc::path_unsafe: return "path_unsafe";
    case errc::duplicate_path: return "duplicate_path";
    case errc::codec_unknown: return "codec_unknown";
    case errc::codec_failed: return "codec_failed";
    case errc::block_corrupt: return "block_corrupt";
    case errc::model_missing: return "model_missing";
    case errc::model_corrupt: return "model_corrupt";
    case errc::model_unsupported: return "model_unsupported";
    case errc::model_mismatch: return "model_mismatch";
    case errc::transform_failed: return "transform_failed";
    case errc::extract_failed: return "extract_failed";
    case errc::link_failed: return "link_failed";
    case errc::metadata_failed: return "metadata_failed";
    case errc::source_changed: return "source_changed";
    case errc::internal: return "internal";
  }
  return "unknown_error";
}

severity error_severity(errc code) noexcept {
  switch (code) {
    case errc::chunk_corrupt:
    case errc::checksum_wrong:
    case errc::size_mismatch:
    case errc::path_unsafe:
    case errc::duplicate_path:
    case errc::codec_unknown:
    case errc::codec_failed:
    case errc::block_corrupt:
    case errc::model_missing:
    case errc::model_corrupt:
    case errc::model_unsupported:
    case errc::model_mismatch:
    case errc::transform_failed:
    case errc::extract_failed:
    case errc::link_failed:
    case errc::metadata_failed:
    case errc::source_changed:
    case errc::entry_corrupt:
      return severity::entry;
    default:
      return severity::archive;
  }
}

std::string error::what() const {
  return message + " [" + error_name(code) + " #" + std::to_string(static_cast<unsigned>(code)) + "]";
}

}  // namespace v1
}  // namespace archive_nn
