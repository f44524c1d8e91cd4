#include "data_pack.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "common.hpp"

#if ANN_TRAINER_HAVE_LZMA
#include <lzma.h>
#endif

namespace nntar_train {
namespace {

constexpr char magic[8] = {'N', 'N', 'T', 'R', 'P', 'A', 'C', 'K'};
constexpr uint32_t version = 1;
constexpr uint8_t xz_magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};

void put_u8(std::vector<uint8_t>& o, uint8_t v) { o.push_back(v); }
void put_le(std::vector<uint8_t>& o, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) o.push_back(uint8_t(v >> (8 * i)));
}

struct cursor {
  const std::vector<uint8_t>& in;
  const std::string& path;
  size_t pos = 0;
  [[noreturn]] void fail(const std::string& why) const {
    throw usage_error("data pack '" + path + "': " + why);
  }
  void need(uint64_t n) const {
    if (n > in.size() - pos) fail("truncated at byte " + std::to_string(pos));
  }
  uint64_t le(int n) {
    need(uint64_t(n));
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(in[pos + size_t(i)]) << (8 * i);
    pos += size_t(n);
    return v;
  }
  std::string text(size_t n) {
    need(n);
    std::string s(reinterpret_cast<const char*>(in.data() + pos), n);
    pos += n;
    return s;
  }
};

// The whole stream, or (limit) at least its first `limit` bytes.
std::vector<uint8_t> xz_decompress(const std::vector<uint8_t>& in, const std::string& path, size_t limit = SIZE_MAX) {
#if ANN_TRAINER_HAVE_LZMA
  lzma_stream s = LZMA_STREAM_INIT;
  // No memory limit beyond the machine's: the pack is the user's own file.
  if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
    throw usage_error("data pack '" + path + "': cannot start the xz decoder");
  std::vector<uint8_t> out(std::max<size_t>(in.size() * 4, 1 << 20));
  s.next_in = in.data();
  s.avail_in = in.size();
  s.next_out = out.data();
  s.avail_out = out.size();
  for (;;) {
    const lzma_ret r = lzma_code(&s, LZMA_FINISH);
    if (r == LZMA_STREAM_END || s.total_out >= limit) break;
    if (r != LZMA_OK) {
      lzma_end(&s);
      throw usage_error("data pack '" + path + "': damaged xz stream (liblzma error " + std::to_string(int(r)) + ")");
    }
    if (s.avail_out == 0) {
      const size_t used = out.size();
      out.resize(used * 2);
      s.next_out = out.data() + used;
      s.avail_out = out.size() - used;
    }
  }
  out.resize(size_t(s.total_out));
  lzma_end(&s);
  return out;
#else
  (void)in;
  (void)limit;
  throw usage_error("data pack '" + path +
                    "' is xz-compressed and this nntar-train was built without liblzma: unpack it first "
                    "(xz -dk FILE, or python3 -c \"import lzma,sys; open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())\" FILE.xz FILE)");
#endif
}

}  // namespace

bool lzma_available() { return ANN_TRAINER_HAVE_LZMA != 0; }

bool is_data_pack_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char head[8] = {};
  if (!f.read(head, 8)) return false;
  return std::memcmp(head, magic, 8) == 0 || std::memcmp(head, xz_magic, 6) == 0;
}

std::vector<uint8_t> serialize_pack(const data_pack& p) {
  std::vector<uint8_t> o(magic, magic + 8);
  put_le(o, version, 4);
  put_le(o, p.members.size(), 4);
  for (const pack_member& m : p.members) {
    put_u8(o, uint8_t(m.kind));
    put_u8(o, uint8_t(m.name.size()));
    o.insert(o.end(), m.name.begin(), m.name.end());
    uint64_t w;
    std::memcpy(&w, &m.weight, 8);
    put_le(o, w, 8);
    put_le(o, m.source_bytes, 8);
    put_le(o, m.bytes.size(), 8);
    const std::string d = m.description.substr(0, 65535);
    put_le(o, d.size(), 2);
    o.insert(o.end(), d.begin(), d.end());
  }
  for (const pack_member& m : p.members) o.insert(o.end(), m.bytes.begin(), m.bytes.end());
  put_le(o, fnv1a64(o.data(), o.size()), 8);
  return o;
}

namespace {

// The member headers (§2, §3), without the data: the cursor ends where the
// data begins; sizes[i] is member i's byte count.
data_pack parse_headers(cursor& c, std::vector<uint64_t>& sizes) {
  if (c.in.size() < 8 + 4 + 4 || std::memcmp(c.in.data(), magic, 8) != 0) c.fail("not a data pack");
  c.pos = 8;
  const uint64_t v = c.le(4);
  if (v != version) c.fail("version " + std::to_string(v) + " (this nntar-train reads version 1)");
  const uint64_t count = c.le(4);
  if (count == 0 || count > 4096) c.fail("holds " + std::to_string(count) + " datasets");
  data_pack p;
  for (uint64_t i = 0; i < count; ++i) {
    pack_member m;
    const uint64_t kind = c.le(1);
    if (kind > 1) c.fail("dataset " + std::to_string(i) + " has kind " + std::to_string(kind));
    m.kind = pack_kind(kind);
    m.name = c.text(size_t(c.le(1)));
    if (!valid_dataset_name(m.name)) c.fail("dataset " + std::to_string(i) + " has an invalid name");
    const uint64_t w = c.le(8);
    std::memcpy(&m.weight, &w, 8);
    if (!(m.weight > 0) || m.weight > 1e9) c.fail("dataset " + m.name + " has weight out of range");
    m.source_bytes = c.le(8);
    const uint64_t size = c.le(8);
    m.description = c.text(size_t(c.le(2)));
    sizes.push_back(size);
    p.members.push_back(std::move(m));
  }
  return p;
}

}  // namespace

