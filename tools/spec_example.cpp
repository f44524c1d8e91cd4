// ann_spec_example: generates the worked examples of the normative spec.
//
//   ann_spec_example                        prints spec/examples/example_1.txt
//                                           (spec/archive_format.md Appendix B)
//   ann_spec_example --write-archive FILE   writes spec/examples/example_1.nna
//   ann_spec_example --range-coder          prints spec/examples/range_coder_1.txt
//   ann_spec_example --mix                  prints spec/examples/mix_1.txt (spec/mix_codec.md §13)
//                                           (spec/nn_codec.md §5)
//
// The archive is built by the library's own archive_creator; the walk reads
// every field with byte_reader and is cross-checked against the library's
// decoders (archive_reader, read_index, read_archive), so a format change
// shows up as a difference in the golden text (ctest spec_example_in_sync).
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"
#include "byte_io.hpp"
#include "coder/cdf.hpp"
#include "coder/range_coder.hpp"
#include "methods/method.hpp"
#include "mix/predictor_v2.hpp"
#include "model/model.hpp"
#include "model/model_file.hpp"

using namespace archive_nn;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "ann_spec_example: %s\n", what.c_str());
  std::exit(1);
}

void check(bool cond, const std::string& what) {
  if (!cond) die("check failed: " + what);
}

std::string hex(uint64_t v, int digits = 0) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*" PRIX64, digits, v);
  return std::string("0x") + buf;
}

std::string dec(uint64_t v) { return std::to_string(v); }

// ---------------------------------------------------------------------------
// The example archive.

constexpr int64_t example_mtime = 1700000000;  // 2023-11-14T22:13:20Z
const std::string hello_text = "Hello, nntar!\n";
const std::string solid_text = "Files share blocks.\n";

// A valid model whose weights are all zero except the norm gains (1.0). Only
// its identity matters here: the archive references it by hash.
model_handle example_model() {
  model::model_file f;
  f.hp.d_model = 8;
  f.hp.n_layer = 1;
  f.hp.n_head = 1;
  f.hp.d_ff = 8;
  f.hp.context_length = 16;
  f.hp.norm = model::norm_placement::pre;
  f.extras.push_back({"general.name", model::value_type::string, 0, 0, "spec-example-zero"});
  for (const model::tensor_desc& t : model::tensor_layout(f.hp))
    f.tensors.emplace_back(t.elements(), t.shape.size() == 1 ? uint16_t(0x3C00) : uint16_t(0));
  const std::vector<uint8_t> bytes = model::serialize(f);
  auto m = load_model_bytes(bytes.data(), bytes.size());
  check(m.ok(), "the example model loads");
  return m.value();
}

entry_header meta(entry_type type, const std::string& path, uint32_t mode) {
  entry_header h;
  h.type = type;
  h.path = path;
  h.mode = mode;
  h.mtime_sec = example_mtime;
  h.mtime_nsec = 0;
  return h;
}

