// ann_make_golden DIR [--force]: writes the golden files of tests/golden/
// (decode/, decode_errors/, encode/). Golden files pin the format forever:
// existing files are never overwritten without --force, and a regenerated
// file that differs is a format change (see tests/golden/README.md).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <sys/stat.h>

#include "../tests/golden/golden_data.hpp"
#include "archive_nn/archive_nn.hpp"

namespace {

bool force = false;
bool encode_only = false;  // --update-encode: refresh encode/ hashes after a deliberate encoder change

bool write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  struct stat st;
  if (!force && stat(path.c_str(), &st) == 0) {
    std::fprintf(stderr, "exists, kept: %s\n", path.c_str());
    return true;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  std::fclose(f);
  std::printf("wrote %s (%zu bytes)\n", path.c_str(), bytes.size());
  return ok;
}

bool write_text(const std::string& path, const std::string& s) {
  return write_file(path, std::vector<uint8_t>(s.begin(), s.end()));
}

// Decodes an archive in order (the .expected files list entries in archive
// order, which for solid archives is not the order they were added in).
class collector : public archive_nn::entry_visitor {
 public:
  std::vector<golden::entry> entries;
  bool failed = false;
  bool begin_entry(const archive_nn::entry_header& e) override {
    cur_ = golden::entry{e, {}, false, {}};
    return true;
  }
  archive_nn::status write(const uint8_t* d, size_t n) override {
    cur_.data.insert(cur_.data.end(), d, d + n);
    return archive_nn::ok_status();
  }
  void end_entry(const archive_nn::entry_header&, const archive_nn::status& st) override {
    failed = failed || !st.ok();
    entries.push_back(std::move(cur_));
  }
  void damaged(const archive_nn::error&) override { failed = true; }

