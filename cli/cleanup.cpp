#include "cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>

namespace nntar {
namespace {

struct slot_state {
  char path[4096];
  volatile std::sig_atomic_t valid;
};
slot_state slots[2];

extern "C" void on_signal(int sig) {
  for (slot_state& s : slots)
    if (s.valid) unlink(s.path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_cleanup_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

void set_temp(temp_slot which, const std::string& path) {
  slot_state& s = slots[static_cast<int>(which)];
  s.valid = 0;  // the handler never sees a half-copied path
  if (path.size() >= sizeof s.path) return;
  std::memcpy(s.path, path.c_str(), path.size() + 1);
  s.valid = 1;
}

void clear_temp(temp_slot which) { slots[static_cast<int>(which)].valid = 0; }

namespace {

// A process of this PID exists (or existed too recently to tell): keep its
// files. kill(pid, 0) fails with ESRCH only when there is no such process.
bool pid_alive(long pid) {
  if (pid <= 0 || pid == static_cast<long>(getpid())) return true;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

// The PID in name[at..] followed by `tail_char` (or the end when 0); -1 if
// the name does not have that shape.
long pid_at(const std::string& name, size_t at, char tail_char, size_t* end = nullptr) {
  size_t i = at;
  long pid = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && i - at < 10) pid = pid * 10 + (name[i++] - '0');
  if (i == at) return -1;
  if (tail_char ? (i >= name.size() || name[i] != tail_char) : i != name.size()) return -1;
  if (end) *end = i;
  return pid;
}

std::vector<std::string> remove_matching(int dirfd, const std::function<long(const std::string&)>& pid_of) {
  std::vector<std::string> removed;
  const int fd = dup(dirfd);
  if (fd < 0) return removed;
  DIR* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return removed;
  }
  std::vector<std::string> stale;
  while (struct dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    const long pid = pid_of(name);
    if (pid > 0 && !pid_alive(pid)) stale.push_back(name);
  }
  for (const std::string& n : stale) {
    struct stat st;
    if (fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        unlinkat(dirfd, n.c_str(), 0) == 0)
      removed.push_back(n);
  }
  closedir(d);
  return removed;
}

}  // namespace

std::vector<std::string> remove_stale_archive_temps(const std::string& archive_path) {
  const size_t slash = archive_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : archive_path.substr(0, slash);
  const std::string prefix = archive_path.substr(slash == std::string::npos ? 0 : slash + 1) + ".nntar-tmp-";
  const int dirfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return {};
  auto removed = remove_matching(dirfd, [&](const std::string& name) -> long {
    return name.compare(0, prefix.size(), prefix) == 0 ? pid_at(name, prefix.size(), 0) : -1;
  });
  close(dirfd);
  return removed;
}

std::vector<std::string> remove_stale_entry_temps(int dirfd) {
  return remove_matching(dirfd, [](const std::string& name) -> long {
    static const std::string prefix = ".nntar-";
    if (name.compare(0, prefix.size(), prefix) != 0 || name.size() < 12 || name.compare(name.size() - 4, 4, ".tmp") != 0)
      return -1;
    size_t end = 0;
    const long pid = pid_at(name, prefix.size(), '-', &end);
    if (pid < 0) return -1;
    return pid_at(name.substr(0, name.size() - 4), end + 1, 0) >= 0 ? pid : -1;
  });
}

}  // namespace nntar
