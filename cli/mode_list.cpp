// -t: names; -tv: a long listing; --json: one JSON document. Reads only the
// index of a seekable archive.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "modes.hpp"
#include "ownership.hpp"

namespace nntar {
namespace {

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs,
// surrogates or code points past U+10FFFF), or 0.
size_t utf8_length(const std::string& s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  const unsigned char d = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d >= 0xA0) || (c == 0xF0 && d < 0x90) || (c == 0xF4 && d >= 0x90)) return 0;
  return n;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string hex(const std::string& s) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// A JSON string's contents: bytes that are not UTF-8 become U+FFFD (the
// listing then adds the name's bytes in hex, so nothing is lost).
std::string json_escape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      continue;
    }
    if (n > 1) {
      out.append(s, i, n);
      i += n - 1;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

const char* type_name(archive_nn::entry_type t) {
  switch (t) {
    case archive_nn::entry_type::file: return "file";
    case archive_nn::entry_type::directory: return "directory";
    case archive_nn::entry_type::symlink: return "symlink";
    case archive_nn::entry_type::hardlink: return "hardlink";
  }
  return "file";
}


const char* transform_name(uint8_t t) {
  static const char* names[] = {"raw", "pnm", "wav_pcm16", "bmp24", "png", "jpeg", "sparse"};  // spec/archive_format.md §11
  return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

}  // namespace

int mode_list(const options& o, display& out) {
  std::FILE* f = o.archive == "-" ? stdin : std::fopen(o.archive.c_str(), "rb");
  if (!f) {
    out.error(o.archive, archive_nn::make_error(archive_nn::errc::io_open_failed, "cannot open"));
    return exit_fatal;
  }
  auto src = archive_nn::make_file_source(f, o.archive);
  archive_nn::read_options ro;
  std::vector<archive_nn::error> problems;
  auto entries = archive_nn::list_archive(*src, ro, &problems);
  if (f != stdin) std::fclose(f);
  if (!entries.ok()) {
    out.error(o.archive, entries.err());
    return exit_fatal;
  }
  for (const archive_nn::error& p : problems) out.error(o.archive, p);
  // Which models the archive needs (a file only: a pipe cannot be read twice),
  // and whether they are at hand (built in, embedded, or --model FILE).
  std::vector<archive_nn::archive_model> models;
  if (o.archive != "-" && (o.json || o.verbosity >= 2)) {
    auto given = select_model(o);
    const archive_nn::model_handle extra = given.ok() ? given.value() : nullptr;
    ro.resolve = [extra](const archive_nn::model_hash& h) -> archive_nn::model_handle {
      return extra && archive_nn::hash_of(extra) == h ? extra : nullptr;
    };
    if (std::FILE* again = std::fopen(o.archive.c_str(), "rb")) {
      auto again_src = archive_nn::make_file_source(again, o.archive);
      auto found = archive_nn::archive_models(*again_src, ro);
      if (found.ok()) models = std::move(found).value();
      std::fclose(again);
    }
  }
  // Named members restrict the listing, as in tar.
  std::vector<archive_nn::index_entry> shown;
  for (auto& e : entries.value())
    if (member_selected(o, o.members, e.header.path)) shown.push_back(std::move(e));
  int code = exit_ok;
  for (const archive_nn::error& p : problems) code = std::max(code, exit_code_for(p));
  for (const std::string& m : o.members) {
    bool found = false;
    for (const auto& e : shown) found = found || member_selected(o, {m}, e.header.path);
    if (!found) {
      out.error(o.archive, archive_nn::make_error(archive_nn::errc::extract_failed, "'" + m + "': not found in archive"));
      code = exit_some_failed;
    }
  }
  if (o.json) {
    std::printf("{\"archive\": \"%s\", \"entries\": [", json_escape(o.archive).c_str());
    bool first = true;
    for (const auto& e : shown) {
      const auto& h = e.header;
      std::printf("%s\n  {\"path\": \"%s\", \"type\": \"%s\", \"mode\": %u, \"mtime\": %lld, \"mtime_nsec\": %u, "
                  "\"size\": %llu, \"coded_size\": %llu, \"chunks\": %llu, \"transform\": \"%s\"",
                  first ? "" : ",", json_escape(h.path).c_str(), type_name(h.type), h.mode,
                  static_cast<long long>(h.mtime_sec), h.mtime_nsec, static_cast<unsigned long long>(h.size),
                  static_cast<unsigned long long>(e.size_coded), static_cast<unsigned long long>(e.chunk_count),
                  transform_name(h.transform));
      if (!valid_utf8(h.path)) std::printf(", \"path_hex\": \"%s\"", hex(h.path).c_str());
      if (!h.link.empty()) std::printf(", \"link\": \"%s\"", json_escape(h.link).c_str());
      if (!h.link.empty() && !valid_utf8(h.link)) std::printf(", \"link_hex\": \"%s\"", hex(h.link).c_str());
      if (e.block_id) std::printf(", \"block\": %llu", static_cast<unsigned long long>(e.block_id));
      // A sparse entry: "size" is the stream (map and data), as for every
      // transform; the file's size with its holes is "apparent_size".
      if (h.transform == archive_nn::transform_sparse) std::printf(", \"apparent_size\": %llu", static_cast<unsigned long long>(h.apparent_size()));
      if (h.has_attributes) {
        std::printf(", \"uid\": %u, \"gid\": %u, \"user\": \"%s\", \"group\": \"%s\", \"xattrs\": [", h.uid, h.gid,
                    json_escape(h.user).c_str(), json_escape(h.group).c_str());
        for (size_t i = 0; i < h.xattrs.size(); ++i)
          std::printf("%s{\"name\": \"%s\", \"size\": %zu}", i ? ", " : "", json_escape(h.xattrs[i].name).c_str(),
                      h.xattrs[i].value.size());
        std::printf("]");
      }
      std::printf("}");
      first = false;
    }
    std::printf("\n], \"models\": [");
    for (size_t i = 0; i < models.size(); ++i) {
      const auto& m = models[i];
      std::printf("%s{\"id\": %u, \"hash\": \"%s\", \"embedded\": %s, \"available\": %s, \"name\": \"%s\"}",
                  i ? ", " : "", m.model_id, hex(std::string(m.hash.begin(), m.hash.end())).c_str(),
                  m.embedded ? "true" : "false", m.available ? "true" : "false", json_escape(m.name).c_str());
    }
    std::printf("]}\n");
    return code;
  }
  // -tv: a header line per model the archive needs, on stderr before the
  // listing (whose lines stay tar's on stdout).
  if (o.verbosity >= 2) {
    for (const auto& m : models)
      std::fprintf(stderr, "nntar: %s: model %s%s%s, %s, %s\n", o.archive.c_str(),
                   hex(std::string(m.hash.begin(), m.hash.end())).c_str(), m.name.empty() ? "" : " ",
                   printable_name(m.name).c_str(), m.embedded ? "embedded" : "referenced",
                   m.available ? "available" : "NOT available (pass --model FILE to extract)");
    std::fflush(stderr);
  }
  for (const auto& e : shown) {
    const auto& h = e.header;
    if (o.verbosity < 2) {
      std::printf("%s\n", printable_name(h.path).c_str());
      continue;
    }
    std::printf("%s\n", long_line(h, o.numeric_owner, &e.size_coded).c_str());
  }
  return code;
}

}  // namespace nntar
