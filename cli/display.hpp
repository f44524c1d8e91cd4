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
  void info(const std::string& text);  // stdout (or stderr), verbosity >= 2
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

}  // namespace nntar
