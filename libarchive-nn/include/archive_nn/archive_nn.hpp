// nntar's codec library: create and read .nna archives whose chunks are coded
// by a byte-level transformer + range coder, or by classical codecs.
// Everything here is in namespace archive_nn::v1; formats are in spec/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "archive_nn/errors.hpp"
#include "archive_nn/format.hpp"

#define ARCHIVE_NN_VERSION_MAJOR 0
#define ARCHIVE_NN_VERSION_MINOR 1
#define ARCHIVE_NN_VERSION_PATCH 0

#if defined(__GNUC__)
#define ARCHIVE_NN_API __attribute__((visibility("default")))
#else
#define ARCHIVE_NN_API
#endif

namespace archive_nn {
inline namespace v1 {

namespace nn {
class model;
}

ARCHIVE_NN_API unsigned version_number();  // major*10000 + minor*100 + patch
ARCHIVE_NN_API const char* version_string();

// A loaded, validated model (.nnm).
using model_handle = std::shared_ptr<const nn::model>;

struct model_info {
  std::string hash_hex;  // 32 hex digits: XXH3-128 of the .nnm bytes
  std::string name;
  uint32_t d_model = 0, n_layer = 0, n_head = 0, d_ff = 0, context_length = 0;
  std::string norm_placement;
  uint64_t parameters = 0;
  uint64_t file_size = 0;
  std::vector<std::pair<std::string, std::string>> metadata;  // general.*, train.*
};

ARCHIVE_NN_API result<model_handle> load_model_file(const std::string& path);
ARCHIVE_NN_API result<model_handle> load_model_bytes(const uint8_t* data, size_t size);
ARCHIVE_NN_API model_info describe_model(const model_handle& m);
ARCHIVE_NN_API model_hash hash_of(const model_handle& m);
// Models built into this library (the default model first); may be empty.
ARCHIVE_NN_API const std::vector<model_handle>& builtin_models();
ARCHIVE_NN_API model_handle default_model();

// mix1, mix2: the first and second revisions of the mix codec, for archives
// that older nntar (before revisions 2 and 3) must read.
enum class codec_choice { automatic, nn, zstd, lzma, zlib, flac, stored, mix, mix1, mix2 };
ARCHIVE_NN_API bool parse_codec_choice(const std::string& name, codec_choice& out);

struct progress_info {
  uint64_t bytes_in = 0;   // original bytes processed
  uint64_t bytes_out = 0;  // archive bytes produced or read
  uint64_t bytes_total = 0;  // expected original bytes, 0 if unknown
};
using progress_fn = std::function<void(const progress_info&)>;

struct create_options {
  codec_choice codec = codec_choice::automatic;
  unsigned threads = 1;
  model_handle model;           // none: no nn chunks
  bool embed_model = false;     // embed (xz-compressed) instead of reference by hash
  int level = 0;                // classical codec level, 0 = default
  uint64_t chunk_size = uint64_t(1) << 20;  // classical chunks
  uint32_t nn_windows_per_chunk = 0;        // nn chunks: windows per chunk; 0 = fill chunk_size (decoded 4 at a time)
  uint64_t total_hint = 0;      // for progress
  progress_fn progress;
  // Solid blocks (format version 2): files added with a content_opener are
  // grouped by kind, ordered by extension and name, deduplicated and packed
  // into blocks of about this many bytes. 0: every file is its own entry.
  uint64_t solid_block_size = uint64_t(16) << 20;
  // Chunks of a solid block; 0: the whole block, up to Chunk_Size_Max, so
  // that LZMA sees the whole block.
  uint64_t solid_chunk_size = 0;
  // With codec choice automatic, how hard to try (like zstd -1 .. -19 and
  // xz -1 .. -9): 1-3 zstd, 4-6 LZMA and zstd, 7 the mix codec alone, 8 the
  // mix codec and the classical codecs, 9 (default) also the model in the
  // mix. FLAC stays a candidate for PCM at every preset. A level given in
  // `level` overrides the presets' classical levels.
  int preset = 9;
};

// What a preset tries, for messages ("mix with the model, LZMA, zstd").
ARCHIVE_NN_API const char* describe_preset(int preset);

struct codec_stats {
  uint64_t chunks = 0, bytes_original = 0, bytes_coded = 0;
};

struct block_stats {
  uint64_t block_id = 0;
  const char* kind = "";       // text, binary, compressed
  uint64_t members = 0;        // entries, duplicates included
  uint64_t duplicates = 0;     // members stored as another member's bytes
  uint64_t chunks = 0;
  uint64_t bytes_original = 0;  // Block_Size
  uint64_t bytes_coded = 0;     // member table and chunk payloads
};

// Where a sparse file's data lies (the rest are holes): byte offset, length.
struct data_extent {
  uint64_t offset = 0, length = 0;
  bool operator==(const data_extent& o) const { return offset == o.offset && length == o.length; }
};

// Opens a file's content when the creator is ready to read it.
using content_opener = std::function<result<std::unique_ptr<byte_source>>()>;

class ARCHIVE_NN_API archive_creator {
 public:
  archive_creator(byte_sink& sink, create_options options);
  ~archive_creator();
  status begin();
  // Directories, symlinks and hard links (no content).
  status add_entry(const entry_header& meta);
  // A regular file of exactly meta.size bytes read from content. Returns an
  // entry-severity error (and still writes a well-formed entry, zero-padded)
  // when the file changed size while being read.
  status add_file(entry_header meta, byte_source& content);
  // A regular file read later: with solid_block_size > 0 files are packed
  // into solid blocks at finish() (symbolic and hard links added meanwhile
  // are written after them, so a link never precedes its target); otherwise
  // it is opened and added at once. Problems with single files (cannot open,
  // changed size) do not stop the archive: see entry_errors().
  status add_file(entry_header meta, content_opener open);
  // A file with holes (transform sparse, spec §11.6; format version 3):
  // meta.size is the file's size, holes included; `data` yields the bytes of
  // the extents one after the other (increasing, non-empty, separated by
  // holes). Written at once as its own entry; only the data is read and
  // coded. An entry-severity error when the data came short (zero-padded).
  status add_sparse_file(entry_header meta, const std::vector<data_extent>& extents, byte_source& data);
  status finish();
  // Per codec id (index = Codec_Id).
  const std::vector<codec_stats>& stats() const;
  const std::vector<block_stats>& blocks() const;
  // Entry-severity problems met while writing files added with an opener.
  const std::vector<error>& entry_errors() const;
  uint64_t bytes_written() const;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

// Finds a model referenced by hash; the default looks in builtin_models().
using model_resolver = std::function<model_handle(const model_hash&)>;

struct read_options {
  unsigned threads = 1;
  reader_limits limits;
  model_resolver resolve;  // in addition to built-in models
  progress_fn progress;
  bool use_index = true;   // seekable archives: per-entry recovery through the index
  // Memory the decoder may hold for chunks in flight (payloads, outputs,
  // codec state; see decode_memory): fewer chunks decode at once to stay
  // under it, and a chunk that alone needs more fails with limit_exceeded
  // naming what it needs. Sized for a small machine; 0: no limit.
  uint64_t memory_limit = uint64_t(1) << 30;
  // CPU the decoder may spend on chunks, in work units (about a nanosecond
  // of one core each): a chunk whose estimated work would bring the
  // archive's total past work_limit + work_per_archive_byte units for each
  // archive byte up to the end of its payload fails with limit_exceeded
  // before it is decoded. Legitimate archives earn far more than they spend
  // (a byte of an nn or mix payload takes ~10-100 µs to decode); a few bytes
  // claiming megabytes of nn or mix output do not. Default: one minute;
  // 0: no limit.
  uint64_t work_limit = uint64_t(60) * 1000 * 1000 * 1000;
  static constexpr uint64_t work_per_archive_byte = uint64_t(1) << 20;  // ~1 ms
};

// What the caller does with each entry while reading.
class entry_visitor {
 public:
  virtual ~entry_visitor() = default;
  // Called while reading records: false skips the entry (its chunks are not
  // decoded and the visitor sees nothing of it).
  virtual bool wants(const entry_header& e) { return true; }
  // Called in archive order when the entry's content is about to be
  // delivered; false discards the content (end_entry still follows).
  virtual bool begin_entry(const entry_header& e) = 0;
  // Decoded content of the current file entry, in order.
  virtual status write(const uint8_t* data, size_t size) = 0;
  // A hole of a sparse entry (transform sparse): `size` zero bytes at this
  // point of the content, which a file system can leave unallocated. The
  // default writes the zeros.
  virtual status hole(uint64_t size);
  // Called once per wanted entry; st is the entry's outcome (checksums verified).
  virtual void end_entry(const entry_header& e, const status& st) = 0;
  // A part of the archive whose entries cannot even be named was damaged
  // (a solid block's member table): its entries are lost.
  virtual void damaged(const error& err) { (void)err; }
};

struct read_summary {
  uint64_t entries = 0;         // a damaged block whose members cannot be named counts as one
  uint64_t entries_failed = 0;
  bool archive_error = false;  // reading stopped early
  uint64_t chunks_decoded = 0;  // chunks read and decoded (skipped ones not counted)
  uint64_t bytes_decoded = 0;   // their Size_Original
};

// Reads every entry in archive order, decoding chunks in parallel. Entry
// errors go to end_entry; the returned status is an archive-level error.
ARCHIVE_NN_API status read_archive(byte_source& source, entry_visitor& visitor, const read_options& options,
                                   read_summary* summary = nullptr);

// Lists entries: from the index (and the member tables of solid blocks) when
// the source is seekable (no chunk is read), otherwise by scanning records
// without decoding chunks. Damaged blocks whose members cannot be named are
// left out of the list and reported in *problems; a scan that stops at an
// error (a cut archive) returns the entries before it and adds the error to
// *problems (without problems, the error is returned).
// The models an archive names (its Model_Records, read through the Index of
// a seekable archive, or by scanning one that has none): each one's hash,
// whether the archive embeds it, and whether this library can use it
// (embedded, built in, or given by options.resolve).
struct archive_model {
  uint8_t model_id = 0;
  model_hash hash{};
  bool embedded = false;
  uint64_t model_size = 0;  // bytes of the .nnm when embedded
  bool available = false;
  std::string name;         // general.name of the model found, when available
};
ARCHIVE_NN_API result<std::vector<archive_model>> archive_models(byte_source& source, const read_options& options);

ARCHIVE_NN_API result<std::vector<index_entry>> list_archive(byte_source& source, const read_options& options,
                                                             std::vector<error>* problems = nullptr);

}  // namespace v1
}  // namespace archive_nn
