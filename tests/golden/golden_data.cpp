#include "golden_data.hpp"

#include <cmath>
#include <utility>
#include <cstdio>

#include "archive_nn/format.hpp"

namespace golden {
namespace {

using archive_nn::entry_header;
using archive_nn::entry_type;

// Deterministic pseudo-random numbers (not std:: distributions, whose output
// may differ between standard libraries).
struct lcg {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
};

std::vector<uint8_t> prose(size_t n, uint64_t seed) {
  static const char* words[] = {"the ", "of ", "and ", "to ", "a ", "in ", "that ", "she ", "was ", "he ",
                                "for ", "it ", "with ", "as ", "his ", "her ", "be ", "at ", "by ", "Emma ",
                                "said ", "very ", "much ", "could ", "would ", "Mr. ", "Knightley ", "\n", ", ", ". "};
  lcg r{seed};
  std::vector<uint8_t> v;
  while (v.size() < n) {
    const char* w = words[r.next() % 30];
    for (const char* p = w; *p && v.size() < n; ++p) v.push_back(static_cast<uint8_t>(*p));
  }
  return v;
}

entry file(const std::string& path, std::vector<uint8_t> data, uint32_t mode = 0644) {
  entry e;
  e.header.type = entry_type::file;
  e.header.path = path;
  e.header.mode = mode;
  e.header.mtime_sec = 1700000000 + static_cast<int64_t>(path.size());
  e.header.mtime_nsec = 500000000;
  e.header.size = data.size();
  e.data = std::move(data);
  return e;
}

entry other(entry_type t, const std::string& path, const std::string& link = "") {
  entry e;
  e.header.type = t;
  e.header.path = path;
  e.header.link = link;
  e.header.mode = t == entry_type::symlink ? 0777 : 0755;
  e.header.mtime_sec = 1600000000;
  return e;
}

std::vector<uint8_t> ppm(uint32_t w, uint32_t h) {
  const std::string head = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  std::vector<uint8_t> v(head.begin(), head.end());
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) {
      v.push_back(static_cast<uint8_t>(x * 255 / w));
      v.push_back(static_cast<uint8_t>(y * 255 / h));
      v.push_back(static_cast<uint8_t>((x + y) * 3));
    }
  return v;
}

// A 12 x 10 RGB PNG written by zlib at level 9 (Python's zlib.compress),
// rows filtered with types 0 and 1: the png transform rebuilds it.
std::vector<uint8_t> small_png() {
  static const uint8_t bytes[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x0A, 0x08, 0x02, 0x00, 0x00, 0x00, 0x0F, 0x4E, 0x28,
    0xAD, 0x00, 0x00, 0x01, 0x53, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0x60, 0xE0, 0x14, 0x92,
    0x56, 0xD1, 0x35, 0xB3, 0xF7, 0x08, 0x8C, 0x4A, 0xCE, 0x29, 0xAD, 0x6B, 0x9F, 0x30, 0x73, 0xD1,
    0xEA, 0x2D, 0x7B, 0x8F, 0x9D, 0xBF, 0xF1, 0xF0, 0xD5, 0xE7, 0x3F, 0xAC, 0x7C, 0xE2, 0x0A, 0x9A,
    0x46, 0xD6, 0x8C, 0x82, 0xD2, 0xAA, 0x72, 0x40, 0x20, 0x2E, 0x2E, 0x8E, 0x9B, 0x62, 0x50, 0xD2,
    0xB5, 0x70, 0x76, 0x0F, 0x8A, 0x4D, 0xCC, 0x29, 0x6F, 0x6A, 0x9B, 0x38, 0x67, 0xC1, 0xEA, 0x6D,
    0x07, 0x8F, 0x5E, 0xB8, 0x7D, 0xFF, 0xD5, 0x57, 0x06, 0x16, 0x7E, 0x29, 0x39, 0x4D, 0x13, 0x7B,
    0x67, 0xBF, 0xC8, 0x58, 0x06, 0x63, 0x7B, 0xEF, 0x80, 0x98, 0xC4, 0xDC, 0xA2, 0xBA, 0xAE, 0xFE,
    0xD9, 0x0B, 0xD6, 0x6C, 0xDC, 0x7B, 0xF2, 0xDC, 0xAD, 0xFB, 0xAF, 0x3F, 0xFC, 0xE1, 0xE0, 0x95,
    0x94, 0xD3, 0xD2, 0xB7, 0x76, 0xF7, 0x89, 0x88, 0xCD, 0xCC, 0x63, 0x70, 0x09, 0x0C, 0x4F, 0xC9,
    0x2A, 0xAF, 0x6D, 0x9E, 0x30, 0x6D, 0xF1, 0xCA, 0x6D, 0x7B, 0x0E, 0x9D, 0xBF, 0xFA, 0xE8, 0xC5,
    0xD7, 0xDF, 0x8C, 0x7C, 0x22, 0x8A, 0xEA, 0x26, 0x56, 0x0E, 0xBE, 0xC1, 0x09, 0x69, 0xC5, 0x95,
    0xF5, 0x0C, 0xA1, 0xC9, 0x59, 0x85, 0xF5, 0x6D, 0xBD, 0x53, 0x16, 0xAD, 0xDC, 0xB0, 0xEF, 0xE8,
    0x99, 0xCB, 0x0F, 0x5F, 0xBC, 0xFF, 0xCB, 0xC2, 0x2D, 0xA4, 0xA0, 0xAE, 0x67, 0xE3, 0xEC, 0x15,
    0x18, 0x9F, 0x96, 0x5B, 0xDD, 0xD4, 0x39, 0x81, 0x31, 0xAD, 0xB4, 0x56, 0x5E, 0x02, 0x08, 0xE4,
    0xE5, 0x71, 0x53, 0x0C, 0xE5, 0x0D, 0x9D, 0x93, 0x66, 0x2F, 0x59, 0xBB, 0x6D, 0xFF, 0x89, 0x8B,
    0xB7, 0x1E, 0xBF, 0xF9, 0xFA, 0x8F, 0x5D, 0x40, 0x52, 0x49, 0xDB, 0xC4, 0xD6, 0xCD, 0x3F, 0x22,
    0x31, 0xAB, 0xB8, 0xA6, 0xB5, 0x6F, 0xFA, 0x82, 0x95, 0x9B, 0x18, 0x3A, 0x26, 0xCD, 0x59, 0xB6,
    0x61, 0xD7, 0x91, 0xE3, 0x17, 0x6F, 0x3F, 0x7D, 0xFF, 0x93, 0x99, 0x4D, 0x40, 0x4A, 0x45, 0xCF,
    0xC2, 0xC9, 0xD5, 0x3F, 0x32, 0x39, 0xB7, 0xBC, 0xB1, 0xA5, 0x6F, 0xC6, 0xA2, 0x35, 0xDB, 0x0E,
    0x1C, 0x66, 0x98, 0xB9, 0x64, 0xFD, 0xAE, 0x7D, 0x27, 0xAF, 0xDC, 0x78, 0xFC, 0xEE, 0xE7, 0x5F,
    0x0E, 0x61, 0x71, 0x60, 0x88, 0xD8, 0xB8, 0x07, 0x85, 0x01, 0x43, 0xA4, 0xBA, 0x6D, 0xE2, 0x54,
    0x60, 0x88, 0xEC, 0x3A, 0x7A, 0xE1, 0x0A, 0x00, 0xFD, 0x62, 0x94, 0x20, 0x28, 0x4E, 0x7C, 0x4F,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
  return std::vector<uint8_t>(bytes, bytes + sizeof bytes);
}

// A grey P5 image with texture (a smooth ramp plus noise), for the image model.
std::vector<uint8_t> pgm(uint32_t w, uint32_t h) {
  const std::string head = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  std::vector<uint8_t> v(head.begin(), head.end());
  lcg r{77};
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) v.push_back(static_cast<uint8_t>((x * 3 + y * 2) % 200 + r.next() % 9));
  return v;
}

// Mono, or stereo with a second channel that follows the first (frames of
// `channels` 16-bit samples).
std::vector<uint8_t> wav(uint32_t samples, uint16_t channels = 1) {
  auto le32 = [](std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
  };
  const uint32_t bytes = samples * 2 * channels;
  std::vector<uint8_t> v = {'R', 'I', 'F', 'F'};
  le32(v, 36 + bytes);
  const uint8_t fmt[] = {'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, static_cast<uint8_t>(channels), 0,
                         0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, static_cast<uint8_t>(2 * channels), 0, 16, 0, 'd', 'a', 't', 'a'};
  v.insert(v.end(), fmt, fmt + sizeof fmt);
  le32(v, bytes);
  lcg r{5};
  auto put = [&v](int16_t s) {
    v.push_back(static_cast<uint8_t>(s));
    v.push_back(static_cast<uint8_t>(static_cast<uint16_t>(s) >> 8));
  };
  for (uint32_t i = 0; i < samples; ++i) {
    // A decaying tone plus noise, as integers only.
    const int32_t tri = static_cast<int32_t>((i * 37) % 400) - 200;
    const int16_t s = static_cast<int16_t>(tri * 40 + static_cast<int32_t>(r.next() % 64) - 32);
    put(s);
    if (channels == 2) put(static_cast<int16_t>(s / 2 + static_cast<int32_t>(r.next() % 16)));
  }
  return v;
}

std::vector<uint8_t> bmp(uint32_t w, uint32_t h) {
  const uint32_t stride = (w * 3 + 3) & ~3u;
  std::vector<uint8_t> v(54 + stride * h, 0);
  auto put32 = [&](size_t at, uint32_t x) {
    for (int i = 0; i < 4; ++i) v[at + i] = static_cast<uint8_t>(x >> (8 * i));
  };
  v[0] = 'B';
  v[1] = 'M';
  put32(2, static_cast<uint32_t>(v.size()));
  put32(10, 54);
  put32(14, 40);
  put32(18, w);
  put32(22, h);
  v[26] = 1;
  v[28] = 24;
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w * 3; ++x) v[54 + y * stride + x] = static_cast<uint8_t>(x * 5 + y * 11);
  return v;
}

}  // namespace

