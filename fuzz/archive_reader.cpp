// archive_reader: arbitrary bytes -> read_archive (through the index, and
// sequentially: seekable with use_index=false and from a pipe) with a visitor
// that discards the data, and list_archive (index and scan). Must never
// crash, hang or allocate without bound; an entry that reads without error
// must deliver exactly its size.
//
// Record checksums would stop almost every mutation at the first record, so
// each input also runs "resealed": the same bytes with every checksum
// recomputed (archive header, record checksums, chunk content checksums by
// decoding the chunk, entry checksums, index and footer), which takes the
// fuzzer past the checksums into the codecs, the transforms and the
// reader's bookkeeping without weakening the library (STYLE.md practice 12).
#include <xxhash.h>

#include <map>

#include "archive/chunk_coding.hpp"
#include "byte_io.hpp"
#include "fuzz_helpers.hpp"
#include "model/model.hpp"
#include "records.hpp"

namespace ann = archive_nn;

namespace {

// The default decoder limits, except chunks (1 MiB): the other limits stay
// as shipped, so an allocation they allow is an allocation we see.
ann::reader_limits fuzz_limits() {
  ann::reader_limits lim;
  lim.chunk_size_max = uint64_t(1) << 20;
  return lim;
}

// An nn chunk costs one forward pass per decoded byte (~15 us under ASan
// with the tiny model, proportionally more with a larger one), and a 20-byte
// chunk record can ask for a megabyte: that time is inherent to the codec,
// not a bug, so inputs that could make the reader decode more than this many
// tiny-model-equivalent nn bytes are not run. Counted over every offset that
// parses as a chunk or model record (checksums not required), so nothing
// the reader could reach is missed; a model record weighs what the reader
// would use for it: a built-in model of that hash, the embedded model, or
// else the tiny one the resolver gives.
constexpr uint64_t nn_bytes_budget = 48 << 10;
// The mix codec (revision 3) decodes ~100 KB/s, a third of that under ASan:
// a chunk record of a few bytes may legitimately ask for up to the harness's
// 1 MiB chunk limit, half a minute of work. Inputs whose mix chunks (at
// every offset where a chunk header parses) claim more than this are skipped;
// each chunk counts at least 48 KiB, the cost of setting up its model.
constexpr uint64_t mix_bytes_budget = 96 << 10;

// [type][varint body size][body of body_size - 4 bytes] at pos, or false.
bool record_at(const uint8_t* data, size_t size, size_t pos, uint8_t type, size_t& body_at, size_t& body_len) {
  if (pos + 1 >= size || data[pos] != type) return false;
  ann::byte_reader hr(data + pos + 1, std::min<size_t>(10, size - pos - 1));
  const uint64_t body_size = hr.varint();
  body_at = pos + 1 + hr.position();
  // The checksum too must lie inside the input: callers look past the body
  // (an embedded model's payload starts after it), and size - (at + len + 4)
  // must not wrap around.
  if (hr.failed() || body_size < 4 || body_size > size - body_at) return false;
  body_len = static_cast<size_t>(body_size) - 4;
  return true;
}

bool nn_work_too_large(const uint8_t* data, size_t size) {
  const ann::reader_limits lim = fuzz_limits();
  const uint64_t tiny = fuzz::tiny_model()->hp().parameter_count();
  std::map<uint8_t, uint64_t> cost;  // model id -> parameters of the heaviest candidate
  size_t at, len;
  for (size_t pos = 0; pos < size; ++pos) {
    ann::model_record m;
    if (!record_at(data, size, pos, 0x01, at, len) || !ann::parse_model_body(data + at, len, lim, m).ok()) continue;
    uint64_t c = tiny;
    if (m.storage == ann::model_storage::referenced) {
      for (const ann::model_handle& b : ann::builtin_models())
        if (b->hash() == m.hash) c = b->hp().parameter_count();
    } else if (m.stored_size <= size - (at + len + 4)) {
      auto loaded = ann::load_model_bytes(data + at + len + 4, static_cast<size_t>(m.stored_size));
      if (loaded.ok()) c = loaded.value()->hp().parameter_count();
    }
    cost[m.model_id] = std::max(cost[m.model_id], c);
  }
  uint64_t total = 0;  // decoded bytes x parameters
  uint64_t mix_total = 0;
  for (size_t pos = 0; pos < size; ++pos) {
    ann::chunk_header c;
    if (!record_at(data, size, pos, 0x03, at, len) || !ann::parse_chunk_body(data + at, len, lim, c).ok()) continue;
    if (ann::methods::is_mix(c.codec_id)) {
      // Setting up the model zeroes ~15 MB of tables and APMs (~0.1 s
      // under ASan), however small the chunk: it counts as 48 KiB.
      mix_total += std::max<uint64_t>(c.size_original, 48 << 10);
      if (mix_total > mix_bytes_budget) return true;
    }
    if (c.codec_id != static_cast<uint8_t>(ann::methods::codec_id::nn)) continue;
    const auto it = cost.find(c.model_id);
    total += c.size_original * (it == cost.end() ? tiny : it->second);
    if (total > nn_bytes_budget * tiny) return true;
  }
  return false;
}

// Any referenced model that is not built in is the tiny one: nn chunks decode with it.
ann::model_handle resolve_any(const ann::model_hash&) { return fuzz::tiny_model(); }

class discard : public ann::entry_visitor {
 public:
  explicit discard(bool skip_some) : skip_some_(skip_some) {}
  bool wants(const ann::entry_header& e) override { return !skip_some_ || e.path.size() % 3 != 0; }
  bool begin_entry(const ann::entry_header& e) override {
    FUZZ_ASSERT(!in_entry_);
    in_entry_ = true;
    got_ = 0;
    return true;
  }
  ann::status write(const uint8_t* d, size_t n) override {
    FUZZ_ASSERT(in_entry_);
    got_ += n;
    return ann::ok_status();
  }
  void end_entry(const ann::entry_header& e, const ann::status& st) override {
    FUZZ_ASSERT(in_entry_);
    in_entry_ = false;
    if (st.ok()) {
      FUZZ_ASSERT_MSG(got_ == e.size, "an entry read without error delivered " + std::to_string(got_) + " of " +
                                          std::to_string(e.size) + " bytes");
    }
    ++ended;
  }
  uint64_t ended = 0;

