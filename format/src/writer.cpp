// archive_writer: appends records in spec order and never seeks, so an
// archive can be written to a pipe (spec/archive_format.md §2).
#include "archive_nn/format.hpp"
#include "records.hpp"

namespace archive_nn {
inline namespace v1 {

archive_writer::archive_writer(byte_sink& sink) : sink_(sink) {}

status archive_writer::put(const std::vector<uint8_t>& bytes) { return put(bytes.data(), bytes.size()); }

status archive_writer::put(const uint8_t* data, size_t size) {
  status st = sink_.write(data, size);
  if (!st.ok()) {
    state_ = state::failed;
    return st;
  }
  offset_ += size;
  return ok_status();
}

#define ANN_WRITER_EXPECT(cond, what) \
  ANN_RETURN_ERROR_IF(!(cond), internal, std::string("archive_writer misuse: ") + (what))

status archive_writer::begin() {
  ANN_WRITER_EXPECT(state_ == state::fresh, "begin twice");
  ANN_TRY(put(encode_archive_header()));
  state_ = state::open;
  return ok_status();
}

status archive_writer::add_model(const model_record& m) {
  ANN_WRITER_EXPECT(state_ == state::open, "model outside the top level");
  ANN_WRITER_EXPECT(m.model_id != 0, "model id 0");
  for (uint8_t id : model_ids_) ANN_WRITER_EXPECT(id != m.model_id, "duplicate model id");
  ANN_WRITER_EXPECT((m.storage == model_storage::referenced) == m.payload.empty(), "payload vs storage");
  model_ids_.push_back(m.model_id);
  index_.model_offsets.push_back(offset_);
  ANN_TRY(put(encode_model_record(m)));
  return put(m.payload.data(), m.payload.size());
}

status archive_writer::begin_entry(const entry_header& e) {
  ANN_WRITER_EXPECT(state_ == state::open, "entry inside an entry");
  ANN_WRITER_EXPECT(path_is_safe(e.path), "unsafe path '" + e.path + "'");
  index_entry ie;
  ie.entry_offset = offset_;
  ie.header = e;
  index_.entries.push_back(ie);
  ANN_TRY(put(encode_entry_header(e)));
  if (e.type == entry_type::file) {
    state_ = state::in_entry;
    entry_remaining_ = e.size;
  } else {
    index_.entries.back().size_coded = offset_ - ie.entry_offset;
  }
  return ok_status();
}

status archive_writer::add_chunk(const chunk_header& c, const uint8_t* payload) {
  ANN_WRITER_EXPECT(state_ == state::in_entry, "chunk outside a file entry");
  ANN_WRITER_EXPECT(c.size_original > 0 && c.size_original <= entry_remaining_, "chunk larger than the entry");
  ANN_WRITER_EXPECT(c.size_coded <= c.size_original, "coded chunk larger than original");
  bool known_model = c.model_id == 0;
  for (uint8_t id : model_ids_) known_model = known_model || id == c.model_id;
  ANN_WRITER_EXPECT(known_model, "chunk names a model not yet written");
  entry_remaining_ -= c.size_original;
  index_.entries.back().chunk_count++;
  ANN_TRY(put(encode_chunk_header(c)));
  return put(payload, static_cast<size_t>(c.size_coded));
}

status archive_writer::end_entry(uint64_t entry_checksum) {
  ANN_WRITER_EXPECT(state_ == state::in_entry, "end_entry outside a file entry");
  ANN_WRITER_EXPECT(entry_remaining_ == 0, "entry ended before its size was reached");
  ANN_TRY(put(encode_entry_end(entry_checksum)));
  index_.entries.back().size_coded = offset_ - index_.entries.back().entry_offset;
  state_ = state::open;
  return ok_status();
}

status archive_writer::finish() {
  ANN_WRITER_EXPECT(state_ == state::open, "finish inside an entry or twice");
  const uint64_t index_offset = offset_;
  const std::vector<uint8_t> index = encode_index(index_);
  ANN_TRY(put(index));
  ANN_TRY(put(encode_index_footer(index_offset, index.size(), xxh64(index.data(), index.size()))));
  ANN_TRY(sink_.flush());
  state_ = state::finished;
  return ok_status();
}

}  // namespace v1
}  // namespace archive_nn