content_opener opener_of(const std::string& text) {
  return [&text]() -> result<std::unique_ptr<byte_source>> {
    return make_memory_source(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  };
}

std::vector<uint8_t> build_archive() {
  memory_sink sink;
  create_options o;
  o.codec = codec_choice::stored;  // so that the member table and the chunk show their bytes
  o.threads = 1;
  o.solid_block_size = uint64_t(16) << 20;  // the default: files share a solid block
  archive_creator c(sink, o);
  check(c.begin().ok(), "begin");
  check(c.add_entry(meta(entry_type::directory, "example", 0755)).ok(), "directory");
  const std::pair<const char*, const std::string*> files[] = {
      {"example/hello.txt", &hello_text}, {"example/solid.txt", &solid_text}, {"example/copy.txt", &hello_text}};
  for (const auto& f : files) {
    entry_header file = meta(entry_type::file, f.first, 0644);
    file.size = f.second->size();
    check(c.add_file(file, opener_of(*f.second)).ok(), "file");
  }
  entry_header link = meta(entry_type::symlink, "example/link", 0777);
  link.link = "hello.txt";
  check(c.add_entry(link).ok(), "symlink");
  check(c.finish().ok(), "finish");
  return sink.bytes;
}

// ---------------------------------------------------------------------------
// The field walk.

struct row {
  size_t start = 0, length = 0;
  std::string desc;
  bool heading = false;
};

const char* record_name(uint8_t t) {
  switch (t) {
    case 0x01: return "Model_Record";
    case 0x02: return "Entry_Header";
    case 0x03: return "Chunk";
    case 0x04: return "Entry_End";
    case 0x05: return "Block_Header";
    case 0xFF: return "Index";
  }
  return "?";
}

const char* entry_type_name(uint64_t t) {
  switch (t) {
    case 0: return "file";
    case 1: return "directory";
    case 2: return "symlink";
    case 3: return "hard link";
  }
  return "?";
}

const char* codec_name(uint64_t id) {
  switch (id) {
    case 0: return "stored";
    case 1: return "zstd";
    case 2: return "lzma";
    case 3: return "zlib";
    case 4: return "flac";
    case 8: return "nn";
  }
  return "?";
}

const char* storage_name(uint64_t s) {
  switch (s) {
    case 0: return "referenced";
    case 1: return "embedded";
    case 2: return "embedded_xz";
  }
  return "?";
}

class walker {
 public:
  explicit walker(const std::vector<uint8_t>& a) : a_(a) {}

  size_t pos() const { return pos_; }
  void seek(size_t p) { pos_ = p; }
  const std::vector<row>& rows() const { return rows_; }

  void heading(const std::string& text) { rows_.push_back({pos_, 0, text, true}); }

  // A little-endian integer of n bytes.
  uint64_t uint(int n, const std::string& name, const std::function<std::string(uint64_t)>& explain) {
    byte_reader r(a_.data() + pos_, a_.size() - pos_);
    uint64_t v = 0;
    switch (n) {
      case 1: v = r.u8(); break;
      case 2: v = r.u16(); break;
      case 4: v = r.u32(); break;
      case 8: v = r.u64(); break;
      default: die("bad width");
    }
    check(!r.failed(), name + " inside the archive");
    add(static_cast<size_t>(n), name + ": " + explain(v));
    return v;
  }

  uint64_t varint(const std::string& name, const std::function<std::string(uint64_t)>& explain) {
    byte_reader r(a_.data() + pos_, a_.size() - pos_);
    const uint64_t v = r.varint();
    check(!r.failed(), name + " is a canonical varint");
    add(r.position(), name + " (varint): " + explain(v));
    return v;
  }

  // n raw bytes.
  const uint8_t* bytes(size_t n, const std::string& desc) {
    check(n <= a_.size() - pos_, desc + " inside the archive");
    const uint8_t* at = a_.data() + pos_;
    add(n, desc);
    return at;
  }

  // Record_Type and Body_Size; returns the body size.
  uint64_t record_head(uint8_t expect_type, size_t& record_start) {
    record_start = pos_;
    heading("Record at " + hex(pos_, 4) + ": " + record_name(expect_type));
    const uint64_t t = uint(1, "Record_Type", [](uint64_t v) { return hex(v, 2) + " (" + record_name(uint8_t(v)) + ")"; });
    check(t == expect_type, "record type");
    return varint("Body_Size", [](uint64_t v) { return dec(v) + " = " + dec(v - 4) + " body bytes + 4 (Body_Checksum)"; });
  }

  void record_checksum(size_t record_start) {
    const size_t covered = pos_ - record_start;
    const uint32_t expect = header_checksum(a_.data() + record_start, covered);
    const std::string range = hex(record_start, 4) + ".." + hex(pos_ - 1, 4);
    const uint64_t got = uint(4, "Body_Checksum", [&](uint64_t v) {
      return hex(v, 8) + " = low 32 bits of XXH64(bytes " + range + ", seed 0)";
    });
    check(got == expect, "Body_Checksum of the record at " + hex(record_start));
  }

  // The fields of an Entry_Header body (§5).
  void entry_body() {
    const uint64_t type = uint(1, "Entry_Type", [](uint64_t v) { return dec(v) + " (" + entry_type_name(v) + ")"; });
    (void)type;
    uint(1, "Entry_Flags", [](uint64_t v) {
      return dec(v) + (v == 0 ? " (bit 0 Has_Attributes clear: no owner or extended attributes; bits 1-7 Reserved)"
                              : " (bit 0 Has_Attributes)");
    });
    const uint64_t transform = uint(1, "Transform", [](uint64_t v) {
      return dec(v) + (v == 0 ? " (raw: no transform fields follow)" : " (transform fields follow)");
    });
    varint("Mode", [](uint64_t v) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0%03" PRIo64, v);
      return std::string(buf);
    });
    varint("Mtime", [](uint64_t v) {
      const int64_t s = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
      return dec(v) + ", zigzag of " + std::to_string(s) + " s";
    });
    varint("Mtime_Nanoseconds", [](uint64_t v) { return dec(v); });
    varint("Size", [](uint64_t v) { return dec(v) + " bytes"; });
    const uint64_t path_len = varint("Path_Length", [](uint64_t v) { return dec(v); });
    const uint8_t* path = a_.data() + pos_;
    bytes(static_cast<size_t>(path_len), "Path: \"" + std::string(reinterpret_cast<const char*>(path), path_len) + "\"");
    const uint64_t link_len = varint("Link_Length", [](uint64_t v) { return dec(v); });
    if (link_len) {
      const uint8_t* link = a_.data() + pos_;
      bytes(static_cast<size_t>(link_len),
            "Link_Target: \"" + std::string(reinterpret_cast<const char*>(link), link_len) + "\"");
    }
    if (transform != 0) {
      varint("Transform_Header_Size", [](uint64_t v) { return dec(v); });
      varint("Transform_Payload_Size", [](uint64_t v) { return dec(v); });
    }
  }

 private:
  void add(size_t n, const std::string& desc) {
    rows_.push_back({pos_, n, desc, false});
    pos_ += n;
  }
  const std::vector<uint8_t>& a_;
  size_t pos_ = 0;
  std::vector<row> rows_;
};

std::string contents(const std::vector<uint8_t>& a, const row& r) {
  static const char* digits = "0123456789ABCDEF";
  std::string s;
  const size_t shown = r.length <= 16 ? r.length : 12;
  for (size_t i = 0; i < shown; ++i) {
    if (i) s += ' ';
    s += digits[a[r.start + i] >> 4];
    s += digits[a[r.start + i] & 15];
  }
  if (shown < r.length) s += " ...";
  return "`" + s + "`";
}

