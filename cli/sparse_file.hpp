// Files with holes (GNU tar -S, bsdtar): where a file's data lies, found with
// SEEK_DATA/SEEK_HOLE, so that only the data is read and archived (the sparse
// transform, spec/archive_format.md §11.6).
#pragma once

#include <memory>
#include <vector>

#include "archive_nn/archive_nn.hpp"

// True when the open regular file fd of `size` bytes has holes (fewer
// blocks allocated than its size, and SEEK_DATA/SEEK_HOLE find them), with
// its data extents in `out` (none for a file that is one hole); false
// otherwise, also when the file system cannot tell.
bool find_data_extents(int fd, uint64_t size, std::vector<archive_nn::data_extent>& out);

// The bytes of the extents one after the other, read with pread; takes fd
// (closed when destroyed). Reads end early (zero-padded by the archiver,
// which reports the file as changed) when the file shrank.
std::unique_ptr<archive_nn::byte_source> make_extents_source(int fd, std::vector<archive_nn::data_extent> extents);
