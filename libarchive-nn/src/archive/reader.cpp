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
#include "transform/jpeg.hpp"
#include "transform/png.hpp"
#include "transform/sparse.hpp"
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
// A decoded chunk, or the part [slice_begin, slice_begin + slice_len) of one
// (a chunk of a solid block feeds several members; a duplicate member
// re-reads its original's slices).
// The memory a decoded chunk holds (reader's budget), given back when the
// last copy of its chunk_item (slices, saved duplicates) is gone, which is
// when its decoded bytes are freed.
struct memory_ticket {
  std::shared_ptr<uint64_t> counter;
  uint64_t bytes;
  memory_ticket(std::shared_ptr<uint64_t> c, uint64_t b) : counter(std::move(c)), bytes(b) { *counter += bytes; }
  ~memory_ticket() { *counter -= bytes; }
  memory_ticket(const memory_ticket&) = delete;
  memory_ticket& operator=(const memory_ticket&) = delete;
};

struct chunk_item {
  std::shared_future<decoded> job;
  std::shared_ptr<memory_ticket> memory;
  uint64_t index = 0;
  uint64_t offset = 0;
  uint64_t block_id = 0;  // 0: the chunk of a file entry
  size_t slice_begin = 0;
  size_t slice_len = SIZE_MAX;
};
struct end_item {
  uint64_t checksum = 0;
  bool has_checksum = false;
  status st = ok_status();  // a structural error that ended the entry early
};
// A part of the archive whose entries cannot be named (a damaged member table).
struct damage_item {
  error err;
};
using item = std::variant<begin_item, chunk_item, end_item, damage_item>;

struct model_slot {
  model_handle model;
  error err;
};

std::string hash_text(const model_hash& h) { return nn::hash_hex(h); }

// Damage to the archive's structure that a resync can step over (§3): a
// record that fails its checksum or its checks, or one out of place.
// Truncation, I/O and the visitor's own errors end the reading.
bool resyncable(const error& e) {
  switch (e.code) {
    case errc::header_corrupt:
    case errc::reserved_bits_set:
    case errc::record_type_unknown:
    case errc::limit_exceeded:
    case errc::field_invalid:
    case errc::entry_corrupt:
    case errc::chunk_corrupt:
    case errc::block_corrupt:
      return true;
    default:
      return false;
  }
}

// Decodes and validates a Block_Header's Member_Table (§6.4, §6.5).
result<std::vector<block_member>> block_members(const record& rec, const reader_limits& limits) {
  chunk_header table;
  table.codec_id = rec.block.table_codec;
  table.size_original = rec.block.table_size;
  table.size_coded = rec.block.table_size_coded;
  table.content_checksum = rec.block.table_checksum;
  std::vector<uint8_t> bytes(static_cast<size_t>(rec.block.table_size));
  status st = decode_chunk(table, rec.payload.data(), nullptr, bytes.data());
  if (!st.ok()) return make_error(errc::block_corrupt, "member table: " + st.err().message);
  return decode_member_table(bytes.data(), bytes.size(), rec.block, limits, rec.version);
}

// chunk_sizes: Size_Original of the block's chunks, in order (to tell how
// many chunks hold each member).
class archive_decoder {
 public:
  archive_decoder(byte_source& src, entry_visitor& v, const read_options& o)
      : src_(src), rd_(src, o.limits), visitor_(v), opt_(o), pool_(o.threads ? o.threads : 1) {}

  status run(read_summary& sum) {
    ANN_TRY(rd_.begin());
    bool indexed = false;
    archive_index index;
    // An Index that cannot be used (it leaves a record out, lists one twice
    // or wrongly, or is damaged) is not used: the records are read in
    // order, so every entry is delivered once, and the problem is the
    // archive's error unless the sequential read found it (or another) too.
    status disagreement = ok_status();
    if (opt_.use_index && src_.seekable()) {
      auto ix = rd_.read_index();
      if (ix.ok()) {
        disagreement = rd_.verify_index(ix.value());
        indexed = disagreement.ok();
        if (indexed) index = std::move(ix).value();
      } else {
        disagreement = std::move(ix).err();  // e.g. an entry listed twice: reported if the records read cleanly
      }
      ANN_TRY(rd_.seek(archive_header_size));
    }
    status st = indexed ? run_indexed(index) : run_sequential();
    status drained = drain(true);
    if (st.ok() && drained.ok() && !disagreement.ok()) st = disagreement;
    sum = summary_;
    if (!st.ok()) {
      sum.archive_error = true;
      return st;
    }
    return drained;
  }

 private:
  // A built-in model or one the caller resolves, by hash.
  model_handle available_model(const model_hash& hash) const {
    for (const model_handle& b : builtin_models())
      if (b->hash() == hash) return b;
    return opt_.resolve ? opt_.resolve(hash) : nullptr;
  }