// `xxd` with its default layout.
std::string xxd(const std::vector<uint8_t>& a) {
  std::string out;
  char buf[32];
  for (size_t line = 0; line < a.size(); line += 16) {
    std::snprintf(buf, sizeof buf, "%08zx:", line);
    out += buf;
    std::string ascii;
    for (size_t i = 0; i < 16; ++i) {
      if (i % 2 == 0) out += ' ';
      if (line + i < a.size()) {
        const uint8_t b = a[line + i];
        std::snprintf(buf, sizeof buf, "%02x", b);
        out += buf;
        ascii += (b >= 0x20 && b < 0x7F) ? static_cast<char>(b) : '.';
      } else {
        out += "  ";
      }
    }
    out += "  " + ascii + "\n";
  }
  return out;
}

class collector : public entry_visitor {
 public:
  bool begin_entry(const entry_header& e) override {
    paths.push_back(e.path);
    data.emplace_back();
    return true;
  }
  status write(const uint8_t* d, size_t n) override {
    data.back().insert(data.back().end(), d, d + n);
    return ok_status();
  }
  void end_entry(const entry_header&, const status& st) override {
    if (!st.ok()) failures.push_back(st.err().what());
  }
  std::vector<std::string> paths;
  std::vector<std::vector<uint8_t>> data;
  std::vector<std::string> failures;
};

