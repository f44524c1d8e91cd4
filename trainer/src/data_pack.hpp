// Data packs: the training mixture as the codec sees it (after the
// archiver's transforms), in one file that can be carried to another
// machine. Layout: spec/data_pack.md. The file is the pack itself or an xz
// stream of it; reading xz needs liblzma (ANN_TRAINER_HAVE_LZMA), which
// builds against PyTorch's bundled LibTorch may lack: unpack with `xz -d`
// or Python's lzma module first (the accelerator script does it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nntar_train {

enum class pack_kind : uint8_t { train = 0, eval = 1 };

struct pack_member {
  pack_kind kind = pack_kind::train;
  std::string name;               // [a-z0-9_]{1,64}
  double weight = 1.0;            // sampling weight (train members)
  uint64_t source_bytes = 0;      // the stream's length before any sampling
  std::string description;        // where it came from
  std::vector<uint8_t> bytes;
};

struct data_pack {
  std::vector<pack_member> members;
};

// True when the file starts with the pack magic or the xz magic followed by
// a pack (only the xz magic is checked: a pack is what the trainer expects).
bool is_data_pack_file(const std::string& path);
bool lzma_available();

// The uncompressed serialisation, and its parser (throws usage_error naming
// `path` for anything malformed: magic, version, sizes, checksum).
std::vector<uint8_t> serialize_pack(const data_pack& p);
data_pack parse_pack(const std::vector<uint8_t>& bytes, const std::string& path);

// Reads a pack file (raw or xz).
data_pack read_pack(const std::string& path);
// Its members' names, kinds and weights only (no bytes, no checksum check):
// an xz pack is unpacked only as far as its headers.
data_pack read_pack_directory(const std::string& path);

// xz (preset `level`, CRC64) of bytes; throws usage_error without liblzma.
std::vector<uint8_t> xz_compress(const std::vector<uint8_t>& bytes, uint32_t level);

// Keeps about `fraction` of bytes as evenly spaced blocks of `block` bytes
// (the first and the last block always), so that a capped pack still
// spans the whole stream rather than its beginning.
std::vector<uint8_t> sample_blocks(const std::vector<uint8_t>& bytes, double fraction, size_t block);

}  // namespace nntar_train
