// Name patterns as GNU tar applies them: --exclude (unanchored globs that may
// match any trailing run of a name's components), --exclude-vcs, and member
// selection on extraction (exact names or, with --wildcards, globs), both
// matching a directory's descendants too.
#pragma once

#include <string>
#include <vector>

namespace nntar {

// Whether `name` (an archive name, components joined by '/') is excluded:
// some pattern matches a run of its whole components (GNU tar's unanchored
// exclusion: "*.o" and "build" anywhere, "sub/*.txt" as a trailing or inner
// part); what is below an excluded directory is excluded with it.
bool excluded(const std::vector<std::string>& patterns, const std::string& name);

// GNU tar's --exclude-vcs list: version-control directories and files.
const std::vector<std::string>& vcs_patterns();

// Whether `path` is the member `pattern` names or lies below it; with
// `wildcards`, the pattern is a glob ('*' and '?' match '/' too, as in GNU
// tar) matched against the path or one of its leading directories.
bool member_matches(const std::string& pattern, const std::string& path, bool wildcards);

}  // namespace nntar
