// The sparse transform (spec/archive_format.md §11.6): a file with holes is
// stored as its map (where the data lies) followed by the data; the holes
// cost nothing to archive, store or extract. The map is the stream's header,
// the data its payload; no trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"

namespace archive_nn {
inline namespace v1 {
namespace transform {

// A map larger than sparse_map_max (format.hpp, 16 MiB: ~1.6 million
// extents, far beyond what file systems report for one file) is refused
// (field_invalid) before it is collected.

struct sparse_map {
  uint64_t file_size = 0;            // holes included
  std::vector<data_extent> extents;  // increasing, non-empty, not touching, inside file_size
  uint64_t data_size() const;
};

// Empty when the extents are not increasing, empty, touching or outside the
// file: the reason, for the caller's error message.
std::string check_sparse_map(const sparse_map& m);
std::vector<uint8_t> encode_sparse_map(const sparse_map& m);
// Parses exactly `size` bytes; the extents' data must total `payload_size`
// (any_payload: not checked). Returns the reason when the bytes are not a
// canonical map.
constexpr uint64_t any_payload = UINT64_MAX;
std::string decode_sparse_map(const uint8_t* data, size_t size, uint64_t payload_size, sparse_map& out);

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
