// Format version 3's owners and extended attributes (spec §5.1, §6.5):
// round trips through Entry_Header, the Index and the Member_Table, and every
// rule a decoder enforces.
#include <catch2/catch.hpp>

#include "archive_nn/format.hpp"
#include "records.hpp"

using namespace archive_nn;

namespace {

entry_header owned_file() {
  entry_header e;
  e.type = entry_type::file;
  e.path = "home/ann/notes.txt";
  e.mode = 04755;
  e.size = 12;
  e.has_attributes = true;
  e.uid = 1000;
  e.gid = 4294967295u;
  e.user = "ann";
  e.group = "";
  e.xattrs = {{"system.posix_acl_access", std::string("\x02\0\0\0", 4)}, {"user.a", ""}, {"user.b", "value"}};
  return e;
}

// The body of an encoded Entry_Header record (after type and size, before
// the checksum).
std::vector<uint8_t> body_of(const std::vector<uint8_t>& record) {
  size_t at = 1;
  while (record[at] & 0x80) ++at;
  return std::vector<uint8_t>(record.begin() + static_cast<std::ptrdiff_t>(at + 1), record.end() - 4);
}

status parse(const std::vector<uint8_t>& body, entry_header& out, uint16_t version = 3) {
  return parse_entry_body(body.data(), body.size(), reader_limits{}, out, version);
}

}  // namespace

TEST_CASE("attributes round trip through an Entry_Header and the Index", "[format][attributes]") {
  const entry_header e = owned_file();
  entry_header back;
  REQUIRE(parse(body_of(encode_entry_header(e)), back).ok());
  CHECK(back.has_attributes);
  CHECK(back.uid == 1000);
  CHECK(back.gid == 4294967295u);
  CHECK(back.user == "ann");
  CHECK(back.group.empty());
  CHECK(back.xattrs == e.xattrs);
  CHECK(back.mode == 04755);
  CHECK(encode_entry_header(back) == encode_entry_header(e));

  archive_index ix;
  index_entry ie;
  ie.entry_offset = 16;
  ie.header = e;
  ix.entries.push_back(ie);
  const std::vector<uint8_t> bytes = encode_index(ix);
  auto decoded = decode_index(bytes.data(), bytes.size(), reader_limits{});
  REQUIRE(decoded.ok());
  CHECK(decoded->entries.at(0).header.xattrs == e.xattrs);
  CHECK(decoded->entries.at(0).header.user == "ann");
}

TEST_CASE("older versions neither write nor accept attributes", "[format][attributes]") {
  const entry_header e = owned_file();
  // Written as version 2: no flag, no attributes.
  entry_header back;
  REQUIRE(parse(body_of(encode_entry_header(e, 2)), back, 2).ok());
  CHECK_FALSE(back.has_attributes);
  CHECK(back.xattrs.empty());
  // A version 2 body with the flag bit set is a reserved bit, or trailing
  // bytes when the attributes follow.
  std::vector<uint8_t> flagged = body_of(encode_entry_header(e, 2));
  flagged[1] = 1;
  CHECK(parse(flagged, back, 2).err().code == errc::reserved_bits_set);
  CHECK(parse(body_of(encode_entry_header(e, 3)), back, 2).err().code == errc::entry_corrupt);
  // Version 3 keeps bits 1-7 reserved.
  std::vector<uint8_t> high = body_of(encode_entry_header(e, 3));
  high[1] = 3;
  CHECK(parse(high, back).err().code == errc::reserved_bits_set);
}