std::vector<case_spec> cases(const archive_nn::model_handle& tiny) {
  std::vector<case_spec> out;
  {
    case_spec c;
    c.name = "empty";
    out.push_back(c);
  }
  {
    case_spec c;
    c.name = "classic_tree";
    c.entries.push_back(other(entry_type::directory, "tree"));
    c.entries.push_back(other(entry_type::directory, "tree/empty dir"));
    c.entries.push_back(file("tree/zero", {}));
    c.entries.push_back(file("tree/prose.txt", prose(300000, 1)));
    c.entries.push_back(file("tree/\xC3\xA9t\xC3\xA9 \xE6\x97\xA5.txt", prose(777, 2), 0600));
    c.entries.push_back(other(entry_type::symlink, "tree/link", "prose.txt"));
    c.entries.push_back(other(entry_type::hardlink, "tree/hard", "tree/zero"));
    c.entries.push_back(file("tree/big.bin", [] {
      std::vector<uint8_t> v(2 * 1024 * 1024 + 5);
      lcg r{9};
      for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i % 1000 < 500 ? r.next() : i);
      return v;
    }(), 0755));
    out.push_back(c);
  }
  {
    case_spec c;
    c.name = "transforms";
    c.entries.push_back(file("img.ppm", ppm(40, 30)));
    c.entries.push_back(file("tone.wav", wav(12000)));
    c.entries.push_back(file("pic.bmp", bmp(17, 9)));
    out.push_back(c);
  }
  {
    // A PNG archived as its pixels (transform 4) and rebuilt byte for byte.
    case_spec c;
    c.name = "png";
    c.entries.push_back(file("small.png", small_png()));
    out.push_back(c);
  }
  for (const char* codec : {"stored", "zstd", "lzma", "zlib"}) {
    case_spec c;
    c.name = std::string("codec_") + codec;
    archive_nn::parse_codec_choice(codec, c.codec);
    c.entries.push_back(file("a.txt", prose(20000, 3)));
    out.push_back(c);
  }
  // The mixing codec without a model: context models, match model, mixers,
  // APMs; both revisions (codec_mix1: Codec_Id 9, archives of older nntar).
  for (auto [name, choice] : {std::pair{"codec_mix", archive_nn::codec_choice::mix},
                              std::pair{"codec_mix1", archive_nn::codec_choice::mix1}}) {
    case_spec c;
    c.name = name;
    c.codec = choice;
    c.entries.push_back(file("a.txt", prose(20000, 3)));
    c.entries.push_back(file("b.bin", [] {
      std::vector<uint8_t> v(5000);
      lcg r{33};
      for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i % 300 < 150 ? r.next() % 16 : i);
      return v;
    }()));
    out.push_back(c);
  }
  {
    // The mix codec's image model (Profile 1): RGB from PPM and BMP, grey from PGM.
    case_spec c;
    c.name = "mix_image";
    c.codec = archive_nn::codec_choice::mix;
    c.entries.push_back(file("img.ppm", ppm(40, 30)));
    c.entries.push_back(file("grey.pgm", pgm(33, 21)));
    c.entries.push_back(file("pic.bmp", bmp(17, 9)));
    out.push_back(c);
  }
  {
    // The mix codec's audio model (Profile 2): mono and stereo 16-bit PCM.
    case_spec c;
    c.name = "mix_audio";
    c.codec = archive_nn::codec_choice::mix;
    c.entries.push_back(file("mono.wav", wav(5000)));
    c.entries.push_back(file("stereo.wav", wav(3001, 2)));
    out.push_back(c);
  }
  {
    case_spec c;
    c.name = "codec_flac";
    c.codec = archive_nn::codec_choice::flac;
    c.entries.push_back(file("tone.wav", wav(30000)));
    out.push_back(c);
  }
  {
    // Format version 2: text, binary and compressed kinds in their own
    // blocks, a duplicate stored once, empty files, a hard link to a member.
    case_spec c;
    c.name = "solid_tree";
    c.solid_block = uint64_t(16) << 20;
    c.entries.push_back(other(entry_type::directory, "src"));
    c.entries.push_back(file("src/main.c", prose(3000, 11)));
    c.entries.push_back(file("src/util.c", prose(2000, 12)));
    c.entries.push_back(file("src/util.h", prose(400, 13)));
    c.entries.push_back(file("src/copy of util.c", prose(2000, 12)));  // a duplicate
    c.entries.push_back(file("src/README", prose(1500, 14)));
    c.entries.push_back(file("src/empty.txt", {}));
    c.entries.push_back(file("src/data.bin", [] {
      std::vector<uint8_t> v(3000);
      for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i % 7 == 0 ? 0 : i * 13);
      return v;
    }()));
    c.entries.push_back(file("src/noise.gz", [] {
      std::vector<uint8_t> v(6000);
      lcg r{21};
      for (auto& b : v) b = static_cast<uint8_t>(r.next());
      v[0] = 0x1f;
      v[1] = 0x8b;
      return v;
    }()));
    c.entries.push_back(other(entry_type::hardlink, "src/hard", "src/util.h"));
    c.entries.push_back(other(entry_type::symlink, "src/link", "main.c"));
    c.entries.push_back(file("src/img.ppm", ppm(8, 6)));  // a transform: its own entry
    out.push_back(c);
  }
  {
    // Members straddle chunk boundaries: 1000-byte chunks of one block.
    case_spec c;
    c.name = "solid_chunks";
    c.codec = archive_nn::codec_choice::zstd;
    c.solid_block = 6000;
    c.solid_chunk = 1000;
    for (int i = 0; i < 6; ++i)
      c.entries.push_back(file("f" + std::to_string(i) + ".txt", prose(700 + 450 * static_cast<size_t>(i), 30 + i)));
    c.entries.push_back(file("again.txt", prose(700, 30)));  // a duplicate of f0.txt
    out.push_back(c);
  }
  if (tiny) {
    case_spec c;
    c.name = "nn_tiny";
    c.codec = archive_nn::codec_choice::nn;
    c.use_tiny_model = true;
    c.entries.push_back(file("prose.txt", prose(5000, 4)));
    c.entries.push_back(file("short.txt", prose(70, 5)));
    c.entries.push_back(file("img.ppm", ppm(16, 12)));
    out.push_back(c);
    c.name = "nn_tiny_embedded";
    c.embed_model = true;
    c.entries.resize(1);
    out.push_back(c);
    case_spec a;
    a.name = "auto_tiny";
    a.use_tiny_model = true;
    a.entries.push_back(file("prose.txt", prose(9000, 6)));
    a.entries.push_back(file("tone.wav", wav(3000)));
    out.push_back(a);
    case_spec mt;
    mt.name = "mix_tiny";  // the mixing codec with the transformer as one of its inputs
    mt.codec = archive_nn::codec_choice::mix;
    mt.use_tiny_model = true;
    mt.entries.push_back(file("prose.txt", prose(6000, 50)));
    mt.entries.push_back(file("short.txt", prose(100, 51)));
    out.push_back(mt);
    mt.name = "mix1_tiny";  // the same with revision 1 (Codec_Id 9)
    mt.codec = archive_nn::codec_choice::mix1;
    out.push_back(mt);
    case_spec sn;
    sn.name = "solid_nn_tiny";  // nn chunks inside a solid block
    sn.codec = archive_nn::codec_choice::nn;
    sn.use_tiny_model = true;
    sn.solid_block = 4000;
    sn.solid_chunk = 1500;
    sn.entries.push_back(file("a.txt", prose(1800, 40)));
    sn.entries.push_back(file("b.txt", prose(1200, 41)));
    sn.entries.push_back(file("c.txt", prose(2500, 42)));
    out.push_back(sn);
  }
  return out;
}

