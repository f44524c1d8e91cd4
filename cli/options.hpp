// nntar's command line: one option table (options.cpp), parsed into this struct.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"

namespace nntar {

enum class mode { none, create, extract, list, test, list_models, model_info, help, version };

struct options {
  mode what = mode::none;
  std::string archive;      // -f; "-" is stdin/stdout
  std::string directory;    // -C (the last, each relative to the one before)
  std::vector<std::string> members;
  std::vector<std::string> member_dirs;  // -c: the -C in effect where each member was named ("" none)
  int verbosity = 1;        // -q 0, default 1, -v 2
  bool json = false;
  bool absolute_names = false;  // -P
  bool progress = false;
  unsigned threads = 1;
  archive_nn::codec_choice codec = archive_nn::codec_choice::automatic;
  std::string model = "default";  // PATH | default | none
  bool embed_model = false;
  int level = 0;
  unsigned nn_windows = 0;
  uint64_t solid_block = uint64_t(16) << 20;  // --solid-block; 0 = --no-solid
  uint64_t solid_chunk = 0;                   // --solid-chunk; 0 = the whole block
  int preset = 9;                             // -1 .. -9, --fast (1), --best (9)
  // tar's selection and extraction options (GNU tar's meanings).
  bool dereference = false;               // -h: archive what symlinks point to
  std::vector<std::string> excludes;      // --exclude (and --exclude-vcs's list)
  bool wildcards = false;                 // --wildcards: members are globs
  unsigned strip_components = 0;          // --strip-components
  bool to_stdout = false;                 // -O: file contents to stdout
  enum class existing { replace, keep, skip } on_existing = existing::replace;  // --overwrite, -k, --skip-old-files
  bool totals = false;                    // --totals
  bool preserve_permissions = false;      // -p: modes as stored, ignoring the umask (root always)
  bool xattrs = true;                     // --xattrs / --no-xattrs: store and restore user.* (root: security.*, trusted.*)
  bool acls = true;                       // --acls / --no-acls: POSIX ACLs
  bool numeric_owner = false;             // --numeric-owner: numbers, not names
  uint64_t memory_limit = uint64_t(1) << 30;  // --memory-limit: decoder memory budget (0: none)
  uint64_t work_limit = uint64_t(60) * 1000000000;  // --work-limit, in work units (~ns; 0: none)
  int same_owner = -1;                    // --same-owner 1 / --no-same-owner 0 / -1: root's default (yes)
  std::vector<std::string> notes;         // warnings from parsing (ignored tar flags)
  std::string help_text;
};

// "16M" -> 16 MiB; false for anything that is not a size.
bool parse_size(const std::string& text, uint64_t& out);
// "90", "90s", "10m", "2h": seconds.
bool parse_duration(const std::string& text, uint64_t& seconds);

// Returns an error (errc::usage) with a message for bad command lines.
archive_nn::result<options> parse_options(int argc, const char* const* argv);

}  // namespace nntar
