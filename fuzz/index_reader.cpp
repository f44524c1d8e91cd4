// index_reader: decode_index and decode_index_footer on raw bytes
// (spec/archive_format.md §8-§9). The input is tried as it is (checksums
// almost always wrong: the rejection paths) and resealed, i.e. with the
// record checksum and footer checksum recomputed, so the parser behind the
// checksum is reached too. Whatever decodes must re-encode to the same bytes:
// the index and the footer have one canonical form.
#include "byte_io.hpp"
#include "fuzz_helpers.hpp"

namespace ann = archive_nn;

namespace {

void check_index(const uint8_t* data, size_t size, const ann::reader_limits& lim, uint16_t version) {
  auto ix = ann::decode_index(data, size, lim, version);
  if (!ix.ok()) {
    FUZZ_ASSERT(ix.err().code == ann::errc::index_corrupt || ix.err().code == ann::errc::limit_exceeded);
    return;
  }
  FUZZ_ASSERT(ix->entries.size() <= lim.entry_count_max);
  FUZZ_ASSERT(ix->model_offsets.size() <= 255);
  for (const ann::index_entry& e : ix->entries) {
    FUZZ_ASSERT(!e.header.path.empty() && e.header.path.size() <= lim.path_length_max);
    FUZZ_ASSERT(e.header.link.size() <= lim.path_length_max);
    FUZZ_ASSERT(e.header.mode <= 07777 && e.header.mtime_nsec <= 999999999);
    FUZZ_ASSERT(e.header.type == ann::entry_type::file || e.header.size == 0);
  }
  for (const ann::index_block& b : ix->blocks) {
    FUZZ_ASSERT(version >= 2 && !b.chunks.empty());
    for (const auto& c : b.chunks) FUZZ_ASSERT(c.offset > 0 && c.offset < b.size_coded && c.size_original > 0);
  }
  const std::vector<uint8_t> again = ann::encode_index(ix.value(), version);
  FUZZ_ASSERT_MSG(again.size() == size && std::equal(again.begin(), again.end(), data),
                  "a decoded index does not re-encode to its bytes");
}

// Type | Body_Size | body | Body_Checksum around arbitrary body bytes.
std::vector<uint8_t> seal_index(const uint8_t* body, size_t size) {
  ann::byte_writer w;
  w.u8(static_cast<uint8_t>(ann::record_type::index));
  w.varint(size + 4);
  w.bytes(body, size);
  w.u32(ann::header_checksum(w.buffer().data(), w.size()));
  return std::move(w.buffer());
}

void check_footer(const uint8_t* data, size_t size, uint64_t archive_size) {
  auto f = ann::decode_index_footer(data, size, archive_size);
  if (!f.ok()) {
    FUZZ_ASSERT(f.err().code == ann::errc::footer_corrupt);
    return;
  }
  FUZZ_ASSERT(f->index_offset >= ann::archive_header_size && f->index_size > 0);
  FUZZ_ASSERT(f->index_offset + f->index_size + ann::index_footer_size == archive_size);
  const std::vector<uint8_t> again = ann::encode_index_footer(f->index_offset, f->index_size, f->index_checksum);
  FUZZ_ASSERT(again.size() == size && std::equal(again.begin(), again.end(), data));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ann::reader_limits lim;
  ann::reader_limits small;
  small.entry_count_max = 3;
  small.path_length_max = 8;

  // 1. The input as an index record, then as an index body.
  //    Both layouts: version 1 (entries) and version 2 (entries and blocks).
  const std::vector<uint8_t> sealed = seal_index(data, size);
  for (uint16_t version : {uint16_t(1), uint16_t(2)}) {
    check_index(data, size, lim, version);
    check_index(sealed.data(), sealed.size(), lim, version);
    check_index(sealed.data(), sealed.size(), small, version);
  }

  // 2. The last 32 bytes as a footer of an archive of the input's size (so
  //    a whole archive is a good seed), as they are and resealed.
  if (size >= ann::index_footer_size) {
    const uint8_t* tail = data + size - ann::index_footer_size;
    check_footer(tail, ann::index_footer_size, size);
    uint8_t fixed[ann::index_footer_size];
    std::memcpy(fixed, tail, sizeof fixed);
    const uint32_t c = ann::header_checksum(fixed, 24);
    for (int i = 0; i < 4; ++i) fixed[24 + i] = static_cast<uint8_t>(c >> (8 * i));
    std::memcpy(fixed + 28, ann::footer_magic.data(), 4);
    check_footer(fixed, sizeof fixed, size);
    // Where the footer points inside the input, decode that as the index.
    auto f = ann::decode_index_footer(fixed, sizeof fixed, size);
    if (f.ok()) {
      // The version an archive header at the start of the input would give.
      uint16_t version = ann::format_version;
      (void)ann::decode_archive_header(data, size, &version);
      check_index(data + f->index_offset, static_cast<size_t>(f->index_size), lim, version);
    }
  }
  // A footer of any length is refused, never read out of bounds.
  check_footer(data, size < ann::index_footer_size ? size : ann::index_footer_size - 1, size);

  // 3. The archive header and path_is_safe on the same bytes.
  (void)ann::decode_archive_header(data, size);
  const std::string path(reinterpret_cast<const char*>(data), size < 256 ? size : 256);
  if (ann::path_is_safe(path)) {
    FUZZ_ASSERT(path[0] != '/' && path.find('\0') == std::string::npos);
    FUZZ_ASSERT(path != ".." && path.compare(0, 3, "../") != 0 && path.find("/../") == std::string::npos);
  }
  return 0;
}
