// Container structures and the malformed-archive catalogue: each damaged
// archive fails with its own error, never crashes, and intact entries still
// extract.
#include <catch2/catch.hpp>
#include <cstring>

#include "byte_io.hpp"
#include "test_helpers.hpp"

using namespace archive_nn;

namespace {

std::vector<test::mem_entry> three_files() {
  std::vector<test::mem_entry> e;
  for (int i = 0; i < 3; ++i) {
    auto d = test::text_bytes(5000 + 1000 * i, 10 + i);
    e.push_back({test::file_header("dir/file" + std::to_string(i) + ".txt", d.size()), d});
  }
  return e;
}

std::vector<uint8_t> classic_archive() {
  create_options o;
  o.codec = codec_choice::zstd;
  return test::make_archive(three_files(), o);
}

void refresh_header_checksum(std::vector<uint8_t>& a) {
  const uint32_t c = header_checksum(a.data(), 12);
  for (int i = 0; i < 4; ++i) a[12 + i] = static_cast<uint8_t>(c >> (8 * i));
}

size_t find(const std::vector<uint8_t>& a, const std::vector<uint8_t>& what, size_t from = 0) {
  auto it = std::search(a.begin() + static_cast<std::ptrdiff_t>(from), a.end(), what.begin(), what.end());
  return static_cast<size_t>(it - a.begin());
}

// Offset of the n-th chunk record's payload (zstd frames start 28 B5 2F FD).
size_t zstd_payload(const std::vector<uint8_t>& a, int n) {
  size_t at = 0;
  for (int i = 0; i <= n; ++i) at = find(a, {0x28, 0xB5, 0x2F, 0xFD}, at + 1);
  return at;
}

}  // namespace

TEST_CASE("a well-formed archive lists from its index and extracts", "[container]") {
  const auto a = classic_archive();
  REQUIRE(!a.empty());
  auto src = make_memory_source(a.data(), a.size());
  auto list = list_archive(*src, {});
  REQUIRE(list.ok());
  REQUIRE(list->size() == 3);
  CHECK(list->at(1).header.path == "dir/file1.txt");
  CHECK(list->at(1).header.mtime_nsec == 123456789u);
  auto r = test::read_all(a);
  REQUIRE(r.st.ok());
  REQUIRE(r.entries.size() == 3);
  CHECK(r.entries[2].data == three_files()[2].data);
}

