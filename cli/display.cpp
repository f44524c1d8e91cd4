#include "display.hpp"

#include <cstdio>

namespace nntar {

std::string human_size(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string printable_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

int exit_code_for(const archive_nn::error& e) {
  return e.level() == archive_nn::severity::entry ? exit_some_failed : exit_fatal;
}

void display::error(const std::string& archive, const archive_nn::error& e) {
  progress_done();
  std::fprintf(stderr, "nntar: %s%s%s\n", archive.c_str(), archive.empty() ? "" : ": ", e.what().c_str());
}

void display::warning(const std::string& text) {
  progress_done();
  if (verbosity >= 1) std::fprintf(stderr, "nntar: %s\n", text.c_str());
}

void display::info(const std::string& text) {
  if (verbosity < 2) return;
  progress_done();
  std::fprintf(info_to_stderr ? stderr : stdout, "%s\n", printable_name(text).c_str());
}

void display::progress(const archive_nn::progress_info& p) {
  if (!progress_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? p.bytes_in / secs : 0;
  std::string line = "\r" + human_size(static_cast<double>(p.bytes_in)) + " -> " +
                     human_size(static_cast<double>(p.bytes_out)) + "  " + human_size(rate) + "/s";
  if (p.bytes_total > 0 && rate > 0) {
    const double pct = 100.0 * static_cast<double>(p.bytes_in) / static_cast<double>(p.bytes_total);
    const double left = static_cast<double>(p.bytes_total - std::min(p.bytes_total, p.bytes_in)) / rate;
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %5.1f%%  ETA %d:%02d", pct, static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    line += buf;
  }
  line += "   ";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  shown_ = true;
}

void display::progress_done() {
  if (shown_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }
}

}  // namespace nntar
