#include "fs_walk.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "deep_path.hpp"
#include "patterns.hpp"

namespace nntar {

std::string archive_name(const std::string& input, bool& stripped) {
  std::vector<std::string> parts;
  size_t start = 0;
  stripped = !input.empty() && input[0] == '/';
  while (start <= input.size()) {
    size_t end = input.find('/', start);
    if (end == std::string::npos) end = input.size();
    std::string part = input.substr(start, end - start);
    if (part == "..") {
      stripped = true;
      parts.clear();  // like GNU tar: drop everything up to the last ".."
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

namespace {

struct walker {
  const std::vector<struct stat>& skip;
  const walk_options& opt;
  const std::function<void(const walk_item&)>& visit;
  const std::function<void(const std::string&)>& warn;
  const std::function<void(const std::string&)>& error;
  std::map<std::pair<dev_t, ino_t>, std::string> links;
  std::set<std::string> visited;
  std::vector<std::pair<dev_t, ino_t>> open_dirs;  // the directories being walked (loops through -h)
  bool ok = true;

  void fail(const std::string& message) {
    error(message);
    ok = false;
  }

  void one(const std::string& fs_path, const std::string& name) {
    if (!name.empty() && excluded(opt.excludes, name)) return;
    if (!name.empty() && !visited.insert(name).second) return;  // an overlapping input
    struct stat st;
    const deep_path at(fs_path);  // any depth: GNU tar walks beyond PATH_MAX too
    if (at.dir() == -1 || fstatat(at.dir(), at.rest(), &st, opt.dereference ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
      if (at.dir() == -1) errno = at.error();
      fail(fs_path + ": cannot stat: " + std::strerror(errno));
      return;
    }
    for (const struct stat& self : skip)
      if (st.st_dev == self.st_dev && st.st_ino == self.st_ino && S_ISREG(st.st_mode)) {
        warn(fs_path + ": file is the archive; not dumped");  // GNU tar's words
        return;
      }
    walk_item it;
    it.fs_path = fs_path;
    archive_nn::entry_header& h = it.header;
    h.path = name;
    h.mode = st.st_mode & 07777;
    h.mtime_sec = st.st_mtim.tv_sec;
    h.mtime_nsec = static_cast<uint32_t>(st.st_mtim.tv_nsec);
    read_attributes(fs_path, st, opt.dereference, opt.attributes, h, warn);
    if (name.empty() && !S_ISDIR(st.st_mode)) {
      fail(fs_path + ": no name left after removing '/' and '..'; use a path below it");
      return;
    }
    if (S_ISREG(st.st_mode)) {
      // With -h a file reached again through a symlink is the same file:
      // a hard link to its first name, as GNU tar stores it.
      if (st.st_nlink > 1 || opt.dereference) {
        auto key = std::make_pair(st.st_dev, st.st_ino);
        auto found = links.find(key);
        if (found != links.end()) {
          h.type = archive_nn::entry_type::hardlink;
          h.link = found->second;
          visit(it);
          return;
        }
        links.emplace(key, name);
      }
      h.type = archive_nn::entry_type::file;
      h.size = static_cast<uint64_t>(st.st_size);
      it.allocated = static_cast<uint64_t>(st.st_blocks) * 512;
      it.maybe_sparse = it.allocated < h.size;
      visit(it);
    } else if (S_ISDIR(st.st_mode)) {
      h.type = archive_nn::entry_type::directory;
      // An input named "." (or "/", "..") has no name of its own: its
      // children become top-level members, as GNU tar's "./x" without the "./".
      const auto self = std::make_pair(st.st_dev, st.st_ino);
      if (std::find(open_dirs.begin(), open_dirs.end(), self) != open_dirs.end()) {
        fail(fs_path + ": file system loop (a symbolic link to a directory above it); not dumped");
        return;
      }
      if (!name.empty()) visit(it);
      const int dfd = openat(at.dir(), at.rest(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      DIR* d = dfd >= 0 ? fdopendir(dfd) : nullptr;
      if (!d && dfd >= 0) close(dfd);
      if (!d) {
        fail(fs_path + ": cannot open directory: " + std::strerror(errno));
        return;
      }
      std::vector<std::string> names;
      while (struct dirent* e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        names.emplace_back(e->d_name);
      }
      closedir(d);
      std::sort(names.begin(), names.end());
      open_dirs.push_back(self);
      for (const std::string& n : names)
        one(fs_path + (fs_path.back() == '/' ? "" : "/") + n, name.empty() ? n : name + "/" + n);
      open_dirs.pop_back();
    } else if (S_ISLNK(st.st_mode)) {
      std::vector<char> buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1);
      const ssize_t n = readlinkat(at.dir(), at.rest(), buf.data(), buf.size());
      if (n < 0 || static_cast<size_t>(n) >= buf.size()) {
        fail(fs_path + ": cannot read link");
        return;
      }
      h.type = archive_nn::entry_type::symlink;
      h.link.assign(buf.data(), static_cast<size_t>(n));
      if (h.link.empty()) {
        warn(fs_path + ": empty symlink target; skipped");
        return;
      }
      visit(it);
    } else {
      warn(fs_path + ": socket, FIFO or device; skipped");
    }
  }
};

}  // namespace

bool walk_inputs(const std::vector<std::string>& inputs, const std::vector<std::string>& dirs,
                 const std::vector<struct stat>& skip, const walk_options& opt,
                 const std::function<void(const walk_item&)>& visit, const std::function<void(const std::string&)>& warn,
                 const std::function<void(const std::string&)>& error) {
  walker w{skip, opt, visit, warn, error, {}, {}, {}, true};
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& in = inputs[i];
    bool stripped = false;
    const std::string name = archive_name(in, stripped);
    if (stripped)
      warn("removing leading '/' and '../' from member names ('" + in + "' -> '" + (name.empty() ? "." : name) + "')");
    const std::string dir = i < dirs.size() ? dirs[i] : "";
    w.one(dir.empty() || in[0] == '/' ? in : dir + (dir.back() == '/' ? "" : "/") + in, name);
  }
  return w.ok;
}

}  // namespace nntar
