// Writes the seed corpora of fuzz/corpus/ (run once; the output is committed):
//   fuzz_make_seeds <corpus dir>
// Archives are made with the library itself, models with model::serialize.
// Deterministic: running it again gives the same files.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <lzma.h>

#include "byte_io.hpp"
#include "archive/chunk_coding.hpp"
#include "coder/cdf.hpp"
#include "coder/range_coder.hpp"
#include "fuzz_helpers.hpp"
#include "model/model.hpp"
#include "model/transformer.hpp"

using fuzz::put_le;

namespace ann = archive_nn;
namespace fs = std::filesystem;

namespace {

fs::path root;

void write(const std::string& target, const std::string& name, const std::vector<uint8_t>& bytes) {
  const fs::path dir = root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::printf("%s/%s: %zu bytes\n", target.c_str(), name.c_str(), bytes.size());
}

std::vector<uint8_t> text(size_t n, uint32_t seed) {
  static const char* words[] = {"the ", "of ", "and ", "archive ", "model ", "chunk ", "\n", ", ", ". ", "Emma "};
  std::mt19937 rng(seed);
  std::vector<uint8_t> v;
  while (v.size() < n) {
    const char* w = words[rng() % 10];
    for (const char* p = w; *p && v.size() < n; ++p) v.push_back(static_cast<uint8_t>(*p));
  }
  return v;
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

std::vector<uint8_t> wav(uint16_t channels, size_t frames) {
  std::vector<uint8_t> v = fuzz::wav_header(channels, frames, frames * 2 * channels);
  for (size_t i = 0; i < frames * channels; ++i)
    put_le(v, 44 + 2 * i, static_cast<uint16_t>(static_cast<int16_t>(3000 * std::sin(0.05 * double(i)))), 2);
  return v;
}

std::vector<uint8_t> bmp(uint32_t w, uint32_t h) {
  const uint32_t stride = (w * 3 + 3) & ~3u;
  std::vector<uint8_t> v(54 + size_t(stride) * h);
  v[0] = 'B';
  v[1] = 'M';
  put_le(v, 2, v.size(), 4);
  put_le(v, 10, 54, 4);
  put_le(v, 14, 40, 4);
  put_le(v, 18, w, 4);
  put_le(v, 22, h, 4);
  put_le(v, 26, 1, 2);
  put_le(v, 28, 24, 2);
  for (size_t i = 54; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 5);
  return v;
}

std::vector<uint8_t> pgm(uint32_t w, uint32_t h) {
  const std::string head = "P5\n# seed\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  std::vector<uint8_t> v(head.begin(), head.end());
  for (size_t i = 0; i < size_t(w) * h; ++i) v.push_back(static_cast<uint8_t>(i * 3));
  return v;
}

struct item {
  ann::entry_type type;
  std::string path, link;
  std::vector<uint8_t> data;
};

// With opt.solid_block_size set, files go through content openers into solid
// blocks; otherwise each is added at once as its own entry.
std::vector<uint8_t> archive(const std::vector<item>& items, ann::create_options opt) {
  ann::memory_sink sink;
  ann::archive_creator c(sink, opt);
  FUZZ_ASSERT(c.begin().ok());
  for (const item& it : items) {
    ann::entry_header h;
    h.type = it.type;
    h.path = it.path;
    h.link = it.link;
    h.mode = it.type == ann::entry_type::directory ? 0755 : 0644;
    h.mtime_sec = 1700000000;
    h.mtime_nsec = 5;
    if (it.type == ann::entry_type::file && opt.solid_block_size) {
      h.size = it.data.size();
      const std::vector<uint8_t>* d = &it.data;
      FUZZ_ASSERT(c.add_file(h, [d]() -> ann::result<std::unique_ptr<ann::byte_source>> {
        return ann::make_memory_source(d->data(), d->size());
      }).ok());
    } else if (it.type == ann::entry_type::file) {
      h.size = it.data.size();
      auto src = ann::make_memory_source(it.data.data(), it.data.size());
      FUZZ_ASSERT(c.add_file(h, *src).ok());
    } else {
      FUZZ_ASSERT(c.add_entry(h).ok());
    }
  }
  FUZZ_ASSERT(c.finish().ok());
  return sink.bytes;
}

ann::create_options with(ann::codec_choice codec, uint64_t chunk = uint64_t(1) << 20) {
  ann::create_options o;
  o.codec = codec;
  o.chunk_size = chunk;
  o.level = 1;
  return o;
}

std::vector<uint8_t> model_bytes(uint32_t d, uint32_t layers, uint32_t heads, uint32_t ff, uint32_t ctx, bool post,
                                 bool extras) {
  namespace m = ann::model;
  m::model_file f;
  f.hp.d_model = d;
  f.hp.n_layer = layers;
  f.hp.n_head = heads;
  f.hp.d_ff = ff;
  f.hp.context_length = ctx;
  f.hp.norm = post ? m::norm_placement::post : m::norm_placement::pre;
  if (extras) {
    f.extras.push_back({"general.name", m::value_type::string, 0, 0.0f, "seed"});
    f.extras.push_back({"train.steps", m::value_type::u32, 1000, 0.0f, ""});
    f.extras.push_back({"train.loss", m::value_type::f32, 0, 1.25f, ""});
  }
  std::mt19937 rng(d * 31 + layers);
  std::normal_distribution<float> dist(0.0f, 0.3f);
  for (const m::tensor_desc& t : m::tensor_layout(f.hp)) {
    std::vector<uint16_t> v(t.elements());
    for (uint16_t& h : v) h = m::f32_to_f16(t.shape.size() == 1 ? 1.0f : dist(rng));
    f.tensors.push_back(std::move(v));
  }
  return m::serialize(f);
}

// xz preset 0 (256 KiB dictionary): small decoder state for the fuzzers.
std::vector<uint8_t> xz(const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out(lzma_stream_buffer_bound(in.size()));
  size_t pos = 0;
  FUZZ_ASSERT(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(), out.data(), &pos,
                                      out.size()) == LZMA_OK);
  out.resize(pos);
  return out;
}

// Bytes the model predicts well (greedy argmax within each window), so the
// nn codec shrinks them and the seed archive holds real nn chunks.
std::vector<uint8_t> predictable(const ann::model_handle& m, size_t n) {
  const uint32_t ctx = m->hp().context_length;
  ann::nn::kv_cache cache(*m, 1, ctx);
  ann::nn::forward_pass fwd(*m, ann::nn::kernels_ref(), 1);
  std::vector<uint8_t> window;
  std::vector<float> probs(256);
  for (uint32_t i = 0; i < ctx; ++i) {
    const uint32_t token = i == 0 ? ann::model::bos_token : window.back();
    const uint32_t pos = i, slot = 0;
    fwd.run(cache, 1, &token, &pos, &slot, probs.data());
    window.push_back(static_cast<uint8_t>(std::max_element(probs.begin(), probs.end()) - probs.begin()));
  }
  std::vector<uint8_t> v;
  while (v.size() < n) v.insert(v.end(), window.begin(), window.end());
  v.resize(n);
  return v;
}

// An archive embedding the model (raw or xz at preset 0), written record by
// record, with nn chunks of 64 bytes.
std::vector<uint8_t> embedded_archive(const ann::model_handle& m, bool use_xz, const std::vector<uint8_t>& data) {
  ann::memory_sink sink;
  ann::archive_writer w(sink);
  FUZZ_ASSERT(w.begin().ok());
  ann::model_record rec;
  rec.model_id = 1;
  rec.storage = use_xz ? ann::model_storage::embedded_xz : ann::model_storage::embedded;
  rec.hash = m->hash();
  rec.model_size = m->file_bytes().size();
  rec.payload = use_xz ? xz(m->file_bytes()) : m->file_bytes();
  rec.stored_size = rec.payload.size();
  FUZZ_ASSERT(w.add_model(rec).ok());
  ann::entry_header h;
  h.path = "t.bin";
  h.size = data.size();
  FUZZ_ASSERT(w.begin_entry(h).ok());
  ann::chunk_plan plan;
  plan.candidates = {ann::methods::codec_id::nn};
  plan.model = m.get();
  plan.model_id = 1;
  plan.nn_window = m->hp().context_length;
  for (size_t at = 0; at < data.size(); at += 64) {
    auto c = ann::encode_chunk(data.data() + at, std::min<size_t>(64, data.size() - at), plan);
    FUZZ_ASSERT(c.ok());
    FUZZ_ASSERT(w.add_chunk(c->header, c->payload.data()).ok());
  }
  FUZZ_ASSERT(w.end_entry(ann::xxh64(data.data(), data.size())).ok());
  FUZZ_ASSERT(w.finish().ok());
  return sink.bytes;
}

// The Index record of a finished archive (from its footer).
std::vector<uint8_t> index_of(const std::vector<uint8_t>& ar) {
  auto f = ann::decode_index_footer(ar.data() + ar.size() - 32, 32, ar.size());
  FUZZ_ASSERT(f.ok());
  return std::vector<uint8_t>(ar.begin() + static_cast<std::ptrdiff_t>(f->index_offset),
                              ar.begin() + static_cast<std::ptrdiff_t>(f->index_offset + f->index_size));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds <corpus dir>\n");
    return 2;
  }
  root = argv[1];
  using ann::codec_choice;
  using ann::entry_type;

