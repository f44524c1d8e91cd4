#include <catch2/catch.hpp>

#include "test_helpers.hpp"
#include "transform/sparse.hpp"

using namespace archive_nn;

namespace {

// Records what a reader hands over: data and holes, in order.
class hole_recorder : public entry_visitor {
 public:
  std::vector<std::pair<char, uint64_t>> events;  // ('d', bytes) or ('h', size)
  std::vector<uint8_t> content;                    // holes as zeros
  std::vector<error> errors;
  bool begin_entry(const entry_header&) override { return true; }
  status write(const uint8_t* d, size_t n) override {
    events.emplace_back('d', n);
    content.insert(content.end(), d, d + n);
    return ok_status();
  }
  status hole(uint64_t n) override {
    events.emplace_back('h', n);
    content.resize(content.size() + static_cast<size_t>(n), 0);
    return ok_status();
  }
  void end_entry(const entry_header&, const status& st) override {
    if (!st.ok()) errors.push_back(st.err());
  }
};

std::vector<uint8_t> sparse_archive(const std::vector<uint8_t>& file, const std::vector<data_extent>& extents,
                                    create_options opt = {}) {
  memory_sink sink;
  archive_creator cr(sink, opt);
  REQUIRE(cr.begin().ok());
  std::vector<uint8_t> data;
  for (const data_extent& x : extents)
    data.insert(data.end(), file.begin() + static_cast<std::ptrdiff_t>(x.offset),
                file.begin() + static_cast<std::ptrdiff_t>(x.offset + x.length));
  auto src = make_memory_source(data.data(), data.size());
  REQUIRE(cr.add_sparse_file(test::file_header("disk.img", file.size()), extents, *src).ok());
  REQUIRE(cr.finish().ok());
  return sink.bytes;
}

}  // namespace

TEST_CASE("Sparse maps encode canonically and decode back", "[sparse]") {
  transform::sparse_map m;
  m.file_size = 1 << 20;
  m.extents = {{0, 10}, {4096, 300}, {1000000, 48576}};
  REQUIRE(transform::check_sparse_map(m).empty());
  const auto bytes = transform::encode_sparse_map(m);
  transform::sparse_map back;
  CHECK(transform::decode_sparse_map(bytes.data(), bytes.size(), m.data_size(), back).empty());
  CHECK(back.file_size == m.file_size);
  CHECK(back.extents == m.extents);
  // An all-hole file: no extents.
  transform::sparse_map empty;
  empty.file_size = 12345;
  const auto e = transform::encode_sparse_map(empty);
  CHECK(transform::decode_sparse_map(e.data(), e.size(), 0, back).empty());
  CHECK(back.extents.empty());
  CHECK(back.file_size == 12345);
}

TEST_CASE("Sparse maps that are not canonical or do not fit are refused", "[sparse]") {
  transform::sparse_map m;
  m.file_size = 100;
  m.extents = {{10, 5}, {15, 5}};  // touching: no hole between
  CHECK_FALSE(transform::check_sparse_map(m).empty());
  m.extents = {{10, 0}};
  CHECK_FALSE(transform::check_sparse_map(m).empty());
  m.extents = {{90, 20}};
  CHECK_FALSE(transform::check_sparse_map(m).empty());
  m.extents = {{50, 5}, {20, 5}};
  CHECK_FALSE(transform::check_sparse_map(m).empty());

  transform::sparse_map out;
  auto refused = [&](std::vector<uint8_t> b, uint64_t payload) {
    return !transform::decode_sparse_map(b.data(), b.size(), payload, out).empty();
  };
  CHECK_FALSE(refused({1, 100, 1, 10, 5}, 5));
  CHECK(refused({2, 100, 1, 10, 5}, 5));          // version
  CHECK(refused({1, 100, 1, 10, 5, 0}, 5));       // trailing byte
  CHECK(refused({1, 100, 1, 10, 5}, 6));          // data size differs from the entry's
  CHECK(refused({1, 100, 2, 10, 5, 0, 5}, 10));   // second extent without a hole
  CHECK(refused({1, 100, 1, 10, 0}, 0));          // empty extent
  CHECK(refused({1, 100, 1, 96, 5}, 5));          // past the end
  CHECK(refused({1, 100, 100, 10, 5}, 5));        // more extents than bytes
  CHECK(refused({1, 0x80, 1, 10, 5}, 5));         // cut varint
  CHECK(refused({1, 100, 1, 0x80, 0x00, 5}, 5));  // non-canonical varint
}

TEST_CASE("A sparse file round-trips with its holes handed to the visitor", "[sparse]") {
  std::vector<uint8_t> file(300000, 0);
  const auto text = test::text_bytes(file.size(), 7);
  const std::vector<data_extent> extents = {{4096, 8192}, {100000, 1}, {200000, 50000}};
  for (const data_extent& x : extents)
    std::copy(text.begin() + static_cast<std::ptrdiff_t>(x.offset),
              text.begin() + static_cast<std::ptrdiff_t>(x.offset + x.length), file.begin() + static_cast<std::ptrdiff_t>(x.offset));
  for (const unsigned threads : {1u, 3u}) {
    create_options co;
    co.threads = threads;
    co.chunk_size = 4000;  // the data crosses chunk boundaries inside extents
    const auto archive = sparse_archive(file, extents, co);
    CHECK(archive.size() < 30000);  // the holes cost nothing
    for (const bool pipe : {false, true}) {
      hole_recorder v;
      auto src = make_memory_source(archive.data(), archive.size());
      read_options ro;
      ro.threads = threads;
      ro.use_index = !pipe;
      REQUIRE(read_archive(*src, v, ro).ok());
      CHECK(v.errors.empty());
      CHECK(v.content == file);
      // Holes: 4096 before, between the extents, and 50000 at the end.
      std::vector<uint64_t> holes;
      for (const auto& ev : v.events)
        if (ev.first == 'h') holes.push_back(ev.second);
      CHECK(holes == std::vector<uint64_t>{4096, 100000 - 12288, 200000 - 100001, 50000});
    }
    // The listing: transform 6, Size the stream, the file's size apparent.
    auto src = make_memory_source(archive.data(), archive.size());
    auto listed = list_archive(*src, {});
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 1);
    const entry_header& h = listed.value()[0].header;
    CHECK(h.transform == 6);
    CHECK(h.apparent_size() == file.size());
    CHECK(h.size == h.transform_header_size + 8192 + 1 + 50000);
  }
}

TEST_CASE("The default hole() writes zeros; a file that is all hole", "[sparse]") {
  const std::vector<uint8_t> file(70000, 0);
  const auto archive = sparse_archive(file, {});
  const auto r = test::read_all(archive);
  REQUIRE(r.st.ok());
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].data == file);
}

TEST_CASE("The creator refuses extents that do not describe a file", "[sparse]") {
  memory_sink sink;
  archive_creator cr(sink, {});
  REQUIRE(cr.begin().ok());
  auto src = make_memory_source(nullptr, 0);
  CHECK_FALSE(cr.add_sparse_file(test::file_header("x", 100), {{50, 60}}, *src).ok());
  CHECK_FALSE(cr.add_sparse_file(test::file_header("x", 100), {{10, 5}, {15, 5}}, *src).ok());
}
