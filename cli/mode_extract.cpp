// -x and --test. Extraction is safe by default (bsdtar SECURE_NODOTDOT |
// SECURE_SYMLINKS): no absolute paths, no '..', never through a symlink;
// files are written under a temporary name and renamed into place.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

#include "cleanup.hpp"
#include "modes.hpp"
#include "ownership.hpp"
#include "patterns.hpp"

namespace nntar {
namespace {

using archive_nn::entry_header;
using archive_nn::entry_type;
using archive_nn::errc;
using archive_nn::make_error;
using archive_nn::status;

}  // namespace

bool member_selected(const options& o, const std::vector<std::string>& members, const std::string& path) {
  if (excluded(o.excludes, path)) return false;
  if (members.empty()) return true;
  for (const std::string& m : members)
    if (member_matches(m, path, o.wildcards)) return true;
  return false;
}

namespace {

// The directory that holds `rel` (its components joined by '/') below the
// directory `base`, opened one component at a time (openat), so that a
// name of any length and depth extracts, as GNU tar does, and no component
// is looked up twice: missing directories are created (0755) when `create`;
// a symlink on the way is refused unless `allow_symlinks`. `out` is a new
// descriptor the caller closes; `leaf` the last component.
status open_parent(int base, const std::string& rel, bool create, bool allow_symlinks, int& out, std::string& leaf) {
  int fd = fcntl(base, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return make_error(errc::extract_failed, std::string("cannot open the target directory: ") + std::strerror(errno));
  size_t start = 0;
  for (;;) {
    const size_t slash = rel.find('/', start);
    if (slash == std::string::npos) {
      leaf = rel.substr(start);
      out = fd;
      return archive_nn::ok_status();
    }
    const std::string part = rel.substr(start, slash - start), shown = rel.substr(0, slash);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    struct stat st;
    status fail = archive_nn::ok_status();
    if (fstatat(fd, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISLNK(st.st_mode) && !allow_symlinks)
        fail = make_error(errc::path_unsafe, "refusing to extract through the symlink '" + shown + "' (use -P)");
      else if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode))
        fail = make_error(errc::extract_failed, "'" + shown + "' exists and is not a directory");
    } else if (!create || (mkdirat(fd, part.c_str(), 0755) != 0 && errno != EEXIST)) {
      fail = make_error(errc::extract_failed, "cannot create directory '" + shown + "': " + std::strerror(errno));
    }
    const int next = fail.ok() ? openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (allow_symlinks ? 0 : O_NOFOLLOW)) : -1;
    if (fail.ok() && next < 0)
      fail = make_error(errc::extract_failed, "cannot open directory '" + shown + "': " + std::strerror(errno));
    close(fd);
    if (!fail.ok()) return fail;
    fd = next;
  }
}

void set_times(int dir, const std::string& name, const entry_header& e, bool follow) {
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(e.mtime_sec);
  ts[0].tv_nsec = ts[1].tv_nsec = static_cast<long>(e.mtime_nsec);
  utimensat(dir, name.c_str(), ts, follow ? 0 : AT_SYMLINK_NOFOLLOW);
}