  // archive_reader (and index_reader: the same archives, their index records).
  std::vector<std::pair<std::string, std::vector<uint8_t>>> archives;
  archives.emplace_back("empty.nna", archive({}, with(codec_choice::stored)));
  archives.emplace_back("stored_mixed.nna",
                        archive({{entry_type::directory, "d", "", {}},
                                 {entry_type::file, "d/a.txt", "", text(300, 1)},
                                 {entry_type::symlink, "d/l", "a.txt", {}},
                                 {entry_type::hardlink, "d/h", "d/a.txt", {}},
                                 {entry_type::file, "empty", "", {}}},
                                with(codec_choice::stored)));
  archives.emplace_back("zstd_chunks.nna", archive({{entry_type::file, "z.txt", "", text(2500, 2)}},
                                                   with(codec_choice::zstd, 1000)));
  archives.emplace_back("lzma.nna", archive({{entry_type::file, "x.txt", "", text(1500, 3)}}, with(codec_choice::lzma)));
  archives.emplace_back("zlib.nna", archive({{entry_type::file, "g.txt", "", text(1500, 4)}}, with(codec_choice::zlib)));
  archives.emplace_back("auto_media.nna", archive({{entry_type::file, "s.wav", "", wav(1, 400)},
                                                   {entry_type::file, "p.bmp", "", bmp(5, 3)},
                                                   {entry_type::file, "g.pgm", "", pgm(6, 4)}},
                                                  with(codec_choice::automatic)));
  archives.emplace_back("flac_stereo.nna",
                        archive({{entry_type::file, "st.wav", "", wav(2, 300)}}, with(codec_choice::flac)));
  {
    ann::create_options o = with(codec_choice::nn);
    o.model = fuzz::tiny_model();
    o.nn_windows_per_chunk = 2;
    archives.emplace_back("nn_referenced.nna",
                          archive({{entry_type::file, "t.bin", "", predictable(o.model, 150)}}, o));
    archives.emplace_back("nn_embedded_xz.nna", embedded_archive(o.model, true, predictable(o.model, 100)));
    archives.emplace_back("nn_embedded_raw.nna", embedded_archive(o.model, false, predictable(o.model, 70)));
  }
  {
    // Format version 2: solid blocks, stored (the member table in plain
    // sight), with chunks that members straddle, and zstd with a duplicate.
    ann::create_options o = with(codec_choice::stored);
    o.solid_block_size = 4096;
    o.solid_chunk_size = 700;
    archives.emplace_back("solid_stored.nna", archive({{entry_type::file, "a.txt", "", text(900, 20)},
                                                             {entry_type::file, "b.txt", "", text(600, 21)},
                                                             {entry_type::file, "c.bin", "", random_bytes(300, 22)},
                                                             {entry_type::file, "e", "", {}},
                                                             {entry_type::symlink, "l", "a.txt", {}}},
                                                            o));
    o = with(codec_choice::zstd);
    o.solid_block_size = uint64_t(1) << 20;
    archives.emplace_back("solid_dedup.nna", archive({{entry_type::file, "x/1.txt", "", text(1200, 23)},
                                                            {entry_type::file, "x/2.txt", "", text(1200, 23)},
                                                            {entry_type::file, "x/3.c", "", text(800, 24)},
                                                            {entry_type::hardlink, "x/h", "x/3.c", {}}},
                                                           o));
  }
  for (const auto& a : archives) {
    write("archive_reader", a.first, a.second);
    write("index_reader", a.first, a.second);
    const std::vector<uint8_t> ix = index_of(a.second);
    write("index_reader", a.first + ".index", ix);
    // The body alone: index_reader seals it again.
    ann::byte_reader r(ix.data() + 1, ix.size() - 1);
    r.varint();
    const size_t head = 1 + r.position();
    write("index_reader", a.first + ".body", std::vector<uint8_t>(ix.begin() + static_cast<std::ptrdiff_t>(head), ix.end() - 4));
  }
  {
    std::vector<uint8_t> cut = archives[1].second;
    cut.resize(cut.size() / 2);
    write("archive_reader", "truncated.nna", cut);
  }

