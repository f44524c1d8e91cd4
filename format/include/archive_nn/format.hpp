// The nntar container, versions 1 to 3: bytes <-> structs
// (spec/archive_format.md). Version 2 adds solid blocks (§6.4), version 3
// owners and extended attributes (§5.1).
// Codecs and models are plain numbers here.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "archive_nn/errors.hpp"

namespace archive_nn {
inline namespace v1 {

constexpr uint16_t format_version = 3;      // written by archive_writer
constexpr uint16_t format_version_min = 1;  // oldest version a reader accepts
constexpr std::array<uint8_t, 8> archive_magic = {0x89, 'N', 'N', 'A', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::array<uint8_t, 4> footer_magic = {'N', 'N', 'A', '$'};
constexpr size_t archive_header_size = 16;
constexpr size_t index_footer_size = 32;

// §3 Record types.
enum class record_type : uint8_t {
  model = 0x01,
  entry_header = 0x02,
  chunk = 0x03,
  entry_end = 0x04,
  block_header = 0x05,  // version 2
  index = 0xFF,
};
constexpr uint8_t skippable_first = 0x40;  // 0x40..0x7F: skippable records
constexpr uint8_t skippable_last = 0x7F;

enum class entry_type : uint8_t { file = 0, directory = 1, symlink = 2, hardlink = 3 };

// §4 Model_Record.
enum class model_storage : uint8_t { referenced = 0, embedded = 1, embedded_xz = 2 };
using model_hash = std::array<uint8_t, 16>;

struct model_record {
  uint8_t model_id = 0;
  model_storage storage = model_storage::referenced;
  model_hash hash{};
  uint64_t model_size = 0;        // bytes of the .nnm file (0 when referenced)
  uint64_t stored_size = 0;       // bytes of the embedded payload as stored
  std::vector<uint8_t> payload;   // embedded bytes, as stored (xz or raw)
};

// §5.1 one extended attribute (POSIX ACLs are the system.posix_acl_access
// and system.posix_acl_default attributes, in Linux's binary form).
struct xattr {
  std::string name;   // 1..255 bytes, no NUL, e.g. "user.comment"
  std::string value;  // <= 65536 bytes
  bool operator==(const xattr& o) const { return name == o.name && value == o.value; }
};

// §11.6: the transform whose Transform_Payload_Size is the file's size with
// its holes (the only transform the format layer itself interprets).
constexpr uint8_t transform_sparse = 6;
// §11.6: a sparse map's limit in bytes.
constexpr uint64_t sparse_map_max = uint64_t(1) << 24;

// §5 Entry_Header.
struct entry_header {
  entry_type type = entry_type::file;
  uint8_t transform = 0;  // transform::kind
  uint32_t mode = 0644;   // permission bits, <= 07777
  int64_t mtime_sec = 0;
  uint32_t mtime_nsec = 0;
  uint64_t size = 0;  // original bytes (files only)
  std::string path;   // relative, '/'-separated UTF-8
  std::string link;   // symlink target or hard-link target path
  uint64_t transform_header_size = 0;   // only when transform != 0
  uint64_t transform_payload_size = 0;  // only when transform != 0; sparse (6): the file's size, holes included
  // §5.1 (version 3): owner and extended attributes. Without them (older
  // archives, library users that set none) extraction leaves ownership and
  // attributes to the extracting process.
  bool has_attributes = false;
  uint32_t uid = 0, gid = 0;
  std::string user, group;     // names, <= 255 bytes each; empty: unknown
  std::vector<xattr> xattrs;   // strictly increasing names

  // The size of the file the entry extracts to where the header tells it:
  // a sparse entry's size with its holes (§11.6); otherwise Size (for png
  // and jpeg entries that is the stream's, §11).
  uint64_t apparent_size() const { return transform == transform_sparse ? transform_payload_size : size; }
};

// §6 Chunk.
struct chunk_header {
  uint8_t codec_id = 0;
  uint8_t model_id = 0;
  uint64_t size_original = 0;
  uint64_t size_coded = 0;
  uint64_t codec_param = 0;  // nn: window size in bytes; others 0
  uint64_t content_checksum = 0;  // XXH64 of the original chunk bytes
};

// §6.4 Block_Header (version 2): a solid block, the concatenated streams
// of several file entries, cut into chunks.
struct block_header {
  uint64_t block_id = 0;     // 1 for the first block of an archive, then 2, 3, ...
  uint8_t transform = 0;     // the Transform of every member
  uint64_t size = 0;         // Block_Size: bytes of the block stream
  uint64_t member_count = 0;
  uint8_t table_codec = 0;   // 0 stored, 1 zstd, 2 lzma
  uint64_t table_size = 0;   // bytes of the decoded Member_Table
  uint64_t table_size_coded = 0;
  uint64_t table_checksum = 0;  // XXH64 of the decoded Member_Table
};
// §6.5 one member of a Member_Table.
struct block_member {
  entry_header header;        // a file; header.size is the extent's length
  uint64_t offset = 0;        // where its bytes start in the block stream (derived, not stored)
  uint64_t checksum = 0;      // Member_Checksum: XXH64 of the file's original bytes
  int64_t duplicate_of = -1;  // the earlier member whose bytes it shares (-1: none)
};

// §8 Index.
struct index_entry {
  uint64_t entry_offset = 0;  // absolute offset of the Entry_Header record (solid member: of its Block_Header)
  uint64_t chunk_count = 0;
  uint64_t size_coded = 0;    // Entry_Header .. Entry_End inclusive (solid member: its share of the block)
  entry_header header;
  uint64_t block_id = 0;       // list_archive: != 0 for a member of that solid block
  uint64_t member_offset = 0;  // list_archive: Member_Offset of a solid member
};
struct index_block {
  uint64_t block_offset = 0;  // absolute offset of the Block_Header record
  uint64_t size_coded = 0;    // Block_Header .. end of the last chunk's payload
  uint64_t block_id = 0;
  uint64_t member_count = 0;
  struct chunk_ref {
    uint64_t offset = 0;         // of the Chunk record, relative to block_offset
    uint64_t size_original = 0;  // the chunk's Size_Original
  };
  std::vector<chunk_ref> chunks;
};
struct archive_index {
  std::vector<uint64_t> model_offsets;
  std::vector<index_entry> entries;  // archive order
  std::vector<index_block> blocks;   // archive order (version 2); items interleave by offset
  uint64_t index_offset = 0;         // where the Index record starts (read_index)
};

// Decoder limits (§10); a reader may raise them.
struct reader_limits {
  uint64_t path_length_max = 4096;
  uint64_t entry_count_max = uint64_t(1) << 24;
  uint64_t chunk_size_max = uint64_t(64) << 20;
  uint64_t model_size_max = uint64_t(1) << 30;
  uint64_t index_size_max = uint64_t(4) << 30;
  uint64_t block_size_max = uint64_t(1) << 30;         // Block_Size
  uint64_t member_table_max = uint64_t(64) << 20;      // Table_Size
};

uint64_t xxh64(const void* data, size_t size, uint64_t seed = 0);
uint32_t header_checksum(const void* data, size_t size);  // low 32 bits of XXH64

// Serialisation of single structures (used by the writer, the index and tests).
std::vector<uint8_t> encode_archive_header(uint16_t version = format_version);
// Accepts versions format_version_min..format_version; stores it in *version.
status decode_archive_header(const uint8_t* data, size_t size, uint16_t* version = nullptr);
std::vector<uint8_t> encode_model_record(const model_record& m);
// Version 3 writes e's attributes when e.has_attributes; earlier versions
// cannot hold them (they are dropped).
std::vector<uint8_t> encode_entry_header(const entry_header& e, uint16_t version = format_version);
std::vector<uint8_t> encode_chunk_header(const chunk_header& c);
std::vector<uint8_t> encode_entry_end(uint64_t entry_checksum);
std::vector<uint8_t> encode_block_header(const block_header& b);
std::vector<uint8_t> encode_member_table(const std::vector<block_member>& members, uint16_t version = format_version);
// Parses and validates a decoded Member_Table (§6.5) and derives each
// member's extent: members tile the block in order; duplicates share an
// earlier member's extent.
result<std::vector<block_member>> decode_member_table(const uint8_t* data, size_t size, const block_header& b,
                                                      const reader_limits& limits, uint16_t version = format_version);
// The encoded size of e's §5.1 attributes (0 without them); an entry whose
// attributes exceed attributes_size_max cannot be written.
size_t encoded_attributes_size(const entry_header& e);
constexpr size_t attributes_size_max = 56 * 1024;  // with two 4096-byte paths, within a 64 KiB record
std::vector<uint8_t> encode_index(const archive_index& index, uint16_t version = format_version);
std::vector<uint8_t> encode_index_footer(uint64_t index_offset, uint64_t index_size, uint64_t index_checksum);

struct index_footer {
  uint64_t index_offset = 0;
  uint64_t index_size = 0;
  uint64_t index_checksum = 0;
};
result<index_footer> decode_index_footer(const uint8_t* data, size_t size, uint64_t archive_size);
result<archive_index> decode_index(const uint8_t* data, size_t size, const reader_limits& limits,
                                   uint16_t version = format_version);
// Validates a path: relative, no "..", no empty or "." components, no NUL.
bool path_is_safe(const std::string& path);

// Byte sources and sinks. The writer only appends; the reader seeks when the
// source allows it.
class byte_sink {
 public:
  virtual ~byte_sink() = default;
  virtual status write(const void* data, size_t size) = 0;
  virtual status flush() = 0;
};
class byte_source {
 public:
  virtual ~byte_source() = default;
  // Reads up to size bytes; returns the count (0 at end).
  virtual result<size_t> read(void* data, size_t size) = 0;
  virtual bool seekable() const = 0;
  virtual status seek(uint64_t offset) = 0;
  virtual result<uint64_t> size() = 0;
};
std::unique_ptr<byte_sink> make_file_sink(std::FILE* f, std::string name);
std::unique_ptr<byte_source> make_file_source(std::FILE* f, std::string name);
std::unique_ptr<byte_source> make_owning_file_source(std::FILE* f, std::string name);  // fclose()s f when destroyed
std::unique_ptr<byte_source> make_memory_source(const uint8_t* data, size_t size);
class memory_sink : public byte_sink {
 public:
  status write(const void* data, size_t size) override;
  status flush() override { return ok_status(); }
  std::vector<uint8_t> bytes;
};

// archive_writer: header -> (model | entry (chunk)* end | block (chunk)*)*
// -> index+footer. Rejects misuse (a chunk outside an entry or block, sizes
// that do not add up).
class archive_writer {
 public:
  explicit archive_writer(byte_sink& sink);
  status begin();
  status add_model(const model_record& m);
  status begin_entry(const entry_header& e);
  status add_chunk(const chunk_header& c, const uint8_t* payload);
  status end_entry(uint64_t entry_checksum);  // files only; other types end at begin
  // A solid block: its header with table_size_coded bytes of coded Member_Table,
  // then add_chunk until the chunks reach b.size (the block then ends).
  status begin_block(const block_header& b, const uint8_t* table_payload);
  status finish();
  uint64_t bytes_written() const { return offset_; }

 private:
  status put(const std::vector<uint8_t>& bytes);
  status put(const uint8_t* data, size_t size);
  enum class state { fresh, open, in_entry, in_block, finished, failed } state_ = state::fresh;
  byte_sink& sink_;
  uint64_t offset_ = 0;
  uint64_t entry_remaining_ = 0;
  uint64_t block_remaining_ = 0;
  archive_index index_;
  std::vector<uint8_t> model_ids_;
};

// One record as read by the sequential reader.
struct record {
  record_type type = record_type::index;
  uint64_t offset = 0;  // offset of the Record_Type byte
  uint16_t version = format_version;  // the archive's Format_Version
  model_record model;
  entry_header entry;
  chunk_header chunk;
  block_header block;
  std::vector<uint8_t> payload;  // chunk payload, or a block's coded Member_Table
  uint64_t entry_checksum = 0;
  bool skipped = false;  // internal: a skippable record was passed over
};

// Sequential reader: works on pipes. next() returns records in file order
// until the index (type index), skipping skippable records.
class archive_reader {
 public:
  archive_reader(byte_source& source, reader_limits limits = {});
  status begin();  // reads and checks the Archive_Header
  uint16_t version() const { return version_; }
  result<record> next(bool want_payload = true);
  // As next(), but asks want_payload (given the parsed record, payload not
  // yet read) whether to read or skip a chunk's or model's payload.
  result<record> next(const std::function<bool(const record&)>& want_payload);
  uint64_t offset() const { return offset_; }
  status seek(uint64_t offset);
  // For seekable sources: footer + index.
  result<archive_index> read_index();
  // One truth (§8): the Index's items and model records tile the archive
  // up to the Index, apart from skippable records; else index_corrupt
  // naming the record it leaves out or the item that overlaps. Moves the
  // read position.
  status verify_index(const archive_index& index);
  // Where the record that next() read last (or failed on) begins.
  uint64_t record_offset() const { return record_offset_; }
  // Resynchronisation after damage (§3): from offset `from` (not before the
  // last record's start on a pipe), the read position moves to the first
  // Model_Record, Entry_Header or Block_Header whose size is within the
  // limits and whose checksum holds, and returns its offset; truncated when
  // the input ends first. The scan holds at most a record's worth of input.
  result<uint64_t> resync(uint64_t from);

 private:
  result<size_t> pull(void* data, size_t size);  // look-ahead bytes first, then the source
  bool fill(size_t need);                        // look-ahead of at least need bytes; false at end
  status read_exact(void* data, size_t size);
  status read_appending(std::vector<uint8_t>& out, uint64_t size);
  status skip(uint64_t size);
  result<record> next_record(const std::function<bool(const record&)>& want_payload);
  byte_source& source_;
  reader_limits limits_;
  uint64_t offset_ = 0;
  uint16_t version_ = format_version;
  bool done_ = false;
  // Bytes read from the source but not consumed yet (resync's look-ahead,
  // and a failed record's bytes given back for it): ahead_[ahead_pos_..].
  std::vector<uint8_t> ahead_;
  size_t ahead_pos_ = 0;
  // The head and body of the record begun last, to rescan them on a pipe.
  std::vector<uint8_t> record_head_;
  uint64_t record_offset_ = 0;
};

}  // namespace v1
}  // namespace archive_nn