std::vector<uint8_t> build(const case_spec& c, const archive_nn::model_handle& tiny, unsigned threads) {
  archive_nn::memory_sink sink;
  archive_nn::create_options o;
  o.codec = c.codec;
  o.threads = threads;
  if (c.use_tiny_model) o.model = tiny;
  o.embed_model = c.embed_model;
  o.solid_block_size = c.solid_block;
  o.solid_chunk_size = c.solid_chunk;
  archive_nn::archive_creator cr(sink, o);
  if (!cr.begin().ok()) return {};
  for (const entry& e : c.entries) {
    archive_nn::status st = archive_nn::ok_status();
    if (e.header.type != entry_type::file) {
      st = cr.add_entry(e.header);
    } else if (c.solid_block) {
      const std::vector<uint8_t>* data = &e.data;
      st = cr.add_file(e.header, [data]() -> archive_nn::result<std::unique_ptr<archive_nn::byte_source>> {
        return archive_nn::make_memory_source(data->data(), data->size());
      });
    } else {
      auto src = archive_nn::make_memory_source(e.data.data(), e.data.size());
      st = cr.add_file(e.header, *src);
    }
    if (!st.ok()) return {};
  }
  if (!cr.finish().ok() || !cr.entry_errors().empty()) return {};
  return sink.bytes;
}

std::string describe(const std::vector<entry>& entries) {
  std::string s;
  for (const entry& e : entries) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "\t%d\t%04o\t%lld.%09u\t%llu\t%016llx\t", static_cast<int>(e.header.type), e.header.mode,
                  static_cast<long long>(e.header.mtime_sec), e.header.mtime_nsec,
                  static_cast<unsigned long long>(e.data.size()),
                  static_cast<unsigned long long>(archive_nn::xxh64(e.data.data(), e.data.size())));
    s += e.header.path + buf + e.header.link + "\n";
  }
  return s;
}

}  // namespace golden
