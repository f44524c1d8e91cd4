#include "ownership.hpp"

#include "deep_path.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace nntar {
namespace {

// getpwuid/getgrgid/getpwnam/getgrnam through NSS can be slow (LDAP):
// every answer is remembered.
template <class Key, class Value, class Lookup>
const Value& cached(std::map<Key, Value>& cache, const Key& key, Lookup lookup) {
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, lookup(key)).first;
  return it->second;
}

std::string user_name(uid_t uid) {
  static std::map<uid_t, std::string> cache;
  return cached(cache, uid, [](uid_t u) {
    const struct passwd* pw = getpwuid(u);
    return pw && pw->pw_name ? std::string(pw->pw_name) : std::string();
  });
}

std::string group_name(gid_t gid) {
  static std::map<gid_t, std::string> cache;
  return cached(cache, gid, [](gid_t g) {
    const struct group* gr = getgrgid(g);
    return gr && gr->gr_name ? std::string(gr->gr_name) : std::string();
  });
}

// -1 when the name is unknown here.
long long uid_of(const std::string& name) {
  static std::map<std::string, long long> cache;
  return cached(cache, name, [](const std::string& n) {
    const struct passwd* pw = getpwnam(n.c_str());
    return pw ? static_cast<long long>(pw->pw_uid) : -1LL;
  });
}

long long gid_of(const std::string& name) {
  static std::map<std::string, long long> cache;
  return cached(cache, name, [](const std::string& n) {
    const struct group* gr = getgrnam(n.c_str());
    return gr ? static_cast<long long>(gr->gr_gid) : -1LL;
  });
}

bool starts_with(const std::string& s, const char* prefix) { return s.compare(0, std::strlen(prefix), prefix) == 0; }

bool is_acl(const std::string& name) {
  return name == "system.posix_acl_access" || name == "system.posix_acl_default";
}

// Which attributes travel: user.* always, security.* and trusted.* as root
// (only root may set them back, and only root can read trusted.*), POSIX ACLs
// when asked; nothing else (other system.* names are file-system internals).
bool wanted(const std::string& name, const attribute_policy& p, bool privileged) {
  if (is_acl(name)) return p.acls;
  if (!p.xattrs) return false;
  if (starts_with(name, "user.")) return true;
  return privileged && (starts_with(name, "security.") || starts_with(name, "trusted."));
}

std::string short_name(const std::string& s) { return s.size() > 64 ? s.substr(0, 64) + "..." : s; }

}  // namespace

