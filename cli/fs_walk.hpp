// Directory traversal and metadata capture for -c.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "archive_nn/format.hpp"
#include "ownership.hpp"

namespace nntar {

struct walk_item {
  std::string fs_path;   // where to read it
  archive_nn::entry_header header;  // path is the archive name
  bool maybe_sparse = false;  // a file with fewer blocks than its size: it may have holes
  uint64_t allocated = 0;     // bytes its blocks hold (st_blocks x 512), for progress
};

// Visits each input and, depth first in byte order of names, everything below
// it. Names in the archive are the inputs as given, made relative (leading '/'
// and '../' removed, with a warning); a directory input with no name left
// ("." or "./") contributes its children as top-level members. Hard links
// after the first become hardlink entries. Sockets, FIFOs and devices, and
// the files in `skip` (the archive being written), are skipped with a warning.
// With `dereference` (tar -h) symlinks are followed (a directory reached
// again through a link on its own path is a loop: reported, not entered);
// names matching `excludes` (patterns.hpp) are skipped with everything below
// them; a name already visited (inputs that overlap, as `g g/sub`) is not
// visited again. Returns false if some input could not be read (reported
// through `error`, which -q does not silence); `warn` gets the rest.
struct walk_options {
  bool dereference = false;
  std::vector<std::string> excludes;
  attribute_policy attributes;  // owners always; xattrs and ACLs as asked
};
// dirs[i] (if given and not empty) is the directory input i is read below
// (tar's -C); its archive name comes from the input alone.
bool walk_inputs(const std::vector<std::string>& inputs, const std::vector<std::string>& dirs,
                 const std::vector<struct stat>& skip, const walk_options& opt,
                 const std::function<void(const walk_item&)>& visit, const std::function<void(const std::string&)>& warn,
                 const std::function<void(const std::string&)>& error);

// The archive name for an input path, or "" when nothing remains.
std::string archive_name(const std::string& input, bool& stripped);

}  // namespace nntar
