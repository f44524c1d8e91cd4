// archive_reader: the sequential record reader (works on pipes) and the
// index reader for seekable archives (spec/archive_format.md §2, §8, §9).
#include <algorithm>
#include <cstring>

#include "archive_nn/format.hpp"
#include "byte_io.hpp"
#include "limits.hpp"
#include "records.hpp"

namespace archive_nn {
inline namespace v1 {

archive_reader::archive_reader(byte_source& source, reader_limits limits) : source_(source), limits_(limits) {}

result<size_t> archive_reader::pull(void* data, size_t size) {
  const size_t have = ahead_.size() - ahead_pos_;
  if (have == 0) return source_.read(data, size);
  const size_t n = std::min(have, size);
  std::memcpy(data, ahead_.data() + ahead_pos_, n);
  ahead_pos_ += n;
  if (ahead_pos_ == ahead_.size()) {
    ahead_.clear();
    ahead_pos_ = 0;
  }
  return n;
}

bool archive_reader::fill(size_t need) {
  if (ahead_pos_ > (size_t(1) << 20)) {  // keep the look-ahead to about a record
    ahead_.erase(ahead_.begin(), ahead_.begin() + static_cast<std::ptrdiff_t>(ahead_pos_));
    ahead_pos_ = 0;
  }
  while (ahead_.size() - ahead_pos_ < need) {
    const size_t at = ahead_.size();
    const size_t want = std::max<size_t>(need - (at - ahead_pos_), 65536);
    ahead_.resize(at + want);
    auto n = source_.read(ahead_.data() + at, want);
    ahead_.resize(at + (n.ok() ? n.value() : 0));
    if (!n.ok() || n.value() == 0) return false;
  }
  return true;
}

status archive_reader::read_exact(void* data, size_t size) {
  uint8_t* p = static_cast<uint8_t*>(data);
  size_t got = 0;
  while (got < size) {
    ANN_TRY_ASSIGN(size_t n, pull(p + got, size - got));
    if (n == 0)
      return make_error(errc::truncated, "archive truncated at offset " + std::to_string(offset_ + got));
    got += n;
  }
  offset_ += size;
  return ok_status();
}

// Reads size bytes onto the end of out, growing it as the data arrives: a
// size field larger than what is left of the archive costs at most one step
// of memory, not the size it claims (§10, validate before allocating).
status archive_reader::read_appending(std::vector<uint8_t>& out, uint64_t size) {
  constexpr uint64_t step = uint64_t(1) << 20;
  while (size > 0) {
    const size_t n = static_cast<size_t>(size < step ? size : step);
    const size_t at = out.size();
    out.resize(at + n);
    ANN_TRY(read_exact(out.data() + at, n));
    size -= n;
  }
  return ok_status();
}

status archive_reader::skip(uint64_t size) {
  if (source_.seekable() && ahead_pos_ == ahead_.size()) {
    ANN_TRY_ASSIGN(uint64_t total, source_.size());
    ANN_RETURN_ERROR_IF(size > total - std::min(total, offset_), truncated,
                        "archive truncated at offset " + std::to_string(total));
    return seek(offset_ + size);
  }
  uint8_t buf[65536];
  while (size > 0) {
    const size_t n = size < sizeof buf ? static_cast<size_t>(size) : sizeof buf;
    ANN_TRY(read_exact(buf, n));
    size -= n;
  }
  return ok_status();
}

status archive_reader::seek(uint64_t offset) {
  ANN_TRY(source_.seek(offset));
  ahead_.clear();
  ahead_pos_ = 0;
  offset_ = offset;
  done_ = false;
  return ok_status();
}

status archive_reader::begin() {
  uint8_t header[archive_header_size];
  offset_ = 0;
  // Read the magic first so that a short non-archive says "bad magic".
  size_t got = 0;
  while (got < sizeof header) {
    ANN_TRY_ASSIGN(size_t n, source_.read(header + got, sizeof header - got));
    if (n == 0) break;
    got += n;
  }
  offset_ = got;
  return decode_archive_header(header, got, &version_);
}

result<record> archive_reader::next(const std::function<bool(const record&)>& want_payload) {
  for (;;) {
    auto r = next_record(want_payload);
    if (!r.ok() || !r->skipped) return r;
  }
}

result<record> archive_reader::next(bool want_payload) {
  return next([want_payload](const record&) { return want_payload; });
}

result<record> archive_reader::next_record(const std::function<bool(const record&)>& want_payload) {
  ANN_RETURN_ERROR_IF(done_, internal, "archive_reader: read past the index");
  record rec;
  rec.version = version_;
  rec.offset = offset_;
  record_offset_ = offset_;
  record_head_.clear();
  uint8_t head[11];
  ANN_TRY(read_exact(head, 1));
  record_head_.push_back(head[0]);
  const uint8_t type = head[0];
  // Body_Size: a varint read byte by byte (§3).
  size_t head_len = 1;
  for (;;) {
    ANN_RETURN_ERROR_IF(head_len >= sizeof head, header_corrupt,
                        "record at offset " + std::to_string(rec.offset) + ": bad size field");
    ANN_TRY(read_exact(head + head_len, 1));
    record_head_.push_back(head[head_len]);
    if (!(head[head_len++] & 0x80)) break;
  }
  byte_reader size_reader(head + 1, head_len - 1);
  const uint64_t body_size = size_reader.varint();
  const std::string where = "record at offset " + std::to_string(rec.offset);
  ANN_RETURN_ERROR_IF(size_reader.failed() || body_size < 4, header_corrupt, where + ": bad size field");

  const bool is_index = type == static_cast<uint8_t>(record_type::index);
  const bool is_skippable = type >= skippable_first && type <= skippable_last;
  if (is_skippable) {
    // Skip it and read the following record (a loop, not recursion: any
    // number of skippable records may follow each other).
    ANN_TRY(skip(body_size));
    rec.skipped = true;
    return rec;
  }
  const bool known = (type >= 0x01 && type <= 0x04) || (type == 0x05 && version_ >= 2);
  ANN_RETURN_ERROR_IF(!known && !is_index, record_type_unknown,
                      where + ": unknown record type " + std::to_string(type) + " in a version " +
                          std::to_string(version_) + " archive");
  if (is_index) {
    // The sequential reader does not need the index, but checks that it and
    // the footer are complete and intact: a truncated archive is an error.
    ANN_RETURN_ERROR_IF(body_size > limits_.index_size_max, limit_exceeded, where + ": index larger than the limit");
    std::vector<uint8_t> index(head, head + head_len);
    ANN_TRY(read_appending(index, body_size));
    uint8_t footer[index_footer_size];
    ANN_TRY(read_exact(footer, sizeof footer));
    ANN_TRY_ASSIGN(const index_footer f, decode_index_footer(footer, sizeof footer, offset_));
    ANN_RETURN_ERROR_IF(f.index_offset != rec.offset || xxh64(index.data(), index.size()) != f.index_checksum,
                        index_corrupt, "index: does not match its footer");
    uint8_t extra;
    ANN_TRY_ASSIGN(const size_t more, pull(&extra, 1));
    ANN_RETURN_ERROR_IF(more != 0, footer_corrupt, "bytes after the index footer (concatenated or damaged archive)");
    done_ = true;
    rec.type = record_type::index;
    return rec;
  }
  ANN_RETURN_ERROR_IF(body_size > limits::record_body_max, limit_exceeded, where + ": record larger than the limit");
  std::vector<uint8_t> raw(head, head + head_len);
  raw.resize(head_len + body_size);
  {
    // Read what there is, so that a resync can rescan it even when the
    // size field was damaged and claims more than the input holds.
    size_t got = head_len;
    while (got < raw.size()) {
      auto n = pull(raw.data() + got, raw.size() - got);
      if (!n.ok()) return std::move(n).err();  // an I/O error, not damage
      if (n.value() == 0) break;
      got += n.value();
    }
    record_head_.assign(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(got));
    offset_ += got - head_len;
    ANN_RETURN_ERROR_IF(got < raw.size(), truncated, "archive truncated at offset " + std::to_string(offset_));
  }
  const size_t checked = raw.size() - 4;
  byte_reader tail(raw.data() + checked, 4);
  ANN_RETURN_ERROR_IF(tail.u32() != header_checksum(raw.data(), checked), header_corrupt, where + ": checksum mismatch");
  const uint8_t* body = raw.data() + head_len;
  const size_t body_len = static_cast<size_t>(body_size) - 4;

  rec.type = static_cast<record_type>(type);
  switch (rec.type) {
    case record_type::model: {
      ANN_TRY(parse_model_body(body, body_len, limits_, rec.model));
      if (rec.model.stored_size) {
        if (want_payload(rec)) {
          ANN_TRY(read_appending(rec.model.payload, rec.model.stored_size));
        } else {
          ANN_TRY(skip(rec.model.stored_size));
        }
      }
      break;
    }
    case record_type::entry_header:
      ANN_TRY(parse_entry_body(body, body_len, limits_, rec.entry, version_));
      break;
    case record_type::chunk:
      ANN_TRY(parse_chunk_body(body, body_len, limits_, rec.chunk));
      if (want_payload(rec)) {
        ANN_TRY(read_appending(rec.payload, rec.chunk.size_coded));
      } else {
        ANN_TRY(skip(rec.chunk.size_coded));
      }
      break;
    case record_type::block_header:
      // The coded Member_Table is always read: without it the block's bytes
      // cannot be attributed to any entry.
      ANN_TRY(parse_block_body(body, body_len, limits_, rec.block));
      ANN_TRY(read_appending(rec.payload, rec.block.table_size_coded));
      break;
    case record_type::entry_end: {
      byte_reader r(body, body_len);
      rec.entry_checksum = r.u64();
      ANN_RETURN_ERROR_IF(r.failed() || r.remaining() != 0, entry_corrupt, where + ": entry end has the wrong size");
      break;
    }
    case record_type::index:
      break;
  }
  return rec;
}

result<uint64_t> archive_reader::resync(uint64_t from) {
  done_ = false;
  const uint64_t head_end = record_offset_ + record_head_.size();
  if (from >= record_offset_ && from <= head_end && offset_ == head_end) {
    // Give back the last record's bytes from `from` on: a pipe cannot seek.
    const size_t keep = static_cast<size_t>(from - record_offset_);
    ahead_.erase(ahead_.begin(), ahead_.begin() + static_cast<std::ptrdiff_t>(ahead_pos_));
    ahead_.insert(ahead_.begin(), record_head_.begin() + static_cast<std::ptrdiff_t>(keep), record_head_.end());
    ahead_pos_ = 0;
    offset_ = from;
  } else if (source_.seekable()) {
    ANN_TRY(seek(std::max(from, archive_header_size)));
  }  // else: a pipe past the bytes it kept; the scan starts where it is.
  record_head_.clear();
  record_offset_ = offset_;
  for (;;) {
    if (!fill(1)) return make_error(errc::truncated, "no intact record after offset " + std::to_string(from));
    const uint8_t* p = ahead_.data() + ahead_pos_;
    const uint8_t type = p[0];
    const bool target = type == static_cast<uint8_t>(record_type::model) ||
                        type == static_cast<uint8_t>(record_type::entry_header) ||
                        (type == static_cast<uint8_t>(record_type::block_header) && version_ >= 2);
    if (target) {
      fill(11);
      const size_t avail = ahead_.size() - ahead_pos_;
      p = ahead_.data() + ahead_pos_;
      size_t head_len = 1;
      while (head_len < avail && head_len < 11 && (p[head_len] & 0x80)) ++head_len;
      if (head_len < avail && head_len < 11) {
        byte_reader size_reader(p + 1, head_len);
        const uint64_t body_size = size_reader.varint();
        ++head_len;
        if (!size_reader.failed() && body_size >= 4 && body_size <= limits::record_body_max &&
            fill(head_len + static_cast<size_t>(body_size))) {
          p = ahead_.data() + ahead_pos_;
          const size_t checked = head_len + static_cast<size_t>(body_size) - 4;
          byte_reader tail(p + checked, 4);
          if (tail.u32() == header_checksum(p, checked)) {
            record_offset_ = offset_;
            return offset_;
          }
        }
      }
    }
    ++ahead_pos_;
    ++offset_;
  }
}

result<archive_index> archive_reader::read_index() {
  ANN_RETURN_ERROR_IF(!source_.seekable(), internal, "read_index needs a seekable archive");
  ANN_TRY_ASSIGN(const uint64_t total, source_.size());
  ANN_RETURN_ERROR_IF(total < archive_header_size + index_footer_size, footer_corrupt,
                      "archive too short to hold an index footer");
  uint8_t footer_bytes[index_footer_size];
  ANN_TRY(seek(total - index_footer_size));
  ANN_TRY(read_exact(footer_bytes, sizeof footer_bytes));
  ANN_TRY_ASSIGN(const index_footer footer, decode_index_footer(footer_bytes, sizeof footer_bytes, total));
  ANN_RETURN_ERROR_IF(footer.index_size > limits_.index_size_max, limit_exceeded, "index larger than the limit");
  std::vector<uint8_t> bytes(static_cast<size_t>(footer.index_size));
  ANN_TRY(seek(footer.index_offset));
  ANN_TRY(read_exact(bytes.data(), bytes.size()));
  ANN_RETURN_ERROR_IF(xxh64(bytes.data(), bytes.size()) != footer.index_checksum, index_corrupt,
                      "index: checksum mismatch");
  ANN_TRY_ASSIGN(archive_index index, decode_index(bytes.data(), bytes.size(), limits_, version_));
  for (const index_entry& e : index.entries)
    ANN_RETURN_ERROR_IF(e.entry_offset < archive_header_size || e.entry_offset >= footer.index_offset ||
                            e.size_coded > footer.index_offset - e.entry_offset,
                        index_corrupt, "index: entry '" + e.header.path + "' points outside the archive");
  for (const index_block& b : index.blocks)
    ANN_RETURN_ERROR_IF(b.block_offset < archive_header_size || b.block_offset >= footer.index_offset ||
                            b.size_coded > footer.index_offset - b.block_offset,
                        index_corrupt, "index: block " + std::to_string(b.block_id) + " points outside the archive");
  for (uint64_t off : index.model_offsets)
    ANN_RETURN_ERROR_IF(off < archive_header_size || off >= footer.index_offset, index_corrupt,
                        "index: model record outside the archive");
  index.index_offset = footer.index_offset;
  return index;
}

// One truth for the Index and the records (spec §8): the items the Index
// lists, with the Model_Records, must tile the archive from the header to
// the Index, apart from skippable records. A gap means a record the Index
// does not list (an entry that a reader through the Index would never see),
// an overlap an item listed wrongly. Costs a read of each model record's
// head and of each gap, nothing for a well-formed archive without
// skippable records.
status archive_reader::verify_index(const archive_index& index) {
  const uint64_t index_offset = index.index_offset;
  struct span {
    uint64_t begin, end;
    std::string what;
  };
  std::vector<span> spans;
  spans.reserve(index.entries.size() + index.blocks.size() + index.model_offsets.size());
  for (const index_entry& e : index.entries) spans.push_back({e.entry_offset, e.entry_offset + e.size_coded, "entry '" + e.header.path + "'"});
  for (const index_block& b : index.blocks)
    spans.push_back({b.block_offset, b.block_offset + b.size_coded, "block " + std::to_string(b.block_id)});
  for (uint64_t off : index.model_offsets) {
    ANN_TRY(seek(off));
    auto rec = next(false);
    ANN_RETURN_ERROR_IF(!rec.ok() || rec->type != record_type::model || rec->offset != off, index_corrupt,
                        "index: no model record at offset " + std::to_string(off));
    spans.push_back({off, offset_, "a model record"});
  }
  std::sort(spans.begin(), spans.end(), [](const span& a, const span& b) { return a.begin < b.begin; });
  uint64_t at = archive_header_size;
  auto explain_gap = [&](uint64_t until, const std::string& before) -> status {
    // Only skippable records may fill a gap: the next record next() returns
    // (it passes over skippable ones) must start where the gap ends.
    ANN_TRY(seek(at));
    auto rec = next(false);
    if (rec.ok() && (rec->offset == until || (rec->type == record_type::index && until == index_offset)))
      return ok_status();
    std::string found = "a record";
    if (rec.ok() && rec->type == record_type::entry_header) found = "entry '" + rec->entry.path + "'";
    else if (rec.ok() && rec->type == record_type::block_header) found = "block " + std::to_string(rec->block.block_id);
    else if (rec.ok() && rec->type == record_type::model) found = "a model record";
    return make_error(errc::index_corrupt, "index: does not list " + found + " at offset " + std::to_string(at) +
                                               " (before " + before + "): the records and the index disagree");
  };
  for (const span& sp : spans) {
    ANN_RETURN_ERROR_IF(sp.begin < at, index_corrupt,
                        "index: " + sp.what + " at offset " + std::to_string(sp.begin) + " overlaps the item before it");
    if (sp.begin > at) ANN_TRY(explain_gap(sp.begin, sp.what));
    at = sp.end;
  }
  ANN_RETURN_ERROR_IF(at > index_offset, index_corrupt, "index: an item runs into the index");
  if (at < index_offset) ANN_TRY(explain_gap(index_offset, "the index"));
  return ok_status();
}

}  // namespace v1
}  // namespace archive_nn