void read_attributes(const std::string& fs_path, const struct stat& st, bool follow, const attribute_policy& policy,
                     archive_nn::entry_header& h, const std::function<void(const std::string&)>& warn) {
  h.has_attributes = true;
  h.uid = st.st_uid;
  h.gid = st.st_gid;
  h.user = user_name(st.st_uid).substr(0, 255);
  h.group = group_name(st.st_gid).substr(0, 255);
  h.xattrs.clear();
  if (!policy.xattrs && !policy.acls) return;
  // User attributes exist on files and directories only; a symlink's own
  // attributes are left alone (Linux refuses user.* on links).
  if (!follow && S_ISLNK(st.st_mode)) return;
  const bool privileged = geteuid() == 0;
  // A path beyond PATH_MAX is reached through its directory's descriptor.
  const deep_path at(fs_path);
  const std::string path = at.dir() == AT_FDCWD || at.dir() == -1
                               ? fs_path
                               : "/proc/self/fd/" + std::to_string(at.dir()) + "/" + at.rest();
  auto list = [&](char* buf, size_t size) {
    return follow ? listxattr(path.c_str(), buf, size) : llistxattr(path.c_str(), buf, size);
  };
  auto get = [&](const char* name, void* buf, size_t size) {
    return follow ? getxattr(path.c_str(), name, buf, size) : lgetxattr(path.c_str(), name, buf, size);
  };
  std::vector<char> names;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const ssize_t need = list(nullptr, 0);
    if (need <= 0) {
      if (need < 0 && errno != ENOTSUP && errno != ENODATA)
        warn(fs_path + ": cannot list extended attributes: " + std::strerror(errno));
      return;
    }
    names.resize(static_cast<size_t>(need));
    const ssize_t got = list(names.data(), names.size());
    if (got >= 0) {
      names.resize(static_cast<size_t>(got));
      break;
    }
    if (errno != ERANGE) {
      warn(fs_path + ": cannot list extended attributes: " + std::strerror(errno));
      return;
    }
    names.clear();  // grew in between: ask again
  }
  size_t total = 0;
  for (size_t next = 0; next < names.size();) {
    const std::string name(names.data() + next);
    next += name.size() + 1;
    if (name.empty() || name.size() > 255 || !wanted(name, policy, privileged)) continue;
    std::vector<char> value;
    ssize_t n = -1;
    for (int attempt = 0; attempt < 4; ++attempt) {
      n = get(name.c_str(), nullptr, 0);
      if (n < 0) break;
      value.resize(static_cast<size_t>(n));
      n = get(name.c_str(), value.data(), value.size());
      if (n >= 0 || errno != ERANGE) break;
    }
    if (n < 0) {
      if (errno != ENODATA) warn(fs_path + ": cannot read extended attribute " + short_name(name) + ": " + std::strerror(errno));
      continue;
    }
    value.resize(static_cast<size_t>(n));
    // The archive holds up to 65536 bytes per value and 56 KiB per entry.
    total += name.size() + value.size() + 6;
    if (value.size() > 65536 || total > archive_nn::attributes_size_max - 600) {
      warn(fs_path + ": extended attribute " + short_name(name) + " too large to archive; left out");
      total -= name.size() + value.size() + 6;
      continue;
    }
    h.xattrs.push_back({name, std::string(value.begin(), value.end())});
  }
  std::sort(h.xattrs.begin(), h.xattrs.end(), [](const archive_nn::xattr& a, const archive_nn::xattr& b) { return a.name < b.name; });
}

uid_t owner_uid(const archive_nn::entry_header& h, bool numeric) {
  if (!numeric && !h.user.empty())
    if (const long long u = uid_of(h.user); u >= 0) return static_cast<uid_t>(u);
  return h.uid;
}

gid_t owner_gid(const archive_nn::entry_header& h, bool numeric) {
  if (!numeric && !h.group.empty())
    if (const long long g = gid_of(h.group); g >= 0) return static_cast<gid_t>(g);
  return h.gid;
}

bool restore_owner(int dirfd, const std::string& leaf, int fd, const archive_nn::entry_header& h,
                   const restore_policy& p, std::string& problem) {
  if (!p.same_owner || !h.has_attributes) return false;
  const uid_t u = owner_uid(h, p.numeric_owner);
  const gid_t g = owner_gid(h, p.numeric_owner);
  const int rc = fd >= 0 ? fchown(fd, u, g) : fchownat(dirfd, leaf.c_str(), u, g, AT_SYMLINK_NOFOLLOW);
  if (rc == 0) return true;
  problem = "cannot change owner to " + std::to_string(u) + ":" + std::to_string(g) + ": " + std::strerror(errno);
  return false;
}

std::vector<std::string> restore_xattrs(int fd, const archive_nn::entry_header& h, const restore_policy& p) {
  std::vector<std::string> problems;
  for (const archive_nn::xattr& x : h.xattrs) {
    if (!wanted(x.name, p.attributes, p.privileged)) continue;
    if (fsetxattr(fd, x.name.c_str(), x.value.data(), x.value.size(), 0) != 0)
      problems.push_back("cannot set extended attribute " + short_name(x.name) + ": " + std::strerror(errno));
  }
  return problems;
}

std::string owner_text(const archive_nn::entry_header& h, bool numeric) {
  if (!h.has_attributes) return "-";
  const std::string u = numeric || h.user.empty() ? std::to_string(h.uid) : h.user;
  const std::string g = numeric || h.group.empty() ? std::to_string(h.gid) : h.group;
  return u + "/" + g;
}

}  // namespace nntar
