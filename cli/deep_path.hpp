// Paths longer than PATH_MAX: the kernel refuses them in one call, but a
// walk through directory descriptors reaches any depth (GNU tar does the
// same with openat). at_path() hands a (directory fd, relative rest) pair
// to *at() calls: AT_FDCWD and the path itself when it is short enough.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace nntar {

class deep_path {
 public:
  // Opens the directories of `path` chunk by chunk (each under PATH_MAX)
  // until what is left fits one *at() call. On failure dir() is -1 and
  // error() the errno.
  explicit deep_path(const std::string& path);
  ~deep_path();
  deep_path(const deep_path&) = delete;
  deep_path& operator=(const deep_path&) = delete;

  int dir() const { return dir_; }
  const char* rest() const { return rest_.c_str(); }
  int error() const { return error_; }

 private:
  int dir_ = AT_FDCWD;
  std::vector<int> opened_;
  std::string rest_;
  int error_ = 0;
};

// open(path, flags) for a path of any length.
int open_deep(const std::string& path, int flags);

}  // namespace nntar
