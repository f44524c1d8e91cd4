#include "test_helpers.hpp"

#include <cmath>
#include <cstdio>
#include <random>

#include "model/random_model.hpp"

namespace test {

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

std::vector<uint8_t> text_bytes(size_t n, uint32_t seed) {
  static const char* words[] = {"the ", "of ", "and ", "to ", "a ", "in ", "that ", "is ", "was ", "he ", "for ",
                                "it ", "with ", "as ", "his ", "on ", "be ", "at ", "by ", "I ", "Emma ", "said ",
                                "very ", "much ", "could ", "would ", "Mr. ", "Knightley ", "\n", ", ", ". "};
  std::mt19937 rng(seed);
  std::vector<uint8_t> v;
  while (v.size() < n) {
    const char* w = words[rng() % (sizeof words / sizeof *words)];
    for (const char* p = w; *p && v.size() < n; ++p) v.push_back(static_cast<uint8_t>(*p));
  }
  return v;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::vector<uint8_t> v;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return v;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) v.insert(v.end(), buf, buf + n);
  std::fclose(f);
  return v;
}

std::string data_path(const std::string& rel) { return std::string(ANN_TEST_DATA_DIR) + "/" + rel; }

archive_nn::model_handle random_model(uint32_t d_model, uint32_t layers, uint32_t heads, uint32_t d_ff,
                                      uint32_t context, uint32_t seed, bool post_norm) {
  namespace m = archive_nn::model;
  const m::hparams hp = m::make_hparams(d_model, layers, heads, d_ff, context,
                                       post_norm ? m::norm_placement::post : m::norm_placement::pre);
  const std::vector<uint8_t> bytes = m::serialize(m::random_model_file(hp, seed, 1.5f));
  auto r = archive_nn::load_model_bytes(bytes.data(), bytes.size());
  return r.ok() ? r.value() : nullptr;
}

archive_nn::model_handle tiny_model() {
  static archive_nn::model_handle m = [] {
    auto r = archive_nn::load_model_file(data_path("golden/models/tiny.nnm"));
    return r.ok() ? r.value() : archive_nn::model_handle();
  }();
  return m;
}

archive_nn::entry_header file_header(const std::string& path, uint64_t size) {
  archive_nn::entry_header h;
  h.type = archive_nn::entry_type::file;
  h.path = path;
  h.size = size;
  h.mode = 0644;
  h.mtime_sec = 1700000000;
  h.mtime_nsec = 123456789;
  return h;
}

std::vector<uint8_t> make_archive(const std::vector<mem_entry>& entries, archive_nn::create_options opt) {
  archive_nn::memory_sink sink;
  archive_nn::archive_creator c(sink, opt);
  if (!c.begin().ok()) return {};
  for (const mem_entry& e : entries) {
    if (e.header.type == archive_nn::entry_type::file) {
      auto src = archive_nn::make_memory_source(e.data.data(), e.data.size());
      auto st = c.add_file(e.header, *src);
      if (!st.ok()) return {};
    } else if (!c.add_entry(e.header).ok()) {
      return {};
    }
  }
  if (!c.finish().ok()) return {};
  return sink.bytes;
}

std::vector<uint8_t> make_solid_archive(const std::vector<mem_entry>& entries, archive_nn::create_options opt) {
  archive_nn::memory_sink sink;
  archive_nn::archive_creator c(sink, opt);
  if (!c.begin().ok()) return {};
  for (const mem_entry& e : entries) {
    archive_nn::status st = archive_nn::ok_status();
    if (e.header.type == archive_nn::entry_type::file) {
      const std::vector<uint8_t>* data = &e.data;
      st = c.add_file(e.header, [data]() -> archive_nn::result<std::unique_ptr<archive_nn::byte_source>> {
        return archive_nn::make_memory_source(data->data(), data->size());
      });
    } else {
      st = c.add_entry(e.header);
    }
    if (!st.ok()) return {};
  }
  if (!c.finish().ok() || !c.entry_errors().empty()) return {};
  return sink.bytes;
}

namespace {
class collector : public archive_nn::entry_visitor {
 public:
  collector(read_result& r, std::function<bool(const archive_nn::entry_header&)> want) : r_(r), want_(std::move(want)) {}
  bool wants(const archive_nn::entry_header& e) override { return !want_ || want_(e); }
  void damaged(const archive_nn::error& err) override { r_.damage.push_back(err); }
  bool begin_entry(const archive_nn::entry_header& e) override {
    cur_ = mem_entry{e, {}};
    return true;
  }
  archive_nn::status write(const uint8_t* d, size_t n) override {
    cur_.data.insert(cur_.data.end(), d, d + n);
    return archive_nn::ok_status();
  }
  void end_entry(const archive_nn::entry_header&, const archive_nn::status& st) override {
    if (st.ok()) r_.entries.push_back(std::move(cur_));
    else r_.entry_errors.push_back(st.err());
  }

 private:
  read_result& r_;
  std::function<bool(const archive_nn::entry_header&)> want_;
  mem_entry cur_;
};
}  // namespace

read_result read_all(const std::vector<uint8_t>& archive, archive_nn::read_options opt,
                     std::function<bool(const archive_nn::entry_header&)> want) {
  read_result r;
  auto src = archive_nn::make_memory_source(archive.data(), archive.size());
  collector c(r, std::move(want));
  r.st = archive_nn::read_archive(*src, c, opt, &r.summary);
  return r;
}

}  // namespace test
