// Encoding and decoding of single records (spec/archive_format.md §2-§9).
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "archive_nn/format.hpp"
#include "byte_io.hpp"
#include "limits.hpp"
#include "records.hpp"

namespace archive_nn {
inline namespace v1 {

uint64_t xxh64(const void* data, size_t size, uint64_t seed) { return XXH64(data, size, seed); }
uint32_t header_checksum(const void* data, size_t size) { return static_cast<uint32_t>(XXH64(data, size, 0)); }

namespace {

// Wraps a body as Record_Type | Body_Size | Body | Body_Checksum (§3).
std::vector<uint8_t> seal(record_type type, const byte_writer& body) {
  byte_writer w;
  w.u8(static_cast<uint8_t>(type));
  w.varint(body.size() + 4);
  w.bytes(body.buffer().data(), body.size());
  w.u32(header_checksum(w.buffer().data(), w.size()));
  return std::move(w.buffer());
}

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// §5.1 Attributes (version 3): owner, names, extended attributes. The
// Member_Table holds the same fields in columns, through the same helpers.
void put_text(byte_writer& w, const std::string& s) {
  w.varint(s.size());
  w.bytes(s);
}

void put_xattrs(byte_writer& w, const std::vector<xattr>& xattrs) {
  w.varint(xattrs.size());
  for (const xattr& x : xattrs) {
    put_text(w, x.name);
    put_text(w, x.value);
  }
}

void put_attributes(byte_writer& w, const entry_header& e) {
  w.varint(e.uid);
  w.varint(e.gid);
  put_text(w, e.user);
  put_text(w, e.group);
  put_xattrs(w, e.xattrs);
}

constexpr uint64_t owner_id_max = 0xFFFFFFFFu;
constexpr uint64_t owner_name_max = 255;
constexpr uint64_t xattr_name_max = 255;
constexpr uint64_t xattr_value_max = 65536;

// Each reader returns "" or why the field breaks §5.1's rules (the caller
// names the record and the error code).
std::string read_owner_id(byte_reader& r, uint32_t& out) {
  const uint64_t v = r.varint();
  if (r.failed()) return "truncated attributes";
  if (v > owner_id_max) return "uid or gid above 2^32 - 1";
  out = static_cast<uint32_t>(v);
  return {};
}

std::string read_owner_name(byte_reader& r, std::string& out) {
  const uint64_t n = r.varint();
  if (r.failed()) return "truncated attributes";
  if (n > owner_name_max) return "owner name longer than 255 bytes";
  out = r.string(static_cast<size_t>(n));
  if (r.failed()) return "truncated attributes";
  if (out.find('\0') != std::string::npos) return "NUL byte in an owner name";
  return {};
}

std::string read_xattrs(byte_reader& r, std::vector<xattr>& out) {
  const uint64_t count = r.varint();
  if (r.failed()) return "truncated attributes";
  // Each attribute takes at least 3 bytes: checked before allocating.
  if (count > r.remaining() / 3) return "more extended attributes than the record holds";
  out.clear();
  out.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    xattr x;
    const uint64_t name_len = r.varint();
    if (r.failed()) return "truncated attributes";
    if (name_len == 0 || name_len > xattr_name_max) return "extended attribute name of 0 or more than 255 bytes";
    x.name = r.string(static_cast<size_t>(name_len));
    const uint64_t value_len = r.varint();
    if (r.failed()) return "truncated attributes";
    if (value_len > xattr_value_max) return "extended attribute value larger than 65536 bytes";
    x.value = r.string(static_cast<size_t>(value_len));
    if (r.failed()) return "truncated attributes";
    if (x.name.find('\0') != std::string::npos) return "NUL byte in an extended attribute name";
    if (!out.empty() && !(out.back().name < x.name)) return "extended attribute names not in strictly increasing order";
    out.push_back(std::move(x));
  }
  return {};
}

// Reads one §5.1 Attributes structure into e.
std::string read_attributes(byte_reader& r, entry_header& e) {
  const size_t start = r.position();
  for (const std::string& why : {read_owner_id(r, e.uid), read_owner_id(r, e.gid), read_owner_name(r, e.user),
                                 read_owner_name(r, e.group), read_xattrs(r, e.xattrs)})
    if (!why.empty()) return why;
  if (r.position() - start > attributes_size_max) return "attributes larger than 57344 bytes";
  e.has_attributes = true;
  return {};
}

void put_entry_body(byte_writer& w, const entry_header& e, uint16_t version) {
  const bool attributes = e.has_attributes && version >= 3;
  w.u8(static_cast<uint8_t>(e.type));
  w.u8(attributes ? 1 : 0);  // Entry_Flags: bit 0 Has_Attributes
  w.u8(e.transform);
  w.varint(e.mode);
  w.varint(zigzag(e.mtime_sec));
  w.varint(e.mtime_nsec);
  w.varint(e.size);
  w.varint(e.path.size());
  w.bytes(e.path);
  w.varint(e.link.size());
  w.bytes(e.link);
  if (e.transform != 0) {
    w.varint(e.transform_header_size);
    w.varint(e.transform_payload_size);
  }
  if (attributes) put_attributes(w, e);
}

}  // namespace

size_t encoded_attributes_size(const entry_header& e) {
  if (!e.has_attributes) return 0;
  byte_writer w;
  put_attributes(w, e);
  return w.size();
}

bool path_is_safe(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  if (path.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::vector<uint8_t> encode_archive_header(uint16_t version) {
  byte_writer w;
  w.bytes(archive_magic.data(), archive_magic.size());
  w.u16(version);
  w.u16(0);  // Header_Flags: all reserved
  w.u32(header_checksum(w.buffer().data(), w.size()));
  return std::move(w.buffer());
}

status decode_archive_header(const uint8_t* data, size_t size, uint16_t* version_out) {
  // Compare what there is first: a short non-archive is "bad magic", a short
  // prefix of an archive "truncated".
  const size_t have = size < archive_magic.size() ? size : archive_magic.size();
  ANN_RETURN_ERROR_IF(have > 0 && std::memcmp(data, archive_magic.data(), have) != 0, magic_wrong,
                      "not an nntar archive (bad magic)");
  ANN_RETURN_ERROR_IF(size < archive_header_size, truncated, "archive header: truncated");
  byte_reader r(data + 8, size - 8);
  const uint16_t version = r.u16();
  const uint16_t flags = r.u16();
  const uint32_t checksum = r.u32();
  // The version first: a future layout may checksum differently.
  ANN_RETURN_ERROR_IF(version < format_version_min || version > format_version, version_unsupported,
                      "archive format version " + std::to_string(version) +
                          " is not supported (this nntar reads versions 1 to 3)");
  ANN_RETURN_ERROR_IF(checksum != header_checksum(data, 12), header_corrupt, "archive header: checksum mismatch");
  ANN_RETURN_ERROR_IF(flags != 0, reserved_bits_set, "archive header: reserved flag bits set");
  if (version_out) *version_out = version;
  return ok_status();
}

std::vector<uint8_t> encode_model_record(const model_record& m) {
  byte_writer w;
  w.u8(m.model_id);
  w.u8(static_cast<uint8_t>(m.storage));
  w.bytes(m.hash.data(), m.hash.size());
  if (m.storage != model_storage::referenced) {
    w.varint(m.model_size);
    w.varint(m.payload.size());
  }
  return seal(record_type::model, w);
}

std::vector<uint8_t> encode_entry_header(const entry_header& e, uint16_t version) {
  byte_writer w;
  put_entry_body(w, e, version);
  return seal(record_type::entry_header, w);
}

std::vector<uint8_t> encode_chunk_header(const chunk_header& c) {
  byte_writer w;
  w.u8(c.codec_id);
  w.u8(c.model_id);
  w.u8(0);  // Chunk_Flags
  w.varint(c.size_original);
  w.varint(c.size_coded);
  w.varint(c.codec_param);
  w.u64(c.content_checksum);
  return seal(record_type::chunk, w);
}

std::vector<uint8_t> encode_entry_end(uint64_t entry_checksum) {
  byte_writer w;
  w.u64(entry_checksum);
  return seal(record_type::entry_end, w);
}

std::vector<uint8_t> encode_block_header(const block_header& b) {
  byte_writer w;
  w.varint(b.block_id);
  w.u8(0);  // Block_Flags
  w.u8(b.transform);
  w.varint(b.size);
  w.varint(b.member_count);
  w.u8(b.table_codec);
  w.varint(b.table_size);
  w.varint(b.table_size_coded);
  w.u64(b.table_checksum);
  return seal(record_type::block_header, w);
}

// §6.5: the Member_Table is stored column by column (all modes, then all
// times, ...): similar values sit together, which the table's codec exploits
// (on a header tree 28% smaller than row by row).
std::vector<uint8_t> encode_member_table(const std::vector<block_member>& members, uint16_t version) {
  byte_writer w;
  for (const block_member& m : members) w.varint(m.header.mode);
  for (const block_member& m : members) w.varint(zigzag(m.header.mtime_sec));
  for (const block_member& m : members) w.varint(m.header.mtime_nsec);
  for (const block_member& m : members) w.varint(m.header.size);
  for (const block_member& m : members) w.varint(m.duplicate_of < 0 ? 0 : static_cast<uint64_t>(m.duplicate_of) + 1);
  for (const block_member& m : members) {
    w.varint(m.header.path.size());
    w.bytes(m.header.path);
  }
  if (!members.empty() && members[0].header.transform != 0) {
    for (const block_member& m : members) w.varint(m.header.transform_header_size);
    for (const block_member& m : members) w.varint(m.header.transform_payload_size);
  }
  for (const block_member& m : members) w.u64(m.checksum);
  if (version >= 3) {
    // §6.5 version 3: Member_Flags, then the attributes of the members that
    // have them, column by column too (owners repeat from member to member).
    for (const block_member& m : members) w.u8(m.header.has_attributes ? 1 : 0);
    for (const block_member& m : members)
      if (m.header.has_attributes) w.varint(m.header.uid);
    for (const block_member& m : members)
      if (m.header.has_attributes) w.varint(m.header.gid);
    for (const block_member& m : members)
      if (m.header.has_attributes) put_text(w, m.header.user);
    for (const block_member& m : members)
      if (m.header.has_attributes) put_text(w, m.header.group);
    for (const block_member& m : members)
      if (m.header.has_attributes) put_xattrs(w, m.header.xattrs);
  }
  return std::move(w.buffer());
}

result<std::vector<block_member>> decode_member_table(const uint8_t* data, size_t size, const block_header& b,
                                                      const reader_limits& lim, uint16_t version) {
  const std::string where = "block " + std::to_string(b.block_id) + ": member table: ";
  ANN_RETURN_ERROR_IF(b.member_count > size / limits::member_row_min, block_corrupt,
                      where + "more members than the table can hold");
  const size_t n = static_cast<size_t>(b.member_count);
  std::vector<block_member> out(n);
  byte_reader r(data, size);
  auto bad = [&](size_t i, const std::string& what) {
    return make_error(errc::block_corrupt, where + "member " + std::to_string(i) +
                                               (out[i].header.path.empty() ? "" : " '" + out[i].header.path + "'") +
                                               ": " + what);
  };
  for (size_t i = 0; i < n; ++i) {
    const uint64_t mode = r.varint();
    if (mode > limits::mode_max) return bad(i, "mode has bits above 07777");
    out[i].header.mode = static_cast<uint32_t>(mode);
    out[i].header.type = entry_type::file;
    out[i].header.transform = b.transform;
  }
  for (size_t i = 0; i < n; ++i) out[i].header.mtime_sec = unzigzag(r.varint());
  for (size_t i = 0; i < n; ++i) {
    const uint64_t nsec = r.varint();
    if (nsec > limits::nsec_max) return bad(i, "nanoseconds >= 10^9");
    out[i].header.mtime_nsec = static_cast<uint32_t>(nsec);
  }
  for (size_t i = 0; i < n; ++i) out[i].header.size = r.varint();
  std::vector<uint64_t> dup(n);
  for (size_t i = 0; i < n; ++i) dup[i] = r.varint();
  ANN_RETURN_ERROR_IF(r.failed(), block_corrupt, where + "truncated");
  for (size_t i = 0; i < n; ++i) {
    const uint64_t len = r.varint();
    if (r.failed()) return make_error(errc::block_corrupt, where + "truncated");
    if (len > lim.path_length_max) return bad(i, "path longer than the limit");
    out[i].header.path = r.string(static_cast<size_t>(len));
    if (r.failed()) return make_error(errc::block_corrupt, where + "truncated");
    if (out[i].header.path.empty()) return bad(i, "empty path");
    if (out[i].header.path.find('\0') != std::string::npos) return bad(i, "NUL byte in the path");
  }
  if (b.transform != 0) {
    for (size_t i = 0; i < n; ++i) out[i].header.transform_header_size = r.varint();
    for (size_t i = 0; i < n; ++i) out[i].header.transform_payload_size = r.varint();
  }
  for (size_t i = 0; i < n; ++i) out[i].checksum = r.u64();
  ANN_RETURN_ERROR_IF(r.failed(), block_corrupt, where + "truncated");
  if (version >= 3) {
    for (size_t i = 0; i < n; ++i) {
      const uint8_t flags = r.u8();
      if (r.failed()) return make_error(errc::block_corrupt, where + "truncated");
      if (flags > 1) return bad(i, "reserved member flag bits set");
      out[i].header.has_attributes = flags == 1;
    }
    // The columns hold the same fields as §5.1, one member after the other
    // within each column; read_attributes wants them together, so each
    // column is read here and checked with the same rules.
    std::vector<size_t> with;
    for (size_t i = 0; i < n; ++i)
      if (out[i].header.has_attributes) with.push_back(i);
    // Column by column, each field with §5.1's reader and rules.
    using field_reader = std::function<std::string(byte_reader&, entry_header&)>;
    const field_reader columns[] = {
        [](byte_reader& rd, entry_header& h) { return read_owner_id(rd, h.uid); },
        [](byte_reader& rd, entry_header& h) { return read_owner_id(rd, h.gid); },
        [](byte_reader& rd, entry_header& h) { return read_owner_name(rd, h.user); },
        [](byte_reader& rd, entry_header& h) { return read_owner_name(rd, h.group); },
        [](byte_reader& rd, entry_header& h) { return read_xattrs(rd, h.xattrs); },
    };
    for (const field_reader& column : columns)
      for (size_t i : with)
        if (const std::string why = column(r, out[i].header); !why.empty()) return bad(i, why);
    // The same bound as a loose entry's, so that any member could be one.
    for (size_t i : with)
      if (encoded_attributes_size(out[i].header) > attributes_size_max) return bad(i, "attributes larger than 57344 bytes");
    ANN_RETURN_ERROR_IF(r.failed(), block_corrupt, where + "truncated");
  }
  ANN_RETURN_ERROR_IF(r.remaining() != 0, block_corrupt, where + "trailing bytes");
  // Extents: each member that is not a duplicate starts where the previous
  // one ended; a duplicate names the earlier member whose bytes it shares.
  uint64_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    block_member& m = out[i];
    const entry_header& h = m.header;
    if (h.transform != 0 && (h.transform_header_size > h.size || h.transform_payload_size > h.size - h.transform_header_size))
      return bad(i, "transform sizes exceed the member's size");
    if (dup[i] == 0) {
      if (h.size > b.size - next) return bad(i, "extends past the end of the block");
      m.offset = next;
      next += h.size;
      continue;
    }
    if (dup[i] > i) return bad(i, "duplicate of a later member");
    const size_t orig = static_cast<size_t>(dup[i] - 1);
    if (out[orig].duplicate_of >= 0) return bad(i, "duplicate of a duplicate");
    if (out[orig].header.size != h.size || h.size == 0) return bad(i, "overlaps another member's extent");
    if (out[orig].checksum != m.checksum) return bad(i, "shares an extent but not the checksum of '" + out[orig].header.path + "'");
    m.offset = out[orig].offset;
    m.duplicate_of = static_cast<int64_t>(orig);
  }
  ANN_RETURN_ERROR_IF(next != b.size, block_corrupt,
                      where + "the members cover " + std::to_string(next) + " of the block's " + std::to_string(b.size) +
                          " bytes");
  return out;
}

std::vector<uint8_t> encode_index(const archive_index& index, uint16_t version) {
  byte_writer w;
  w.varint(index.model_offsets.size());
  for (uint64_t off : index.model_offsets) w.varint(off);
  w.varint(index.entries.size() + (version >= 2 ? index.blocks.size() : 0));
  size_t b = 0;
  auto put_block = [&](const index_block& blk) {
    w.u8(1);  // Item_Type: block
    w.varint(blk.block_offset);
    w.varint(blk.size_coded);
    w.varint(blk.block_id);
    w.varint(blk.member_count);
    w.varint(blk.chunks.size());
    for (const index_block::chunk_ref& c : blk.chunks) {
      w.varint(c.offset);
      w.varint(c.size_original);
    }
  };
  for (const index_entry& e : index.entries) {
    if (version >= 2) {
      // Items in archive order: blocks and entries interleave by offset.
      while (b < index.blocks.size() && index.blocks[b].block_offset < e.entry_offset) put_block(index.blocks[b++]);
      w.u8(0);  // Item_Type: entry
    }
    w.varint(e.entry_offset);
    w.varint(e.size_coded);
    w.varint(e.chunk_count);
    byte_writer body;
    put_entry_body(body, e.header, version);
    w.varint(body.size());
    w.bytes(body.buffer().data(), body.size());
  }
  if (version >= 2)
    while (b < index.blocks.size()) put_block(index.blocks[b++]);
  return seal(record_type::index, w);
}

std::vector<uint8_t> encode_index_footer(uint64_t index_offset, uint64_t index_size, uint64_t index_checksum) {
  byte_writer w;
  w.u64(index_offset);
  w.u64(index_size);
  w.u64(index_checksum);
  w.u32(header_checksum(w.buffer().data(), w.size()));
  w.bytes(footer_magic.data(), footer_magic.size());
  return std::move(w.buffer());
}

result<index_footer> decode_index_footer(const uint8_t* data, size_t size, uint64_t archive_size) {
  ANN_RETURN_ERROR_IF(size != index_footer_size, footer_corrupt, "index footer: truncated");
  ANN_RETURN_ERROR_IF(std::memcmp(data + 28, footer_magic.data(), 4) != 0, footer_corrupt,
                      "index footer: bad magic (archive truncated or not finished)");
  byte_reader r(data, size);
  index_footer f;
  f.index_offset = r.u64();
  f.index_size = r.u64();
  f.index_checksum = r.u64();
  const uint32_t checksum = r.u32();
  ANN_RETURN_ERROR_IF(checksum != header_checksum(data, 24), footer_corrupt, "index footer: checksum mismatch");
  ANN_RETURN_ERROR_IF(f.index_offset < archive_header_size || f.index_size == 0 ||
                          f.index_offset > archive_size || f.index_size > archive_size - f.index_offset ||
                          f.index_offset + f.index_size + index_footer_size != archive_size,
                      footer_corrupt, "index footer: index position outside the archive");
  return f;
}

// §5: parses an Entry_Header body (without type, size and checksum).
status parse_entry_body(const uint8_t* data, size_t size, const reader_limits& lim, entry_header& e, uint16_t version) {
  byte_reader r(data, size);
  const uint8_t type = r.u8();
  const uint8_t flags = r.u8();
  e.transform = r.u8();
  const uint64_t mode = r.varint();
  e.mtime_sec = unzigzag(r.varint());
  const uint64_t nsec = r.varint();
  e.size = r.varint();
  const uint64_t path_len = r.varint();
  ANN_RETURN_ERROR_IF(r.failed(), entry_corrupt, "entry header: truncated");
  ANN_RETURN_ERROR_IF(path_len > lim.path_length_max, limit_exceeded, "entry header: path longer than the limit");
  e.path = r.string(path_len);
  const uint64_t link_len = r.varint();
  ANN_RETURN_ERROR_IF(r.failed(), entry_corrupt, "entry header: truncated");
  ANN_RETURN_ERROR_IF(link_len > lim.path_length_max, limit_exceeded, "entry header: link target longer than the limit");
  e.link = r.string(link_len);
  if (e.transform != 0) {
    e.transform_header_size = r.varint();
    e.transform_payload_size = r.varint();
  } else {
    e.transform_header_size = e.transform_payload_size = 0;
  }
  ANN_RETURN_ERROR_IF(r.failed(), entry_corrupt, "entry header: truncated");
  e.has_attributes = false;
  e.uid = e.gid = 0;
  e.user.clear();
  e.group.clear();
  e.xattrs.clear();
  const bool has_attributes = version >= 3 && (flags & 1) != 0;
  if (has_attributes) {
    const std::string why = read_attributes(r, e);
    ANN_RETURN_ERROR_IF(!why.empty(), entry_corrupt, "entry header: " + why);
  }
  ANN_RETURN_ERROR_IF(r.remaining() != 0, entry_corrupt, "entry header: trailing bytes");
  ANN_RETURN_ERROR_IF(type > static_cast<uint8_t>(entry_type::hardlink), field_invalid, "entry header: unknown entry type");
  e.type = static_cast<entry_type>(type);
  ANN_RETURN_ERROR_IF(flags & (version >= 3 ? 0xFE : 0xFF), reserved_bits_set, "entry header: reserved flag bits set");
  ANN_RETURN_ERROR_IF(mode > limits::mode_max, field_invalid, "entry header: mode has bits above 07777");
  e.mode = static_cast<uint32_t>(mode);
  ANN_RETURN_ERROR_IF(nsec > limits::nsec_max, field_invalid, "entry header: nanoseconds >= 10^9");
  e.mtime_nsec = static_cast<uint32_t>(nsec);
  ANN_RETURN_ERROR_IF(e.path.empty(), field_invalid, "entry header: empty path");
  ANN_RETURN_ERROR_IF(e.path.find('\0') != std::string::npos || e.link.find('\0') != std::string::npos,
                      field_invalid, "entry header: NUL byte in a path");
  ANN_RETURN_ERROR_IF(e.type != entry_type::file && e.size != 0, field_invalid, "entry header: size on a non-file entry");
  ANN_RETURN_ERROR_IF((e.type == entry_type::symlink || e.type == entry_type::hardlink) == e.link.empty(),
                      field_invalid, "entry header: link target present/missing for this type");
  ANN_RETURN_ERROR_IF(e.type != entry_type::file && e.transform != 0, field_invalid, "entry header: transform on a non-file entry");
  ANN_RETURN_ERROR_IF(e.transform > (version >= 3 ? transform_sparse : 5), field_invalid, "entry header: unknown transform");
  // Sparse (§11.6): the map (at least its three fixed bytes, within its
  // limit) and the data, no trailer; Transform_Payload_Size is the file's
  // size, which holds at least the data.
  ANN_RETURN_ERROR_IF(e.transform == transform_sparse && (e.transform_header_size < 3 || e.transform_header_size > sparse_map_max ||
                                           e.transform_header_size > e.size ||
                                           e.transform_payload_size < e.size - e.transform_header_size),
                      field_invalid, "entry header: a sparse entry's map, data and file size disagree");
  ANN_RETURN_ERROR_IF(e.transform != 0 && e.transform != transform_sparse && (e.transform_header_size > e.size ||
                                           e.transform_payload_size > e.size - e.transform_header_size),
                      field_invalid, "entry header: transform sizes exceed the entry size");
  return ok_status();
}

// §6: parses a chunk header body.
status parse_chunk_body(const uint8_t* data, size_t size, const reader_limits& lim, chunk_header& c) {
  byte_reader r(data, size);
  c.codec_id = r.u8();
  c.model_id = r.u8();
  const uint8_t flags = r.u8();
  c.size_original = r.varint();
  c.size_coded = r.varint();
  c.codec_param = r.varint();
  c.content_checksum = r.u64();
  ANN_RETURN_ERROR_IF(r.failed() || r.remaining() != 0, chunk_corrupt, "chunk header: wrong size");
  ANN_RETURN_ERROR_IF(flags != 0, reserved_bits_set, "chunk header: reserved flag bits set");
  ANN_RETURN_ERROR_IF(c.size_original == 0, field_invalid, "chunk header: empty chunk");
  ANN_RETURN_ERROR_IF(c.size_original > lim.chunk_size_max, limit_exceeded, "chunk header: chunk larger than the limit");
  ANN_RETURN_ERROR_IF(c.size_coded > c.size_original, field_invalid,
                      "chunk header: coded size larger than original (must have been stored)");
  return ok_status();
}

// §6.4: parses a Block_Header body (the coded Member_Table follows the record).
status parse_block_body(const uint8_t* data, size_t size, const reader_limits& lim, block_header& b) {
  byte_reader r(data, size);
  b.block_id = r.varint();
  const uint8_t flags = r.u8();
  b.transform = r.u8();
  b.size = r.varint();
  b.member_count = r.varint();
  b.table_codec = r.u8();
  b.table_size = r.varint();
  b.table_size_coded = r.varint();
  b.table_checksum = r.u64();
  ANN_RETURN_ERROR_IF(r.failed() || r.remaining() != 0, block_corrupt, "block header: wrong size");
  ANN_RETURN_ERROR_IF(flags != 0, reserved_bits_set, "block header: reserved flag bits set");
  ANN_RETURN_ERROR_IF(b.block_id == 0, field_invalid, "block header: block id 0");
  ANN_RETURN_ERROR_IF(b.transform > 3, field_invalid, "block header: unknown transform");
  ANN_RETURN_ERROR_IF(b.size == 0, field_invalid, "block header: empty block");
  ANN_RETURN_ERROR_IF(b.size > lim.block_size_max, limit_exceeded, "block header: block larger than the limit");
  ANN_RETURN_ERROR_IF(b.member_count == 0, field_invalid, "block header: no members");
  ANN_RETURN_ERROR_IF(b.member_count > lim.entry_count_max, limit_exceeded, "block header: more members than the limit");
  ANN_RETURN_ERROR_IF(b.table_codec > 2, field_invalid, "block header: unknown member table codec");
  ANN_RETURN_ERROR_IF(b.table_size == 0, field_invalid, "block header: empty member table");
  ANN_RETURN_ERROR_IF(b.table_size > lim.member_table_max, limit_exceeded, "block header: member table larger than the limit");
  ANN_RETURN_ERROR_IF(b.table_size_coded > b.table_size || (b.table_codec == 0 && b.table_size_coded != b.table_size),
                      field_invalid, "block header: coded member table larger than the table");
  ANN_RETURN_ERROR_IF(b.member_count > b.table_size / limits::member_row_min, field_invalid,
                      "block header: more members than the member table can hold");
  return ok_status();
}

// §4: parses a model record body (the embedded payload follows the record).
status parse_model_body(const uint8_t* data, size_t size, const reader_limits& lim, model_record& m) {
  byte_reader r(data, size);
  m.model_id = r.u8();
  const uint8_t storage = r.u8();
  const uint8_t* hash = r.bytes(16);
  ANN_RETURN_ERROR_IF(r.failed(), model_corrupt, "model record: truncated");
  std::memcpy(m.hash.data(), hash, 16);
  ANN_RETURN_ERROR_IF(m.model_id == 0, field_invalid, "model record: model id 0 is reserved");
  ANN_RETURN_ERROR_IF(storage > 2, field_invalid, "model record: unknown storage");
  m.storage = static_cast<model_storage>(storage);
  uint64_t stored = 0;
  if (m.storage != model_storage::referenced) {
    m.model_size = r.varint();
    stored = r.varint();
  }
  ANN_RETURN_ERROR_IF(r.failed() || r.remaining() != 0, model_corrupt, "model record: wrong size");
  ANN_RETURN_ERROR_IF(m.model_size > lim.model_size_max || stored > lim.model_size_max, limit_exceeded,
                      "model record: embedded model larger than the limit");
  ANN_RETURN_ERROR_IF(m.storage == model_storage::embedded && stored != m.model_size, field_invalid,
                      "model record: raw embedding with two sizes");
  m.stored_size = stored;
  return ok_status();
}

result<archive_index> decode_index(const uint8_t* data, size_t size, const reader_limits& lim, uint16_t version) {
  byte_reader outer(data, size);
  const uint8_t type = outer.u8();
  const uint64_t body_size = outer.varint();
  ANN_RETURN_ERROR_IF(outer.failed() || type != static_cast<uint8_t>(record_type::index), index_corrupt,
                      "index: bad record type");
  ANN_RETURN_ERROR_IF(body_size != outer.remaining() || body_size < 4, index_corrupt, "index: size mismatch");
  const size_t checked = size - 4;
  byte_reader tail(data + checked, 4);
  ANN_RETURN_ERROR_IF(tail.u32() != header_checksum(data, checked), index_corrupt, "index: checksum mismatch");
  byte_reader r(data + outer.position(), body_size - 4);
  archive_index index;
  const uint64_t model_count = r.varint();
  ANN_RETURN_ERROR_IF(r.failed() || model_count > limits::model_id_max, index_corrupt, "index: bad model count");
  for (uint64_t i = 0; i < model_count; ++i) index.model_offsets.push_back(r.varint());
  const uint64_t entry_count = r.varint();
  ANN_RETURN_ERROR_IF(r.failed(), index_corrupt, "index: truncated");
  ANN_RETURN_ERROR_IF(entry_count > lim.entry_count_max, limit_exceeded, "index: more entries than the limit");
  ANN_RETURN_ERROR_IF(entry_count > r.remaining() / limits::index_entry_body_min + 1, index_corrupt,
                      "index: entry count larger than the index");
  // Claimed counts never size an allocation beyond what a small index
  // needs: the vector grows as entries actually parse.
  if (version < 2) index.entries.reserve(static_cast<size_t>(std::min<uint64_t>(entry_count, 4096)));
  uint64_t last_offset = 0;  // items strictly in archive order (every version)
  for (uint64_t i = 0; i < entry_count; ++i) {
    if (version >= 2) {
      const uint8_t item_type = r.u8();
      ANN_RETURN_ERROR_IF(r.failed() || item_type > 1, index_corrupt, "index: bad item type");
      if (item_type == 1) {
        index_block blk;
        blk.block_offset = r.varint();
        blk.size_coded = r.varint();
        blk.block_id = r.varint();
        blk.member_count = r.varint();
        const uint64_t chunks = r.varint();
        ANN_RETURN_ERROR_IF(r.failed() || chunks == 0 || chunks > r.remaining() / 2, index_corrupt,
                            "index: block item " + std::to_string(i) + ": bad chunk count");
        ANN_RETURN_ERROR_IF(blk.block_id != index.blocks.size() + 1 || blk.block_offset <= last_offset, index_corrupt,
                            "index: block item " + std::to_string(i) + ": blocks out of order");
        last_offset = blk.block_offset;
        blk.chunks.resize(static_cast<size_t>(chunks));
        uint64_t prev = 0;
        for (index_block::chunk_ref& c : blk.chunks) {
          c.offset = r.varint();
          c.size_original = r.varint();
          ANN_RETURN_ERROR_IF(r.failed() || c.offset <= prev || c.offset >= blk.size_coded || c.size_original == 0,
                              index_corrupt, "index: block item " + std::to_string(i) + ": bad chunk reference");
          prev = c.offset;
        }
        index.blocks.push_back(std::move(blk));
        continue;
      }
    }
    index_entry e;
    e.entry_offset = r.varint();
    // In archive order in every version (writers never wrote another), so an
    // Index cannot list one entry twice and make a reader decode it again.
    ANN_RETURN_ERROR_IF(r.failed() || (i > 0 && e.entry_offset <= last_offset), index_corrupt,
                        "index: item " + std::to_string(i) + " out of archive order");
    last_offset = e.entry_offset;
    e.size_coded = r.varint();
    e.chunk_count = r.varint();
    const uint64_t body = r.varint();
    ANN_RETURN_ERROR_IF(r.failed() || body > r.remaining(), index_corrupt, "index: truncated entry");
    const uint8_t* at = r.bytes(body);
    status st = parse_entry_body(at, body, lim, e.header, version);
    if (!st.ok()) return make_error(errc::index_corrupt, "index entry " + std::to_string(i) + ": " + st.err().message);
    index.entries.push_back(std::move(e));
  }
  ANN_RETURN_ERROR_IF(r.failed() || r.remaining() != 0, index_corrupt, "index: trailing bytes");
  return index;
}

}  // namespace v1
}  // namespace archive_nn
