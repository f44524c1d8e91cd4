#include "display.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "ownership.hpp"

namespace nntar {

std::string mode_string(const archive_nn::entry_header& h) {
  std::string s = "-rwxrwxrwx";
  s[0] = h.type == archive_nn::entry_type::directory ? 'd' : h.type == archive_nn::entry_type::symlink ? 'l'
         : h.type == archive_nn::entry_type::hardlink ? 'h' : '-';
  for (int i = 0; i < 9; ++i)
    if (!(h.mode & (0400 >> i))) s[1 + i] = '-';
  if (h.mode & 04000) s[3] = (h.mode & 0100) ? 's' : 'S';
  if (h.mode & 02000) s[6] = (h.mode & 0010) ? 's' : 'S';
  if (h.mode & 01000) s[9] = (h.mode & 0001) ? 't' : 'T';
  return s;
}

std::string long_line(const archive_nn::entry_header& h, bool numeric_owner, const uint64_t* coded_size) {
  char when[32] = "?";
  const time_t t = static_cast<time_t>(h.mtime_sec);
  struct tm tmv;
  if (gmtime_r(&t, &tmv)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tmv);
  std::string tail = printable_name(h.path);
  if (h.type == archive_nn::entry_type::symlink) tail += " -> " + printable_name(h.link);
  if (h.type == archive_nn::entry_type::hardlink) tail += " link to " + printable_name(h.link);
  char sizes[64];
  if (coded_size)
    std::snprintf(sizes, sizeof sizes, "%12llu %12llu", static_cast<unsigned long long>(h.apparent_size()),
                  static_cast<unsigned long long>(*coded_size));
  else
    std::snprintf(sizes, sizeof sizes, "%12llu", static_cast<unsigned long long>(h.apparent_size()));
  return mode_string(h) + " " + printable_name(owner_text(h, numeric_owner)) + " " + sizes + " " + when + " " + tail;
}

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

void display::info_line(const std::string& line) {
  if (verbosity < 2) return;
  progress_done();
  std::fprintf(info_to_stderr ? stderr : stdout, "%s\n", line.c_str());
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
  // Reading, the total output is unknown until the end: the share of the
  // archive read so far stands for it (input_size, a file's size).
  double fraction = -1;
  if (p.bytes_total > 0) fraction = static_cast<double>(std::min(p.bytes_total, p.bytes_in)) / static_cast<double>(p.bytes_total);
  else if (input_size > 0) fraction = static_cast<double>(std::min(input_size, p.bytes_out)) / static_cast<double>(input_size);
  if (fraction >= 0 && rate > 0) {
    const double pct = 100.0 * fraction;
    const double left = fraction > 0 ? secs * (1 - fraction) / fraction : 0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %5.1f%%  ETA %d:%02d", pct, static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    line += buf;
  }
  line += "   ";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  shown_ = true;
}

std::string summary_line(uint64_t files, uint64_t from, uint64_t to, double seconds, const char* verb) {
  char buf[256];
  const uint64_t larger = std::max(from, to);
  std::snprintf(buf, sizeof buf, "%llu file%s, %s -> %s (%.2f%%) %s, %.1f s, %s/s", static_cast<unsigned long long>(files),
                files == 1 ? "" : "s", human_size(static_cast<double>(from)).c_str(), human_size(static_cast<double>(to)).c_str(),
                from ? 100.0 * static_cast<double>(to) / static_cast<double>(from) : 0.0, verb, seconds,
                human_size(seconds > 0 ? static_cast<double>(larger) / seconds : 0.0).c_str());
  return buf;
}

void display::progress_done() {
  if (shown_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }
}

}  // namespace nntar
