// Body parsers shared by the sequential reader and the index decoder.
#pragma once

#include "archive_nn/format.hpp"

namespace archive_nn {
inline namespace v1 {

status parse_entry_body(const uint8_t* data, size_t size, const reader_limits& lim, entry_header& e,
                        uint16_t version = format_version);
status parse_chunk_body(const uint8_t* data, size_t size, const reader_limits& lim, chunk_header& c);
status parse_block_body(const uint8_t* data, size_t size, const reader_limits& lim, block_header& b);
status parse_model_body(const uint8_t* data, size_t size, const reader_limits& lim, model_record& m);

}  // namespace v1
}  // namespace archive_nn