  void load_model(const model_record& m) {
    model_slot slot;
    if (m.storage == model_storage::referenced) {
      slot.model = available_model(m.hash);
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
      // A damaged embedded copy of a model that is available anyway (the
      // same hash, which the record's checksum protects) costs nothing.
      if (!slot.model) {
        if (model_handle same = available_model(m.hash)) slot.model = same;
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
        // Deliver as chunks finish: a large file is never held whole
        // (at most 2 x threads + 2 chunks in flight; its checksum is checked
        // at its Entry_End, and a failed entry's partial output discarded).
        ANN_TRY(drain(false));
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
    chunk_item ci = start_decoding(std::move(rec), n, at, 0);
    queue_.emplace_back(std::move(ci));
    ++in_flight_;
  }

  chunk_item start_decoding(record rec, uint64_t n, uint64_t at, uint64_t block_id) {
    const chunk_header h = rec.chunk;
    summary_.chunks_decoded++;
    summary_.bytes_decoded += h.size_original;
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
    // The memory budget: a chunk that alone needs more than the limit fails
    // before anything is allocated; otherwise older chunks are finished
    // first until this one fits (fewer chunks in flight than threads).
    const uint64_t need = decode_memory(h, rec.payload.data(), model);
    const uint64_t limit = opt_.memory_limit;
    if (pre.ok() && limit && need > limit)
      pre = make_error(errc::limit_exceeded, "decoding needs about " + std::to_string(need >> 20) +
                                                 " MiB, more than the memory limit of " + std::to_string(limit >> 20) +
                                                 " MiB (raise it with --memory-limit)");
    // The work budget (§15): every chunk's work must be earned by the
    // archive bytes read up to it; a refused chunk spends nothing.
    if (pre.ok() && opt_.work_limit) {
      const uint64_t work = decode_work(h, rec.payload.data(), model);
      const uint64_t read = std::min<uint64_t>(at + h.size_coded, uint64_t(1) << 40);
      const uint64_t bytes_earn = read_options::work_per_archive_byte * read;  // < 2^60
      const uint64_t earned = opt_.work_limit > UINT64_MAX - bytes_earn ? UINT64_MAX : opt_.work_limit + bytes_earn;
      if (work > earned || work_spent_ > earned - work)
        pre = make_error(errc::limit_exceeded,
                         "decoding needs about " + std::to_string(work / 1000000000) +
                             " CPU-seconds, which brings the archive past its work limit (" +
                             std::to_string(opt_.work_limit / 1000000000) + " s + about 1 s per KiB of archive read: " +
                             std::to_string(earned / 1000000000) + " s here; raise it with --work-limit)");
      else
        work_spent_ += work;
    }
    if (pre.ok() && limit) {
      while (*memory_in_flight_ + need > limit && !queue_.empty()) {
        force_drain_ = true;
        (void)drain(false);  // never fails: errors belong to the entries
        force_drain_ = false;
      }
    }
    chunk_item ci;
    ci.index = n;
    ci.offset = at;
    ci.block_id = block_id;
    if (pre.ok()) ci.memory = std::make_shared<memory_ticket>(memory_in_flight_, need);
    ci.job = pool_.submit([rec = std::move(rec), model, pre]() mutable {
      decoded d;
      if (!pre.ok()) {
        d.st = pre;
        return d;
      }
      d.bytes.resize(static_cast<size_t>(rec.chunk.size_original));
      d.st = decode_chunk(rec.chunk, rec.payload.data(), model, d.bytes.data());
      return d;
    }).share();
    return ci;
  }

  static chunk_item failed_chunk(error err, uint64_t n, uint64_t at, uint64_t block_id) {
    std::promise<decoded> p;
    decoded d;
    d.st = std::move(err);
    p.set_value(std::move(d));
    chunk_item ci;
    ci.index = n;
    ci.offset = at;
    ci.block_id = block_id;
    ci.job = p.get_future().share();
    return ci;
  }

  // ---- Solid blocks (§6.4, §6.5) ----
  //
  // Members are delivered in Member_Table order. A new member's bytes are the
  // slices of the chunks that overlap its extent, delivered as the chunks are
  // read; a duplicate re-delivers the slices of its original (kept only while
  // a wanted duplicate still needs them). Chunks that hold no wanted byte are
  // neither read nor decoded.
  struct block_state {
    block_header header;
    uint64_t offset = 0;
    std::vector<block_member> members;
    std::vector<char> wanted, needed;            // needed: wanted, or the original of a wanted duplicate
    std::vector<std::pair<uint64_t, uint64_t>> needed_extents;  // [begin, end) of needed bytes, increasing
    std::vector<uint32_t> dups_left;             // wanted duplicates not yet delivered, per original
    std::vector<std::vector<chunk_item>> saved;  // slices of originals with wanted duplicates
    size_t cursor = 0;                           // next member to deliver
    bool cursor_begun = false;
  };

  void emit_member_begin(const block_member& m) { queue_.emplace_back(begin_item{m.header, true}); }
  void emit_member_end(const block_member& m) {
    end_item end;
    end.checksum = m.checksum;
    end.has_checksum = true;
    queue_.emplace_back(std::move(end));
  }

  // Delivers members up to the end of the chunk [cs, ce) (job: its decoding,
  // or nothing when no wanted member needs it).
  void route_chunk(block_state& b, uint64_t cs, uint64_t ce, const chunk_item* job) {
    while (b.cursor < b.members.size()) {
      const size_t i = b.cursor;
      const block_member& m = b.members[i];
      if (m.duplicate_of >= 0) {
        const size_t orig = static_cast<size_t>(m.duplicate_of);
        if (b.wanted[i]) {
          emit_member_begin(m);
          for (const chunk_item& s : b.saved[orig]) {
            queue_.push_back(s);
            ++in_flight_;
          }
          emit_member_end(m);
          if (--b.dups_left[orig] == 0) b.saved[orig].clear();
        }
        ++b.cursor;
        continue;
      }
      const uint64_t end = m.offset + m.header.size;
      if (m.header.size > 0 && m.offset >= ce) return;  // starts in a later chunk
      if (b.wanted[i] && !b.cursor_begun) {
        emit_member_begin(m);
        b.cursor_begun = true;
      }
      const uint64_t from = std::max(cs, m.offset), to = std::min(ce, end);
      if (to > from && job && b.needed[i]) {
        chunk_item slice = *job;
        slice.slice_begin = static_cast<size_t>(from - cs);
        slice.slice_len = static_cast<size_t>(to - from);
        if (b.dups_left[i] > 0) b.saved[i].push_back(slice);
        if (b.wanted[i]) {
          queue_.push_back(std::move(slice));
          ++in_flight_;
        }
      }
      if (end > ce) return;  // continues in the next chunk
      if (b.wanted[i]) emit_member_end(m);
      b.cursor_begun = false;
      ++b.cursor;
    }
  }

  // Ends every member not yet delivered with err (the block lost its chunks).
  void fail_rest(block_state& b, const error& err) {
    for (; b.cursor < b.members.size(); ++b.cursor) {
      const size_t i = b.cursor;
      if (!b.wanted[i]) continue;
      if (!b.cursor_begun) emit_member_begin(b.members[i]);
      b.cursor_begun = false;
      queue_.emplace_back(end_item{0, false, err});
    }
  }

  void damaged(const error& err) { queue_.emplace_back(damage_item{err}); }

  // Decodes the Member_Table and decides what is wanted; false: the block's
  // members cannot be named (reported as damage).
  bool open_block(const record& rec, block_state& b) {
    b.header = rec.block;
    b.offset = rec.offset;
    const std::string where = "block " + std::to_string(b.header.block_id) + " at offset " + std::to_string(rec.offset);
    if (resynced_) {
      // After a resync the blocks skipped over are unknown: take the id.
      resynced_ = false;
      next_block_id_ = b.header.block_id;
    }
    if (b.header.block_id != next_block_id_) {
      damaged(make_error(errc::block_corrupt, where + ": expected block id " + std::to_string(next_block_id_)));
      next_block_id_ = b.header.block_id + 1;
      return false;
    }
    ++next_block_id_;
    auto members = block_members(rec, opt_.limits);
    if (!members.ok()) {
      damaged(make_error(errc::block_corrupt, where + ": " + members.err().message + " (the block's " +
                                                  std::to_string(b.header.member_count) + " members are lost)"));
      return false;
    }
    b.members = std::move(members).value();
    const size_t n = b.members.size();
    b.wanted.assign(n, 0);
    b.needed.assign(n, 0);
    b.dups_left.assign(n, 0);
    b.saved.resize(n);
    for (size_t i = 0; i < n; ++i) {
      b.wanted[i] = visitor_.wants(b.members[i].header);
      if (!b.wanted[i]) continue;
      b.needed[i] = 1;
      if (b.members[i].duplicate_of >= 0) {
        const size_t orig = static_cast<size_t>(b.members[i].duplicate_of);
        b.needed[orig] = 1;
        b.dups_left[orig]++;
      }
    }
    // Members that are not duplicates tile the block in table order.
    for (size_t i = 0; i < n; ++i) {
      const block_member& m = b.members[i];
      if (b.needed[i] && m.duplicate_of < 0 && m.header.size > 0)
        b.needed_extents.emplace_back(m.offset, m.offset + m.header.size);
    }
    return true;
  }

  // Whether [cs, ce) of the block holds a byte some wanted member needs.
  static bool chunk_needed(const block_state& b, uint64_t cs, uint64_t ce) {
    // The first needed extent that ends after cs; extents do not overlap.
    auto it = std::upper_bound(b.needed_extents.begin(), b.needed_extents.end(), cs,
                               [](uint64_t at, const std::pair<uint64_t, uint64_t>& e) { return at < e.second; });
    return it != b.needed_extents.end() && it->first < ce;
  }

  // Sequential: the chunks follow the Block_Header until they reach Block_Size.
  status read_block_sequential(const record& rec) {
    block_state b;
    const bool named = open_block(rec, b);
    const uint64_t id = rec.block.block_id;
    uint64_t pos = 0, n = 0;
    while (pos < rec.block.size) {
      const uint64_t at = rd_.offset();
      // The chunk's header tells whether its payload is wanted; the payload
      // is then read or skipped (a seek on files).
      uint64_t size = 0;
      bool want = false;
      auto chunk = rd_.next([&](const record& r) {
        if (r.type != record_type::chunk) return false;
        size = r.chunk.size_original;
        want = named && size <= rec.block.size - pos && chunk_needed(b, pos, pos + size);
        return want;
      });
      status st = chunk.ok() ? ok_status() : status(chunk.err());
      if (st.ok() && chunk->type != record_type::chunk)
        st = make_error(errc::block_corrupt, "block " + std::to_string(id) + " ends " +
                                                 std::to_string(rec.block.size - pos) +
                                                 " bytes short of its size: its chunks are missing");
      if (st.ok() && size > rec.block.size - pos)
        st = make_error(errc::block_corrupt, "chunk " + std::to_string(n) + " of block " + std::to_string(id) +
                                                 " runs past the end of the block");
      if (!st.ok()) {
        if (named) fail_rest(b, st.err());
        return st;
      }
      if (named) {
        if (want) {
          chunk_item job = start_decoding(std::move(chunk).value(), n, at, id);
          route_chunk(b, pos, pos + size, &job);
        } else {
          route_chunk(b, pos, pos + size, nullptr);
        }
      }
      pos += size;
      ++n;
      ANN_TRY(drain(false));
    }
    if (named) route_chunk(b, pos, pos, nullptr);  // trailing empty members and duplicates
    return drain(false);
  }

  // Through the Index: only the chunks that hold wanted bytes are read.
  void read_block_indexed(const index_block& ib) {
    const std::string where = "block " + std::to_string(ib.block_id) + " at offset " + std::to_string(ib.block_offset);
    record rec;
    status st = rd_.seek(ib.block_offset);
    if (st.ok()) {
      auto r = rd_.next(true);
      if (!r.ok()) st = std::move(r).err();
      else if (r->type != record_type::block_header || r->block.block_id != ib.block_id ||
               r->block.member_count != ib.member_count)
        st = make_error(errc::block_corrupt, "block header does not match the index");
      else rec = std::move(r).value();
    }
    if (!st.ok()) {
      next_block_id_ = ib.block_id + 1;
      damaged(make_error(st.err().code, where + ": " + st.err().message));
      return;
    }
    block_state b;
    if (!open_block(rec, b)) return;
    uint64_t listed = 0;
    for (const index_block::chunk_ref& c : ib.chunks) listed += c.size_original;
    if (listed != b.header.size) {
      fail_rest(b, make_error(errc::block_corrupt, where + ": the index lists chunks for " + std::to_string(listed) +
                                                      " of the block's " + std::to_string(b.header.size) + " bytes"));
      return;
    }
    uint64_t pos = 0, n = 0;
    for (const index_block::chunk_ref& c : ib.chunks) {
      const uint64_t cs = pos, ce = pos + c.size_original;
      pos = ce;
      const uint64_t at = ib.block_offset + c.offset;
      if (!chunk_needed(b, cs, ce)) {
        route_chunk(b, cs, ce, nullptr);
        ++n;
        continue;
      }
      status cst = rd_.seek(at);
      record chunk;
      if (cst.ok()) {
        auto r = rd_.next(true);
        if (!r.ok()) cst = std::move(r).err();
        else if (r->type != record_type::chunk || r->chunk.size_original != c.size_original)
          cst = make_error(errc::block_corrupt, "chunk record does not match the index");
        else chunk = std::move(r).value();
      }
      chunk_item job = cst.ok() ? start_decoding(std::move(chunk), n, at, ib.block_id)
                                : failed_chunk(cst.err(), n, at, ib.block_id);
      route_chunk(b, cs, ce, &job);
      ++n;
      (void)drain(false);
    }
    route_chunk(b, pos, pos, nullptr);
  }

  status begin_entry(const entry_header& e) {
    queue_.emplace_back(begin_item{e, visitor_.wants(e)});
    return ok_status();
  }

  status run_sequential() {
    status first_damage = ok_status();
    uint64_t landed = UINT64_MAX;  // where the last resync resumed
    // After damage: the next intact Model, Entry_Header or Block_Header
    // record (§3's resync rule). Damage outside an entry is reported with
    // where reading resumed (an entry's own error names it). False: nothing
    // intact follows, the reading ends with the first damage.
    auto resync = [&](const error& err, bool in_entry) -> bool {
      if (first_damage.ok()) first_damage = err;
      uint64_t from = rd_.record_offset();
      if (from == landed) ++from;  // the record found last time is the bad one
      auto at = rd_.resync(from);
      if (!at.ok()) {
        if (!in_entry) damaged(err);
        return false;
      }
      landed = at.value();
      resynced_ = true;
      if (!in_entry)
        damaged(make_error(err.code, err.message + "; reading resumed at the next intact record, offset " +
                                         std::to_string(landed) + " (" + std::to_string(landed - from) +
                                         " bytes skipped)"));
      return true;
    };
    auto fatal = [&](status st) { return first_damage.ok() ? st : first_damage; };
    for (;;) {
      auto rec = rd_.next(true);
      if (!rec.ok()) {
        if (!resyncable(rec.err())) return fatal(std::move(rec).err());
        if (!resync(rec.err(), false)) return first_damage;
        continue;
      }
      switch (rec->type) {
        case record_type::index: return first_damage;
        case record_type::model: load_model(rec->model); break;
        case record_type::block_header: {
          status st = read_block_sequential(rec.value());
          if (st.ok()) break;
          if (!resyncable(st.err())) return fatal(st);
          if (!resync(st.err(), true)) return first_damage;
          break;
        }
        case record_type::entry_header: {
          ANN_TRY(begin_entry(rec->entry));
          const bool wanted = std::get<begin_item>(queue_.back()).wanted;
          status st = read_entry_body(rec->entry, wanted);
          if (!st.ok()) {
            // Lost sync inside the entry: it fails; reading resumes at the
            // next intact record.
            queue_.emplace_back(end_item{0, false, st});
            if (!resyncable(st.err())) return fatal(st);
            if (!resync(st.err(), true)) return first_damage;
          }
          break;
        }
        default: {
          error err = make_error(errc::entry_corrupt, "record of type " + std::to_string(int(rec->type)) +
                                                          " outside an entry at offset " + std::to_string(rec->offset));
          if (!resync(err, false)) return first_damage;
        }
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
    size_t next_block = 0;
    auto blocks_before = [&](uint64_t offset) -> status {
      while (next_block < index.blocks.size() && index.blocks[next_block].block_offset < offset) {
        read_block_indexed(index.blocks[next_block++]);
        ANN_TRY(drain(false));
      }
      return ok_status();
    };
    for (const index_entry& ie : index.entries) {
      ANN_TRY(blocks_before(ie.entry_offset));
      ANN_TRY(begin_entry(ie.header));
      const bool wanted = std::get<begin_item>(queue_.back()).wanted;
      status st = rd_.seek(ie.entry_offset);
      if (st.ok()) {
        auto rec = rd_.next(true);
        if (!rec.ok()) st = std::move(rec).err();
        else if (rec->type != record_type::entry_header ||
                 encode_entry_header(rec->entry, rec->version) != encode_entry_header(ie.header, rec->version))
          st = make_error(errc::entry_corrupt, "entry header does not match the index");
      }
      if (st.ok()) st = read_entry_body(ie.header, wanted);
      if (!st.ok()) queue_.emplace_back(end_item{0, false, st});
      ANN_TRY(drain(false));
    }
    return blocks_before(UINT64_MAX);
  }

  // Hands finished work to the visitor in order.
  status drain(bool all) {
    while (!queue_.empty()) {
      item& front = queue_.front();
      if (auto* c = std::get_if<chunk_item>(&front)) {
        const bool must = all || force_drain_ || in_flight_ > 2 * pool_.size() + 2;
        if (!must && c->job.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return ok_status();
        const decoded& d = c->job.get();
        --in_flight_;
        const size_t from = std::min(c->slice_begin, d.bytes.size());
        const size_t len = std::min(c->slice_len, d.bytes.size() - from);
        if (cur_ok_) {
          if (!d.st.ok()) {
            const std::string block = c->block_id ? "block " + std::to_string(c->block_id) + " " : "";
            fail(make_error(d.st.err().code, block + "chunk " + std::to_string(c->index) + " at offset " +
                                                 std::to_string(c->offset) + ": " + d.st.err().message));
          } else {
            deliver(d.bytes.data() + from, len);
          }
        }
        progress_.bytes_in += len;
        progress_.bytes_out = rd_.offset();
        if (opt_.progress) opt_.progress(progress_);
      } else if (auto* dm = std::get_if<damage_item>(&front)) {
        // A block whose members cannot be named counts as one failed entry.
        summary_.entries++;
        summary_.entries_failed++;
        visitor_.damaged(dm->err);
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
        cur_layout_.payload_size = cur_layout_.k == transform::kind::sparse ? cur_.size - cur_layout_.header_size
                                   : cur_.transform                         ? cur_.transform_payload_size
                                                                            : cur_.size;
        cur_layout_.trailer_size = cur_.size - cur_layout_.header_size - cur_layout_.payload_size;
        buffered_ = cur_layout_.k == transform::kind::bmp24 || cur_layout_.k == transform::kind::png ||
                    cur_layout_.k == transform::kind::jpeg;
        sparse_ = transform::sparse_map{};
        sparse_ready_ = false;
        sparse_next_ = 0;
        sparse_pos_ = sparse_left_ = 0;
        if (cur_wanted_ && buffered_ && cur_.size > inverse_buffer_max)
          fail(make_error(errc::limit_exceeded, std::string(transform::kind_name(cur_layout_.k)) + " entry larger than 256 MiB"));
        // The stream and the rebuilt file are both held: within the budget.
        else if (cur_wanted_ && buffered_ && opt_.memory_limit && 2 * cur_.size > opt_.memory_limit)
          fail(make_error(errc::limit_exceeded, std::string(transform::kind_name(cur_layout_.k)) + " entry of " +
                                                    std::to_string(cur_.size >> 20) +
                                                    " MiB is rebuilt in memory: more than the memory limit allows"));
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
    if (cur_layout_.k == transform::kind::sparse) return deliver_sparse(data, n);
    status st = visitor_.write(data, n);
    if (!st.ok()) fail(st.err());
  }

  // A sparse entry (§11.6): the map is collected first; then each data byte
  // goes to its extent and the holes between to visitor_.hole(), streamed.
  void deliver_sparse(const uint8_t* data, size_t n) {
    while (n > 0 && cur_ok_) {
      if (!sparse_ready_) {
        const size_t take = std::min<size_t>(n, static_cast<size_t>(cur_layout_.header_size) - buffer_.size());
        buffer_.insert(buffer_.end(), data, data + take);
        data += take;
        n -= take;
        if (buffer_.size() == cur_layout_.header_size) {
          const std::string why =
              transform::decode_sparse_map(buffer_.data(), buffer_.size(), cur_layout_.payload_size, sparse_);
          if (!why.empty()) return fail(make_error(errc::transform_failed, why));
          if (sparse_.file_size != cur_.transform_payload_size)
            return fail(make_error(errc::transform_failed, "sparse map: its file size differs from the entry's"));
          sparse_ready_ = true;
          buffer_.clear();
        }
        continue;
      }
      if (sparse_left_ == 0) {  // the next extent, after its hole
        if (sparse_next_ >= sparse_.extents.size())
          return fail(make_error(errc::transform_failed, "sparse entry: data beyond its map"));
        const data_extent& e = sparse_.extents[sparse_next_++];
        if (e.offset > sparse_pos_) {
          status st = visitor_.hole(e.offset - sparse_pos_);
          if (!st.ok()) return fail(st.err());
        }
        sparse_pos_ = e.offset;
        sparse_left_ = e.length;
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n, sparse_left_));
      status st = visitor_.write(data, take);
      if (!st.ok()) return fail(st.err());
      sparse_pos_ += take;
      sparse_left_ -= take;
      data += take;
      n -= take;
    }
  }

  // The hole after a sparse entry's last extent.
  void finish_sparse() {
    if (!sparse_ready_) return fail(make_error(errc::transform_failed, "sparse entry: its map is incomplete"));
    if (sparse_left_ != 0 || sparse_next_ != sparse_.extents.size())
      return fail(make_error(errc::transform_failed, "sparse entry: data missing"));
    if (sparse_.file_size > sparse_pos_) {
      status st = visitor_.hole(sparse_.file_size - sparse_pos_);
      if (!st.ok()) fail(st.err());
    }
  }

  void finish_entry(const end_item& e) {
    if (!e.st.ok()) fail(e.st.err());
    if (cur_ok_ && cur_layout_.k == transform::kind::sparse) finish_sparse();
    if (cur_ok_ && buffered_) {
      std::vector<uint8_t> original;
      const bool undone =
          cur_layout_.k == transform::kind::png    ? transform::inverse_png(cur_layout_, buffer_.data(), buffer_.size(), original)
          : cur_layout_.k == transform::kind::jpeg ? transform::inverse_jpeg(cur_layout_, buffer_.data(), buffer_.size(), original)
                                                   : transform::inverse(cur_layout_, buffer_.data(), buffer_.size(), original);
      if (!undone) {
        fail(make_error(errc::transform_failed,
                        std::string("the ") + transform::kind_name(cur_layout_.k) + " transform cannot be undone"));
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
  uint64_t next_block_id_ = 1;
  bool resynced_ = false;  // the next block's id is taken as it is
  std::deque<item> queue_;
  size_t in_flight_ = 0;
  uint64_t work_spent_ = 0;  // decode_work of the chunks decoded so far (§15's work budget)
  std::shared_ptr<uint64_t> memory_in_flight_ = std::make_shared<uint64_t>(0);  // decode_memory of the chunks still held
  bool force_drain_ = false;
  read_summary summary_;
  progress_info progress_;
  // The entry being delivered.
  entry_header cur_;
  bool cur_wanted_ = false, cur_ok_ = false, buffered_ = false;
  status cur_status_ = ok_status();
  transform::layout cur_layout_;
  std::vector<uint8_t> buffer_;  // a buffered entry's stream; a sparse entry's map
  transform::sparse_map sparse_;  // a sparse entry's map, once read
  bool sparse_ready_ = false;
  size_t sparse_next_ = 0;                       // the next extent
  uint64_t sparse_pos_ = 0, sparse_left_ = 0;    // file position written up to; bytes left of the extent
  XXH64_state_t* hash_ = XXH64_createState();

 public:
  ~archive_decoder() { XXH64_freeState(hash_); }
};

}  // namespace

status entry_visitor::hole(uint64_t size) {
  static const uint8_t zeros[65536] = {};
  while (size > 0) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(size, sizeof zeros));
    ANN_TRY(write(zeros, n));
    size -= n;
  }
  return ok_status();
}

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

namespace {

void add_members(std::vector<index_entry>& out, const record& rec, uint64_t block_size_coded,
                 const std::vector<uint64_t>& chunk_sizes, const reader_limits& limits, std::vector<error>* problems) {
  auto members = block_members(rec, limits);
  if (!members.ok()) {
    if (problems)
      problems->push_back(make_error(members.err().code, "block " + std::to_string(rec.block.block_id) + " at offset " +
                                                             std::to_string(rec.offset) + ": " + members.err().message));
    return;
  }
  for (block_member& m : members.value()) {
    index_entry e;
    e.entry_offset = rec.offset;
    e.block_id = rec.block.block_id;
    e.member_offset = m.offset;
    uint64_t at = 0;
    for (uint64_t size : chunk_sizes) {
      if (at < m.offset + m.header.size && at + size > m.offset) e.chunk_count++;
      at += size;
    }
    // A member's share of the block's coded bytes (duplicates cost nothing).
    if (m.duplicate_of < 0 && rec.block.size)
      e.size_coded = static_cast<uint64_t>(static_cast<double>(block_size_coded) * static_cast<double>(m.header.size) /
                                           static_cast<double>(rec.block.size) + 0.5);
    e.header = std::move(m.header);
    out.push_back(std::move(e));
  }
}

}  // namespace

result<std::vector<archive_model>> archive_models(byte_source& source, const read_options& options) {
  archive_reader rd(source, options.limits);
  ANN_TRY(rd.begin());
  std::vector<model_record> records;
  auto index = source.seekable() ? rd.read_index() : result<archive_index>(make_error(errc::index_corrupt, "no index"));
  if (index.ok()) {
    status agree = rd.verify_index(index.value());
    if (!agree.ok()) index = std::move(agree).err();
  }
  if (index.ok()) {
    for (uint64_t off : index->model_offsets) {
      ANN_TRY(rd.seek(off));
      auto rec = rd.next(true);
      if (rec.ok() && rec->type == record_type::model) records.push_back(std::move(rec->model));
    }
  } else {
    if (source.seekable()) ANN_TRY(rd.seek(archive_header_size));
    for (;;) {  // Model_Records come between entries: scan the top level
      auto rec = rd.next(true);
      if (!rec.ok() || rec->type == record_type::index) break;
      if (rec->type == record_type::model) records.push_back(std::move(rec->model));
    }
  }
  std::vector<archive_model> out;
  for (const model_record& m : records) {
    archive_model a;
    a.model_id = m.model_id;
    a.hash = m.hash;
    a.embedded = m.storage != model_storage::referenced;
    a.model_size = m.model_size;
    model_handle found;
    for (const model_handle& b : builtin_models())
      if (b->hash() == m.hash) found = b;
    if (!found && options.resolve) found = options.resolve(m.hash);
    if (!found && a.embedded) {
      auto loaded = load_model_bytes(m.payload.data(), m.payload.size());
      if (loaded.ok() && loaded.value()->hash() == m.hash) found = loaded.value();
    }
    a.available = found != nullptr;
    if (found) a.name = describe_model(found).name;
    out.push_back(std::move(a));
  }
  return out;
}

result<std::vector<index_entry>> list_archive(byte_source& source, const read_options& options,
                                              std::vector<error>* problems) {
  archive_reader rd(source, options.limits);
  ANN_TRY(rd.begin());
  if (source.seekable()) {
    auto ix = rd.read_index();
    if (ix.ok()) {
      // An Index that leaves a record out: the records are the truth.
      status agree = rd.verify_index(ix.value());
      if (!agree.ok()) {
        if (problems) problems->push_back(std::move(agree).err());
        ix = make_error(errc::index_corrupt, "index disagrees with the records");
      }
    }
    if (ix.ok()) {
      archive_index& index = ix.value();
      std::vector<index_entry> out;
      size_t b = 0;
      auto blocks_before = [&](uint64_t offset) {
        for (; b < index.blocks.size() && index.blocks[b].block_offset < offset; ++b) {
          const index_block& ib = index.blocks[b];
          status st = rd.seek(ib.block_offset);
          auto rec = st.ok() ? rd.next(true) : result<record>(st.err());
          if (rec.ok() && (rec->type != record_type::block_header || rec->block.block_id != ib.block_id))
            rec = make_error(errc::block_corrupt, "block header does not match the index");
          if (!rec.ok()) {
            if (problems)
              problems->push_back(make_error(rec.err().code, "block " + std::to_string(ib.block_id) + " at offset " +
                                                                 std::to_string(ib.block_offset) + ": " +
                                                                 rec.err().message));
            continue;
          }
          std::vector<uint64_t> sizes;
          for (const index_block::chunk_ref& c : ib.chunks) sizes.push_back(c.size_original);
          add_members(out, rec.value(), ib.size_coded, sizes, options.limits, problems);
        }
      };
      for (index_entry& e : index.entries) {
        blocks_before(e.entry_offset);
        out.push_back(std::move(e));
      }
      blocks_before(UINT64_MAX);
      return out;
    }
    ANN_TRY(rd.seek(archive_header_size));
  }
  std::vector<index_entry> out;
  std::vector<record> pending_block;  // the block being scanned, listed once its coded size is known
  std::vector<uint64_t> chunk_sizes;
  uint64_t block_left = 0;
  auto flush_block = [&](uint64_t end) {
    if (pending_block.empty()) return;
    add_members(out, pending_block[0], end - pending_block[0].offset, chunk_sizes, options.limits, problems);
    pending_block.clear();
    chunk_sizes.clear();
  };
  uint64_t landed = UINT64_MAX;  // where the last resync resumed
  for (;;) {
    const uint64_t at = rd.offset();
    auto next = rd.next(false);
    if (!next.ok() && problems && resyncable(next.err())) {
      // As the decoder does (§3): the damage joins the problems, the
      // listing goes on from the next intact record.
      flush_block(at);
      block_left = 0;
      uint64_t from = rd.record_offset();
      if (from == landed) ++from;
      auto resumed = rd.resync(from);
      problems->push_back(std::move(next).err());
      if (!resumed.ok()) return out;
      landed = resumed.value();
      continue;
    }
    if (!next.ok()) {
      flush_block(at);
      // A damaged index does not make the scanned listing wrong.
      const errc code = next.err().code;
      if (code == errc::index_corrupt || code == errc::footer_corrupt) return out;
      // As GNU tar lists a cut archive up to the cut: the entries read so far
      // are listed, and the error joins the problems.
      if (problems && !out.empty()) {
        problems->push_back(std::move(next).err());
        return out;
      }
      return std::move(next).err();
    }
    record rec = std::move(next).value();
    if (rec.type == record_type::chunk && block_left > 0) {
      chunk_sizes.push_back(rec.chunk.size_original);
      block_left -= std::min(block_left, rec.chunk.size_original);
      if (block_left == 0) flush_block(rd.offset());
      continue;
    }
    flush_block(at);
    block_left = 0;
    if (rec.type == record_type::index) return out;
    if (rec.type == record_type::block_header) {
      block_left = rec.block.size;
      pending_block.push_back(std::move(rec));
    } else if (rec.type == record_type::entry_header) {
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
