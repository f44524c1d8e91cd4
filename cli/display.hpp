// Messages, progress and the one error -> exit code mapping.
#pragma once

#include <chrono>
#include <string>

#include "archive_nn/archive_nn.hpp"

namespace nntar {

enum exit_code { exit_ok = 0, exit_some_failed = 1, exit_fatal = 2 };

class display {
 public:
  int verbosity = 1;
  bool progress_enabled = false;
  bool info_to_stderr = false;  // the archive goes to stdout (-cf -): names must not mix into it

  // "nntar: ARCHIVE: message [name #code]" on stderr.
  void error(const std::string& archive, const archive_nn::error& e);
  void warning(const std::string& text);
  void info(const std::string& text);  // stdout (or stderr), verbosity >= 2; the name escaped
  void info_line(const std::string& line);  // the same, a line already escaped (-vv's long lines)
  uint64_t input_size = 0;  // the archive's size when reading a file: progress percentage and ETA
  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  void progress(const archive_nn::progress_info& p);
  void progress_done();

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
};

// errc -> exit code: entry-level errors are 1, archive-level 2.
int exit_code_for(const archive_nn::error& e);
std::string human_size(double bytes);
// A name as GNU tar prints it (its default "escape" quoting): backslash,
// newline, tab and the other control bytes as \\, \n, \t, \ooo, so that no
// name can forge a line or send escape sequences to the terminal.
std::string printable_name(const std::string& name);
// tar's -tv line: mode, user/group, size, [coded size,] date, name (escaped).
std::string mode_string(const archive_nn::entry_header& h);
std::string long_line(const archive_nn::entry_header& h, bool numeric_owner, const uint64_t* coded_size = nullptr);
// zstd-like final line: "N files, X -> Y (ratio), T s, R/s".
std::string summary_line(uint64_t files, uint64_t from, uint64_t to, double seconds, const char* verb);

}  // namespace nntar
