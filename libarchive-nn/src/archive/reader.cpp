// read_archive / list_archive: records are read in order (from the index when
// the archive is seekable, so a damaged entry costs only itself), chunks are
// decoded on a thread pool, and the visitor sees entries strictly in order.
#include <xxhash.h>

#include <algorithm>
#include <deque>
#include <map>
#include <variant>

#include "archive/chunk_coding.hpp"
#include "common/thread_pool.hpp"
#include "model/model.hpp"
#include "transform/transform.hpp"

namespace archive_nn {
inline namespace v1 {
namespace {

constexpr uint64_t inverse_buffer_max = uint64_t(256) << 20;  // bmp24 entries are rebuilt in memory (§10)

struct decoded {
  status st = ok_status();
  std::vector<uint8_t> bytes;
};

struct begin_item {
  entry_header header;
  bool wanted = true;
};
struct chunk_item {
  std::future<decoded> job;
  uint64_t index = 0;
  uint64_t offset = 0;
};
struct end_item {
  uint64_t checksum = 0;
  bool has_checksum = false;
  status st = ok_status();  // a structural error that ended the entry early
};
using item = std::variant<begin_item, chunk_item, end_item>;

struct model_slot {
  model_handle model;
  error err;
};

std::string hash_text(const model_hash& h) { return nn::hash_hex(h); }

class archive_decoder {
 public:
  archive_decoder(byte_source& src, entry_visitor& v, const read_options& o)
      : src_(src), rd_(src, o.limits), visitor_(v), opt_(o), pool_(o.threads ? o.threads : 1) {}

  status run(read_summary& sum) {
    ANN_TRY(rd_.begin());
    bool indexed = false;
    archive_index index;
    if (opt_.use_index && src_.seekable()) {
      auto ix = rd_.read_index();
      if (ix.ok()) {
        indexed = true;
        index = std::move(ix).value();
      }
      ANN_TRY(rd_.seek(archive_header_size));
    }
    status st = indexed ? run_indexed(index) : run_sequential();
    status drained = drain(true);
    sum = summary_;
    if (!st.ok()) {
      sum.archive_error = true;
      return st;
    }
    return drained;
  }

 private:
  void load_model(const model_record& m) {
    model_slot slot;
    if (m.storage == model_storage::referenced) {
      for (const model_handle& b : builtin_models())
        if (b->hash() == m.hash) slot.model = b;
      if (!slot.model && opt_.resolve) slot.model = opt_.resolve(m.hash);
      if (!slot.model)
        slot.err = make_error(errc::model_missing,
                              "model " + hash_text(m.hash) + " is referenced but not available (pass --model FILE)");
    } else {
      static const uint8_t xz_magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
      const bool is_xz = m.payload.size() >= 6 && std::equal(xz_magic, xz_magic + 6, m.payload.data());
      auto loaded = (m.storage == model_storage::embedded_xz) == is_xz
                        ? load_model_bytes(m.payload.data(), m.payload.size())
                        : result<model_handle>(make_error(errc::model_corrupt, "storage does not match the payload"));
      if (loaded.ok() && loaded.value()->file_bytes().size() != m.model_size)
        loaded = make_error(errc::model_corrupt, "Model_Size does not match the embedded model");
      if (!loaded.ok()) {
        slot.err = make_error(errc::model_corrupt, "embedded model " + hash_text(m.hash) + ": " + loaded.err().message);
      } else if (loaded.value()->hash() != m.hash) {
        slot.err = make_error(errc::model_mismatch, "embedded model does not match its hash " + hash_text(m.hash));
      } else {
        slot.model = loaded.value();
      }
    }
    if (models_.count(m.model_id)) {
      // A second record with the same id poisons it: chunks must not guess.
      slot.model.reset();
      slot.err = make_error(errc::model_corrupt, "two model records with id " + std::to_string(m.model_id));
    }
    models_[m.model_id] = std::move(slot);
  }

  // Reads one entry's records (header already read) up to its end.
  status read_entry_body(const entry_header& e, bool wanted) {
    uint64_t remaining = e.size;
    uint64_t n = 0;
    while (e.type == entry_type::file) {
      const uint64_t at = rd_.offset();
      auto rec = rd_.next(wanted);
      if (!rec.ok()) return std::move(rec).err();
      if (rec->type == record_type::chunk) {
        const chunk_header& h = rec->chunk;
        ANN_RETURN_ERROR_IF(h.size_original > remaining, entry_corrupt,
                            "chunk " + std::to_string(n) + " runs past the entry's size");
        remaining -= h.size_original;
        if (wanted) submit(std::move(rec).value(), n, at);
        ++n;
        continue;
      }
      if (rec->type == record_type::entry_end) {
        ANN_RETURN_ERROR_IF(remaining != 0, entry_corrupt,
                            "entry ends " + std::to_string(remaining) + " bytes short of its size");
        end_item end;
        end.checksum = rec->entry_checksum;
        end.has_checksum = true;
        queue_.emplace_back(std::move(end));
        return drain(false);
      }
      return make_error(errc::entry_corrupt, "unexpected record inside an entry at offset " + std::to_string(at));
    }
    queue_.emplace_back(end_item{});
    return drain(false);
  }

  void submit(record rec, uint64_t n, uint64_t at) {
    const chunk_header h = rec.chunk;
    const nn::model* model = nullptr;
    status pre = ok_status();
    if (h.model_id != 0) {
      auto it = models_.find(h.model_id);
      if (it == models_.end())
        pre = make_error(errc::model_missing, "model id " + std::to_string(h.model_id) + " has no model record");
      else if (!it->second.model)
        pre = it->second.err;
      else
        model = it->second.model.get();
    }
    chunk_item ci;
    ci.index = n;
    ci.offset = at;
    ci.job = pool_.submit([rec = std::move(rec), model, pre]() mutable {
      decoded d;
      if (!pre.ok()) {
        d.st = pre;
        return d;
      }
      d.bytes.resize(static_cast<size_t>(rec.chunk.size_original));
      d.st = decode_chunk(rec.chunk, rec.payload.data(), model, d.bytes.data());
      return d;
    });
    queue_.emplace_back(std::move(ci));
    ++in_flight_;
  }

  status begin_entry(const entry_header& e) {
    queue_.emplace_back(begin_item{e, visitor_.wants(e)});
    return ok_status();
  }

  status run_sequential() {
    for (;;) {
      auto rec = rd_.next(true);
      if (!rec.ok()) return std::move(rec).err();
      switch (rec->type) {
        case record_type::index: return ok_status();
        case record_type::model: load_model(rec->model); break;
        case record_type::entry_header: {
          ANN_TRY(begin_entry(rec->entry));
          const bool wanted = std::get<begin_item>(queue_.back()).wanted;
          status st = read_entry_body(rec->entry, wanted);
          if (!st.ok()) {
            // Lost sync inside the archive: the entry fails, reading stops.
            queue_.emplace_back(end_item{0, false, st});
            return st;
          }
          break;
        }
        default:
          return make_error(errc::entry_corrupt,
                            "record of type " + std::to_string(int(rec->type)) + " outside an entry at offset " +
                                std::to_string(rec->offset));
      }
    }
  }

  status run_indexed(const archive_index& index) {
    for (uint64_t off : index.model_offsets) {
      ANN_TRY(rd_.seek(off));
      auto rec = rd_.next(true);
      if (!rec.ok() || rec->type != record_type::model) continue;  // chunks using it will name the problem
      load_model(rec->model);
    }
    for (const index_entry& ie : index.entries) {
      ANN_TRY(begin_entry(ie.header));
      const bool wanted = std::get<begin_item>(queue_.back()).wanted;
      status st = rd_.seek(ie.entry_offset);
      if (st.ok()) {
        auto rec = rd_.next(true);
        if (!rec.ok()) st = std::move(rec).err();
        else if (rec->type != record_type::entry_header ||
                 encode_entry_header(rec->entry) != encode_entry_header(ie.header))
          st = make_error(errc::entry_corrupt, "entry header does not match the index");
      }
      if (st.ok()) st = read_entry_body(ie.header, wanted);
      if (!st.ok()) queue_.emplace_back(end_item{0, false, st});
      ANN_TRY(drain(false));
    }
    return ok_status();
  }

  // Hands finished work to the visitor in order.
  status drain(bool all) {
    while (!queue_.empty()) {
      item& front = queue_.front();
      if (auto* c = std::get_if<chunk_item>(&front)) {
        const bool must = all || in_flight_ > 2 * pool_.size() + 2;
        if (!must && c->job.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return ok_status();
        decoded d = c->job.get();
        --in_flight_;
        if (cur_ok_) {
          if (!d.st.ok()) {
            fail(make_error(d.st.err().code, "chunk " + std::to_string(c->index) + " at offset " +
                                                 std::to_string(c->offset) + ": " + d.st.err().message));
          } else {
            deliver(d.bytes.data(), d.bytes.size());
          }
        }
        progress_.bytes_in += d.bytes.size();
        progress_.bytes_out = rd_.offset();
        if (opt_.progress) opt_.progress(progress_);
      } else if (auto* b = std::get_if<begin_item>(&front)) {
        cur_ = b->header;
        cur_wanted_ = b->wanted;
        cur_ok_ = b->wanted && visitor_.begin_entry(cur_);
        cur_status_ = ok_status();
        XXH64_reset(hash_, 0);
        buffer_.clear();
        cur_layout_ = transform::layout{};
        cur_layout_.k = static_cast<transform::kind>(cur_.transform);
        cur_layout_.header_size = cur_.transform ? cur_.transform_header_size : 0;
        cur_layout_.payload_size = cur_.transform ? cur_.transform_payload_size : cur_.size;
        cur_layout_.trailer_size = cur_.size - cur_layout_.header_size - cur_layout_.payload_size;
        buffered_ = cur_layout_.k == transform::kind::bmp24;
        if (cur_wanted_ && buffered_ && cur_.size > inverse_buffer_max)
          fail(make_error(errc::limit_exceeded, "bmp24 entry larger than 256 MiB"));
      } else {
        end_item& e = std::get<end_item>(front);
        finish_entry(e);
      }
      queue_.pop_front();
    }
    return ok_status();
  }

  void fail(error err) {
    if (!cur_ok_) return;
    cur_ok_ = false;
    err.message = "'" + cur_.path + "': " + err.message;
    cur_status_ = std::move(err);
  }

  void deliver(const uint8_t* data, size_t n) {
    if (buffered_) {
      buffer_.insert(buffer_.end(), data, data + n);
      return;
    }
    XXH64_update(hash_, data, n);
    status st = visitor_.write(data, n);
    if (!st.ok()) fail(st.err());
  }

  void finish_entry(const end_item& e) {
    if (!e.st.ok()) fail(e.st.err());
    if (cur_ok_ && buffered_) {
      std::vector<uint8_t> original;
      if (!transform::inverse(cur_layout_, buffer_.data(), buffer_.size(), original)) {
        fail(make_error(errc::transform_failed, "the bmp24 transform cannot be undone"));
      } else {
        XXH64_update(hash_, original.data(), original.size());
        status st = visitor_.write(original.data(), original.size());
        if (!st.ok()) fail(st.err());
      }
    }
    if (cur_ok_ && e.has_checksum && XXH64_digest(hash_) != e.checksum)
      fail(make_error(errc::checksum_wrong, "entry checksum mismatch"));
    summary_.entries++;
    if (!cur_wanted_) return;
    if (!cur_status_.ok()) summary_.entries_failed++;
    visitor_.end_entry(cur_, cur_status_);
  }

  byte_source& src_;
  archive_reader rd_;
  entry_visitor& visitor_;
  read_options opt_;
  thread_pool pool_;
  std::map<uint8_t, model_slot> models_;
  std::deque<item> queue_;
  size_t in_flight_ = 0;
  read_summary summary_;
  progress_info progress_;
  // The entry being delivered.
  entry_header cur_;
  bool cur_wanted_ = false, cur_ok_ = false, buffered_ = false;
  status cur_status_ = ok_status();
  transform::layout cur_layout_;
  std::vector<uint8_t> buffer_;
  XXH64_state_t* hash_ = XXH64_createState();

 public:
  ~archive_decoder() { XXH64_freeState(hash_); }
};

}  // namespace

status read_archive(byte_source& source, entry_visitor& visitor, const read_options& options, read_summary* summary) {
  try {
    archive_decoder d(source, visitor, options);
    read_summary s;
    status st = d.run(s);
    if (summary) *summary = s;
    return st;
  } catch (const std::bad_alloc&) {
    return make_error(errc::out_of_memory, "out of memory");
  } catch (const std::exception& e) {
    return make_error(errc::internal, e.what());
  }
}

result<std::vector<index_entry>> list_archive(byte_source& source, const read_options& options) {
  archive_reader rd(source, options.limits);
  ANN_TRY(rd.begin());
  if (source.seekable()) {
    auto ix = rd.read_index();
    if (ix.ok()) return std::move(ix.value().entries);
    ANN_TRY(rd.seek(archive_header_size));
  }
  std::vector<index_entry> out;
  for (;;) {
    const uint64_t at = rd.offset();
    auto next = rd.next(false);
    if (!next.ok()) {
      // A damaged index does not make the scanned listing wrong.
      const errc code = next.err().code;
      if (code == errc::index_corrupt || code == errc::footer_corrupt) return out;
      return std::move(next).err();
    }
    record rec = std::move(next).value();
    if (rec.type == record_type::index) return out;
    if (rec.type == record_type::entry_header) {
      index_entry e;
      e.entry_offset = at;
      e.size_coded = rd.offset() - at;  // as in the index: the header alone for non-file entries
      e.header = rec.entry;
      out.push_back(std::move(e));
    } else if (rec.type == record_type::chunk && !out.empty()) {
      out.back().chunk_count++;
      out.back().size_coded = rd.offset() - out.back().entry_offset;
    } else if (rec.type == record_type::entry_end && !out.empty()) {
      out.back().size_coded = rd.offset() - out.back().entry_offset;
    }
  }
}

}  // namespace v1
}  // namespace archive_nn