TEST_CASE("malformed archive catalogue", "[container][malformed]") {
  const auto good = classic_archive();
  SECTION("bad magic") {
    auto a = good;
    a[1] = 'X';
    auto r = test::read_all(a);
    REQUIRE_FALSE(r.st.ok());
    CHECK(r.st.err().code == errc::magic_wrong);
  }
  SECTION("future version") {
    auto a = good;
    a[8] = static_cast<uint8_t>(format_version + 1);
    refresh_header_checksum(a);
    auto r = test::read_all(a);
    REQUIRE_FALSE(r.st.ok());
    CHECK(r.st.err().code == errc::version_unsupported);
  }
  SECTION("reserved header bit") {
    auto a = good;
    a[10] = 0x01;
    refresh_header_checksum(a);
    auto r = test::read_all(a);
    REQUIRE_FALSE(r.st.ok());
    CHECK(r.st.err().code == errc::reserved_bits_set);
  }
  SECTION("header checksum") {
    auto a = good;
    a[12] ^= 1;
    CHECK(test::read_all(a).st.err().code == errc::header_corrupt);
  }
  SECTION("bit flip in a chunk payload: that entry fails, the others extract") {
    auto a = good;
    a[zstd_payload(a, 1) + 10] ^= 0x10;
    auto r = test::read_all(a);
    CHECK(r.st.ok());
    REQUIRE(r.entry_errors.size() == 1);
    CHECK((r.entry_errors[0].code == errc::checksum_wrong || r.entry_errors[0].code == errc::chunk_corrupt));
    CHECK(r.entry_errors[0].message.find("dir/file1.txt") != std::string::npos);
    CHECK(r.entry_errors[0].message.find("chunk 0") != std::string::npos);
    CHECK(r.entries.size() == 2);
  }
  SECTION("bit flip in an entry header: the index isolates it") {
    auto a = good;
    const size_t at = find(a, {'d', 'i', 'r', '/', 'f', 'i', 'l', 'e', '1'});
    a[at + 4] ^= 0x01;
    auto r = test::read_all(a);
    CHECK(r.st.ok());
    REQUIRE(r.entry_errors.size() == 1);
    CHECK(r.entry_errors[0].code == errc::header_corrupt);
    CHECK(r.entries.size() == 2);
  }
  SECTION("bit flip in the index: falls back to a sequential read") {
    auto a = good;
    a[a.size() - index_footer_size - 10] ^= 0x40;
    auto r = test::read_all(a);
    REQUIRE_FALSE(r.st.ok());  // the damage is reported...
    CHECK(r.st.err().code == errc::index_corrupt);
    CHECK(r.entries.size() == 3);  // ...after every entry was extracted
    auto src = make_memory_source(a.data(), a.size());
    auto list = list_archive(*src, {});
    REQUIRE(list.ok());
    CHECK(list->size() == 3);
  }
  SECTION("truncated at every structure: an error, never a crash; earlier entries survive") {
    for (size_t n = 0; n < good.size(); n += 13) {
      std::vector<uint8_t> a(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = test::read_all(a);
      REQUIRE_FALSE(r.st.ok());
      CHECK((r.st.err().code == errc::truncated || r.st.err().code == errc::magic_wrong));
      if (n > zstd_payload(good, 2)) CHECK(r.entries.size() >= 2);
    }
  }
  SECTION("unknown record type and skippable records") {
    // Insert a skippable record (0x40, 4-byte body) after the header: readers skip it.
    auto a = good;
    const std::vector<uint8_t> skippable = {0x40, 0x06, 1, 2, 3, 4, 5, 6};
    a.insert(a.begin() + archive_header_size, skippable.begin(), skippable.end());
    auto footer = decode_index_footer(&good[good.size() - index_footer_size], index_footer_size, good.size());
    REQUIRE(footer.ok());
    const auto fixed = encode_index_footer(footer->index_offset + skippable.size(), footer->index_size, footer->index_checksum);
    std::copy(fixed.begin(), fixed.end(), a.end() - index_footer_size);
    auto r = test::read_all(a, [] { read_options o; o.use_index = false; return o; }());
    CHECK(r.st.ok());
    CHECK(r.entries.size() == 3);
    a[archive_header_size] = 0x20;
    r = test::read_all(a, [] { read_options o; o.use_index = false; return o; }());
    REQUIRE_FALSE(r.st.ok());
    CHECK(r.st.err().code == errc::record_type_unknown);
  }
}

TEST_CASE("bytes after the footer and long runs of skippable records", "[container][malformed]") {
  const auto good = classic_archive();
  auto a = good;
  a.push_back(0);
  auto r = test::read_all(a);  // the footer is not at the end: sequential read, which finds the extra byte
  REQUIRE_FALSE(r.st.ok());
  CHECK(r.st.err().code == errc::footer_corrupt);
  CHECK(r.entries.size() == 3);
  // 100000 skippable records in a row: read in a loop, not by recursion.
  a = good;
  std::vector<uint8_t> many;
  for (int i = 0; i < 100000; ++i) many.insert(many.end(), {0x41, 0x04, 0, 0, 0, 0});
  a.insert(a.begin() + archive_header_size, many.begin(), many.end());
  read_options o;
  o.use_index = false;
  r = test::read_all(a, o);
  CHECK(r.entries.size() == 3);
}

TEST_CASE("hostile entry headers are rejected by the parser or flagged unsafe", "[container][malformed]") {
  entry_header e = test::file_header("ok", 0);
  CHECK(path_is_safe("a/b/c"));
  for (const char* bad : {"/etc/passwd", "../x", "a/../../x", "a//b", "./a", "", "a/."}) CHECK_FALSE(path_is_safe(bad));
  // A writer refuses unsafe names.
  memory_sink sink;
  archive_writer w(sink);
  REQUIRE(w.begin().ok());
  e.path = "../escape";
  CHECK_FALSE(w.begin_entry(e).ok());
  // A reader parses them (tar lists them) but the CLI refuses to extract: see tests/cli.
}

TEST_CASE("an Index that lists an entry twice or out of order is corrupt, in every version", "[container][malformed]") {
  archive_index index;
  index_entry a, b;
  a.header.path = "a";
  a.header.type = entry_type::file;
  a.header.size = 10;
  a.entry_offset = 16;
  a.size_coded = 40;
  b = a;
  b.header.path = "b";
  b.entry_offset = 56;
  for (uint16_t version : {uint16_t(1), uint16_t(2)}) {
    INFO("version " << version);
    index.entries = {a, b};
    std::vector<uint8_t> bytes = encode_index(index, version);
    CHECK(decode_index(bytes.data(), bytes.size(), reader_limits{}, version).ok());
    index.entries = {a, a, a};  // one 10-byte entry listed three times: decoded three times
    bytes = encode_index(index, version);
    auto twice = decode_index(bytes.data(), bytes.size(), reader_limits{}, version);
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.err().code == errc::index_corrupt);
    index.entries = {b, a};
    bytes = encode_index(index, version);
    CHECK_FALSE(decode_index(bytes.data(), bytes.size(), reader_limits{}, version).ok());
  }
}

TEST_CASE("writer state machine rejects misuse", "[container]") {
  memory_sink sink;
  archive_writer w(sink);
  chunk_header c;
  CHECK_FALSE(w.add_chunk(c, nullptr).ok());
  REQUIRE(w.begin().ok());
  CHECK_FALSE(w.begin().ok());
  CHECK_FALSE(w.end_entry(0).ok());
  REQUIRE(w.begin_entry(test::file_header("a", 10)).ok());
  CHECK_FALSE(w.finish().ok());  // entry not complete
}
