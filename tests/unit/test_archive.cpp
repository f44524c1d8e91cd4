#include <catch2/catch.hpp>

#include <algorithm>

#include "model/model.hpp"
#include "test_helpers.hpp"

using namespace archive_nn;

namespace {
entry_header dir_header(const std::string& p) {
  entry_header h;
  h.type = entry_type::directory;
  h.path = p;
  h.mode = 0755;
  return h;
}
}  // namespace

TEST_CASE("all entry kinds, empty files and multi-chunk files round-trip", "[archive]") {
  std::vector<test::mem_entry> in;
  in.push_back({dir_header("d"), {}});
  in.push_back({dir_header("d/empty dir"), {}});
  in.push_back({test::file_header("d/zero", 0), {}});
  auto big = test::text_bytes(3 * 1024 * 1024 + 17, 4);
  in.push_back({test::file_header("d/big \xC3\xA9\ntab.txt", big.size()), big});
  entry_header sl;
  sl.type = entry_type::symlink;
  sl.path = "d/link";
  sl.link = "../somewhere/else";
  in.push_back({sl, {}});
  entry_header hl;
  hl.type = entry_type::hardlink;
  hl.path = "d/hard";
  hl.link = "d/zero";
  in.push_back({hl, {}});
  create_options o;
  o.threads = 2;
  const auto a = test::make_archive(in, o);
  REQUIRE(!a.empty());
  auto r = test::read_all(a);
  REQUIRE(r.st.ok());
  REQUIRE(r.entries.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    CHECK(encode_entry_header(r.entries[i].header) == encode_entry_header(in[i].header));
    CHECK(r.entries[i].data == in[i].data);
  }
  auto src = make_memory_source(a.data(), a.size());
  auto list = list_archive(*src, {});
  REQUIRE(list.ok());
  CHECK(list->at(3).chunk_count == 4);  // 3 MiB + 17 bytes in 1 MiB chunks
  CHECK(a.size() < big.size() / 2);
}

TEST_CASE("a referenced model that is missing fails naming its hash; embedded models travel", "[archive][model]") {
  auto m = test::tiny_model();
  if (!m) m = test::random_model(32, 2, 4, 64, 128, 9);
  const auto text = test::text_bytes(4000, 5);
  std::vector<test::mem_entry> in = {{test::file_header("t.txt", text.size()), text}};
  create_options o;
  o.model = m;
  o.codec = codec_choice::nn;
  const auto referenced = test::make_archive(in, o);
  o.embed_model = true;
  const auto embedded = test::make_archive(in, o);
  REQUIRE(!referenced.empty());
  CHECK(embedded.size() > referenced.size());

  auto r = test::read_all(referenced);  // no resolver: the model is unknown
  const bool stored_only = r.entry_errors.empty();
  if (!stored_only) {
    REQUIRE(r.entry_errors.size() == 1);
    CHECK(r.entry_errors[0].code == errc::model_missing);
    CHECK(r.entry_errors[0].message.find(nn::hash_hex(m->hash())) != std::string::npos);
  }
  r = test::read_all(embedded);
  REQUIRE(r.st.ok());
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].data == text);
}

