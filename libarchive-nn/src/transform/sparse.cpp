#include "transform/sparse.hpp"

#include "byte_io.hpp"

namespace archive_nn {
inline namespace v1 {
namespace transform {

namespace {
constexpr uint8_t sparse_map_version = 1;
}

uint64_t sparse_map::data_size() const {
  uint64_t n = 0;
  for (const data_extent& e : extents) n += e.length;
  return n;
}

std::string check_sparse_map(const sparse_map& m) {
  uint64_t end = 0;
  for (size_t i = 0; i < m.extents.size(); ++i) {
    const data_extent& e = m.extents[i];
    if (e.length == 0) return "extent " + std::to_string(i) + " is empty";
    if (i > 0 && e.offset <= end) return "extent " + std::to_string(i) + " does not follow a hole";
    if (e.offset < end || e.offset > m.file_size || e.length > m.file_size - e.offset)
      return "extent " + std::to_string(i) + " lies outside the file";
    end = e.offset + e.length;
  }
  return "";
}

// Sparse_Version, File_Size, Extent_Count, then per extent Hole_Before (the
// hole since the previous extent's end, 0 only for the first) and
// Data_Length: deltas keep the varints short.
std::vector<uint8_t> encode_sparse_map(const sparse_map& m) {
  byte_writer w;
  w.u8(sparse_map_version);
  w.varint(m.file_size);
  w.varint(m.extents.size());
  uint64_t end = 0;
  for (const data_extent& e : m.extents) {
    w.varint(e.offset - end);
    w.varint(e.length);
    end = e.offset + e.length;
  }
  return std::move(w.buffer());
}

std::string decode_sparse_map(const uint8_t* data, size_t size, uint64_t payload_size, sparse_map& out) {
  byte_reader r(data, size);
  out = sparse_map{};
  if (r.u8() != sparse_map_version || r.failed()) return "unknown sparse map version";
  out.file_size = r.varint();
  const uint64_t count = r.varint();
  if (r.failed()) return "sparse map: bad size fields";
  // Each extent takes at least two bytes: a count beyond that is a lie.
  if (count > r.remaining() / 2) return "sparse map: more extents than its bytes hold";
  out.extents.reserve(static_cast<size_t>(count));
  uint64_t end = 0, data_total = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t hole = r.varint();
    const uint64_t length = r.varint();
    if (r.failed()) return "sparse map: cut short";
    if (i > 0 && hole == 0) return "sparse map: extent " + std::to_string(i) + " does not follow a hole";
    if (length == 0) return "sparse map: extent " + std::to_string(i) + " is empty";
    if (hole > out.file_size - end || length > out.file_size - end - hole)
      return "sparse map: extent " + std::to_string(i) + " lies outside the file";
    out.extents.push_back({end + hole, length});
    end += hole + length;
    data_total += length;
  }
  if (r.remaining() != 0) return "sparse map: trailing bytes";
  if (payload_size != any_payload && data_total != payload_size) return "sparse map: its extents hold " + std::to_string(data_total) +
                                    " bytes, the entry " + std::to_string(payload_size);
  return "";
}

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