std::string archive_walkthrough(const std::vector<uint8_t>& a) {
  // The library's view of the archive, which the walk must agree with.
  check(decode_archive_header(a.data(), a.size()).ok(), "decode_archive_header");
  auto source = make_memory_source(a.data(), a.size());
  archive_reader reader(*source);
  check(reader.begin().ok(), "archive_reader::begin");
  std::vector<record> records;
  for (;;) {
    auto rec = reader.next(true);
    check(rec.ok(), "archive_reader::next");
    records.push_back(std::move(rec).value());
    if (records.back().type == record_type::index) break;
  }
  auto index_source = make_memory_source(a.data(), a.size());
  archive_reader index_reader(*index_source);
  check(index_reader.begin().ok(), "archive_reader::begin (index)");
  auto index = index_reader.read_index();
  check(index.ok(), "archive_reader::read_index");
  {
    auto extract_source = make_memory_source(a.data(), a.size());
    collector c;
    read_options ro;
    model_handle m = example_model();
    ro.resolve = [m](const model_hash& h) { return h == hash_of(m) ? m : nullptr; };
    read_summary sum;
    check(read_archive(*extract_source, c, ro, &sum).ok(), "read_archive");
    check(c.failures.empty() && sum.entries_failed == 0, "every entry extracts and verifies");
    check(c.paths.size() == 5, "five entries");
    for (size_t i = 0; i < c.paths.size(); ++i)
      if (c.paths[i] == "example/hello.txt" || c.paths[i] == "example/copy.txt")
        check(c.data[i] == std::vector<uint8_t>(hello_text.begin(), hello_text.end()), "extracted content");
  }
  const std::string model_hex = nn::hash_hex(hash_of(example_model()));
  const uint64_t hello_xxh = xxh64(hello_text.data(), hello_text.size());  // entries outside blocks hold only the hello text
  std::vector<block_member> members;  // of the (one) solid block

  walker w(a);
  w.heading("Archive_Header (§1)");
  w.bytes(8, "Magic_Number: 0x89 'N' 'N' 'A' CR LF SUB LF");
  w.uint(2, "Format_Version", [](uint64_t v) { return dec(v); });
  w.uint(2, "Header_Flags", [](uint64_t v) { return hex(v, 4) + " (all bits Reserved)"; });
  w.uint(4, "Header_Checksum", [&](uint64_t v) {
    check(v == header_checksum(a.data(), 12), "Header_Checksum");
    return hex(v, 8) + " = low 32 bits of XXH64(bytes 0x0000..0x000B, seed 0)";
  });

  // Records, in the order the library's reader returned them.
  std::vector<size_t> entry_starts;
  for (const record& rec : records) {
    check(w.pos() == rec.offset, "records are contiguous");
    size_t start = 0;
    if (rec.type == record_type::model) {
      const uint64_t body = w.record_head(0x01, start);
      const size_t body_start = w.pos();
      w.uint(1, "Model_Id", [](uint64_t v) { return dec(v); });
      const uint64_t storage = w.uint(1, "Model_Storage", [](uint64_t v) {
        return dec(v) + " (" + storage_name(v) + (v == 0 ? ": no size fields, no payload)" : ")");
      });
      w.bytes(16, "Model_Hash: XXH3-128 of the .nnm file, hex " + model_hex);
      if (storage != 0) {
        w.varint("Model_Size", [](uint64_t v) { return dec(v) + " bytes"; });
        w.varint("Stored_Size", [](uint64_t v) { return dec(v) + " bytes"; });
      }
      check(w.pos() == body_start + body - 4, "Model_Record body size");
      w.record_checksum(start);
      std::vector<uint8_t> expect = encode_model_record(rec.model);
      check(std::equal(expect.begin(), expect.end(), a.begin() + static_cast<std::ptrdiff_t>(start)) &&
                expect.size() == w.pos() - start,
            "Model_Record re-encodes to the same bytes");
      if (rec.model.stored_size) w.bytes(static_cast<size_t>(rec.model.stored_size), "Model_Payload");
    } else if (rec.type == record_type::entry_header) {
      const uint64_t body = w.record_head(0x02, start);
      entry_starts.push_back(start);
      const size_t body_start = w.pos();
      w.entry_body();
      check(w.pos() == body_start + body - 4, "Entry_Header body size");
      w.record_checksum(start);
      const std::vector<uint8_t> expect = encode_entry_header(rec.entry);
      check(expect.size() == w.pos() - start &&
                std::equal(expect.begin(), expect.end(), a.begin() + static_cast<std::ptrdiff_t>(start)),
            "Entry_Header re-encodes to the same bytes");
    } else if (rec.type == record_type::chunk) {
      const uint64_t body = w.record_head(0x03, start);
      const size_t body_start = w.pos();
      w.uint(1, "Codec_Id", [](uint64_t v) {
        return dec(v) + " (" + codec_name(v) + (v == 0 ? ": codec choice stored)" : ")");
      });
      w.uint(1, "Model_Id", [](uint64_t v) { return dec(v) + (v == 0 ? " (no model)" : ""); });
      w.uint(1, "Chunk_Flags", [](uint64_t v) { return dec(v) + " (all bits Reserved)"; });
      w.varint("Size_Original", [](uint64_t v) { return dec(v) + " bytes"; });
      const uint64_t coded = w.varint("Size_Coded", [](uint64_t v) { return dec(v) + " bytes"; });
      w.varint("Codec_Param", [](uint64_t v) { return dec(v); });
      w.uint(8, "Content_Checksum", [&](uint64_t v) {
        check(v == rec.chunk.content_checksum, "Content_Checksum");
        return hex(v, 16) + " = XXH64 of the chunk's original bytes";
      });
      check(w.pos() == body_start + body - 4, "Chunk body size");
      w.record_checksum(start);
      const std::vector<uint8_t> expect = encode_chunk_header(rec.chunk);
      check(expect.size() == w.pos() - start &&
                std::equal(expect.begin(), expect.end(), a.begin() + static_cast<std::ptrdiff_t>(start)),
            "Chunk header re-encodes to the same bytes");
      const uint8_t* p = a.data() + w.pos();
      std::string text;
      for (size_t i = 0; i < coded; ++i) text += p[i] == '\n' ? std::string("\\n") : std::string(1, char(p[i]));
      w.bytes(static_cast<size_t>(coded), "Chunk_Payload: \"" + text + "\" (stored bytes" +
                                              (members.empty() ? "" : " of the block stream") + ")");
      check(std::equal(p, p + coded, rec.payload.begin()), "payload");
    } else if (rec.type == record_type::block_header) {
      const uint64_t body = w.record_head(0x05, start);
      const size_t body_start = w.pos();
      w.varint("Block_Id", [](uint64_t v) { return dec(v) + " (the first block)"; });
      w.uint(1, "Block_Flags", [](uint64_t v) { return dec(v) + " (all bits Reserved)"; });
      w.uint(1, "Block_Transform", [](uint64_t v) { return dec(v) + " (raw: every member is a raw file)"; });
      w.varint("Block_Size", [](uint64_t v) { return dec(v) + " bytes of block stream"; });
      const uint64_t count = w.varint("Member_Count", [](uint64_t v) { return dec(v); });
      const uint64_t codec = w.uint(1, "Table_Codec", [](uint64_t v) {
        return dec(v) + " (" + codec_name(v) + (v == 0 ? ": codec choice stored)" : ")");
      });
      const uint64_t table_size = w.varint("Table_Size", [](uint64_t v) { return dec(v) + " bytes"; });
      const uint64_t table_coded = w.varint("Table_Size_Coded", [](uint64_t v) { return dec(v) + " bytes"; });
      w.uint(8, "Table_Checksum", [&](uint64_t v) {
        check(v == rec.block.table_checksum, "Table_Checksum");
        return hex(v, 16) + " = XXH64 of the decoded Member_Table";
      });
      check(w.pos() == body_start + body - 4, "Block_Header body size");
      w.record_checksum(start);
      const std::vector<uint8_t> expect = encode_block_header(rec.block);
      check(expect.size() == w.pos() - start &&
                std::equal(expect.begin(), expect.end(), a.begin() + static_cast<std::ptrdiff_t>(start)),
            "Block_Header re-encodes to the same bytes");
      check(codec == 0 && table_coded == table_size, "the example's member table is stored");
      auto decoded = decode_member_table(a.data() + w.pos(), static_cast<size_t>(table_size), rec.block, reader_limits{});
      check(decoded.ok(), "decode_member_table");
      members = decoded.value();
      w.heading("Member_Table (§6.5), stored: " + dec(count) + " members, column by column");
      for (uint64_t i = 0; i < count; ++i)
        w.varint("Mode[" + dec(i) + "]", [](uint64_t v) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "0%03" PRIo64, v);
          return std::string(buf);
        });
      for (uint64_t i = 0; i < count; ++i)
        w.varint("Mtime[" + dec(i) + "]", [](uint64_t v) {
          const int64_t t = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
          return dec(v) + ", zigzag of " + std::to_string(t) + " s";
        });
      for (uint64_t i = 0; i < count; ++i) w.varint("Mtime_Nanoseconds[" + dec(i) + "]", [](uint64_t v) { return dec(v); });
      for (uint64_t i = 0; i < count; ++i)
        w.varint("Size[" + dec(i) + "]", [&](uint64_t v) {
          return dec(v) + " bytes" + (members[i].duplicate_of < 0 ? ": block bytes " + dec(members[i].offset) + ".." +
                                                                          dec(members[i].offset + v - 1)
                                                                    : "");
        });
      for (uint64_t i = 0; i < count; ++i)
        w.varint("Duplicate_Of[" + dec(i) + "]", [&](uint64_t v) {
          return v == 0 ? dec(v) + " (its bytes are the next " + dec(members[i].header.size) + " of the block)"
                        : dec(v) + " (the same bytes as member " + dec(v - 1) + ": stored once)";
        });
      for (uint64_t i = 0; i < count; ++i) {
        const uint64_t len = w.varint("Path_Length[" + dec(i) + "]", [](uint64_t v) { return dec(v); });
        w.bytes(static_cast<size_t>(len), "Path[" + dec(i) + "]: \"" + members[i].header.path + "\"");
      }
      for (uint64_t i = 0; i < count; ++i)
        w.uint(8, "Member_Checksum[" + dec(i) + "]", [&](uint64_t v) {
          check(v == members[i].checksum, "Member_Checksum");
          return hex(v, 16) + " = XXH64 of \"" + members[i].header.path + "\"";
        });
      for (uint64_t i = 0; i < count; ++i)
        w.uint(1, "Member_Flags[" + dec(i) + "]", [&](uint64_t v) {
          check(v == 0, "the example's members have no attributes");
          return dec(v) + " (bit 0 Has_Attributes clear: no attribute columns follow for this member)";
        });
    } else if (rec.type == record_type::entry_end) {
      const uint64_t body = w.record_head(0x04, start);
      const size_t body_start = w.pos();
      w.uint(8, "Entry_Checksum", [&](uint64_t v) {
        check(v == hello_xxh, "Entry_Checksum");
        return hex(v, 16) + " = XXH64 of the entry's " + dec(hello_text.size()) + " original bytes";
      });
      check(w.pos() == body_start + body - 4, "Entry_End body size");
      w.record_checksum(start);
      check(encode_entry_end(rec.entry_checksum).size() == w.pos() - start, "Entry_End size");
    } else {
      // The Index (§8).
      const uint64_t body = w.record_head(0xFF, start);
      const size_t body_start = w.pos();
      const uint64_t models = w.varint("Model_Count", [](uint64_t v) { return dec(v); });
      check(models == index->model_offsets.size(), "Model_Count");
      for (uint64_t i = 0; i < models; ++i)
        w.varint("Model_Offset[" + dec(i) + "]", [&](uint64_t v) {
          check(v == index->model_offsets[i], "Model_Offset");
          return hex(v, 4) + " (the Model_Record)";
        });
      const uint64_t items = w.varint("Item_Count", [](uint64_t v) { return dec(v) + " (entries and blocks)"; });
      check(items == index->entries.size() + index->blocks.size(), "Item_Count");
      size_t e = 0, b = 0;
      for (uint64_t i = 0; i < items; ++i) {
        const std::string n = "[" + dec(i) + "]";
        const uint64_t kind = w.uint(1, "Item_Type" + n, [](uint64_t v) { return dec(v) + (v == 0 ? " (entry)" : " (block)"); });
        if (kind == 1) {
          const index_block& ib = index->blocks[b++];
          w.varint("Block_Offset" + n, [&](uint64_t v) {
            check(v == ib.block_offset, "Block_Offset");
            return hex(v, 4) + " (the Block_Header)";
          });
          w.varint("Block_Size_Coded" + n, [&](uint64_t v) {
            check(v == ib.size_coded, "Block_Size_Coded");
            return dec(v) + " bytes: " + hex(ib.block_offset, 4) + ".." + hex(ib.block_offset + v - 1, 4);
          });
          w.varint("Block_Id" + n, [](uint64_t v) { return dec(v); });
          w.varint("Member_Count" + n, [](uint64_t v) { return dec(v); });
          const uint64_t chunks = w.varint("Chunk_Count" + n, [](uint64_t v) { return dec(v); });
          for (uint64_t c = 0; c < chunks; ++c) {
            w.varint("Chunk_Offset" + n + "[" + dec(c) + "]", [&](uint64_t v) {
              return dec(v) + ": the Chunk record at " + hex(ib.block_offset + v, 4);
            });
            w.varint("Chunk_Size" + n + "[" + dec(c) + "]", [](uint64_t v) { return dec(v) + " bytes of block stream"; });
          }
          continue;
        }
        const index_entry& ie = index->entries[e];
        w.varint("Entry_Offset" + n, [&](uint64_t v) {
          check(v == ie.entry_offset && v == entry_starts[e], "Entry_Offset");
          return hex(v, 4) + " (\"" + ie.header.path + "\")";
        });
        w.varint("Entry_Size_Coded" + n, [&](uint64_t v) {
          check(v == ie.size_coded, "Entry_Size_Coded");
          return dec(v) + " bytes: " + hex(ie.entry_offset, 4) + ".." + hex(ie.entry_offset + v - 1, 4);
        });
        w.varint("Chunk_Count" + n, [&](uint64_t v) {
          check(v == ie.chunk_count, "Chunk_Count");
          return dec(v);
        });
        const uint64_t size = w.varint("Entry_Body_Size" + n, [](uint64_t v) { return dec(v); });
        // The copy must equal the Entry_Header body (after its 1-byte type and varint size).
        const size_t original_body = entry_starts[e] + 1 + varint_size(size + 4);
        check(std::equal(a.begin() + static_cast<std::ptrdiff_t>(w.pos()),
                         a.begin() + static_cast<std::ptrdiff_t>(w.pos() + size),
                         a.begin() + static_cast<std::ptrdiff_t>(original_body)),
              "index copy of the entry body");
        w.bytes(static_cast<size_t>(size), "Entry_Body" + n + ": byte-identical copy of " + hex(original_body, 4) + ".." +
                                               hex(original_body + size - 1, 4));
        ++e;
      }
      check(w.pos() == body_start + body - 4, "Index body size");
      w.record_checksum(start);
      check(encode_index(index.value()).size() == w.pos() - start, "Index re-encodes to the same size");
    }
  }

  // The Index_Footer (§9).
  const size_t index_start = records.back().offset;
  const size_t index_size = w.pos() - index_start;
  const size_t footer_start = w.pos();
  w.heading("Index_Footer (§9) at " + hex(footer_start, 4));
  w.uint(8, "Index_Offset", [&](uint64_t v) {
    check(v == index_start, "Index_Offset");
    return hex(v, 4);
  });
  w.uint(8, "Index_Size", [&](uint64_t v) {
    check(v == index_size, "Index_Size");
    return dec(v) + " bytes";
  });
  w.uint(8, "Index_Checksum", [&](uint64_t v) {
    check(v == xxh64(a.data() + index_start, index_size), "Index_Checksum");
    return hex(v, 16) + " = XXH64(bytes " + hex(index_start, 4) + ".." + hex(index_start + index_size - 1, 4) +
           ", seed 0)";
  });
  w.uint(4, "Footer_Checksum", [&](uint64_t v) {
    check(v == header_checksum(a.data() + footer_start, 24), "Footer_Checksum");
    return hex(v, 8) + " = low 32 bits of XXH64(bytes " + hex(footer_start, 4) + ".." + hex(footer_start + 23, 4) +
           ", seed 0)";
  });
  w.bytes(4, "Footer_Magic: \"NNA$\"");
  check(w.pos() == a.size(), "the walk covers the whole archive");
  check(decode_index_footer(a.data() + footer_start, 32, a.size()).ok(), "decode_index_footer");

  std::string out;
  out += "<!-- generated by tools/spec_example.cpp (ann_spec_example); do not edit by hand -->\n";
  out += "`example_1.nna` is " + dec(a.size()) +
         " bytes, format version 3. It was written by the library's `archive_creator` with codec\n"
         "choice stored (so that every byte of the member table and the chunk can be read here) and\n"
         "solid blocks (the default), from a directory `example` (mode 0755),\n"
         "the files `example/hello.txt` and `example/copy.txt` (mode 0644, both the " +
         dec(hello_text.size()) + " bytes \"Hello, nntar!\\n\") and\n"
         "`example/solid.txt` (mode 0644, the " + dec(solid_text.size()) +
         " bytes \"Files share blocks.\\n\"), and a symlink `example/link` -> `hello.txt`\n"
         "(mode 0777), all with mtime " + std::to_string(example_mtime) + " (2023-11-14T22:13:20Z).\n"
         "The three files share one solid block, ordered by name within their kind (text); `copy.txt`\n"
         "comes first and `hello.txt`, its duplicate, costs no block bytes. The symlink is written after\n"
         "the files.\n\n";
  out += "```text\n" + xxd(a) + "```\n\n";
  out += "| Start | Length | Contents | Description |\n";
  out += "|------:|-------:|----------|-------------|\n";
  for (const row& r : w.rows()) {
    if (r.heading) {
      out += "| | | | **" + r.desc + "** |\n";
      continue;
    }
    out += "| " + hex(r.start, 4) + " | " + dec(r.length) + " | " + contents(a, r) + " | " + r.desc + " |\n";
  }
  return out;
}

