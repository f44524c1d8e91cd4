// The reference encoder's solid grouping (spec/archive_format.md §6.4,
// informative): files are grouped by kind, ordered so that similar files sit
// together (extension, then name, as 7-Zip's -mqs), identical files are
// stored once, and blocks fill up to a target size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace archive_nn {
inline namespace v1 {

enum class solid_kind : uint8_t { text = 0, binary = 1, compressed = 2 };
const char* solid_kind_name(solid_kind k);

// Kind of a file's bytes (all of them, or a prefix): text by the transform
// classifier, compressed by format magic or by order-0 entropy.
solid_kind classify_solid(const uint8_t* data, size_t size);

struct solid_candidate {
  size_t file = 0;  // the caller's number for the file (its add order)
  solid_kind kind = solid_kind::binary;
  std::string path;
  uint64_t size = 0;
  uint64_t hash_low = 0, hash_high = 0;  // XXH3-128 of the content, for deduplication
};

struct planned_member {
  size_t file = 0;
  std::vector<size_t> duplicates;  // files with the same size and hash (verified byte-equal when packed)
};
struct planned_block {
  solid_kind kind = solid_kind::text;
  std::vector<planned_member> members;
  uint64_t bytes = 0;  // without duplicates
};

// Deterministic: the plan depends only on the candidates, not on their order.
std::vector<planned_block> plan_solid_blocks(std::vector<solid_candidate> candidates, uint64_t block_size);

}  // namespace v1
}  // namespace archive_nn