  // model_file_reader.
  write("model_file_reader", "d8_l1_h1.nnm", model_bytes(8, 1, 1, 8, 8, false, false));
  write("model_file_reader", "d16_l1_h2_post_extras.nnm", model_bytes(16, 1, 2, 16, 32, true, true));
  write("model_file_reader", "d8_l2_h2.nnm", model_bytes(8, 2, 2, 4, 16, false, true));
  write("model_file_reader", "d8_l1_h1.nnm.xz", xz(model_bytes(8, 1, 1, 8, 8, false, false)));

  // range_decoder / range_coder_round_trip: streams of the coder itself.
  {
    float p[256];
    for (int s = 0; s < 256; ++s) p[s] = s < 128 ? 1.0f / 192.0f : 1.0f / 768.0f;
    uint32_t freq[256], cum[257];
    ann::coder::quantize(p, freq);
    ann::coder::cumulate(freq, cum);
    std::vector<uint8_t> out;
    ann::coder::range_encoder enc(out);
    for (uint8_t b : text(400, 7)) enc.encode(cum[b], freq[b]);
    enc.finish();
    write("range_decoder", "coded_text", out);
    write("range_decoder", "random_256", random_bytes(256, 8));
    write("range_decoder", "zeros_64", std::vector<uint8_t>(64, 0));
    write("range_decoder", "ones_64", std::vector<uint8_t>(64, 0xFF));
  }
  write("range_coder_round_trip", "text_600", text(600, 9));
  write("range_coder_round_trip", "random_300", random_bytes(300, 10));
  write("range_coder_round_trip", "runs", std::vector<uint8_t>(500, 'a'));

