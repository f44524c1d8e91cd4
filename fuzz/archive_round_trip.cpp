// archive_round_trip: random entries (files with random content and size,
// some dressed as WAV/BMP/PNM so the transforms and FLAC run, directories,
// symlinks, hard links, names from the input) -> archive_creator with the
// classical codecs (and now and then the tiny nn model), one file per entry
// or in solid blocks (format version 2: grouped, reordered, deduplicated) ->
// read back equal (as a set: solid archives reorder files), through the
// index, sequentially and from a pipe; list_archive agrees.
// Creating twice, with 1 and with 2 threads, gives identical bytes
// (STYLE.md practice 6).
#include "fuzz_helpers.hpp"
#include "model/model.hpp"

using fuzz::put_le;

namespace ann = archive_nn;

namespace {

struct entry {
  ann::entry_header header;         // as given to the creator
  std::vector<uint8_t> content;     // what the source yields
  std::vector<uint8_t> expect;      // what reading must give back
  bool changed = false;             // source size differs from header.size
};

std::vector<uint8_t> make_content(fuzz::data_producer& in) {
  const uint8_t kind = static_cast<uint8_t>(in.u32_in(0, 6));
  std::vector<uint8_t> body = in.bytes(in.u32_in(0, 2048));
  switch (kind) {
    case 0: return body;
    case 1: {  // a repeated pattern: compressible, sometimes large
      const size_t n = in.u32_in(0, 70000);
      std::vector<uint8_t> v(n);
      for (size_t i = 0; i < n; ++i) v[i] = body.empty() ? static_cast<uint8_t>(i * 7) : body[i % body.size()];
      return v;
    }
    case 2: {  // WAV, PCM 16
      const uint16_t channels = static_cast<uint16_t>(in.u32_in(1, 3));
      const size_t frames = in.u32_in(0, 3000);
      std::vector<uint8_t> v = fuzz::wav_header(channels, frames, frames * 2 * channels - (in.flag() ? 0 : 1));
      int32_t s = 0;
      for (size_t i = 0; i < frames * channels; ++i) {  // a random walk: FLAC wins
        s += body.empty() ? 3 : static_cast<int8_t>(body[i % body.size()]);
        put_le(v, 44 + 2 * i, static_cast<uint16_t>(static_cast<int16_t>(s * 16)), 2);
      }
      if (in.flag()) v.insert(v.end(), body.begin(), body.end());  // a trailer
      return v;
    }
    case 3: {  // BMP 24-bit
      const uint32_t w = in.u32_in(1, 33), h = in.u32_in(1, 33);
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
      for (size_t i = 54; i < v.size(); ++i) v[i] = body.empty() ? static_cast<uint8_t>(i) : body[i % body.size()];
      if (in.flag()) v.insert(v.end(), body.begin(), body.end());
      return v;
    }
    case 4: {  // PGM
      const uint32_t w = in.u32_in(1, 40), h = in.u32_in(1, 40);
      const std::string head = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
      std::vector<uint8_t> v(head.begin(), head.end());
      for (size_t i = 0; i < size_t(w) * h; ++i) v.push_back(body.empty() ? static_cast<uint8_t>(i) : body[i % body.size()]);
      return v;
    }
    default: {  // text
      static const char* words[] = {"the ", "archive ", "of ", "entry ", "chunk ", "\n", ", ", "model "};
      const size_t n = in.u32_in(0, 8000);
      std::vector<uint8_t> v;
      for (size_t i = 0; v.size() < n; ++i) {
        const char* w = words[(body.empty() ? i : body[i % body.size()] + i) % 8];
        v.insert(v.end(), w, w + std::strlen(w));
      }
      return v;
    }
  }
}

std::string safe_name(std::string name, size_t i) {
  for (char& c : name)
    if (c == '\0') c = '_';
  if (!ann::path_is_safe(name)) name = "entry" + std::to_string(i);
  return name;
}

class collector : public ann::entry_visitor {
 public:
  struct got {
    ann::entry_header header;
    std::vector<uint8_t> data;
    bool ok = false;
  };
  bool begin_entry(const ann::entry_header& e) override {
    cur_ = got{e, {}, false};
    return true;
  }
  ann::status write(const uint8_t* d, size_t n) override {
    cur_.data.insert(cur_.data.end(), d, d + n);
    return ann::ok_status();
  }
  void end_entry(const ann::entry_header&, const ann::status& st) override {
    cur_.ok = st.ok();
    if (!st.ok()) std::fprintf(stderr, "entry error: %s\n", st.err().what().c_str());
    all.push_back(std::move(cur_));
  }
  std::vector<got> all;

