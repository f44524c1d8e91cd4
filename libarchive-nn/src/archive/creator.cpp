// archive_creator: classifies each file, cuts it into chunks, codes chunks on
// a thread pool and writes records strictly in submission order, so the
// archive bytes never depend on the thread count.
#include <lzma.h>
#include <xxhash.h>

#include <deque>
#include <optional>
#include <variant>

#include "archive/chunk_coding.hpp"
#include "archive/solid_plan.hpp"
#include "common/thread_pool.hpp"
#include "model/model.hpp"
#include "transform/jpeg.hpp"
#include "transform/png.hpp"
#include "transform/sparse.hpp"

namespace archive_nn {
inline namespace v1 {
namespace {

constexpr uint64_t whole_file_max = uint64_t(64) << 20;  // read whole (enables bmp24)
constexpr size_t prefix_size = size_t(1) << 20;

struct begin_item {
  entry_header header;
  bool may_use_model = false;  // a chunk's plan offers it the model (spec §4: its Model_Record comes first)
};
struct chunk_item {
  std::shared_future<result<coded_chunk>> coded;  // shared: looked at before it is written
  uint64_t size = 0;
  size_t block = SIZE_MAX;  // index into the block statistics, for chunks of a solid block
};
struct end_item {
  uint64_t checksum = 0;
};
struct block_item {
  block_header header;
  std::vector<uint8_t> table;  // coded Member_Table
  bool may_use_model = false;
};
using item = std::variant<begin_item, chunk_item, end_item, block_item>;

result<size_t> read_full(byte_source& src, uint8_t* data, size_t size);

// A file's bytes as the creator reads them when it has already read a prefix
// to classify the file: the prefix first, then the rest of the source; what
// the source lacks (it shrank) is zero-padded and counted in short_by.
struct prefixed_reader {
  const std::vector<uint8_t>& prefix;
  byte_source& rest;
  size_t prefix_at = 0;
  uint64_t short_by = 0;

  status read(uint8_t* dst, size_t n) {
    const size_t from_prefix = std::min(n, prefix.size() - prefix_at);
    std::copy(prefix.begin() + static_cast<std::ptrdiff_t>(prefix_at),
              prefix.begin() + static_cast<std::ptrdiff_t>(prefix_at + from_prefix), dst);
    prefix_at += from_prefix;
    if (from_prefix < n) {
      ANN_TRY_ASSIGN(size_t r, read_full(rest, dst + from_prefix, n - from_prefix));
      if (r < n - from_prefix) {
        std::fill(dst + from_prefix + r, dst + n, 0);
        short_by += n - from_prefix - r;
      }
    }
    return ok_status();
  }
};

// A file's content read whole: exactly `size` bytes (zero-padded when the
// file shrank), and whether it changed size while being read.
struct file_bytes {
  std::vector<uint8_t> bytes;
  bool changed = false;
};

result<file_bytes> read_whole(const content_opener& open, uint64_t size) {
  ANN_TRY_ASSIGN(std::unique_ptr<byte_source> src, open());
  file_bytes f;
  f.bytes.resize(static_cast<size_t>(size));
  ANN_TRY_ASSIGN(size_t got, read_full(*src, f.bytes.data(), f.bytes.size()));
  uint8_t extra;
  ANN_TRY_ASSIGN(size_t more, read_full(*src, &extra, 1));
  f.changed = got != f.bytes.size() || more != 0;
  std::fill(f.bytes.begin() + static_cast<std::ptrdiff_t>(got), f.bytes.end(), 0);
  return f;
}

struct pending_file {
  entry_header meta;
  content_opener open;
};

result<std::vector<uint8_t>> xz_compress(const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out(lzma_stream_buffer_bound(in.size()));
  size_t pos = 0;
  const lzma_ret r = lzma_easy_buffer_encode(9 | LZMA_PRESET_EXTREME, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(),
                                             out.data(), &pos, out.size());
  ANN_RETURN_ERROR_IF(r != LZMA_OK, codec_failed, "xz: cannot compress the model");
  out.resize(pos);
  return out;
}

result<size_t> read_full(byte_source& src, uint8_t* data, size_t size) {
  size_t got = 0;
  while (got < size) {
    ANN_TRY_ASSIGN(size_t n, src.read(data + got, size - got));
    if (n == 0) break;
    got += n;
  }
  return got;
}

}  // namespace

struct archive_creator::impl {
  impl(byte_sink& s, create_options o)
      : sink(s), writer(s), opt(std::move(o)), pool(opt.threads ? opt.threads : 1), stats(256) {}

  byte_sink& sink;
  archive_writer writer;
  create_options opt;
  thread_pool pool;
  std::deque<item> queue;
  size_t chunks_in_flight = 0;
  std::vector<codec_stats> stats;
  std::vector<block_stats> block_list;
  std::vector<error> entry_errors;
  std::vector<pending_file> pending;      // solid candidates, read at finish()
  std::vector<entry_header> late_links;  // symlinks and hard links, written after the files
  progress_info progress;
  // The Model_Record, written before the first entry or block whose chunks
  // may use the model, and not at all when none may (images and sounds only).
  std::optional<model_record> unwritten_model;

  status write_model_for(bool may_use_model) {
    if (!may_use_model || !unwritten_model) return ok_status();
    ANN_TRY(writer.add_model(*unwritten_model));
    unwritten_model.reset();
    return ok_status();
  }
  static bool offers_model(const chunk_plan& p) {
    if (!p.model) return false;
    for (methods::codec_id c : p.candidates)
      if (methods::is_mix(c) || c == methods::codec_id::nn) return true;
    return false;
  }

  bool solid() const { return opt.solid_block_size > 0; }
  void entry_error(const error& e) { entry_errors.push_back(e); }

  std::vector<methods::codec_id> candidates(transform::modality what, bool payload, uint16_t channels) const {
    using methods::codec_id;
    switch (opt.codec) {
      case codec_choice::stored: return {};
      case codec_choice::zstd: return {codec_id::zstd};
      case codec_choice::lzma: return {codec_id::lzma};
      case codec_choice::zlib: return {codec_id::zlib};
      case codec_choice::flac: return payload && channels ? std::vector<codec_id>{codec_id::flac} : std::vector<codec_id>{codec_id::zstd};
      case codec_choice::nn: return payload && opt.model ? std::vector<codec_id>{codec_id::nn} : std::vector<codec_id>{codec_id::zstd};
      case codec_choice::mix: return {codec_id::mix};
      case codec_choice::mix1: return {codec_id::mix1};
      case codec_choice::mix2: return {codec_id::mix2};
      case codec_choice::automatic: break;
    }
    // By preset: the mixing codec (with the model at 9) and the classical
    // codecs; on large chunks a 64 KiB probe picks the one that codes the
    // chunk. The nn codec alone is left to --codec nn: it wins nothing the
    // mix does not.
    const int preset = std::min(9, std::max(1, opt.preset));
    std::vector<codec_id> c;
    if (preset >= 7) c.push_back(codec_id::mix);
    if (payload && what == transform::modality::audio && channels) c.push_back(codec_id::flac);
    if (preset >= 4 && preset != 7) c.push_back(codec_id::lzma);
    if (preset != 7) c.push_back(codec_id::zstd);
    return c;
  }

  // The model codes only with --codec nn or mix, or at preset 9 of auto.
  bool model_in_use() const {
    return opt.model && opt.codec != codec_choice::stored && (opt.codec != codec_choice::automatic || opt.preset >= 9);
  }
  // The classical codecs' level for a preset (0: the codec's default).
  int preset_level() const {
    if (opt.codec != codec_choice::automatic) return 0;
    static const int levels[10] = {0, 3, 9, 19, 6, 8, 0, 0, 0, 0};
    return levels[std::min(9, std::max(1, opt.preset))];
  }

  // Chunks never exceed what a default reader accepts (spec §10, Chunk_Size_Max).
  static constexpr uint64_t chunk_size_max = uint64_t(64) << 20;
  uint64_t classic_chunk_size() const { return std::max<uint64_t>(1, std::min(opt.chunk_size, chunk_size_max)); }
  // 0 windows: whole windows filling the classical chunk size, so that the
  // codecs nn competes with see the large chunks they need (LZMA on 32 KiB
  // chunks loses ~25% on text against 1 MiB chunks).
  uint64_t nn_chunk_size() const {
    const uint64_t window = opt.model->hp().context_length;
    const uint64_t wanted = opt.nn_windows_per_chunk ? opt.nn_windows_per_chunk : classic_chunk_size() / window;
    const uint64_t windows = std::max<uint64_t>(1, std::min<uint64_t>(wanted, chunk_size_max / window));
    return window * windows;
  }

  // Whether the entry or block at the front of the queue has a chunk that
  // the model coded, so that its Model_Record goes before it only then (a
  // plan offers the model, the chunks may pick another codec). False: not
  // known yet, try later. Decided when all its chunks are queued and coded
  // (waited for when `all` or the queue is full); an entry or block too
  // large for the queue's bound is assumed to use it.
  bool model_use(bool all, bool& uses) {
    const bool full = all || chunks_in_flight > 2 * pool.size() + 2;
    const bool is_block = std::holds_alternative<block_item>(queue.front());
    size_t block = SIZE_MAX;
    bool complete = all;  // draining everything: nothing more will be queued
    std::vector<const chunk_item*> chunks;
    for (size_t i = 1; i < queue.size(); ++i) {
      const auto* c = std::get_if<chunk_item>(&queue[i]);
      if (c && (!is_block || block == SIZE_MAX || c->block == block)) {
        if (is_block) block = c->block;
        chunks.push_back(c);
        continue;
      }
      complete = complete || is_block || std::holds_alternative<end_item>(queue[i]);
      break;
    }
    if (!complete) {
      if (!full) return false;
      uses = true;  // still being read, and the queue must move
      return true;
    }
    for (const chunk_item* c : chunks)
      if (!full && c->coded.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    uses = false;
    for (const chunk_item* c : chunks) {
      const result<coded_chunk>& r = c->coded.get();
      if (!r.ok() || r.value().header.model_id != 0) uses = true;
    }
    return true;
  }

  // Writes finished items from the front; with `all`, waits for everything.
  status drain(bool all) {
    while (!queue.empty()) {
      item& front = queue.front();
      if (auto* c = std::get_if<chunk_item>(&front)) {
        const bool must_wait = all || chunks_in_flight > 2 * pool.size() + 2;
        if (!must_wait && c->coded.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return ok_status();
        const result<coded_chunk>& r = c->coded.get();
        --chunks_in_flight;
        if (!r.ok()) return r.err();
        const coded_chunk& cc = r.value();
        ANN_TRY(writer.add_chunk(cc.header, cc.payload.data()));
        if (c->block != SIZE_MAX) {
          block_list[c->block].chunks++;
          block_list[c->block].bytes_coded += cc.header.size_coded;
        }
        codec_stats& s = stats[cc.header.codec_id];
        s.chunks++;
        s.bytes_original += cc.header.size_original;
        s.bytes_coded += cc.header.size_coded;
        progress.bytes_in += cc.header.size_original;
        progress.bytes_out = writer.bytes_written();
        if (opt.progress) opt.progress(progress);
      } else if (auto* b = std::get_if<begin_item>(&front)) {
        bool uses = b->may_use_model;
        if (uses && unwritten_model && !model_use(all, uses)) return ok_status();
        ANN_TRY(write_model_for(uses));
        ANN_TRY(writer.begin_entry(b->header));
      } else if (auto* blk = std::get_if<block_item>(&front)) {
        bool uses = blk->may_use_model;
        if (uses && unwritten_model && !model_use(all, uses)) return ok_status();
        ANN_TRY(write_model_for(uses));
        ANN_TRY(writer.begin_block(blk->header, blk->table.data()));
      } else {
        ANN_TRY(writer.end_entry(std::get<end_item>(front).checksum));
      }
      queue.pop_front();
    }
    return ok_status();
  }

  status submit_chunk(std::vector<uint8_t> data, chunk_plan plan, size_t block = SIZE_MAX) {
    chunk_item ci;
    ci.size = data.size();
    ci.block = block;
    ci.coded = pool.submit([data = std::move(data), plan = std::move(plan)] {
      return encode_chunk(data.data(), data.size(), plan);
    }).share();
    queue.emplace_back(std::move(ci));
    ++chunks_in_flight;
    return drain(false);
  }

  // An image payload's plan carries its geometry for the mix codec's image model.
  chunk_plan plan_for(const transform::layout& lay, bool payload) const {
    chunk_plan p = plan_for(lay.what, payload, lay.channels);
    if (payload && lay.what == transform::modality::image) {
      p.image_width = lay.image_width;
      p.pixel_bytes = lay.pixel_bytes;
    }
    if (payload && lay.what == transform::modality::audio && lay.channels <= 255)
      p.pcm_channels = static_cast<uint8_t>(lay.channels);
    if (lay.k == transform::kind::jpeg && opt.codec == codec_choice::automatic)
      p.candidates = {methods::codec_id::zstd};  // JPEG XL is entropy-coded: zstd fails fast, the chunk is stored
    // The mix codec's image and audio models leave the transformer out
    // (mix_codec.md §12.5, §12.6), so files with pixels or samples offer it
    // to none of their chunks (their short headers gain nothing from it).
    if ((lay.what == transform::modality::image || lay.what == transform::modality::audio) && opt.codec != codec_choice::nn) {
      p.model = nullptr;
      p.model_id = 0;
      p.nn_window = 0;
    }
    return p;
  }
  // Image chunks hold whole rows and audio chunks whole frames, so every
  // chunk's model starts at a row's (a frame's) start.
  static uint64_t row_aligned(uint64_t chunk, const chunk_plan& plan) {
    const uint64_t stride = plan.pixel_bytes ? uint64_t(plan.image_width) * plan.pixel_bytes : uint64_t(plan.pcm_channels) * 2;
    return stride && chunk > stride ? chunk / stride * stride : chunk;
  }
  // A segment's chunk size: whole model windows when the nn codec leads a
  // payload's candidates, else the classical size in whole rows or frames.
  uint64_t segment_chunk_size(const chunk_plan& plan, bool payload) const {
    const bool nn = payload && opt.model && !plan.candidates.empty() && plan.candidates[0] == methods::codec_id::nn;
    return nn ? nn_chunk_size() : row_aligned(classic_chunk_size(), plan);
  }

  chunk_plan plan_for(transform::modality what, bool payload, uint16_t channels) const {
    chunk_plan p;
    p.candidates = candidates(what, payload, channels);
    p.level = opt.level ? opt.level : preset_level();
    p.channels = channels;
    p.text = payload && what == transform::modality::text;
    if (model_in_use()) {
      p.model = opt.model.get();
      p.model_id = 1;
      p.nn_window = opt.model->hp().context_length;
    }
    return p;
  }

  // ---- Solid blocks (spec §6.4; the grouping is in solid_plan.cpp) ----

  uint64_t solid_chunk_size() const {
    const uint64_t wanted = opt.solid_chunk_size ? opt.solid_chunk_size : chunk_size_max;
    return std::max<uint64_t>(1, std::min(wanted, chunk_size_max));
  }

  // Reads every pending file once to classify and hash it; files that are
  // not solid candidates (large, or with a transform) go to `loose`.
  std::vector<solid_candidate> classify_pending(std::vector<size_t>& loose) {
    std::vector<solid_candidate> out;
    const uint64_t member_max = std::min<uint64_t>(opt.solid_block_size, reader_limits{}.block_size_max);
    for (size_t i = 0; i < pending.size(); ++i) {
      const entry_header& meta = pending[i].meta;
      if (meta.size > member_max) {
        loose.push_back(i);
        continue;
      }
      auto content = read_whole(pending[i].open, meta.size);
      if (!content.ok()) {
        loose.push_back(i);  // reported when it is opened again
        continue;
      }
      const std::vector<uint8_t>& bytes = content->bytes;
      if (transform::analyze(bytes.data(), bytes.size(), bytes.size()).k != transform::kind::raw ||
          transform::may_be_png(bytes.data(), bytes.size()) || transform::may_be_jpeg(bytes.data(), bytes.size())) {
        loose.push_back(i);  // pixels, samples and JPEGs keep their per-file layout
        continue;
      }
      solid_candidate c;
      c.file = i;
      c.kind = classify_solid(bytes.data(), bytes.size());
      c.path = meta.path;
      c.size = meta.size;
      const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
      c.hash_low = h.low64;
      c.hash_high = h.high64;
      out.push_back(std::move(c));
    }
    return out;
  }

  chunk_plan solid_plan_for(solid_kind kind) const {
    chunk_plan p = plan_for(kind == solid_kind::text ? transform::modality::text : transform::modality::binary, true, 0);
    if (opt.codec == codec_choice::automatic && kind == solid_kind::compressed)
      p.candidates = {methods::codec_id::zstd};  // LZMA and the model cannot shrink these; zstd fails fast
    return p;
  }

  status write_block(const planned_block& pb) {
    std::vector<uint8_t> stream;
    std::vector<block_member> members;
    uint64_t duplicates = 0;
    auto add_new = [&](size_t file, file_bytes&& content) {
      block_member m;
      m.header = pending[file].meta;
      m.header.type = entry_type::file;
      m.header.transform = 0;
      m.offset = stream.size();
      m.checksum = XXH64(content.bytes.data(), content.bytes.size(), 0);
      stream.insert(stream.end(), content.bytes.begin(), content.bytes.end());
      members.push_back(std::move(m));
    };
    auto read_member = [&](size_t file) -> result<file_bytes> {
      const entry_header& meta = pending[file].meta;
      auto content = read_whole(pending[file].open, meta.size);
      if (!content.ok()) {
        entry_error(make_error(errc::io_open_failed, meta.path + ": " + content.err().message + "; skipped"));
        return content;
      }
      if (content->changed)
        entry_error(make_error(errc::source_changed, meta.path + ": file changed size while being read (archived " +
                                                         std::to_string(meta.size) + " bytes, zero-padded)"));
      return content;
    };
    for (const planned_member& pm : pb.members) {
      auto original = read_member(pm.file);
      const size_t first = members.size();
      if (original.ok()) add_new(pm.file, std::move(original).value());
      for (size_t d : pm.duplicates) {
        auto copy = read_member(d);
        if (!copy.ok()) continue;
        const bool same = members.size() > first && members[first].header.size == copy->bytes.size() &&
                          std::equal(copy->bytes.begin(), copy->bytes.end(),
                                     stream.begin() + static_cast<std::ptrdiff_t>(members[first].offset));
        if (!same) {
          add_new(d, std::move(copy).value());  // changed since it was hashed, or a hash collision
          continue;
        }
        block_member m = members[first];
        m.duplicate_of = static_cast<int64_t>(first);
        m.header = pending[d].meta;
        m.header.type = entry_type::file;
        m.header.transform = 0;
        members.push_back(std::move(m));
        ++duplicates;
      }
    }
    if (members.empty()) return ok_status();
    if (stream.empty()) {
      // Only empty files: a block needs at least one byte; they become entries.
      for (const block_member& m : members) {
        auto src = make_memory_source(nullptr, 0);
        ANN_TRY(add_immediate(m.header, *src));
      }
      return ok_status();
    }
    const std::vector<uint8_t> table = encode_member_table(members);
    // The member table follows the codec choice (Table_Codec may only be
    // stored, zstd or lzma): --codec stored stores it too.
    chunk_plan table_plan;
    switch (opt.codec) {
      case codec_choice::stored: break;
      case codec_choice::lzma: table_plan.candidates = {methods::codec_id::lzma}; break;
      case codec_choice::automatic: table_plan.candidates = {methods::codec_id::lzma, methods::codec_id::zstd}; break;
      default: table_plan.candidates = {methods::codec_id::zstd}; break;
    }
    ANN_TRY_ASSIGN(coded_chunk coded_table, encode_chunk(table.data(), table.size(), table_plan));
    block_item bi;
    bi.header.block_id = block_list.size() + 1;
    bi.header.transform = 0;
    bi.header.size = stream.size();
    bi.header.member_count = members.size();
    bi.header.table_codec = coded_table.header.codec_id;
    bi.header.table_size = table.size();
    bi.header.table_size_coded = coded_table.header.size_coded;
    bi.header.table_checksum = coded_table.header.content_checksum;
    bi.table = std::move(coded_table.payload);
    block_stats st;
    st.block_id = bi.header.block_id;
    st.kind = solid_kind_name(pb.kind);
    st.members = members.size();
    st.duplicates = duplicates;
    st.bytes_original = stream.size();
    st.bytes_coded = bi.table.size();
    block_list.push_back(st);
    const size_t slot = block_list.size() - 1;
    const chunk_plan plan = solid_plan_for(pb.kind);
    bi.may_use_model = offers_model(plan);
    queue.emplace_back(std::move(bi));
    const uint64_t piece = solid_chunk_size();
    for (uint64_t at = 0; at < stream.size(); at += piece) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(piece, stream.size() - at));
      std::vector<uint8_t> data(stream.begin() + static_cast<std::ptrdiff_t>(at),
                                stream.begin() + static_cast<std::ptrdiff_t>(at + n));
      ANN_TRY(submit_chunk(std::move(data), plan, slot));
    }
    return ok_status();
  }

  status write_pending() {
    std::vector<size_t> loose;
    const std::vector<planned_block> plan = plan_solid_blocks(classify_pending(loose), opt.solid_block_size);
    for (const planned_block& pb : plan) ANN_TRY(write_block(pb));
    std::sort(loose.begin(), loose.end());
    for (size_t i : loose) {
      const pending_file& f = pending[i];
      auto src = f.open();
      if (!src.ok()) {
        entry_error(make_error(errc::io_open_failed, f.meta.path + ": " + src.err().message + "; skipped"));
        continue;
      }
      status st = add_immediate(f.meta, *src.value());
      if (!st.ok()) {
        if (st.err().level() != severity::entry) return st;
        entry_error(st.err());
      }
    }
    pending.clear();
    for (const entry_header& e : late_links) queue.emplace_back(begin_item{e});
    late_links.clear();
    return drain(false);
  }

  status add_immediate(entry_header meta, byte_source& content);

  // Cuts [0, size) of a segment into chunks; `pull` fills a buffer.
  template <class Pull>
  status add_segment(uint64_t size, const chunk_plan& plan, uint64_t chunk_size, Pull&& pull) {
    while (size > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(size, chunk_size));
      std::vector<uint8_t> data(n);
      ANN_TRY(pull(data.data(), n));
      ANN_TRY(submit_chunk(std::move(data), plan));
      size -= n;
    }
    return ok_status();
  }
};

archive_creator::archive_creator(byte_sink& sink, create_options options)
    : p_(std::make_unique<impl>(sink, std::move(options))) {}
archive_creator::~archive_creator() = default;

const std::vector<codec_stats>& archive_creator::stats() const { return p_->stats; }
uint64_t archive_creator::bytes_written() const { return p_->writer.bytes_written(); }

const char* describe_preset(int preset) {
  static const char* what[10] = {"",
                                 "zstd -3",
                                 "zstd -9",
                                 "zstd -19",
                                 "LZMA -6e or zstd",
                                 "LZMA -8e or zstd",
                                 "LZMA -9e or zstd",
                                 "the mix codec",
                                 "the mix codec, LZMA or zstd",
                                 "the mix codec with the model, LZMA or zstd"};
  return what[std::min(9, std::max(1, preset))];
}

status archive_creator::begin() {
  ANN_TRY(p_->writer.begin());
  p_->progress.bytes_total = p_->opt.total_hint;
  if (p_->model_in_use()) {
    model_record m;
    m.model_id = 1;
    m.hash = p_->opt.model->hash();
    if (p_->opt.embed_model) {
      const std::vector<uint8_t>& bytes = p_->opt.model->file_bytes();
      ANN_TRY_ASSIGN(std::vector<uint8_t> xz, xz_compress(bytes));
      m.model_size = bytes.size();
      if (xz.size() < bytes.size()) {
        m.storage = model_storage::embedded_xz;
        m.payload = std::move(xz);
      } else {
        m.storage = model_storage::embedded;
        m.payload = bytes;
      }
    }
    p_->unwritten_model = std::move(m);
  } else {
    p_->opt.model.reset();
  }
  return ok_status();
}

status archive_creator::add_entry(const entry_header& meta) {
  ANN_RETURN_ERROR_IF(meta.type == entry_type::file, internal, "add_entry is for entries without content");
  if (p_->solid() && meta.type != entry_type::directory) {
    ANN_RETURN_ERROR_IF(!path_is_safe(meta.path), internal, "archive_creator misuse: unsafe path '" + meta.path + "'");
    p_->late_links.push_back(meta);
    return ok_status();
  }
  p_->queue.emplace_back(begin_item{meta});
  return p_->drain(false);
}

status archive_creator::add_file(entry_header meta, byte_source& content) { return p_->add_immediate(std::move(meta), content); }

status archive_creator::add_file(entry_header meta, content_opener open) {
  impl& p = *p_;
  meta.type = entry_type::file;
  if (p.solid()) {
    // Checked now, as archive_writer checks the entries it writes at once.
    ANN_RETURN_ERROR_IF(!path_is_safe(meta.path), internal, "archive_creator misuse: unsafe path '" + meta.path + "'");
    p.pending.push_back({std::move(meta), std::move(open)});
    return ok_status();
  }
  ANN_TRY_ASSIGN(std::unique_ptr<byte_source> src, open());
  return p.add_immediate(std::move(meta), *src);
}

const std::vector<block_stats>& archive_creator::blocks() const { return p_->block_list; }
const std::vector<error>& archive_creator::entry_errors() const { return p_->entry_errors; }

status archive_creator::impl::add_immediate(entry_header meta, byte_source& content) {
  impl& p = *this;
  meta.type = entry_type::file;
  const uint64_t total = meta.size;
  // Classify from the whole file (small) or its first MiB (large).
  std::vector<uint8_t> whole;
  const bool in_memory = total <= whole_file_max;
  whole.resize(static_cast<size_t>(in_memory ? total : prefix_size));
  ANN_TRY_ASSIGN(size_t got, read_full(content, whole.data(), whole.size()));
  bool changed = got < whole.size();
  whole.resize(got);
  if (in_memory) {
    // Detect growth: one more byte than declared.
    uint8_t extra;
    ANN_TRY_ASSIGN(size_t more, read_full(content, &extra, 1));
    changed = changed || more != 0;
    whole.resize(static_cast<size_t>(total), 0);  // shrunk: zero-padded, reported below
  }
  // A PNG whose image data zlib rebuilds exactly becomes pixels, a JPEG that
  // libjxl transcodes and rebuilds exactly becomes JPEG XL (each checked by
  // undoing the transform before it is chosen); anything else as analyze says.
  std::vector<uint8_t> coded_stream;
  transform::layout coded_layout;
  // (The JPEG XL coding is compression: --codec stored leaves JPEGs alone.)
  const bool coded = in_memory && (transform::analyze_png(whole.data(), whole.size(), coded_layout, &coded_stream) ||
                                   (p.opt.codec != codec_choice::stored && transform::may_be_jpeg(whole.data(), whole.size()) &&
                                    transform::analyze_jpeg(whole.data(), whole.size(), coded_layout, &coded_stream)));
  const transform::layout lay = coded ? coded_layout : transform::analyze(whole.data(), whole.size(), total);
  if (coded) meta.size = coded_stream.size();  // a png or jpeg entry's Size is its stream's (spec §11.4, §11.5)
  meta.transform = static_cast<uint8_t>(lay.k);
  meta.transform_header_size = lay.k == transform::kind::raw ? 0 : lay.header_size;
  meta.transform_payload_size = lay.k == transform::kind::raw ? 0 : lay.payload_size;

  XXH64_state_t* hs = XXH64_createState();
  XXH64_reset(hs, 0);
  p.queue.emplace_back(begin_item{meta, meta.size > 0 && (impl::offers_model(p.plan_for(lay, false)) ||
                                                            impl::offers_model(p.plan_for(lay, true)))});

  const uint64_t sizes[3] = {lay.header_size, lay.payload_size, lay.trailer_size};
  status result_status = ok_status();
  if (in_memory) {
    XXH64_update(hs, whole.data(), whole.size());
    std::vector<uint8_t> stream = coded                              ? std::move(coded_stream)
                                  : lay.k == transform::kind::bmp24 ? transform::forward(lay, whole.data(), whole.size())
                                                                    : std::move(whole);
    size_t at = 0;
    for (int seg = 0; seg < 3 && result_status.ok(); ++seg) {
      const bool payload = seg == 1;
      const chunk_plan plan = p.plan_for(lay, payload);
      result_status = p.add_segment(sizes[seg], plan, p.segment_chunk_size(plan, payload), [&](uint8_t* dst, size_t n) -> status {
        std::copy(stream.begin() + static_cast<std::ptrdiff_t>(at), stream.begin() + static_cast<std::ptrdiff_t>(at + n), dst);
        at += n;
        return ok_status();
      });
    }
  } else {
    // Stream: the prefix already read, then the rest of the source.
    prefixed_reader in{whole, content};
    auto pull = [&](uint8_t* dst, size_t n) -> status {
      ANN_TRY(in.read(dst, n));
      XXH64_update(hs, dst, n);
      return ok_status();
    };
    for (int seg = 0; seg < 3 && result_status.ok(); ++seg) {
      const bool payload = seg == 1;
      const chunk_plan plan = p.plan_for(lay, payload);
      result_status = p.add_segment(sizes[seg], plan, p.segment_chunk_size(plan, payload), pull);
    }
    if (result_status.ok()) {
      uint8_t extra;
      ANN_TRY_ASSIGN(size_t more, read_full(content, &extra, 1));
      changed = in.short_by != 0 || more != 0;
    }
  }
  const uint64_t checksum = XXH64_digest(hs);
  XXH64_freeState(hs);
  if (!result_status.ok()) return result_status;
  p.queue.emplace_back(end_item{checksum});
  ANN_TRY(p.drain(false));
  ANN_RETURN_ERROR_IF(changed, source_changed, meta.path + ": file changed size while being read (archived " +
                                                   std::to_string(total) + " bytes, zero-padded)");
  return ok_status();
}

status archive_creator::add_sparse_file(entry_header meta, const std::vector<data_extent>& extents, byte_source& data) {
  impl& p = *p_;
  meta.type = entry_type::file;
  transform::sparse_map map;
  map.file_size = meta.size;
  map.extents = extents;
  const std::string why = transform::check_sparse_map(map);
  ANN_RETURN_ERROR_IF(!why.empty(), internal, "archive_creator misuse: '" + meta.path + "': " + why);
  const std::vector<uint8_t> map_bytes = transform::encode_sparse_map(map);
  ANN_RETURN_ERROR_IF(map_bytes.size() > sparse_map_max, limit_exceeded,
                      "'" + meta.path + "': " + std::to_string(extents.size()) + " extents are more than a sparse map holds");
  const uint64_t data_size = map.data_size();
  // The data is coded as any file's bytes would be: its kind (text or
  // binary) from its first MiB.
  std::vector<uint8_t> prefix(static_cast<size_t>(std::min<uint64_t>(data_size, prefix_size)));
  ANN_TRY_ASSIGN(size_t got, read_full(data, prefix.data(), prefix.size()));
  const uint64_t short_prefix = prefix.size() - got;
  std::fill(prefix.begin() + static_cast<std::ptrdiff_t>(got), prefix.end(), 0);
  const transform::layout seen = transform::analyze(prefix.data(), got, data_size);
  transform::layout lay;
  lay.k = transform::kind::sparse;
  lay.what = seen.k == transform::kind::raw ? seen.what : transform::modality::binary;
  lay.header_size = map_bytes.size();
  lay.payload_size = data_size;
  meta.size = map_bytes.size() + data_size;
  meta.transform = static_cast<uint8_t>(transform::kind::sparse);
  meta.transform_header_size = lay.header_size;
  meta.transform_payload_size = map.file_size;  // sparse: the file's size (§11.6)

  // Entry_Checksum covers the stream (map and data), not the holes (§11.6).
  XXH64_state_t* hs = XXH64_createState();
  XXH64_reset(hs, 0);
  const chunk_plan map_plan = p.plan_for(lay, false), data_plan = p.plan_for(lay, true);
  p.queue.emplace_back(begin_item{meta, data_size > 0 && impl::offers_model(data_plan)});
  size_t map_at = 0;
  auto pull_map = [&](uint8_t* dst, size_t n) -> status {
    std::copy(map_bytes.begin() + static_cast<std::ptrdiff_t>(map_at),
              map_bytes.begin() + static_cast<std::ptrdiff_t>(map_at + n), dst);
    map_at += n;
    XXH64_update(hs, dst, n);
    return ok_status();
  };
  prefixed_reader in{prefix, data};
  in.short_by = short_prefix;
  auto pull_data = [&](uint8_t* dst, size_t n) -> status {
    ANN_TRY(in.read(dst, n));
    XXH64_update(hs, dst, n);
    return ok_status();
  };
  status st = p.add_segment(lay.header_size, map_plan, p.segment_chunk_size(map_plan, false), pull_map);
  if (st.ok()) st = p.add_segment(lay.payload_size, data_plan, p.segment_chunk_size(data_plan, true), pull_data);
  bool changed = in.short_by != 0;
  if (st.ok()) {
    uint8_t extra;
    auto more = read_full(data, &extra, 1);
    changed = changed || (more.ok() && more.value() != 0);
  }
  const uint64_t checksum = XXH64_digest(hs);
  XXH64_freeState(hs);
  if (!st.ok()) return st;
  p.queue.emplace_back(end_item{checksum});
  ANN_TRY(p.drain(false));
  ANN_RETURN_ERROR_IF(changed, source_changed, meta.path + ": file changed while being read (its data was archived zero-padded)");
  return ok_status();
}

status archive_creator::finish() {
  ANN_TRY(p_->write_pending());
  ANN_TRY(p_->drain(true));
  return p_->writer.finish();
}

}  // namespace v1
}  // namespace archive_nn