  // cdf_quantize: float bit patterns.
  {
    auto floats = [](std::vector<float> f, uint8_t mode) {
      std::vector<uint8_t> v(f.size() * 4);
      std::memcpy(v.data(), f.data(), v.size());
      v.push_back(mode);
      return v;
    };
    std::vector<float> f(256, 1.0f / 256.0f);
    write("cdf_quantize", "uniform", floats(f, 0));
    std::vector<float> g(256, 0.0f);
    g[17] = 1.0f;
    write("cdf_quantize", "one_hot", floats(g, 0));
    std::vector<float> h(256);
    for (int i = 0; i < 256; ++i) {
      const float special[] = {std::nanf(""), INFINITY, -INFINITY, -1.0f, 2.0f, 1e-45f, 0.999999f, 0.5f};
      h[i] = special[i % 8];
    }
    write("cdf_quantize", "specials", floats(h, 0));
    write("cdf_quantize", "random", random_bytes(1100, 11));
  }

  // archive_round_trip: the data producer reads its choices from the end.
  write("archive_round_trip", "random_200", random_bytes(200, 12));
  write("archive_round_trip", "random_1500", random_bytes(1500, 13));
  write("archive_round_trip", "text_3000", text(3000, 14));

  // mix_chunk_round_trip: the data producer reads its choices from the end.
  write("mix_chunk_round_trip", "text_2000", text(2000, 25));
  write("mix_chunk_round_trip", "random_300", random_bytes(300, 26));
  write("mix_chunk_round_trip", "runs", std::vector<uint8_t>(700, 'z'));

  // nn_chunk_round_trip.
  write("nn_chunk_round_trip", "text_400", text(400, 15));
  write("nn_chunk_round_trip", "random_100", random_bytes(100, 16));
  write("nn_chunk_round_trip", "predictable_200", predictable(fuzz::tiny_model(), 200));

  // transform_round_trip: file + 4 bytes (prefix length) + 1 byte (kind 0: as is).
  auto raw = [](std::vector<uint8_t> f) {
    const uint32_t prefix = static_cast<uint32_t>(f.size() / 2);
    for (int i = 0; i < 4; ++i) f.push_back(static_cast<uint8_t>(prefix >> (8 * (3 - i))));
    f.push_back(0);
    return f;
  };
  write("transform_round_trip", "bmp_7x5", raw(bmp(7, 5)));
  write("transform_round_trip", "wav_2ch", raw(wav(2, 50)));
  write("transform_round_trip", "pgm_9x4", raw(pgm(9, 4)));
  write("transform_round_trip", "text_200", raw(text(200, 17)));
  write("transform_round_trip", "dressed_bmp", random_bytes(300, 18));
  return 0;
}