 private:
  got cur_;
};

bool same_meta(const ann::entry_header& a, const ann::entry_header& b) {
  return a.type == b.type && a.path == b.path && a.link == b.link && a.mode == b.mode && a.mtime_sec == b.mtime_sec &&
         a.mtime_nsec == b.mtime_nsec && a.size == b.size;
}

struct creation {
  std::vector<uint8_t> bytes;
  bool failed = false;  // some call returned an error other than source_changed
};

creation create(const std::vector<entry>& entries, const ann::create_options& opt) {
  creation c;
  ann::memory_sink sink;
  ann::archive_creator ac(sink, opt);
  auto note = [&](const ann::status& st, bool changed) {
    if (st.ok()) return;
    if (changed && st.err().code == ann::errc::source_changed) return;
    c.failed = true;
  };
  note(ac.begin(), false);
  size_t changed = 0;
  for (const entry& e : entries) {
    if (e.header.type == ann::entry_type::file && opt.solid_block_size) {
      const std::vector<uint8_t>* content = &e.content;
      note(ac.add_file(e.header, [content]() -> ann::result<std::unique_ptr<ann::byte_source>> {
        return ann::make_memory_source(content->data(), content->size());
      }), false);
      changed += e.changed;
    } else if (e.header.type == ann::entry_type::file) {
      auto src = ann::make_memory_source(e.content.data(), e.content.size());
      const ann::status st = ac.add_file(e.header, *src);
      FUZZ_ASSERT_MSG(!e.changed || !st.ok(), "a file that changed size was not reported");
      note(st, e.changed);
    } else {
      note(ac.add_entry(e.header), false);
    }
  }
  note(ac.finish(), false);
  if (!c.failed) {
    // Deferred files report problems after finish(): a changed file is
    // reported (once, or twice when read again as a duplicate's original).
    size_t reported = 0;
    for (const ann::error& err : ac.entry_errors()) {
      FUZZ_ASSERT_MSG(err.code == ann::errc::source_changed, err.what());
      ++reported;
    }
    FUZZ_ASSERT_MSG((reported == 0) == (changed == 0), "a file that changed size was not reported");
  }
  c.bytes = std::move(sink.bytes);
  return c;
}

// An entry as one comparable string: solid archives deliver entries in
// their own order, so reads are compared as sorted lists.
std::string describe(const ann::entry_header& h, const std::vector<uint8_t>& data) {
  std::string s = std::to_string(static_cast<int>(h.type)) + "|" + h.path + "|" + h.link + "|" + std::to_string(h.mode) +
                  "|" + std::to_string(h.mtime_sec) + "." + std::to_string(h.mtime_nsec) + "|" + std::to_string(h.size) +
                  "|";
  s.append(data.begin(), data.end());
  return s;
}

void check_read(const std::vector<uint8_t>& archive, const std::vector<entry>& entries, ann::byte_source& src,
                bool use_index, const char* how) {
  ann::read_options ro;
  ro.use_index = use_index;
  ro.threads = use_index ? 2 : 1;
  ro.resolve = [](const ann::model_hash& h) -> ann::model_handle {
    for (const ann::model_handle* m : {&fuzz::tiny_model(), &fuzz::tiny_model_post()})
      if ((*m)->hash() == h) return *m;
    return nullptr;
  };
  collector c;
  ann::read_summary sum;
  const ann::status st = ann::read_archive(src, c, ro, &sum);
  FUZZ_ASSERT_MSG(st.ok(), std::string(how) + ": " + (st.ok() ? "" : st.err().what()));
  FUZZ_ASSERT(!sum.archive_error && sum.entries_failed == 0 && sum.entries == entries.size());
  FUZZ_ASSERT_MSG(c.all.size() == entries.size(), how);
  std::vector<std::string> got, want;
  for (size_t i = 0; i < entries.size(); ++i) {
    FUZZ_ASSERT_MSG(c.all[i].ok, how);
    got.push_back(describe(c.all[i].header, c.all[i].data));
    want.push_back(describe(entries[i].header, entries[i].expect));
  }
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  FUZZ_ASSERT_MSG(got == want, std::string(how) + ": the entries read differ from those written");
  (void)archive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  ann::create_options opt;
  static const ann::codec_choice codecs[] = {ann::codec_choice::stored, ann::codec_choice::zstd,
                                             ann::codec_choice::lzma,   ann::codec_choice::zlib,
                                             ann::codec_choice::flac,   ann::codec_choice::automatic,
                                             ann::codec_choice::nn};
  opt.codec = codecs[in.u32_in(0, 6)];
  const bool with_model = opt.codec == ann::codec_choice::nn || (opt.codec == ann::codec_choice::automatic && in.flag());
  if (with_model) {
    opt.model = in.flag() ? fuzz::tiny_model() : fuzz::tiny_model_post();
    opt.embed_model = in.u32_in(0, 15) == 0;  // xz-compresses the model: now and then
    opt.nn_windows_per_chunk = in.u32_in(0, 4);
  }
  opt.level = in.u32_in(0, 7) == 0 ? 0 : 1;  // the default levels are slow: now and then
  static const uint64_t chunk_sizes[] = {64, 1000, 4096, 65536, uint64_t(1) << 20};
  opt.chunk_size = chunk_sizes[in.u32_in(0, 4)];
  static const uint64_t solid_sizes[] = {0, 0, 100, 4096, 65536, uint64_t(16) << 20};
  opt.solid_block_size = solid_sizes[in.u32_in(0, 5)];
  static const uint64_t solid_chunks[] = {0, 64, 1000, 4096};
  opt.solid_chunk_size = solid_chunks[in.u32_in(0, 3)];
  const unsigned threads = in.flag() ? 2 : 1;
  opt.threads = threads;

  std::vector<entry> entries(in.u32_in(0, 6));
  bool unsafe = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    entry& e = entries[i];
    ann::entry_header& h = e.header;
    h.type = static_cast<ann::entry_type>(in.u32_in(0, 3));
    const std::string raw = in.str(in.u32_in(1, 24));
    if (in.u32_in(0, 15) == 0 && !ann::path_is_safe(raw)) {
      h.path = raw;  // the creator must refuse it
      unsafe = true;
    } else {
      h.path = safe_name(raw, i);
    }
    h.mode = in.u32_in(0, 07777);
    h.mtime_sec = static_cast<int64_t>(in.u64());
    h.mtime_nsec = in.u32_in(0, 999999999);
    switch (h.type) {
      case ann::entry_type::file: {
        e.content = make_content(in);
        if (with_model && e.content.size() > 2048) e.content.resize(2048);  // nn encodes slowly
        h.size = e.content.size();
        if (in.u32_in(0, 15) == 0) {  // the file changes size while being read
          h.size = in.flag() ? h.size + in.u32_in(1, 100) : in.u32_in(0, static_cast<uint32_t>(h.size));
          e.changed = h.size != e.content.size();
        }
        e.expect = e.content;
        e.expect.resize(static_cast<size_t>(h.size), 0);
        break;
      }
      case ann::entry_type::directory: break;
      case ann::entry_type::symlink: {  // any target but NUL: absolute and ".." are data here
        h.link = in.str(in.u32_in(1, 16));
        for (char& c : h.link)
          if (c == '\0') c = '_';
        if (h.link.empty()) h.link = "target";
        break;
      }
      case ann::entry_type::hardlink: h.link = i ? entries[i - 1].header.path : "target"; break;
    }
  }