data_pack parse_pack(const std::vector<uint8_t>& bytes, const std::string& path) {
  cursor c{bytes, path};
  if (bytes.size() < 8 + 4 + 4 + 8 || std::memcmp(bytes.data(), magic, 8) != 0) c.fail("not a data pack");
  const uint64_t stored = [&] {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(bytes[bytes.size() - 8 + size_t(i)]) << (8 * i);
    return v;
  }();
  if (fnv1a64(bytes.data(), bytes.size() - 8) != stored) c.fail("checksum mismatch (damaged file)");
  std::vector<uint64_t> sizes;
  data_pack p = parse_headers(c, sizes);
  uint64_t total = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] > bytes.size()) c.fail("dataset " + p.members[i].name + " claims " + std::to_string(sizes[i]) + " bytes");
    total += sizes[i];
  }
  if (total != bytes.size() - 8 - c.pos) c.fail("dataset sizes do not add up to the file's length");
  for (size_t i = 0; i < p.members.size(); ++i) {
    p.members[i].bytes.assign(bytes.begin() + std::ptrdiff_t(c.pos), bytes.begin() + std::ptrdiff_t(c.pos + sizes[i]));
    c.pos += sizes[i];
  }
  return p;
}

data_pack read_pack_directory(const std::string& path) {
  const std::vector<uint8_t> file = read_file(path);
  if (file.size() < 6 || std::memcmp(file.data(), xz_magic, 6) != 0) {
    cursor c{file, path};
    std::vector<uint64_t> sizes;
    return parse_headers(c, sizes);
  }
  // The headers are at the front: unpack only as much as they need (they
  // are at most 4096 x ~66 KiB, usually well under 64 KiB).
  for (size_t limit = size_t(64) << 10;; limit *= 8) {
    const std::vector<uint8_t> prefix = xz_decompress(file, path, limit);
    try {
      cursor c{prefix, path};
      std::vector<uint64_t> sizes;
      return parse_headers(c, sizes);
    } catch (const usage_error&) {
      if (prefix.size() < limit) throw;  // the whole pack, and still no headers
    }
  }
}

data_pack read_pack(const std::string& path) {
  std::vector<uint8_t> bytes = read_file(path);
  if (bytes.size() >= 6 && std::memcmp(bytes.data(), xz_magic, 6) == 0) bytes = xz_decompress(bytes, path);
  return parse_pack(bytes, path);
}

std::vector<uint8_t> xz_compress(const std::vector<uint8_t>& in, uint32_t level) {
#if ANN_TRAINER_HAVE_LZMA
  lzma_stream s = LZMA_STREAM_INIT;
  if (lzma_easy_encoder(&s, level, LZMA_CHECK_CRC64) != LZMA_OK)
    throw usage_error("cannot start the xz encoder at level " + std::to_string(level));
  std::vector<uint8_t> out(lzma_stream_buffer_bound(in.size()));
  s.next_in = in.data();
  s.avail_in = in.size();
  s.next_out = out.data();
  s.avail_out = out.size();
  const lzma_ret r = lzma_code(&s, LZMA_FINISH);
  const uint64_t n = s.total_out;
  lzma_end(&s);
  if (r != LZMA_STREAM_END) throw usage_error("xz compression failed (liblzma error " + std::to_string(int(r)) + ")");
  out.resize(size_t(n));
  return out;
#else
  (void)in;
  (void)level;
  throw usage_error("this nntar-train was built without liblzma: write an uncompressed pack with --no-xz");
#endif
}

std::vector<uint8_t> sample_blocks(const std::vector<uint8_t>& bytes, double fraction, size_t block) {
  if (fraction >= 1.0 || bytes.size() <= 2 * block) return bytes;
  const uint64_t blocks = (bytes.size() + block - 1) / block;
  const uint64_t keep = std::max<uint64_t>(2, uint64_t(double(blocks) * std::max(fraction, 0.0) + 0.5));
  if (keep >= blocks) return bytes;
  std::vector<uint8_t> out;
  out.reserve(size_t(keep * block));
  for (uint64_t i = 0; i < keep; ++i) {
    // Evenly spaced, first and last block included.
    const uint64_t b = i * (blocks - 1) / (keep - 1);
    const size_t begin = size_t(b * block);
    const size_t end = std::min(bytes.size(), begin + block);
    out.insert(out.end(), bytes.begin() + std::ptrdiff_t(begin), bytes.begin() + std::ptrdiff_t(end));
  }
  return out;
}

}  // namespace nntar_train
