// Solid blocks (format version 2, spec/archive_format.md §6.4-§6.5): files
// share chunks, duplicates are stored once, one member decodes only the
// chunks that hold it, damage costs only the members in the damaged chunk,
// and the archive does not depend on the thread count.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "test_helpers.hpp"

using namespace archive_nn;

namespace {

// Files of three kinds, a duplicate, an empty file, a directory and links.
std::vector<test::mem_entry> tree() {
  std::vector<test::mem_entry> e;
  auto file = [&](const std::string& path, std::vector<uint8_t> data) {
    e.push_back({test::file_header(path, data.size()), std::move(data)});
  };
  entry_header dir;
  dir.type = entry_type::directory;
  dir.path = "t";
  dir.mode = 0755;
  e.push_back({dir, {}});
  for (int i = 0; i < 8; ++i) file("t/doc" + std::to_string(i) + ".txt", test::text_bytes(3000 + 700 * static_cast<size_t>(i), 100 + i));
  file("t/copy.txt", test::text_bytes(3000, 100));  // same bytes as t/doc0.txt
  file("t/empty", {});
  file("t/noise.bin", test::random_bytes(5000, 7));
  std::vector<uint8_t> bin(4000);
  for (size_t i = 0; i < bin.size(); ++i) bin[i] = static_cast<uint8_t>(i % 5 == 0 ? 0 : i / 3);
  file("t/table.dat", bin);
  entry_header link;
  link.type = entry_type::symlink;
  link.path = "t/link";
  link.link = "doc1.txt";
  link.mode = 0777;
  e.push_back({link, {}});
  entry_header hard;
  hard.type = entry_type::hardlink;
  hard.path = "t/hard";
  hard.link = "t/doc2.txt";
  hard.mode = 0644;
  e.push_back({hard, {}});
  return e;
}

std::map<std::string, std::vector<uint8_t>> by_path(const std::vector<test::mem_entry>& entries) {
  std::map<std::string, std::vector<uint8_t>> m;
  for (const auto& e : entries) m[e.header.path] = e.data;
  return m;
}

create_options solid(uint64_t block, uint64_t chunk, codec_choice codec = codec_choice::zstd) {
  create_options o;
  o.codec = codec;
  o.solid_block_size = block;
  o.solid_chunk_size = chunk;
  return o;
}

}  // namespace

TEST_CASE("a solid archive round trips, through the index and sequentially", "[solid]") {
  const auto input = tree();
  for (uint64_t chunk : {uint64_t(0), uint64_t(1000), uint64_t(4096)}) {
    INFO("solid chunk size " << chunk);
    const auto a = test::make_solid_archive(input, solid(uint64_t(16) << 20, chunk));
    REQUIRE(!a.empty());
    CHECK(a[8] == format_version);  // Format_Version
    for (bool indexed : {true, false}) {
      read_options ro;
      ro.use_index = indexed;
      ro.threads = 2;
      auto r = test::read_all(a, ro);
      REQUIRE(r.st.ok());
      CHECK(r.entry_errors.empty());
      CHECK(r.damage.empty());
      CHECK(by_path(r.entries) == by_path(input));
      // Directories first, links after every file (a hard link never precedes its target).
      CHECK(r.entries.front().header.path == "t");
      CHECK(r.entries[r.entries.size() - 2].header.type == entry_type::symlink);
      CHECK(r.entries.back().header.type == entry_type::hardlink);
    }
  }
}

TEST_CASE("solid archives do not depend on the thread count", "[solid]") {
  const auto input = tree();
  create_options o = solid(6000, 1500, codec_choice::automatic);
  o.threads = 1;
  const auto one = test::make_solid_archive(input, o);
  o.threads = 2;
  const auto two = test::make_solid_archive(input, o);
  REQUIRE(!one.empty());
  CHECK(one == two);
}