// ---------------------------------------------------------------------------
// The range-coder example: the real coder, and a mirror of its arithmetic
// that exposes the state (and must produce the same bytes).

struct mirror_encoder {
  std::vector<uint8_t> out;
  uint64_t low = 0;
  uint64_t range = uint64_t(1) << 48;
  bool carried = false;
  void carry() {
    low &= coder::window_mask;
    carried = true;
    for (size_t i = out.size(); i-- > 0;)
      if (++out[i] != 0) return;
  }
  void encode(uint32_t cum, uint32_t freq) {
    const uint64_t r = range >> coder::total_bits;
    low += r * cum;
    range = r * freq;
    if (low > coder::window_mask) carry();
    while (range < coder::range_min) {
      out.push_back(static_cast<uint8_t>(low >> 40));
      low = (low << 8) & coder::window_mask;
      range <<= 8;
    }
  }
  int k = -1;
  uint64_t value = 0;
  size_t stripped = 0;
  void finish() {
    for (k = 0; k <= 6; ++k) {
      const unsigned shift = static_cast<unsigned>(48 - 8 * k);
      const uint64_t granule = uint64_t(1) << shift;
      value = (low + granule - 1) >> shift << shift;
      if (value - low < range) {
        if (value > coder::window_mask) carry();
        for (int i = 0; i < k; ++i) out.push_back(static_cast<uint8_t>((value & coder::window_mask) >> (40 - 8 * i)));
        break;
      }
    }
    while (!out.empty() && out.back() == 0) {
      out.pop_back();
      ++stripped;
    }
  }
};