TEST_CASE("the Model_Record is written only when a chunk uses the model", "[archive][model]") {
  auto m = test::tiny_model();
  if (!m) m = test::random_model(32, 2, 4, 64, 128, 9);
  // Pixels and samples: the mix codec's image and audio models leave the
  // transformer out, so the archive is byte for byte the one without a model.
  std::string ppm = "P6\n40 30\n255\n";
  for (int i = 0; i < 40 * 30 * 3; ++i) ppm.push_back(static_cast<char>((i * 7 + i / 120 * 3) & 0xFF));
  const std::vector<uint8_t> image(ppm.begin(), ppm.end());
  const auto text = test::text_bytes(3000, 8);
  for (bool embed : {false, true})
    for (bool solid : {false, true}) {
      INFO("embedded " << embed << ", solid " << solid);
      create_options with;
      with.model = m;
      with.embed_model = embed;
      with.solid_block_size = solid ? (uint64_t(1) << 20) : 0;
      create_options without = with;
      without.model = nullptr;
      without.embed_model = false;
      const std::vector<test::mem_entry> pixels = {{test::file_header("a.ppm", image.size()), image}};
      const auto a = test::make_solid_archive(pixels, with), b = test::make_solid_archive(pixels, without);
      CHECK(a == b);
      const auto r = test::read_all(a);
      REQUIRE(r.entries.size() == 1);
      CHECK(r.entries[0].data == image);
      // Text too short for the model to win (its chunk stored): no record
      // either, although the text's plan offered the model.
      const std::vector<uint8_t> hello = {'h', 'e', 'l', 'l', 'o', '\n'};
      const std::vector<test::mem_entry> short_text = {pixels[0], {test::file_header("s.txt", hello.size()), hello}};
      CHECK(test::make_solid_archive(short_text, with) == test::make_solid_archive(short_text, without));
      // Text that the model codes (nn forced): the record comes, before the
      // text's entry or block.
      create_options nn_with = with;
      nn_with.codec = codec_choice::nn;
      create_options nn_without = without;
      nn_without.codec = codec_choice::nn;
      const std::vector<test::mem_entry> both = {pixels[0], {test::file_header("t.txt", text.size()), text}};
      const auto c = test::make_solid_archive(both, nn_with), d = test::make_solid_archive(both, nn_without);
      CHECK(c.size() > d.size() + (embed ? 1000 : 0));
      test::read_result rc = embed ? test::read_all(c) : test::read_all(c, [&] {
        read_options ro;
        ro.resolve = [&](const model_hash&) { return m; };
        return ro;
      }());
      REQUIRE(rc.st.ok());
      REQUIRE(rc.entries.size() == 2);
      CHECK(rc.entry_errors.empty());
    }
}

TEST_CASE("a damaged embedded model is replaced by an available model with the same hash", "[archive][model]") {
  auto m = test::tiny_model();
  if (!m) m = test::random_model(32, 2, 4, 64, 128, 9);
  const auto text = test::text_bytes(4000, 6);
  create_options o;
  o.model = m;
  o.codec = codec_choice::nn;
  o.embed_model = true;
  auto archive = test::make_archive({{test::file_header("t.txt", text.size()), text}}, o);
  static const uint8_t xz_magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
  auto at = std::search(archive.begin(), archive.end(), xz_magic, xz_magic + 6);
  REQUIRE(at != archive.end());
  at[200] ^= 0x10;  // inside the embedded model's xz stream
  auto alone = test::read_all(archive);  // nothing else has this model
  REQUIRE(alone.entry_errors.size() == 1);
  CHECK((alone.entry_errors[0].code == errc::model_corrupt || alone.entry_errors[0].code == errc::model_mismatch));
  read_options with;
  with.resolve = [&](const model_hash& h) { return h == m->hash() ? m : nullptr; };
  auto rescued = test::read_all(archive, with);
  CHECK(rescued.entry_errors.empty());
  REQUIRE(rescued.entries.size() == 1);
  CHECK(rescued.entries[0].data == text);
}

TEST_CASE("creating twice gives identical bytes", "[archive]") {
  std::vector<test::mem_entry> in;
  for (int i = 0; i < 20; ++i) {
    auto d = i % 2 ? test::random_bytes(i * 100, i) : test::text_bytes(i * 1000, i);
    in.push_back({test::file_header("f" + std::to_string(i), d.size()), d});
  }
  create_options o;
  o.threads = 2;
  CHECK(test::make_archive(in, o) == test::make_archive(in, o));
}

TEST_CASE("Chunks under 32 bytes never set up the mix codec's tables unless it is forced", "[archive]") {
  // ~10 ms of table set-up for a byte or two at most: a 31-byte chunk goes
  // to the classical codecs or is stored; at 32 bytes the mix codec is tried
  // (and wins on zeros); --codec mix still codes a tiny chunk with it.
  auto mix_chunks = [](size_t size, codec_choice codec) {
    memory_sink sink;
    create_options o;
    o.codec = codec;
    archive_creator cr(sink, o);
    REQUIRE(cr.begin().ok());
    const std::vector<uint8_t> zeros(size, 0);
    auto src = make_memory_source(zeros.data(), zeros.size());
    REQUIRE(cr.add_file(test::file_header("z", size), *src).ok());
    REQUIRE(cr.finish().ok());
    return cr.stats()[11].chunks;
  };
  CHECK(mix_chunks(31, codec_choice::automatic) == 0);
  CHECK(mix_chunks(32, codec_choice::automatic) == 1);
  CHECK(mix_chunks(31, codec_choice::mix) == 1);
}