TEST_CASE("files are grouped by kind, ordered by extension and name, duplicates stored once", "[solid]") {
  const auto input = tree();
  memory_sink sink;
  archive_creator c(sink, solid(uint64_t(16) << 20, 0, codec_choice::automatic));
  REQUIRE(c.begin().ok());
  for (const auto& e : input) {
    if (e.header.type != entry_type::file) {
      REQUIRE(c.add_entry(e.header).ok());
      continue;
    }
    const std::vector<uint8_t>* d = &e.data;
    REQUIRE(c.add_file(e.header, [d]() -> result<std::unique_ptr<byte_source>> {
      return make_memory_source(d->data(), d->size());
    }).ok());
  }
  REQUIRE(c.finish().ok());
  REQUIRE(c.blocks().size() == 3);
  CHECK(std::string(c.blocks()[0].kind) == "text");
  CHECK(std::string(c.blocks()[1].kind) == "binary");
  CHECK(std::string(c.blocks()[2].kind) == "compressed");
  CHECK(c.blocks()[0].members == 9);
  CHECK(c.blocks()[0].duplicates == 1);
  uint64_t text = 0;
  for (int i = 0; i < 8; ++i) text += 3000 + 700 * static_cast<uint64_t>(i);
  CHECK(c.blocks()[0].bytes_original == text);  // the copy costs no block bytes

  auto src = make_memory_source(sink.bytes.data(), sink.bytes.size());
  auto listed = list_archive(*src, {});
  REQUIRE(listed.ok());
  std::vector<std::string> text_members;
  for (const auto& e : listed.value())
    if (e.block_id == 1) text_members.push_back(e.header.path);
  // Within a kind: by extension, then file name ("copy.txt" < "doc0.txt").
  REQUIRE(text_members.size() == 9);
  CHECK(text_members[0] == "t/copy.txt");
  CHECK(text_members[1] == "t/doc0.txt");
  CHECK(text_members[8] == "t/doc7.txt");
}

TEST_CASE("one member of a solid block decodes only the chunks that hold it", "[solid]") {
  std::vector<test::mem_entry> input;
  for (int i = 0; i < 20; ++i) {
    auto d = test::text_bytes(5000, 200 + i);
    input.push_back({test::file_header("m/f" + std::to_string(100 + i) + ".txt", d.size()), d});
  }
  const auto a = test::make_solid_archive(input, solid(uint64_t(1) << 20, 4096));
  REQUIRE(!a.empty());
  const std::string wanted = "m/f110.txt";  // bytes 50000..54999 of the block: chunks 12 and 13
  for (bool indexed : {true, false}) {
    read_options ro;
    ro.use_index = indexed;
    auto r = test::read_all(a, ro, [&](const entry_header& e) { return e.path == wanted; });
    REQUIRE(r.st.ok());
    REQUIRE(r.entries.size() == 1);
    CHECK(r.entries[0].data == input[10].data);
    CHECK(r.summary.chunks_decoded == 2);
    CHECK(r.summary.bytes_decoded == 2 * 4096);
  }
  auto all = test::read_all(a);
  CHECK(all.summary.chunks_decoded == (100000 + 4095) / 4096);
}

TEST_CASE("a damaged chunk of a block costs only the members with bytes in it", "[solid]") {
  std::vector<test::mem_entry> input;
  for (int i = 0; i < 6; ++i) {
    auto d = test::random_bytes(3000, 300 + i);  // stored chunks: the flip stays in place
    input.push_back({test::file_header("d/f" + std::to_string(i) + ".bin", d.size()), d});
  }
  const auto a = test::make_solid_archive(input, solid(uint64_t(1) << 20, 4000, codec_choice::stored));
  REQUIRE(!a.empty());
  // The block stream: f0 0..2999, f1 3000..5999, ...; chunk 1 holds bytes 4000..7999 (f1, f2).
  auto bad = a;
  const auto& f1 = input[1].data;
  auto at = std::search(bad.begin(), bad.end(), f1.begin() + 1500, f1.begin() + 1532);  // f1 bytes 1500.. = block 4500..
  REQUIRE(at != bad.end());
  *at ^= 0x40;
  for (bool indexed : {true, false}) {
    read_options ro;
    ro.use_index = indexed;
    auto r = test::read_all(bad, ro);
    REQUIRE(r.st.ok());
    std::vector<std::string> failed;
    for (const auto& e : r.entry_errors) failed.push_back(e.message);
    REQUIRE(failed.size() == 2);
    CHECK(failed[0].find("d/f1.bin") != std::string::npos);
    CHECK(failed[1].find("d/f2.bin") != std::string::npos);
    CHECK(failed[0].find("block 1 chunk 1") != std::string::npos);
    CHECK(r.entry_errors[0].code == errc::checksum_wrong);
    REQUIRE(r.entries.size() == 4);
    auto got = by_path(r.entries);
    for (int i : {0, 3, 4, 5}) CHECK(got["d/f" + std::to_string(i) + ".bin"] == input[static_cast<size_t>(i)].data);
  }
}

