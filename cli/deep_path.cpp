#include "deep_path.hpp"

#include <cerrno>

namespace nntar {
namespace {
// Comfortably below PATH_MAX (4096) so that a rest never reaches it.
constexpr size_t chunk_max = 3072;
}  // namespace

deep_path::deep_path(const std::string& path) : rest_(path) {
  while (rest_.size() >= chunk_max) {
    size_t cut = rest_.rfind('/', chunk_max);
    if (cut == std::string::npos || cut == 0) {
      // A single name longer than the chunk cannot be split: the kernel
      // will judge it (NAME_MAX is 255, so it fails as it must).
      break;
    }
    const std::string head = rest_.substr(0, cut);
    const int fd = openat(dir_, head.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      error_ = errno;
      dir_ = -1;
      return;
    }
    opened_.push_back(fd);
    dir_ = fd;
    rest_.erase(0, cut + 1);
  }
}

deep_path::~deep_path() {
  for (int fd : opened_) close(fd);
}

int open_deep(const std::string& path, int flags) {
  deep_path p(path);
  if (p.dir() == -1) {
    errno = p.error();
    return -1;
  }
  return openat(p.dir(), p.rest(), flags);
}

}  // namespace nntar
