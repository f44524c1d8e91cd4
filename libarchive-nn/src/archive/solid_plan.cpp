#include "archive/solid_plan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <tuple>

#include "transform/transform.hpp"

namespace archive_nn {
inline namespace v1 {
namespace {

bool starts_with(const uint8_t* d, size_t n, const char* magic, size_t m) {
  return n >= m && std::memcmp(d, magic, m) == 0;
}

// Formats whose bytes an LZ or context model cannot shrink much.
bool compressed_magic(const uint8_t* d, size_t n) {
  static const std::pair<const char*, size_t> magics[] = {
      {"\x1f\x8b", 2},                        // gzip
      {"BZh", 3},                             // bzip2
      {"\xfd" "7zXZ\x00", 6},                 // xz
      {"\x28\xb5\x2f\xfd", 4},                // zstd
      {"PK\x03\x04", 4},                      // zip, jar, docx, ...
      {"7z\xbc\xaf\x27\x1c", 6},              // 7z
      {"\x89PNG\r\n\x1a\n", 8},               // PNG
      {"\xff\xd8\xff", 3},                    // JPEG
      {"GIF8", 4},                            // GIF
      {"fLaC", 4},                            // FLAC
      {"OggS", 4},                            // Ogg
      {"\x89NNA\r\n\x1a\n", 8},               // nntar
      {"\x04\x22\x4d\x18", 4},                // lz4
      {"Rar!\x1a\x07", 6},                    // rar
      {"ID3", 3},                             // mp3
      {"\x1a\x45\xdf\xa3", 4},                // Matroska/WebM
  };
  for (const auto& m : magics)
    if (starts_with(d, n, m.first, m.second)) return true;
  // RIFF WEBP, ISO media (mp4, heic, avif): "ftyp" at offset 4.
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) return true;
  if (n >= 8 && std::memcmp(d + 4, "ftyp", 4) == 0) return true;
  return false;
}

// Whether a sample's byte histogram is close to uniform, as in compressed or
// encrypted data: Pearson's chi-square against the uniform distribution,
// 256 * sum(c^2) / n - n, is about 255 for random bytes and far larger for
// text, code and most binaries. Integers only, so the grouping (and with it
// the archive) is the same in every build.
bool near_uniform(const uint8_t* d, size_t n) {
  std::array<uint64_t, 256> count{};
  for (size_t i = 0; i < n; ++i) count[d[i]]++;
  uint64_t sum_sq = 0;
  for (uint64_t c : count) sum_sq += c * c;
  const uint64_t nn = static_cast<uint64_t>(n);
  return 256 * sum_sq < nn * nn + nn * (nn / 32 + 1024);
}

std::string extension_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == (slash == std::string::npos ? 0 : slash + 1))
    return "";
  return path.substr(dot + 1);
}

std::string base_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

const char* solid_kind_name(solid_kind k) {
  switch (k) {
    case solid_kind::text: return "text";
    case solid_kind::binary: return "binary";
    case solid_kind::compressed: return "compressed";
  }
  return "binary";
}

solid_kind classify_solid(const uint8_t* data, size_t size) {
  if (compressed_magic(data, size)) return solid_kind::compressed;
  const transform::layout l = transform::analyze(data, size, size);
  if (l.what == transform::modality::text) return solid_kind::text;
  constexpr size_t sample = 64 * 1024;
  if (size >= 4096 && near_uniform(data, std::min(size, sample))) return solid_kind::compressed;
  return solid_kind::binary;
}

std::vector<planned_block> plan_solid_blocks(std::vector<solid_candidate> c, uint64_t block_size) {
  // Sort keys: kind, extension, file name, path, then the caller's number.
  struct keyed {
    std::tuple<uint8_t, std::string, std::string, std::string, size_t> key;
    size_t at;
  };
  std::vector<keyed> order;
  order.reserve(c.size());
  for (size_t i = 0; i < c.size(); ++i)
    order.push_back({{static_cast<uint8_t>(c[i].kind), extension_of(c[i].path), base_of(c[i].path), c[i].path, c[i].file}, i});
  std::sort(order.begin(), order.end(), [](const keyed& a, const keyed& b) { return a.key < b.key; });

  std::vector<planned_block> blocks;
  // (size, hash) -> (block, member) of the first file with that content.
  std::map<std::tuple<uint64_t, uint64_t, uint64_t>, std::pair<size_t, size_t>> seen;
  for (const keyed& k : order) {
    const solid_candidate& f = c[k.at];
    const auto content = std::make_tuple(f.size, f.hash_low, f.hash_high);
    auto it = f.size > 0 ? seen.find(content) : seen.end();
    if (it != seen.end()) {
      blocks[it->second.first].members[it->second.second].duplicates.push_back(f.file);
      continue;
    }
    if (blocks.empty() || blocks.back().kind != f.kind || (blocks.back().bytes > 0 && blocks.back().bytes + f.size > block_size)) {
      planned_block b;
      b.kind = f.kind;
      blocks.push_back(std::move(b));
    }
    planned_block& b = blocks.back();
    b.members.push_back({f.file, {}});
    b.bytes += f.size;
    if (f.size > 0) seen.emplace(content, std::make_pair(blocks.size() - 1, b.members.size() - 1));
  }
  // A block needs at least one byte (Block_Size >= 1): a block of empty files
  // joins the one before it, or is dropped by the caller (written as entries).
  return blocks;
}

}  // namespace v1
}  // namespace archive_nn