class extractor : public archive_nn::entry_visitor {
 public:
  extractor(const options& o, display& out, bool test_only) : o_(o), out_(out), test_(test_only) {
    root_ = o.directory.empty() ? "" : o.directory + (o.directory.back() == '/' ? "" : "/");
    if (!test_ && !o.to_stdout) {
      root_fd_ = open(root_.empty() ? "." : root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      fs_root_fd_ = o.absolute_names ? open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    }
    // GNU tar: a user's extraction applies the umask unless -p; root keeps the modes.
    const mode_t mask = umask(0);
    umask(mask);
    umask_ = geteuid() == 0 || o.preserve_permissions ? 0 : static_cast<uint32_t>(mask);
    // GNU tar: root restores owners unless --no-same-owner; a user does not
    // unless --same-owner.
    restore_.privileged = geteuid() == 0;
    restore_.same_owner = o.same_owner < 0 ? restore_.privileged : o.same_owner == 1;
    restore_.numeric_owner = o.numeric_owner;
    restore_.attributes.xattrs = o.xattrs;
    restore_.attributes.acls = o.acls;
  }

  bool wants(const entry_header& e) override {
    if (!member_selected(o_, o_.members, e.path)) return false;
    // --strip-components: an entry with no name left is skipped.
    return test_ || stripped(e.path) != "";
  }

  // The name after --strip-components N (GNU tar: "" when N or fewer components).
  std::string stripped(const std::string& path) const {
    size_t at = 0;
    for (unsigned n = 0; n < o_.strip_components; ++n) {
      at = path.find('/', at);
      if (at == std::string::npos) return "";
      while (at < path.size() && path[at] == '/') ++at;
    }
    return path.substr(at);
  }

  ~extractor() override {
    close_parent();
    if (root_fd_ >= 0) close(root_fd_);
    if (fs_root_fd_ >= 0) close(fs_root_fd_);
  }

  bool begin_entry(const entry_header& e) override {
    entry_status_ = archive_nn::ok_status();
    fd_ = -1;
    written_ = 0;
    close_parent();
    if (!selected_.insert(e.path).second && !test_ && !o_.absolute_names) {
      // A later entry with the same name would replace (or, for a symlink,
      // redirect) what was just extracted: refuse unless -P.
      entry_status_ = make_error(errc::duplicate_path, "appears twice in the archive; second copy skipped (use -P)");
      return false;
    }
    if (test_) return true;
    if (o_.to_stdout) {  // -O: only files' contents, written to stdout
      if (e.type == entry_type::file) fd_ = STDOUT_FILENO;
      return true;
    }
    if (!o_.absolute_names && !archive_nn::path_is_safe(e.path)) {
      entry_status_ = make_error(errc::path_unsafe, "unsafe path (absolute or with '..'); skipped (use -P)");
      return false;
    }
    const std::string rel = stripped(e.path);
    // With -P an absolute name means that absolute path (bsdtar -P).
    const bool absolute = o_.absolute_names && rel[0] == '/';
    const std::string base = absolute ? "/" : root_;
    const std::string below = absolute ? rel.substr(rel.find_first_not_of('/') == std::string::npos ? rel.size() : rel.find_first_not_of('/')) : rel;
    status st = open_parent(absolute ? fs_root_fd_ : root_fd_, below, true, o_.absolute_names, parent_fd_, leaf_);
    if (!st.ok()) {
      entry_status_ = st;
      return false;
    }
    target_ = base + below;
    entry_absolute_ = absolute;
    entry_rel_ = below;
    if (o_.on_existing != options::existing::replace && e.type != entry_type::directory) {
      struct stat existing;
      if (fstatat(parent_fd_, leaf_.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        if (o_.on_existing == options::existing::skip) {
          skipped_ = true;
          return false;
        }
        entry_status_ = make_error(errc::extract_failed, "already exists; not replaced (-k)");
        return false;
      }
    }
    if (e.type == entry_type::file) {
      // A short temporary name in the target's directory: appending to a
      // name near NAME_MAX (255 bytes) would fail with ENAMETOOLONG.
      struct stat dir_st;
      if (fstat(parent_fd_, &dir_st) == 0 && cleaned_dirs_.insert({dir_st.st_dev, dir_st.st_ino}).second)
        for (const std::string& stale : remove_stale_entry_temps(parent_fd_))
          out_.warning("removed '" + printable_name(stale) + "', left by an nntar that was killed");
      tmp_ = ".nntar-" + std::to_string(getpid()) + "-" + std::to_string(tmp_serial_++) + ".tmp";
      set_temp(temp_slot::entry, target_.substr(0, target_.rfind('/') + 1) + tmp_);  // removed if nntar is interrupted
      fd_ = openat(parent_fd_, tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd_ < 0) {
        entry_status_ = make_error(errc::extract_failed, "cannot create: " + std::string(std::strerror(errno)));
        return false;
      }
    }
    return true;
  }

  status write(const uint8_t* data, size_t size) override {
    if (test_ || fd_ < 0) return archive_nn::ok_status();
    if (o_.to_stdout) return write_all(data, size);
    // Whole 4 KiB blocks of zeros become holes (GNU tar -S, cp --sparse):
    // a sparse file comes back sparse, and no file system stores zeros it
    // need not. The file's length is set when it is finished.
    static const uint8_t zeros[hole_block] = {};
    while (size > 0) {
      const size_t in_block = hole_block - static_cast<size_t>(written_ % hole_block);
      const size_t n = std::min(size, in_block);
      if (n == hole_block && std::memcmp(data, zeros, hole_block) == 0) {
        if (lseek(fd_, static_cast<off_t>(hole_block), SEEK_CUR) < 0)
          return make_error(errc::io_write_failed, std::string("seek failed: ") + std::strerror(errno));
      } else {
        ANN_TRY(write_all(data, n));
      }
      data += n;
      size -= n;
      written_ += n;
    }
    return archive_nn::ok_status();
  }

  // A sparse entry's hole: skipped over (the length is set when the file is
  // finished), written as zeros only to standard output.
  status hole(uint64_t size) override {
    if (test_ || fd_ < 0) return archive_nn::ok_status();
    if (o_.to_stdout) return entry_visitor::hole(size);
    if (lseek(fd_, static_cast<off_t>(size), SEEK_CUR) < 0)
      return make_error(errc::io_write_failed, std::string("seek failed: ") + std::strerror(errno));
    written_ += size;
    return archive_nn::ok_status();
  }

  status write_all(const uint8_t* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return make_error(errc::io_write_failed, std::string("write failed: ") + std::strerror(errno));
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return archive_nn::ok_status();
  }

  void end_entry(const entry_header& e, const status& st_in) override {
    if (skipped_) {  // --skip-old-files
      skipped_ = false;
      return;
    }
    status st = !entry_status_.ok() ? entry_status_ : st_in;
    if (o_.to_stdout) {
      fd_ = -1;
    } else if (st.ok() && !test_) {
      st = finish(e);
    }
    bytes_ += st.ok() && e.type == entry_type::file ? e.size : 0;
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    if (!tmp_.empty()) {
      unlinkat(parent_fd_, tmp_.c_str(), 0);
      tmp_.clear();
    }
    clear_temp(temp_slot::entry);
    close_parent();
    if (!st.ok()) {
      archive_nn::error err = st.err();
      if (err.message.find('\'') != 0) err.message = "'" + e.path + "': " + err.message;
      out_.error(o_.archive, err);
      failed_ = true;
      return;
    }
    files_ += e.type == entry_type::file;
    if (o_.verbosity >= 3) out_.info_line(long_line(e, o_.numeric_owner));
    else out_.info(e.path);
  }

  void damaged(const archive_nn::error& err) override {
    out_.error(o_.archive, err);
    failed_ = true;
  }

  // A user's extraction without -p (umask_ set): the permission bits less the
  // umask, no sticky or set-id bits, as GNU tar. Set-id bits come back only
  // on an object whose stored owner was restored (GNU tar: they would
  // otherwise give the extracting user's rights to whoever runs the file).
  uint32_t permitted_mode(uint32_t mode, bool owner_restored) const {
    if (umask_ != 0 || (geteuid() != 0 && !o_.preserve_permissions)) return mode & 0777 & ~umask_;
    return owner_restored ? mode : mode & 01777;
  }

  // Owner, then mode (chown clears set-id bits), then extended attributes
  // (an ACL's mask follows the mode's group bits). Problems are warnings:
  // the bytes are there.
  void apply_metadata(int fd, int dirfd, const std::string& leaf, const entry_header& e) {
    std::string problem;
    const bool owned = restore_owner(dirfd, leaf, fd, e, restore_, problem);
    if (!problem.empty()) out_.warning("'" + printable_name(e.path) + "': " + problem);
    if (fd >= 0 ? fchmod(fd, permitted_mode(e.mode, owned)) != 0
                : fchmodat(dirfd, leaf.c_str(), permitted_mode(e.mode, owned), 0) != 0)
      out_.warning("'" + printable_name(e.path) + "': cannot set mode: " + std::strerror(errno));
    if (fd >= 0)
      for (const std::string& p : restore_xattrs(fd, e, restore_)) out_.warning("'" + printable_name(e.path) + "': " + p);
  }

  // Directory metadata last: writing entries inside would change the mtimes.
  void finish_directories() {
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      int dir = -1;
      std::string leaf;
      if (!open_parent(it->absolute ? fs_root_fd_ : root_fd_, it->rel, false, o_.absolute_names, dir, leaf).ok()) continue;
      const int fd = openat(dir, leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        apply_metadata(fd, dir, leaf, it->header);
        close(fd);
      }
      set_times(dir, leaf, it->header, true);
      close(dir);
    }
  }

  bool failed() const { return failed_; }
  uint64_t files() const { return files_; }
  uint64_t bytes() const { return bytes_; }
  const std::set<std::string>& selected() const { return selected_; }

 private:
  status finish(const entry_header& e) {
    struct stat st;
    switch (e.type) {
      case entry_type::file: {
        // A hole at the end has no bytes written after it: the length comes from here.
        if (ftruncate(fd_, static_cast<off_t>(written_)) != 0) {
          close(fd_);
          fd_ = -1;
          return make_error(errc::io_write_failed, std::string("cannot set the file's length: ") + std::strerror(errno));
        }
        apply_metadata(fd_, parent_fd_, tmp_, e);
        if (close(fd_) != 0) {
          fd_ = -1;
          return make_error(errc::extract_failed, std::string("cannot finish file: ") + std::strerror(errno));
        }
        fd_ = -1;
        set_times(parent_fd_, tmp_, e, false);
        if (fstatat(parent_fd_, leaf_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
          return make_error(errc::extract_failed, "a directory is in the way");
        if (renameat(parent_fd_, tmp_.c_str(), parent_fd_, leaf_.c_str()) != 0)
          return make_error(errc::extract_failed, std::string("cannot rename into place: ") + std::strerror(errno));
        tmp_.clear();
        return archive_nn::ok_status();
      }
      case entry_type::directory: {
        if (fstatat(parent_fd_, leaf_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
          if (!S_ISDIR(st.st_mode)) {
            if (S_ISLNK(st.st_mode) && !o_.absolute_names)
              return make_error(errc::path_unsafe, "a symlink is in the way of this directory");
            if (!S_ISLNK(st.st_mode)) return make_error(errc::extract_failed, "a file is in the way of this directory");
          }
        } else if (mkdirat(parent_fd_, leaf_.c_str(), 0700) != 0) {
          return make_error(errc::extract_failed, std::string("cannot create directory: ") + std::strerror(errno));
        }
        fchmodat(parent_fd_, leaf_.c_str(), 0700 | e.mode, 0);  // keep it writable until finish_directories
        dirs_.push_back({entry_absolute_, entry_rel_, e});
        return archive_nn::ok_status();
      }
      case entry_type::symlink: {
        if (fstatat(parent_fd_, leaf_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
          if (S_ISDIR(st.st_mode)) return make_error(errc::extract_failed, "a directory is in the way");
          unlinkat(parent_fd_, leaf_.c_str(), 0);
        }
        if (symlinkat(e.link.c_str(), parent_fd_, leaf_.c_str()) != 0)
          return make_error(errc::link_failed, std::string("cannot create symlink: ") + std::strerror(errno));
        std::string problem;
        restore_owner(parent_fd_, leaf_, -1, e, restore_, problem);
        if (!problem.empty()) out_.warning("'" + printable_name(e.path) + "': " + problem);
        set_times(parent_fd_, leaf_, e, false);
        return archive_nn::ok_status();
      }
      case entry_type::hardlink: {
        if (!o_.absolute_names && !archive_nn::path_is_safe(e.link))
          return make_error(errc::path_unsafe, "hard link to an unsafe path '" + e.link + "'");
        const std::string linked = stripped(e.link);  // GNU tar strips hard links' targets too
        if (linked.empty()) return make_error(errc::link_failed, "hard link target '" + e.link + "' stripped away");
        const bool absolute_link = o_.absolute_names && linked[0] == '/';
        const size_t first = absolute_link ? linked.find_first_not_of('/') : 0;
        const std::string link_rel = first == std::string::npos ? "" : linked.substr(first);
        int from_dir = -1;
        std::string from_leaf;
        status ps = open_parent(absolute_link ? fs_root_fd_ : root_fd_, link_rel, true, o_.absolute_names, from_dir, from_leaf);
        if (!ps.ok()) return ps;
        if (!o_.absolute_names && fstatat(from_dir, from_leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
          close(from_dir);
          return make_error(errc::path_unsafe, "hard link to a symlink '" + linked + "'");
        }
        if (fstatat(parent_fd_, leaf_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
          unlinkat(parent_fd_, leaf_.c_str(), 0);
        const int rc = linkat(from_dir, from_leaf.c_str(), parent_fd_, leaf_.c_str(), 0);
        const int why = errno;
        close(from_dir);
        if (rc != 0) return make_error(errc::link_failed, "cannot link to '" + e.link + "': " + std::strerror(why));
        return archive_nn::ok_status();
      }
    }
    return archive_nn::ok_status();
  }

  void close_parent() {
    if (parent_fd_ >= 0) close(parent_fd_);
    parent_fd_ = -1;
  }

  struct directory_done {
    bool absolute;
    std::string rel;  // below the target directory (or /, absolute)
    entry_header header;
  };

  const options& o_;
  display& out_;
  bool test_;
  std::string root_, target_, tmp_;
  // The target directory (-C or the current one), / for -P's absolute
  // names, and the current entry's directory and name in it (open_parent).
  int root_fd_ = -1, fs_root_fd_ = -1, parent_fd_ = -1;
  std::string leaf_, entry_rel_;
  bool entry_absolute_ = false;
  int fd_ = -1;
  uint64_t tmp_serial_ = 0;
  status entry_status_ = archive_nn::ok_status();
  std::vector<directory_done> dirs_;
  std::set<std::string> selected_;
  bool failed_ = false;
  bool skipped_ = false;
  uint64_t bytes_ = 0;
  uint32_t umask_ = 0;
  restore_policy restore_;
  uint64_t files_ = 0;  // files extracted (or tested) without error
  std::set<std::pair<dev_t, ino_t>> cleaned_dirs_;  // directories checked for a killed run's temporary files
  static constexpr size_t hole_block = 4096;
  uint64_t written_ = 0;  // bytes of the current file, holes included
};

}  // namespace

int mode_extract(const options& o, display& out) {
  const bool test_only = o.what == mode::test;
  std::FILE* f = o.archive == "-" ? stdin : std::fopen(o.archive.c_str(), "rb");
  if (!f) {
    out.error(o.archive, make_error(errc::io_open_failed, std::string("cannot open: ") + std::strerror(errno)));
    return exit_fatal;
  }
  if (!test_only && !o.directory.empty()) {
    struct stat st;
    if (stat(o.directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      out.error(o.directory, make_error(errc::io_open_failed, "not a directory"));
      return exit_fatal;
    }
  }
  auto src = archive_nn::make_file_source(f, o.archive == "-" ? "stdin" : o.archive);
  archive_nn::read_options ro;
  ro.threads = o.threads;
  ro.memory_limit = o.memory_limit;
  ro.work_limit = o.work_limit;
  ro.progress = [&](const archive_nn::progress_info& p) { out.progress(p); };
  auto extra_model = select_model(o);
  if (!extra_model.ok() && o.model != "default") {
    out.error("", extra_model.err());
    return exit_fatal;
  }
  archive_nn::model_handle given = extra_model.ok() ? extra_model.value() : nullptr;
  ro.resolve = [given](const archive_nn::model_hash& h) -> archive_nn::model_handle {
    return given && archive_nn::hash_of(given) == h ? given : nullptr;
  };
  if (f != stdin) {
    struct stat as;
    if (fstat(fileno(f), &as) == 0 && S_ISREG(as.st_mode)) out.input_size = static_cast<uint64_t>(as.st_size);
  }
  extractor ex(o, out, test_only);
  archive_nn::read_summary sum;
  archive_nn::status st = archive_nn::read_archive(*src, ex, ro, &sum);
  ex.finish_directories();
  out.progress_done();
  if (f != stdin) std::fclose(f);
  int code = ex.failed() ? exit_some_failed : exit_ok;
  for (const std::string& m : o.members) {
    bool found = false;
    for (const std::string& s : ex.selected()) found = found || member_selected(o, {m}, s);
    if (!found) {
      out.error(o.archive, make_error(errc::extract_failed, "'" + m + "': not found in archive"));
      code = std::max(code, int(exit_some_failed));
    }
  }
  if (o.totals) {
    std::fflush(stdout);
    std::fprintf(stderr, "Total bytes %s: %llu (%s) of files, %llu bytes decoded\n", test_only ? "tested" : "extracted",
                 static_cast<unsigned long long>(ex.bytes()), human_size(static_cast<double>(ex.bytes())).c_str(),
                 static_cast<unsigned long long>(sum.bytes_decoded));
  }
  if (out.verbosity >= 2) {
    // What extracting cost: with solid blocks, selecting members decodes only
    // the chunks that hold them.
    std::fflush(stdout);
    std::fprintf(stderr, "nntar: decoded %llu chunks, %llu bytes\n", static_cast<unsigned long long>(sum.chunks_decoded),
                 static_cast<unsigned long long>(sum.bytes_decoded));
    std::fprintf(stderr, "nntar: %s\n",
                 summary_line(ex.files(), out.input_size ? out.input_size : sum.bytes_decoded, ex.bytes(), out.elapsed(),
                              test_only ? "tested" : o.to_stdout ? "written to stdout" : "extracted")
                     .c_str());
  }
  if (!st.ok()) {
    out.error(o.archive, st.err());
    return exit_fatal;
  }
  return code;
}

}  // namespace nntar
