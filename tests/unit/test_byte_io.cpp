#include <catch2/catch.hpp>

#include "byte_io.hpp"

using namespace archive_nn;

TEST_CASE("varints round-trip and reject non-canonical or overlong forms", "[byte_io]") {
  const uint64_t values[] = {0, 1, 127, 128, 300, 16383, 16384, (uint64_t(1) << 35) + 7, ~uint64_t(0)};
  for (uint64_t v : values) {
    byte_writer w;
    w.varint(v);
    CHECK(w.size() == varint_size(v));
    byte_reader r(w.buffer());
    CHECK(r.varint() == v);
    CHECK_FALSE(r.failed());
    CHECK(r.remaining() == 0);
  }
  const std::vector<uint8_t> redundant = {0x80, 0x00};
  byte_reader r1(redundant);
  r1.varint();
  CHECK(r1.failed());
  std::vector<uint8_t> too_long(11, 0xFF);
  byte_reader r2(too_long);
  r2.varint();
  CHECK(r2.failed());
  const std::vector<uint8_t> overflow = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  byte_reader r3(overflow);
  r3.varint();
  CHECK(r3.failed());
}

TEST_CASE("reads past the end fail without touching memory", "[byte_io]") {
  const std::vector<uint8_t> v = {1, 2, 3};
  byte_reader r(v);
  CHECK(r.u16() == 0x0201);
  CHECK(r.u32() == 0);
  CHECK(r.failed());
  CHECK(r.bytes(1) == nullptr);
}
