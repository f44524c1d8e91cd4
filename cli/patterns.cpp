#include "patterns.hpp"

#include <fnmatch.h>

#include <cstddef>

namespace nntar {

bool excluded(const std::vector<std::string>& patterns, const std::string& name) {
  if (patterns.empty()) return false;
  // Every run of whole components: starting after any '/', ending before any
  // '/' or at the end (a match on a leading part excludes what is below it).
  std::vector<size_t> starts = {0}, ends;
  for (size_t i = 0; i < name.size(); ++i)
    if (name[i] == '/') {
      ends.push_back(i);
      starts.push_back(i + 1);
    }
  ends.push_back(name.size());
  for (const std::string& p : patterns)
    for (size_t s : starts)
      for (size_t e : ends)
        if (e > s && fnmatch(p.c_str(), name.substr(s, e - s).c_str(), 0) == 0) return true;
  return false;
}

const std::vector<std::string>& vcs_patterns() {
  static const std::vector<std::string> list = {
      "CVS", "RCS", "SCCS", ".git", ".gitignore", ".gitattributes", ".gitmodules", ".cvsignore", ".svn",
      ".arch-ids", "{arch}", "=RELEASE-ID", "=meta-update", "=update", ".bzr", ".bzrignore", ".bzrtags",
      ".hg", ".hgignore", ".hgtags", "_darcs"};
  return list;
}

bool member_matches(const std::string& pattern, const std::string& path, bool wildcards) {
  std::string want = pattern;
  while (want.size() > 1 && want.back() == '/') want.pop_back();
  if (!wildcards)
    return path == want || (path.size() > want.size() && path.compare(0, want.size(), want) == 0 && path[want.size()] == '/');
  // The path itself or one of its leading directories.
  for (size_t end = path.find('/'); ; end = path.find('/', end + 1)) {
    const std::string head = end == std::string::npos ? path : path.substr(0, end);
    if (fnmatch(want.c_str(), head.c_str(), 0) == 0) return true;
    if (end == std::string::npos) return false;
  }
}

}  // namespace nntar