TEST_CASE("malformed attributes are entry_corrupt", "[format][attributes]") {
  entry_header back;
  auto fails = [&](entry_header e) {
    const status st = parse(body_of(encode_entry_header(e)), back);
    return !st.ok() && st.err().code == errc::entry_corrupt;
  };
  entry_header e = owned_file();
  e.xattrs = {{"user.b", "1"}, {"user.a", "2"}};
  CHECK(fails(e));  // out of order
  e.xattrs = {{"user.a", "1"}, {"user.a", "2"}};
  CHECK(fails(e));  // twice
  e.xattrs = {{"", "1"}};
  CHECK(fails(e));  // empty name
  e.xattrs = {{std::string(256, 'n'), "1"}};
  CHECK(fails(e));  // name too long
  e.xattrs = {{std::string("user.\0x", 7), "1"}};
  CHECK(fails(e));  // NUL in a name
  e.xattrs = {{"user.big", std::string(65537, 'v')}};
  CHECK(fails(e));  // value too long
  e = owned_file();
  e.user = std::string(256, 'u');
  CHECK(fails(e));
  e = owned_file();
  e.group = std::string("a\0b", 3);
  CHECK(fails(e));
  // A count larger than the bytes left is refused before allocating.
  e = owned_file();
  e.xattrs.clear();
  std::vector<uint8_t> body = body_of(encode_entry_header(e));
  body.back() = 0x7f;  // Xattr_Count 127 with nothing after it
  CHECK(parse(body, back).err().code == errc::entry_corrupt);
  // Truncated anywhere inside the attributes.
  const std::vector<uint8_t> full = body_of(encode_entry_header(owned_file()));
  entry_header plain = owned_file();
  plain.has_attributes = false;
  const size_t start = body_of(encode_entry_header(plain)).size();
  for (size_t cut = start + 1; cut < full.size(); ++cut) {
    INFO("cut at " << cut);
    const std::vector<uint8_t> part(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    CHECK(parse(part, back).err().code == errc::entry_corrupt);
  }
  // Over Attributes_Size_Max.
  e = owned_file();
  e.xattrs.clear();
  for (int i = 0; i < 2; ++i) e.xattrs.push_back({"user.x" + std::to_string(i), std::string(30000, 'v')});
  CHECK(encoded_attributes_size(e) > attributes_size_max);
  CHECK(fails(e));
}

TEST_CASE("a version 3 Member_Table carries attributes column by column", "[format][attributes]") {
  std::vector<block_member> ms(3);
  uint64_t total = 0;
  for (size_t i = 0; i < ms.size(); ++i) {
    ms[i].header.path = "m" + std::to_string(i);
    ms[i].header.size = 5 + i;
    ms[i].checksum = 100 + i;
    total += ms[i].header.size;
  }
  ms[0].header.has_attributes = true;
  ms[0].header.uid = 7;
  ms[0].header.user = "seven";
  ms[0].header.xattrs = {{"user.k", "v"}};
  ms[2].header.has_attributes = true;
  ms[2].header.gid = 9;
  ms[2].header.group = "nine";
  block_header b;
  b.block_id = 1;
  b.size = total;
  b.member_count = ms.size();
  const std::vector<uint8_t> t = encode_member_table(ms);
  auto back = decode_member_table(t.data(), t.size(), b, reader_limits{});
  REQUIRE(back.ok());
  CHECK(back->at(0).header.has_attributes);
  CHECK(back->at(0).header.user == "seven");
  CHECK(back->at(0).header.xattrs == ms[0].header.xattrs);
  CHECK_FALSE(back->at(1).header.has_attributes);
  CHECK(back->at(2).header.group == "nine");
  CHECK(back->at(2).header.gid == 9);
  // Version 2 tables have no such columns: the same members read back bare.
  const std::vector<uint8_t> t2 = encode_member_table(ms, 2);
  CHECK(t2.size() < t.size());
  auto back2 = decode_member_table(t2.data(), t2.size(), b, reader_limits{}, 2);
  REQUIRE(back2.ok());
  CHECK_FALSE(back2->at(0).header.has_attributes);
  // A version 2 table read as version 3 misses its flags column.
  CHECK(decode_member_table(t2.data(), t2.size(), b, reader_limits{}, 3).err().code == errc::block_corrupt);
  // Damage in the attribute columns.
  ms[0].header.xattrs = {{"user.z", "1"}, {"user.a", "2"}};
  const std::vector<uint8_t> bad = encode_member_table(ms);
  CHECK(decode_member_table(bad.data(), bad.size(), b, reader_limits{}).err().code == errc::block_corrupt);
  for (size_t cut = t2.size(); cut < t.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK_FALSE(decode_member_table(t.data(), cut, b, reader_limits{}).ok());
  }
}
