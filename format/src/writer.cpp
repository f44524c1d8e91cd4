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
  ANN_WRITER_EXPECT(encoded_attributes_size(e) <= attributes_size_max, "attributes of '" + e.path + "' too large");
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

status archive_writer::begin_block(const block_header& b, const uint8_t* table_payload) {
  ANN_WRITER_EXPECT(state_ == state::open, "block inside an entry or block");
  ANN_WRITER_EXPECT(b.block_id == index_.blocks.size() + 1, "block ids must count 1, 2, 3, ...");
  ANN_WRITER_EXPECT(b.size > 0 && b.member_count > 0 && b.table_size > 0, "empty block");
  ANN_WRITER_EXPECT(b.table_size_coded <= b.table_size, "coded member table larger than the table");
  index_block ib;
  ib.block_offset = offset_;
  ib.block_id = b.block_id;
  ib.member_count = b.member_count;
  index_.blocks.push_back(ib);
  ANN_TRY(put(encode_block_header(b)));
  ANN_TRY(put(table_payload, static_cast<size_t>(b.table_size_coded)));
  index_.blocks.back().size_coded = offset_ - ib.block_offset;
  state_ = state::in_block;
  block_remaining_ = b.size;
  return ok_status();
}

status archive_writer::add_chunk(const chunk_header& c, const uint8_t* payload) {
  ANN_WRITER_EXPECT(state_ == state::in_entry || state_ == state::in_block, "chunk outside a file entry or block");
  uint64_t& remaining = state_ == state::in_block ? block_remaining_ : entry_remaining_;
  ANN_WRITER_EXPECT(c.size_original > 0 && c.size_original <= remaining, "chunk larger than the entry or block");
  ANN_WRITER_EXPECT(c.size_coded <= c.size_original, "coded chunk larger than original");
  bool known_model = c.model_id == 0;
  for (uint8_t id : model_ids_) known_model = known_model || id == c.model_id;
  ANN_WRITER_EXPECT(known_model, "chunk names a model not yet written");
  remaining -= c.size_original;
  const uint64_t at = offset_;
  ANN_TRY(put(encode_chunk_header(c)));
  ANN_TRY(put(payload, static_cast<size_t>(c.size_coded)));
  if (state_ == state::in_block) {
    index_block& ib = index_.blocks.back();
    ib.chunks.push_back({at - ib.block_offset, c.size_original});
    ib.size_coded = offset_ - ib.block_offset;
    if (block_remaining_ == 0) state_ = state::open;
  } else {
    index_.entries.back().chunk_count++;
  }
  return ok_status();
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
