// Owners and extended attributes (format version 3, spec §5.1): read from
// the file system when archiving, restored on extraction with GNU tar's
// rules (as root: owners by name, set-id bits only where owners came back;
// as a user: neither).
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "archive_nn/format.hpp"

namespace nntar {

struct attribute_policy {
  bool xattrs = true;  // user.* (security.* and trusted.* too as root)
  bool acls = true;    // system.posix_acl_access / _default
};

// Fills h's owner (uid, gid and their names) and extended attributes from
// fs_path (lstat'ed into st; follow: the path's target, for -h). Attributes
// that cannot be read or stored are reported through warn and left out.
void read_attributes(const std::string& fs_path, const struct stat& st, bool follow, const attribute_policy& policy,
                     archive_nn::entry_header& h, const std::function<void(const std::string&)>& warn);

struct restore_policy {
  bool same_owner = false;     // chown to the stored owner (root's default)
  bool numeric_owner = false;  // ignore the names, use the stored numbers
  bool privileged = false;     // running as root: security.* and trusted.* too
  attribute_policy attributes;
};

// The owner to give an entry: by name when the name exists here (tar's
// default), else the stored number.
uid_t owner_uid(const archive_nn::entry_header& h, bool numeric);
gid_t owner_gid(const archive_nn::entry_header& h, bool numeric);

// Gives the extracted object its stored owner (fd >= 0: through it; else
// leaf in dirfd, never following a symlink). Returns true when the owner
// was restored, which is what allows set-id bits; `problem` says why not
// when it was attempted and failed.
bool restore_owner(int dirfd, const std::string& leaf, int fd, const archive_nn::entry_header& h,
                   const restore_policy& p, std::string& problem);

// Sets the stored extended attributes the policy allows on fd; returns one
// message per attribute that could not be set.
std::vector<std::string> restore_xattrs(int fd, const archive_nn::entry_header& h, const restore_policy& p);

// "user/group" as tar -tv prints it (numbers where a name is unknown or
// numeric is asked for); "-" for an entry without an owner.
std::string owner_text(const archive_nn::entry_header& h, bool numeric);

}  // namespace nntar