 private:
  golden::entry cur_;
};

// The entries an archive decodes to, checked to be exactly the case's inputs
// (in any order); false on a mismatch.
bool expected_listing(const golden::case_spec& c, const std::vector<uint8_t>& a, const archive_nn::model_handle& tiny,
                      std::string& listing) {
  auto src = archive_nn::make_memory_source(a.data(), a.size());
  collector col;
  archive_nn::read_options o;
  o.resolve = [&](const archive_nn::model_hash& h) { return archive_nn::hash_of(tiny) == h ? tiny : nullptr; };
  if (!archive_nn::read_archive(*src, col, o).ok() || col.failed) return false;
  std::vector<std::string> got, want;
  for (const auto& e : col.entries) got.push_back(golden::describe({e}));
  for (const auto& e : c.entries) want.push_back(golden::describe({e}));
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  if (got != want) return false;
  listing = golden::describe(col.entries);
  return true;
}

void put_u32(std::vector<uint8_t>& a, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) a[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

void append(std::vector<uint8_t>& a, const std::vector<uint8_t>& b) { a.insert(a.end(), b.begin(), b.end()); }

// Writes solid blocks byte by byte, without archive_writer's checks, so that
// the must-fail archives can hold what no encoder writes (spec §6.4, §6.5).
// Member tables and chunks are stored (codec 0).
struct raw_archive {
  uint16_t version = archive_nn::format_version;
  uint16_t index_version = archive_nn::format_version;
  std::vector<uint8_t> bytes = archive_nn::encode_archive_header(version);
  archive_nn::archive_index index;

  static archive_nn::block_member member(const std::string& path, const std::vector<uint8_t>& data,
                                         int64_t duplicate_of = -1) {
    archive_nn::block_member m;
    m.header.path = path;
    m.header.size = data.size();
    m.header.mtime_sec = 1700000000;
    m.checksum = archive_nn::xxh64(data.data(), data.size());
    m.duplicate_of = duplicate_of;
    return m;
  }

  // The block's stream is `stream`, written as chunks of the given sizes.
  // `patch` may change the encoded table (what no encoder writes).
  void block(archive_nn::block_header b, const std::vector<archive_nn::block_member>& members,
             const std::vector<uint8_t>& stream, const std::vector<size_t>& chunks,
             const std::function<void(std::vector<uint8_t>&)>& patch = nullptr) {
    std::vector<uint8_t> table = archive_nn::encode_member_table(members, version);
    if (patch) patch(table);
    b.block_id = index.blocks.size() + 1;
    b.member_count = members.size();
    b.table_codec = 0;
    b.table_size = b.table_size_coded = table.size();
    b.table_checksum = archive_nn::xxh64(table.data(), table.size());
    archive_nn::index_block ib;
    ib.block_offset = bytes.size();
    ib.block_id = b.block_id;
    ib.member_count = b.member_count;
    append(bytes, archive_nn::encode_block_header(b));
    append(bytes, table);
    size_t at = 0;
    for (size_t n : chunks) {
      archive_nn::chunk_header c;
      c.size_original = c.size_coded = n;
      c.content_checksum = archive_nn::xxh64(stream.data() + at, n);
      ib.chunks.push_back({bytes.size() - ib.block_offset, n});
      append(bytes, archive_nn::encode_chunk_header(c));
      bytes.insert(bytes.end(), stream.begin() + static_cast<std::ptrdiff_t>(at),
                   stream.begin() + static_cast<std::ptrdiff_t>(at + n));
      at += n;
    }
    ib.size_coded = bytes.size() - ib.block_offset;
    index.blocks.push_back(ib);
  }

  // A file entry of one chunk, written as given (any codec, any payload).
  void file(const std::string& path, archive_nn::chunk_header c, const std::vector<uint8_t>& payload,
            uint64_t entry_checksum, const std::function<void(archive_nn::entry_header&)>& edit = nullptr) {
    archive_nn::entry_header e;
    e.type = archive_nn::entry_type::file;
    e.path = path;
    e.mode = 0644;
    e.size = c.size_original;
    if (edit) edit(e);
    archive_nn::index_entry ie;
    ie.entry_offset = bytes.size();
    ie.header = e;
    ie.chunk_count = 1;
    append(bytes, archive_nn::encode_entry_header(e, version));
    c.size_coded = payload.size();
    append(bytes, archive_nn::encode_chunk_header(c));
    append(bytes, payload);
    append(bytes, archive_nn::encode_entry_end(entry_checksum));
    ie.size_coded = bytes.size() - ie.entry_offset;
    index.entries.push_back(ie);
  }

  // A directory entry (no chunks), written as given.
  void directory(const archive_nn::entry_header& e) {
    archive_nn::index_entry ie;
    ie.entry_offset = bytes.size();
    ie.header = e;
    append(bytes, archive_nn::encode_entry_header(e, version));
    ie.size_coded = bytes.size() - ie.entry_offset;
    index.entries.push_back(ie);
  }

  std::vector<uint8_t> finish() const {
    std::vector<uint8_t> a = bytes;
    const std::vector<uint8_t> ix = archive_nn::encode_index(index, index_version);
    const uint64_t at = a.size();
    append(a, ix);
    append(a, archive_nn::encode_index_footer(at, ix.size(), archive_nn::xxh64(ix.data(), ix.size())));
    return a;
  }
};

std::vector<uint8_t> bytes_of(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// Must-fail archives of format version 2's solid blocks.
bool write_solid_errors(const std::string& errs) {
  using archive_nn::block_header;
  bool ok = true;
  const std::vector<uint8_t> a = bytes_of("alpha alpha alpha\n"), b = bytes_of("bravo\n");
  std::vector<uint8_t> ab = a;
  append(ab, b);
  block_header h;
  h.size = ab.size();
  {  // A duplicate that claims a shorter extent than its original: overlap.
    raw_archive r;
    auto m0 = raw_archive::member("a", a), m1 = raw_archive::member("b", b), m2 = raw_archive::member("c", b, 0);
    r.block(h, {m0, m1, m2}, ab, {ab.size()});
    ok &= write_file(errs + "block_corrupt__overlapping_extents.nna", r.finish());
  }
  {  // The members need more bytes than the block has.
    raw_archive r;
    block_header short_block = h;
    short_block.size = ab.size() - 2;
    r.block(short_block, {raw_archive::member("a", a), raw_archive::member("b", b)}, ab, {ab.size() - 2});
    ok &= write_file(errs + "block_corrupt__extent_past_block.nna", r.finish());
  }
  {  // Block_Size promises more bytes than its chunks hold (index consistent with the chunks).
    raw_archive r;
    r.block(h, {raw_archive::member("a", a), raw_archive::member("b", b)}, ab, {a.size()});
    ok &= write_file(errs + "block_corrupt__missing_chunks.nna", r.finish());
  }
  {  // A pnm block whose member's transform layout does not fit the member.
    raw_archive r;
    block_header pnm = h;
    pnm.transform = 1;
    auto m0 = raw_archive::member("a.ppm", a), m1 = raw_archive::member("b.ppm", b);
    m0.header.transform = m1.header.transform = 1;
    m0.header.transform_header_size = 3;
    m0.header.transform_payload_size = a.size() - 3;
    m1.header.transform_header_size = b.size() + 5;  // larger than the member
    r.block(pnm, {m0, m1}, ab, {ab.size()});
    ok &= write_file(errs + "block_corrupt__conflicting_transform.nna", r.finish());
  }
  {  // A duplicate whose checksum differs from its original's.
    raw_archive r;
    auto m2 = raw_archive::member("c", b, 1);
    m2.checksum ^= 1;
    r.block(h, {raw_archive::member("a", a), raw_archive::member("b", b), m2}, ab, {ab.size()});
    ok &= write_file(errs + "block_corrupt__duplicate_checksum.nna", r.finish());
  }
  {  // A damaged member table: the block's members cannot be named.
    raw_archive r;
    r.block(h, {raw_archive::member("a", a), raw_archive::member("b", b)}, ab, {ab.size()});
    std::vector<uint8_t> bad = r.finish();
    bad[r.index.blocks[0].block_offset + r.index.blocks[0].chunks[0].offset - 3] ^= 0x20;  // a byte of the table
    ok &= write_file(errs + "block_corrupt__member_table_bitflip.nna", bad);
  }
  {  // One flipped byte in a chunk of a block: the members in it fail.
    raw_archive r;
    r.block(h, {raw_archive::member("a", a), raw_archive::member("b", b)}, ab, {a.size(), b.size()});
    std::vector<uint8_t> bad = r.finish();
    bad[r.index.blocks[0].block_offset + r.index.blocks[0].size_coded - 2] ^= 0x01;  // in b's chunk payload
    ok &= write_file(errs + "checksum_wrong__solid_chunk_bitflip.nna", bad);
  }
  {  // A Block_Header record in a version-1 archive (whose index, written as
     // version 2's, does not parse: readers fall back to the records).
    raw_archive r;
    r.version = 1;
    r.bytes = archive_nn::encode_archive_header(1);
    r.block(h, {raw_archive::member("a", a), raw_archive::member("b", b)}, ab, {ab.size()});
    ok &= write_file(errs + "record_type_unknown__block_in_v1.nna", r.finish());
  }
  // Format version 3: attributes (§5.1, §6.5).
  archive_nn::xattr x_a{"user.a", "1"}, x_b{"user.b", "2"};
  {  // Member_Flags with a reserved bit.
    raw_archive r;
    const size_t n = 2;
    r.block(h, {raw_archive::member("a", a), raw_archive::member("b", b)}, ab, {ab.size()},
            [n](std::vector<uint8_t>& t) { t[t.size() - n] = 2; });  // the flags column ends the table
    ok &= write_file(errs + "block_corrupt__member_flags_reserved.nna", r.finish());
  }
  {  // A member's extended attributes out of order.
    raw_archive r;
    auto m0 = raw_archive::member("a", a), m1 = raw_archive::member("b", b);
    m1.header.has_attributes = true;
    m1.header.user = "ann";
    m1.header.xattrs = {x_b, x_a};
    r.block(h, {m0, m1}, ab, {ab.size()});
    ok &= write_file(errs + "block_corrupt__member_xattrs_out_of_order.nna", r.finish());
  }
  {  // An entry's extended attributes out of order (the Index's copy fails
     // too; the reader falls back to the records and names the entry).
    raw_archive r;
    archive_nn::entry_header d;
    d.type = archive_nn::entry_type::directory;
    d.path = "dir";
    d.mode = 0755;
    d.has_attributes = true;
    d.xattrs = {x_b, x_a};
    r.directory(d);
    ok &= write_file(errs + "entry_corrupt__xattrs_out_of_order.nna", r.finish());
  }
  // One truth for the Index and the records (§8).
  archive_nn::entry_header d1, d2;
  d1.type = d2.type = archive_nn::entry_type::directory;
  d1.path = "listed";
  d2.path = "hidden";
  d1.mode = d2.mode = 0755;
  {  // An entry the Index leaves out: a reader through the Index would not see it.
    raw_archive r;
    r.directory(d1);
    r.directory(d2);
    r.index.entries.pop_back();
    ok &= write_file(errs + "index_corrupt__entry_missing_from_index.nna", r.finish());
  }
  {  // A resource bomb: a 40-byte mix chunk whose header asks for 2^34-slot
     // context maps (hundreds of GiB); refused before anything is allocated
     // by the decoder's memory budget (1 GiB by default).
    raw_archive r;
    archive_nn::chunk_header c;
    c.codec_id = 11;  // mix, revision 3
    c.size_original = 1000;
    c.content_checksum = 0;
    r.file("bomb.txt", c, std::vector<uint8_t>(40, 0x22), 0);
    r.directory(d1);
    ok &= write_file(errs + "limit_exceeded__mix_table_bomb.nna", r.finish());
  }
  {  // A work bomb: a mix chunk of a few bytes claiming 64 MiB of output
     // (~670 CPU-seconds of decoding before its checksum could fail) in an
     // archive that earns well under a second; refused before decoding by
     // the decoder's work budget (one minute plus ~1 ms per archive byte).
    raw_archive r;
    archive_nn::chunk_header c;
    c.codec_id = 11;  // mix, revision 3
    c.size_original = uint64_t(1) << 26;
    c.content_checksum = 0;
    std::vector<uint8_t> payload(24, 0x5a);
    payload[0] = 16;  // the smallest context maps: memory is not what it asks for
    payload[1] = 0;   // general profile
    r.file("bomb.txt", c, payload, 0);
    r.directory(d1);
    ok &= write_file(errs + "limit_exceeded__mix_work_bomb.nna", r.finish());
  }
  {  // A sparse entry whose map puts an extent past the file's end: refused
     // (transform_failed) before anything is written where it points.
    raw_archive r;
    const std::vector<uint8_t> map = {1, 0x90, 0x4e /* file size 10000 */, 1, 0xa0, 0x9c, 0x01 /* hole 20000 */, 4};
    std::vector<uint8_t> stream = map;
    for (char ch : std::string("data")) stream.push_back(static_cast<uint8_t>(ch));
    archive_nn::chunk_header c;
    c.size_original = stream.size();
    c.content_checksum = archive_nn::xxh64(stream.data(), stream.size());
    r.file("sparse.img", c, stream, archive_nn::xxh64(stream.data(), stream.size()), [&](archive_nn::entry_header& e) {
      e.transform = archive_nn::transform_sparse;
      e.transform_header_size = map.size();
      e.transform_payload_size = 10000;
    });
    r.directory(d1);
    ok &= write_file(errs + "transform_failed__sparse_extent_past_end.nna", r.finish());
  }
  {  // An Index that lists one entry twice: never decoded twice, reported.
    raw_archive r;
    r.directory(d1);
    r.index.entries.push_back(r.index.entries.back());
    ok &= write_file(errs + "index_corrupt__entry_listed_twice.nna", r.finish());
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ann_make_golden TESTS_GOLDEN_DIR [--force | --update-encode]\n");
    return 2;
  }
  const std::string dir = argv[1];
  force = argc > 2 && std::strcmp(argv[2], "--force") == 0;
  encode_only = argc > 2 && std::strcmp(argv[2], "--update-encode") == 0;
  auto tiny = archive_nn::load_model_file(dir + "/models/tiny.nnm");
  if (!tiny.ok()) {
    std::fprintf(stderr, "%s\n", tiny.err().what().c_str());
    return 2;
  }
  bool ok = true;
  std::vector<uint8_t> classic, nn;
  for (const golden::case_spec& c : golden::cases(tiny.value())) {
    const std::vector<uint8_t> a = golden::build(c, tiny.value(), 1);
    std::string expected;
    if (a.empty() || !expected_listing(c, a, tiny.value(), expected)) {
      std::fprintf(stderr, "cannot build %s, or it does not decode to its inputs\n", c.name.c_str());
      return 2;
    }
    if (!encode_only) {
      ok &= write_file(dir + "/decode/" + c.name + ".nna", a);
      ok &= write_text(dir + "/decode/" + c.name + ".expected", expected);
    }
    char hash[32];
    std::snprintf(hash, sizeof hash, "%016llx\n", static_cast<unsigned long long>(archive_nn::xxh64(a.data(), a.size())));
    force = force || encode_only;
    ok &= write_text(dir + "/encode/" + c.name + ".xxh64", hash);
    force = force && !encode_only;
    if (c.name == "codec_stored") classic = a;
    if (c.name == "nn_tiny") nn = a;
  }
  if (encode_only) return ok ? 0 : 1;
  // Must-fail archives, each named after the error it must produce.
  const std::string errs = dir + "/decode_errors/";
  auto a = classic;
  a[1] = 'X';
  ok &= write_file(errs + "magic_wrong__bad_magic.nna", a);
  a = classic;
  a[8] = 4;  // version 3 is read since format version 3 (its version_3 file was retired then)
  put_u32(a, 12, archive_nn::header_checksum(a.data(), 12));
  ok &= write_file(errs + "version_unsupported__version_4.nna", a);
  ok &= write_solid_errors(errs);
  a = classic;
  a[10] = 0x80;
  put_u32(a, 12, archive_nn::header_checksum(a.data(), 12));
  ok &= write_file(errs + "reserved_bits_set__header_flag.nna", a);
  a = classic;
  a[13] ^= 0x01;
  ok &= write_file(errs + "header_corrupt__header_checksum.nna", a);
  a = classic;
  a.resize(a.size() / 2);
  ok &= write_file(errs + "truncated__cut_in_chunk.nna", a);
  a = classic;
  a[a.size() / 2] ^= 0x04;  // inside the stored payload of a.txt
  ok &= write_file(errs + "checksum_wrong__payload_bitflip.nna", a);
  a = classic;
  a[archive_nn::archive_header_size] = 0x20;  // first record's type
  ok &= write_file(errs + "record_type_unknown__type_0x20.nna", a);
  a = classic;
  a[a.size() - 2] = '?';  // footer magic: falls back to a sequential read, which checks the footer
  ok &= write_file(errs + "footer_corrupt__footer_magic.nna", a);
  a = classic;
  a[a.size() - archive_nn::index_footer_size - 3] ^= 0x01;  // index checksum
  ok &= write_file(errs + "index_corrupt__index_bitflip.nna", a);
  // Referenced model with an unknown hash: change the hash, keep the record valid.
  a = nn;
  {
    const size_t rec = archive_nn::archive_header_size;  // the model record comes first
    a[rec + 4] ^= 0xFF;                                   // first hash byte (type, size, id, storage precede it)
    const size_t body_end = rec + 2 + a[rec + 1] - 4;
    put_u32(a, body_end, archive_nn::header_checksum(a.data() + rec, body_end - rec));
  }
  ok &= write_file(errs + "model_missing__unknown_reference.nna", a);
  return ok ? 0 : 1;
}
