// The inputs of the golden archives: fixed entries with fixed metadata, so the
// generator (tools/make_golden.cpp) and the tests (tests/test_golden.cpp)
// build exactly the same trees.
#pragma once

#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"

namespace golden {

struct entry {
  archive_nn::entry_header header;
  std::vector<uint8_t> data;  // the whole file, holes as zeros
  // A sparse file (added with add_sparse_file): where its data lies.
  bool sparse = false;
  std::vector<archive_nn::data_extent> extents;
};

struct case_spec {
  std::string name;  // file stem under tests/golden/decode and encode
  std::vector<entry> entries;
  archive_nn::codec_choice codec = archive_nn::codec_choice::automatic;
  bool use_tiny_model = false;
  bool embed_model = false;
  uint64_t solid_block = 0;  // create_options::solid_block_size; 0: every file its own entry
  uint64_t solid_chunk = 0;  // create_options::solid_chunk_size
};

std::vector<case_spec> cases(const archive_nn::model_handle& tiny);

// The archive the current encoder makes of a case (empty on failure). Solid
// cases add files through content openers, as nntar -c does.
std::vector<uint8_t> build(const case_spec& c, const archive_nn::model_handle& tiny, unsigned threads);

// "path<TAB>type<TAB>mode<TAB>mtime.nsec<TAB>size<TAB>xxh64<TAB>link" per entry.
std::string describe(const std::vector<entry>& entries);

}  // namespace golden