 private:
  bool skip_some_;
  bool in_entry_ = false;
  uint64_t got_ = 0;
};

void read_all(const uint8_t* data, size_t size) {
  ann::read_options ro;
  ro.limits = fuzz_limits();
  ro.resolve = resolve_any;
  for (int mode = 0; mode < 3; ++mode) {
    ro.use_index = mode != 1;
    ro.threads = mode == 0 ? 2 : 1;
    discard v(mode == 2);
    ann::read_summary sum;
    ann::status st = ann::make_error(ann::errc::internal, "");
    if (mode == 2) {
      fuzz::pipe_source src(data, size);
      st = ann::read_archive(src, v, ro, &sum);
    } else {
      auto src = ann::make_memory_source(data, size);
      st = ann::read_archive(*src, v, ro, &sum);
    }
    FUZZ_ASSERT(sum.entries_failed <= sum.entries);
    FUZZ_ASSERT(v.ended <= sum.entries);
    // errc::internal means a bug (a state machine misused, an exception).
    if (!st.ok()) FUZZ_ASSERT_MSG(st.err().code != ann::errc::internal, st.err().what());
  }
  auto mem = ann::make_memory_source(data, size);
  auto listed = ann::list_archive(*mem, ro);
  fuzz::pipe_source pipe(data, size);
  auto scanned = ann::list_archive(pipe, ro);
  if (listed.ok())
    for (const ann::index_entry& e : listed.value()) FUZZ_ASSERT(!e.header.path.empty());
  (void)scanned;
}

// ---- resealing --------------------------------------------------------------

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

struct open_entry {
  bool active = false;
  ann::entry_header header;
  std::vector<uint8_t> stream;  // decoded chunk bytes, as the transform left them
  bool decodable = true;
};

// Recomputes every checksum the reader checks, walking the records leniently;
// stops where the structure stops making sense and leaves the rest as it is.
std::vector<uint8_t> reseal(const uint8_t* data, size_t size) {
  std::vector<uint8_t> a(data, data + size);
  if (a.size() < ann::archive_header_size) return a;
  put_u32(&a[12], ann::header_checksum(a.data(), 12));
  const ann::reader_limits lim = fuzz_limits();
  std::map<uint8_t, ann::model_handle> models;
  open_entry cur;
  size_t pos = ann::archive_header_size;
  while (pos < a.size()) {
    const uint8_t type = a[pos];
    ann::byte_reader hr(a.data() + pos + 1, std::min<size_t>(10, a.size() - pos - 1));
    const uint64_t body_size = hr.varint();
    if (hr.failed() || body_size < 4) break;
    const size_t head_len = 1 + hr.position();
    if (body_size > a.size() - pos - head_len) break;
    const size_t body_at = pos + head_len;
    const size_t rec_end = body_at + static_cast<size_t>(body_size);
    uint8_t* body = a.data() + body_at;
    const size_t body_len = static_cast<size_t>(body_size) - 4;
    auto seal = [&] { put_u32(&a[rec_end - 4], ann::header_checksum(a.data() + pos, rec_end - 4 - pos)); };
    size_t next = rec_end;

    if (type >= ann::skippable_first && type <= ann::skippable_last) {
      pos = next;
      continue;
    }
    if (type == static_cast<uint8_t>(ann::record_type::index)) {
      seal();
      // The footer right after, pointing at this index; the archive ends there.
      const size_t index_size = rec_end - pos;
      a.resize(rec_end + ann::index_footer_size);
      const std::vector<uint8_t> footer =
          ann::encode_index_footer(pos, index_size, ann::xxh64(a.data() + pos, index_size));
      std::copy(footer.begin(), footer.end(), a.begin() + static_cast<std::ptrdiff_t>(rec_end));
      return a;
    }
    switch (type) {
      case 0x01: {  // model: hash of the embedded bytes
        ann::model_record m;
        if (!ann::parse_model_body(body, body_len, lim, m).ok()) break;
        if (m.stored_size > a.size() - rec_end) break;
        ann::model_handle h = fuzz::tiny_model();
        if (m.storage != ann::model_storage::referenced) {
          auto loaded = ann::load_model_bytes(a.data() + rec_end, static_cast<size_t>(m.stored_size));
          h = loaded.ok() ? loaded.value() : nullptr;
          if (h) std::copy(h->hash().begin(), h->hash().end(), body + 2);
          next = rec_end + static_cast<size_t>(m.stored_size);
        }
        models[m.model_id] = h;
        break;
      }
      case 0x02: {  // entry header: start collecting the content
        cur = open_entry{};
        if (!ann::parse_entry_body(body, body_len, lim, cur.header).ok()) break;
        cur.active = cur.header.type == ann::entry_type::file;
        break;
      }
      case 0x03: {  // chunk: decode it to learn its content checksum
        ann::chunk_header c;
        if (!ann::parse_chunk_body(body, body_len, lim, c).ok()) {
          cur.decodable = false;
          break;
        }
        if (c.size_coded > a.size() - rec_end) break;
        next = rec_end + static_cast<size_t>(c.size_coded);
        const ann::methods::method* m = ann::methods::find_method(c.codec_id);
        ann::model_handle model = c.model_id && models.count(c.model_id) ? models[c.model_id] : nullptr;
        std::vector<uint8_t> out(static_cast<size_t>(c.size_original));
        ann::methods::codec_params p;
        p.codec_param = c.codec_param;
        p.model = model.get();
        const bool nn_ok = (c.codec_id == 8) == (c.model_id != 0) && (c.codec_id != 8 || model);
        if (m && nn_ok && (c.codec_id != 0 || c.codec_param == 0) &&
            m->decode(a.data() + rec_end, static_cast<size_t>(c.size_coded), out.data(), out.size(), p).ok()) {
          put_u64(body + body_len - 8, XXH64(out.data(), out.size(), 0));
          if (cur.active) cur.stream.insert(cur.stream.end(), out.begin(), out.end());
        } else {
          cur.decodable = false;
        }
        break;
      }
      case 0x04: {  // entry end: the checksum of the (untransformed) content
        if (cur.active && cur.decodable && body_len == 8) {
          std::vector<uint8_t> original = cur.stream;
          if (cur.header.transform == static_cast<uint8_t>(ann::transform::kind::bmp24)) {
            ann::transform::layout l;
            l.k = ann::transform::kind::bmp24;
            l.header_size = cur.header.transform_header_size;
            l.payload_size = cur.header.transform_payload_size;
            l.trailer_size = cur.header.size - l.header_size - l.payload_size;
            if (!ann::transform::inverse(l, cur.stream.data(), cur.stream.size(), original)) original.clear();
          }
          put_u64(body, XXH64(original.data(), original.size(), 0));
        }
        cur = open_entry{};
        break;
      }
      default: break;
    }
    seal();
    pos = next;
  }
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (nn_work_too_large(data, size)) return 0;  // resealing keeps the chunk headers' sizes
  read_all(data, size);
  const std::vector<uint8_t> sealed = reseal(data, size);
  if (sealed.size() != size || !std::equal(sealed.begin(), sealed.end(), data)) read_all(sealed.data(), sealed.size());
  return 0;
}