std::string bytes_hex(const std::vector<uint8_t>& v, size_t from = 0, size_t to = SIZE_MAX) {
  static const char* digits = "0123456789ABCDEF";
  std::string s;
  for (size_t i = from; i < v.size() && i < to; ++i) {
    if (!s.empty()) s += ' ';
    s += digits[v[i] >> 4];
    s += digits[v[i] & 15];
  }
  return s.empty() ? "-" : s;
}

// 48-bit coder registers as 12 hex digits (13 when a carry bit is set).
std::string hex12(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012" PRIX64, v);
  return buf;
}

std::string range_coder_example() {
  // The frequency table: quantize() of a fixed distribution.
  float p[256] = {};
  p['a'] = 0.5f;
  p['b'] = 0.25f;
  p['c'] = 0.125f;
  p['d'] = 0.0625f;
  uint32_t freq[256], cum[257];
  coder::quantize(p, freq);
  coder::cumulate(freq, cum);
  const std::string message = "aadbdadb";  // its 8th symbol carries through an 0xFF byte

  std::vector<uint8_t> real;
  coder::range_encoder enc(real);
  mirror_encoder mir;
  std::string out;
  out += "<!-- generated by tools/spec_example.cpp (ann_spec_example --range-coder); do not edit by hand -->\n";
  out += "Probabilities p['a'] = 0.5, p['b'] = 0.25, p['c'] = 0.125, p['d'] = 0.0625, all other 252 symbols 0.\n";
  out += "§2 gives freq[s] = 1 + trunc(p[s] * 1048320) for every s, then the remainder to the argmax:\n\n";
  out += "| Symbol | p | 1 + trunc(p * 1048320) | freq after §2 step 3 | cum |\n";
  out += "|-------:|--:|------------------------:|---------------------:|----:|\n";
  uint32_t before_sum = 0;
  for (int s = 0; s < 256; ++s) before_sum += 1 + static_cast<uint32_t>(p[s] * coder::budget);
  for (int s : std::initializer_list<int>{0, 'a', 'b', 'c', 'd', 'e', 255}) {
    const uint32_t raw = 1 + static_cast<uint32_t>(p[s] * coder::budget);
    char sym[16];
    if (s >= 'a' && s <= 'e') std::snprintf(sym, sizeof sym, "'%c' (%d)", s, s);
    else std::snprintf(sym, sizeof sym, "%d", s);
    char pv[16];
    std::snprintf(pv, sizeof pv, "%g", static_cast<double>(p[s]));
    out += std::string("| ") + sym + " | " + pv + " | " + dec(raw) + " | " + dec(freq[s]) + " | " + dec(cum[s]) + " |\n";
  }
  out += "\nThe first pass sums to " + dec(before_sum) + "; the remainder 2^20 - " + dec(before_sum) + " = " +
         dec(coder::total - before_sum) + " goes to the argmax 'a'. cum[256] = " + dec(cum[256]) + ".\n\n";
  out += "Encoding \"" + message + "\" (low and range as 12 hex digits, i.e. 48 bits; `r` = range >> 20 before the step):\n\n";
  out += "| Step | Symbol | cum | freq | r | low after | range after | carry | bytes out so far |\n";
  out += "|-----:|-------:|----:|-----:|--:|----------:|------------:|:-----:|------------------|\n";
  bool any_carry = false;
  for (size_t i = 0; i < message.size(); ++i) {
    const uint8_t s = static_cast<uint8_t>(message[i]);
    const uint64_t r = mir.range >> coder::total_bits;
    mir.carried = false;
    enc.encode(cum[s], freq[s]);
    mir.encode(cum[s], freq[s]);
    any_carry = any_carry || mir.carried;
    check(mir.out == real, "the mirror encoder writes the real encoder's bytes");
    out += "| " + dec(i + 1) + " | '" + std::string(1, char(s)) + "' | " + dec(cum[s]) + " | " + dec(freq[s]) + " | " +
           dec(r) + " | " + hex12(mir.low) + " | " + hex12(mir.range) + " | " + (mir.carried ? "yes" : "") + " | " +
           bytes_hex(mir.out) + " |\n";
  }
  check(any_carry, "the example shows a carry");
  const size_t before_finish = mir.out.size();
  const uint64_t low_end = mir.low, range_end = mir.range;
  mir.carried = false;
  enc.finish();
  mir.finish();
  check(mir.out == real, "the mirror termination writes the real encoder's bytes");
  std::vector<uint8_t> appended;
  for (int i = 0; i < mir.k; ++i)
    appended.push_back(static_cast<uint8_t>((mir.value & coder::window_mask) >> (40 - 8 * i)));
  out += "\nTermination (§3.4): after the last symbol low = " + hex12(low_end) + " and range = " + hex12(range_end) +
         ".\nThe smallest k in 0..6 for which value = ceil(low / 2^(48-8k)) * 2^(48-8k) satisfies value - low < range\n";
  out += "is k = " + dec(static_cast<uint64_t>(mir.k)) + ": value = " + hex12(mir.value) +
         (mir.carried ? " (which carries into the bytes already written)" : " (no carry)") + ", so the " +
         dec(static_cast<uint64_t>(mir.k)) + " byte(s) `" + bytes_hex(appended) + "` are appended to `" +
         bytes_hex(mir.out, 0, before_finish) + "`;\nstripping then removes " + dec(mir.stripped) +
         " trailing zero byte(s).\n\n";
  out += "The payload: **`" + bytes_hex(real) + "`** (" + dec(real.size()) + " bytes for " + dec(message.size()) +
         " symbols).\n\n";

  // Decoding with the real decoder, next to a mirror that shows its state.
  out += "Decoding (bytes past the end of the payload read as 0; code is the 48-bit register after the step):\n\n";
  out += "| Step | code before | r | target = min(code / r, 2^20 - 1) | symbol | code after | range after |\n";
  out += "|-----:|------------:|--:|---------------------------------:|-------:|-----------:|------------:|\n";
  coder::range_decoder dec_(real.data(), real.size());
  size_t in_at = 0;
  auto next_byte = [&]() -> uint64_t { return in_at < real.size() ? real[in_at++] : (in_at++, 0); };
  uint64_t code = 0, range = uint64_t(1) << 48;
  for (int i = 0; i < 6; ++i) code = (code << 8) | next_byte();
  std::string decoded;
  for (size_t i = 0; i < message.size(); ++i) {
    const uint32_t t = dec_.target();
    const uint64_t r = range >> coder::total_bits;
    const uint64_t v = code / r;
    check(t == (v < coder::total ? v : coder::total - 1), "the mirror decoder's target");
    const uint32_t s = coder::find_symbol(cum, t);
    dec_.consume(cum[s], freq[s]);
    const uint64_t code_before = code;
    code -= r * cum[s];
    range = r * freq[s];
    while (range < coder::range_min) {
      code = ((code << 8) | next_byte()) & coder::window_mask;
      range <<= 8;
    }
    decoded += static_cast<char>(s);
    out += "| " + dec(i + 1) + " | " + hex12(code_before) + " | " + dec(r) + " | " + dec(t) + " | '" +
           std::string(1, char(s)) + "' | " + hex12(code) + " | " + hex12(range) + " |\n";
  }
  check(decoded == message, "the real decoder returns the message");
  return out;
}