TEST_CASE("a damaged member table loses its block and nothing else", "[solid]") {
  std::vector<test::mem_entry> input;
  entry_header dir;
  dir.type = entry_type::directory;
  dir.path = "k";
  dir.mode = 0755;
  input.push_back({dir, {}});
  for (int i = 0; i < 3; ++i) {
    auto d = test::text_bytes(2000, 400 + i);
    input.push_back({test::file_header("k/f" + std::to_string(i) + ".txt", d.size()), d});
  }
  auto big = test::random_bytes(70000, 5);  // larger than the block size: its own entry
  input.push_back({test::file_header("k/big.raw", big.size()), big});
  const auto a = test::make_solid_archive(input, solid(65536, 0, codec_choice::stored));
  REQUIRE(!a.empty());
  auto bad = a;
  const std::string path = "k/f1.txt";  // stored table: the path is in plain sight
  auto at = std::search(bad.begin(), bad.end(), path.begin(), path.end());
  REQUIRE(at != bad.end());
  at[2] ^= 0x01;
  for (bool indexed : {true, false}) {
    read_options ro;
    ro.use_index = indexed;
    auto r = test::read_all(bad, ro);
    REQUIRE(r.st.ok());
    REQUIRE(r.damage.size() == 1);
    CHECK(r.damage[0].code == errc::block_corrupt);
    CHECK(r.damage[0].message.find("block 1") != std::string::npos);
    CHECK(r.summary.entries_failed == 1);
    auto got = by_path(r.entries);
    CHECK(got.size() == 2);  // the directory and the loose file
    CHECK(got["k/big.raw"] == big);
  }
}

TEST_CASE("member tables are validated before any member is delivered", "[solid]") {
  block_header b;
  b.block_id = 1;
  b.size = 10;
  b.member_count = 2;
  auto member = [](const std::string& path, uint64_t size, int64_t dup) {
    block_member m;
    m.header.path = path;
    m.header.size = size;
    m.duplicate_of = dup;
    return m;
  };
  auto decode = [&](const std::vector<block_member>& ms) {
    const auto t = encode_member_table(ms);
    block_header h = b;
    h.member_count = ms.size();
    return decode_member_table(t.data(), t.size(), h, reader_limits{});
  };
  CHECK(decode({member("a", 4, -1), member("b", 6, -1)}).ok());
  CHECK(decode({member("a", 4, -1), member("b", 6, -1)}).value()[1].offset == 4);
  CHECK(decode({member("a", 4, -1), member("b", 7, -1)}).err().code == errc::block_corrupt);  // past the block
  CHECK(decode({member("a", 4, -1), member("b", 5, -1)}).err().code == errc::block_corrupt);  // does not cover it
  CHECK(decode({member("a", 10, -1), member("b", 4, 0)}).err().code == errc::block_corrupt);  // overlapping
  CHECK(decode({member("a", 10, -1), member("b", 10, 0)}).ok());                              // a duplicate
  CHECK(decode({member("a", 10, -1), member("", 10, 0)}).err().code == errc::block_corrupt);  // empty path
  auto t = encode_member_table({member("a", 4, -1), member("b", 6, -1)});
  t.push_back(0);
  CHECK(decode_member_table(t.data(), t.size(), b, reader_limits{}).err().code == errc::block_corrupt);
  // A count that the table cannot hold is refused before allocating.
  block_header huge = b;
  huge.member_count = uint64_t(1) << 40;
  t.pop_back();
  CHECK(decode_member_table(t.data(), t.size(), huge, reader_limits{}).err().code == errc::block_corrupt);
}
