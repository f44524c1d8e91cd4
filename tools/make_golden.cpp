// ann_make_golden DIR [--force]: writes the golden files of tests/golden/
// (decode/, decode_errors/, encode/). Golden files pin the format forever:
// existing files are never overwritten without --force, and a regenerated
// file that differs is a format change (see tests/golden/README.md).
#include <cstdio>
#include <cstring>
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

std::vector<uint8_t> build(const golden::case_spec& c, const archive_nn::model_handle& tiny) {
  archive_nn::memory_sink sink;
  archive_nn::create_options o;
  o.codec = c.codec;
  o.threads = 1;
  if (c.use_tiny_model) o.model = tiny;
  o.embed_model = c.embed_model;
  archive_nn::archive_creator cr(sink, o);
  if (!cr.begin().ok()) return {};
  for (const auto& e : c.entries) {
    if (e.header.type == archive_nn::entry_type::file) {
      auto src = archive_nn::make_memory_source(e.data.data(), e.data.size());
      if (!cr.add_file(e.header, *src).ok()) return {};
    } else if (!cr.add_entry(e.header).ok()) {
      return {};
    }
  }
  if (!cr.finish().ok()) return {};
  return sink.bytes;
}

void put_u32(std::vector<uint8_t>& a, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) a[at + i] = static_cast<uint8_t>(v >> (8 * i));
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
    const std::vector<uint8_t> a = build(c, tiny.value());
    if (a.empty()) {
      std::fprintf(stderr, "cannot build %s\n", c.name.c_str());
      return 2;
    }
    std::vector<golden::entry> entries(c.entries.begin(), c.entries.end());
    if (!encode_only) {
      ok &= write_file(dir + "/decode/" + c.name + ".nna", a);
      ok &= write_text(dir + "/decode/" + c.name + ".expected", golden::describe(entries));
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
  a[8] = 2;
  put_u32(a, 12, archive_nn::header_checksum(a.data(), 12));
  ok &= write_file(errs + "version_unsupported__version_2.nna", a);
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