  // A work budget, as archive_reader's: with automatic codec choice every
  // chunk may try the mix codec, whose tables take ~17 MB to set up (10 ms,
  // ~0.5 s under ASan) whatever the chunk's size; at 64-byte chunks an input
  // could ask for a thousand of them, twice encoded and thrice decoded
  // (campaign 9's 21-second "timeout", 4.8 s without ASan), and 100-byte
  // solid blocks as many (each its own chunk); each chunk meets it up to
  // seven times (two variants, two creations, three reads). At most about 8
  // chunks per archive may meet the mix codec: larger chunks and blocks
  // otherwise (the classical codecs keep the small sizes).
  if (opt.codec == ann::codec_choice::automatic) {
    uint64_t bytes = 0;
    for (const entry& e : entries) bytes += e.content.size();
    const uint64_t floor = bytes / 8 + 1;
    opt.chunk_size = std::max(opt.chunk_size, floor);
    if (opt.solid_chunk_size) opt.solid_chunk_size = std::max(opt.solid_chunk_size, floor);
    if (opt.solid_block_size) opt.solid_block_size = std::max(opt.solid_block_size, floor);
  }

  const creation a = create(entries, opt);
  if (unsafe) {
    FUZZ_ASSERT_MSG(a.failed, "the creator accepted an unsafe path");
    return 0;
  }
  FUZZ_ASSERT_MSG(!a.failed, "creating the archive failed");
  opt.threads = 3 - threads;
  const creation b = create(entries, opt);
  FUZZ_ASSERT(!b.failed);
  FUZZ_ASSERT_MSG(a.bytes == b.bytes, "archive bytes depend on the thread count");