// The mix codec example: a short text coded with revision 2, Profile 0, no
// model; the probability of every bit from the predictor, and the payload
// from the codec itself.
std::string mix_example() {
  const std::string text = "abracadabra abracadabra\n";
  const auto* data = reinterpret_cast<const uint8_t*>(text.data());
  const methods::method* m = methods::find_method(static_cast<uint8_t>(methods::codec_id::mix2));
  auto coded = m->encode(data, text.size(), {});
  check(coded.ok() && coded->size() >= 2, "the mix codec codes the example");
  const int bits = (*coded)[0];
  mix::predictor_v2 pr(bits, text.size());
  std::string out;
  out += "<!-- generated by tools/spec_example.cpp (ann_spec_example --mix); do not edit by hand -->\n";
  out += "The " + std::to_string(text.size()) + " bytes `abracadabra abracadabra` and a newline, coded with `Codec_Id` 10, ";
  out += "Profile 0, no model. `Table_Bits` = " + std::to_string(bits) + " (§12.1). For each byte, `p1` of each of its ";
  out += "8 bits (§12.3, of 4096, that the bit is 1; bit 0 first) and the byte's cost in bits, -log2 of the product of ";
  out += "the coded bits' probabilities:\n\n";
  out += "| # | Byte | p1 of bits 0..7 | Cost (bits) |\n|--:|-----:|-----------------|------------:|\n";
  double total = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string ps;
    double cost = 0;
    for (int k = 7; k >= 0; --k) {
      const int bit = (data[i] >> k) & 1;
      const int p1 = pr.p();
      ps += (ps.empty() ? "" : " ") + std::to_string(p1);
      cost -= std::log2((bit ? p1 : 4096 - p1) / 4096.0);
      pr.update(bit);
    }
    total += cost;
    char row[160];
    const char c = static_cast<char>(data[i]);
    std::snprintf(row, sizeof row, "| %zu | %s | %s | %.3f |\n", i, c == '\n' ? "0x0A" : c == ' ' ? "0x20" : std::string(1, c).c_str(),
                  ps.c_str(), cost);
    out += row;
  }
  char sum[200];
  std::snprintf(sum, sizeof sum, "\nTotal %.1f bits (%.2f bytes). The payload, %zu bytes: `Table_Bits`, `Profile`, then `Coder_Bytes` (§3):\n\n",
                total, total / 8, coded->size());
  out += sum;
  out += "```\n";
  for (size_t i = 0; i < coded->size(); ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%02X", (*coded)[i]);
    out += b;
    out += (i % 16 == 15 || i + 1 == coded->size()) ? "\n" : " ";
  }
  out += "```\n";
  std::vector<uint8_t> back(text.size());
  check(m->decode(coded->data(), coded->size(), back.data(), back.size(), {}).ok() &&
            std::equal(back.begin(), back.end(), data),
        "the mix decoder returns the text");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--mix") == 0) {
    std::fputs(mix_example().c_str(), stdout);
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--write-archive") == 0) {
    const std::vector<uint8_t> a = build_archive();
    std::FILE* f = std::fopen(argv[2], "wb");
    if (!f || std::fwrite(a.data(), 1, a.size(), f) != a.size() || std::fclose(f) != 0) die("cannot write " + std::string(argv[2]));
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "--range-coder") == 0) {
    std::fputs(range_coder_example().c_str(), stdout);
    return 0;
  }
  if (argc != 1) {
    std::fprintf(stderr, "usage: ann_spec_example [--write-archive FILE | --range-coder | --mix]\n");
    return 2;
  }
  std::fputs(archive_walkthrough(build_archive()).c_str(), stdout);
  return 0;
}