  const std::vector<uint8_t>& ar = a.bytes;
  {
    auto src = ann::make_memory_source(ar.data(), ar.size());
    check_read(ar, entries, *src, true, "indexed");
  }
  {
    auto src = ann::make_memory_source(ar.data(), ar.size());
    check_read(ar, entries, *src, false, "sequential");
  }
  {
    fuzz::pipe_source src(ar.data(), ar.size());
    check_read(ar, entries, src, true, "pipe");
  }

  ann::read_options ro;
  auto mem = ann::make_memory_source(ar.data(), ar.size());
  auto from_index = ann::list_archive(*mem, ro);
  fuzz::pipe_source pipe(ar.data(), ar.size());
  auto scanned = ann::list_archive(pipe, ro);
  FUZZ_ASSERT(from_index.ok() && scanned.ok());
  FUZZ_ASSERT(from_index->size() == entries.size() && scanned->size() == entries.size());
  std::vector<std::string> listed, want;
  for (size_t i = 0; i < entries.size(); ++i) {
    const ann::index_entry& x = (*from_index)[i];
    const ann::index_entry& y = (*scanned)[i];
    FUZZ_ASSERT(same_meta(x.header, y.header));
    FUZZ_ASSERT(x.entry_offset == y.entry_offset && x.block_id == y.block_id && x.member_offset == y.member_offset);
    if (x.header.type == ann::entry_type::file)
      FUZZ_ASSERT_MSG(x.chunk_count == y.chunk_count && x.size_coded == y.size_coded,
                      "index and scan disagree on entry " + std::to_string(i));
    listed.push_back(describe(x.header, {}));
    want.push_back(describe(entries[i].header, {}));
  }
  std::sort(listed.begin(), listed.end());
  std::sort(want.begin(), want.end());
  FUZZ_ASSERT_MSG(listed == want, "the listing differs from the entries written");
  return 0;
}
