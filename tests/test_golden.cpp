// Golden files (tests/golden/README.md): archives that must decode forever,
// archives that must fail with a named error, and pinned encoder output. This
// file is compiled twice: against the normal library and against a scalar-only
// -O0 build of the engine, so both builds must agree bit for bit.
#include <dirent.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>

#include "golden/golden_data.hpp"

using namespace archive_nn;

namespace {

std::string golden_dir() { return ANN_GOLDEN_DIR; }

std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) out.push_back(n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> slurp(const std::string& path) {
  std::vector<uint8_t> v;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    uint8_t buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) v.insert(v.end(), buf, buf + n);
    std::fclose(f);
  }
  return v;
}

model_handle tiny() {
  static model_handle m = [] {
    auto r = load_model_file(golden_dir() + "/models/tiny.nnm");
    return r.ok() ? r.value() : model_handle();
  }();
  return m;
}

class collector : public entry_visitor {
 public:
  std::vector<golden::entry> entries;
  std::vector<error> errors;
  bool begin_entry(const entry_header& e) override {
    cur_ = golden::entry{e, {}, false, {}};
    return true;
  }
  status write(const uint8_t* d, size_t n) override {
    cur_.data.insert(cur_.data.end(), d, d + n);
    return ok_status();
  }
  void end_entry(const entry_header&, const status& st) override {
    if (st.ok()) entries.push_back(std::move(cur_));
    else errors.push_back(st.err());
  }
  void damaged(const error& err) override { errors.push_back(err); }

 private:
  golden::entry cur_;
};

read_options options_with_tiny() {
  read_options o;
  o.threads = 2;
  o.resolve = [](const model_hash& h) { return tiny() && hash_of(tiny()) == h ? tiny() : nullptr; };
  return o;
}

}  // namespace

TEST_CASE("golden archives decode to exactly their expected entries", "[golden]") {
  REQUIRE(tiny());
  const auto names = files_in(golden_dir() + "/decode", ".nna");
  REQUIRE(names.size() >= 10);
  for (const std::string& n : names) {
    INFO(n);
    const auto bytes = slurp(golden_dir() + "/decode/" + n);
    const auto expected = slurp(golden_dir() + "/decode/" + n.substr(0, n.size() - 4) + ".expected");
    for (bool indexed : {true, false}) {
      auto src = make_memory_source(bytes.data(), bytes.size());
      collector c;
      read_options o = options_with_tiny();
      o.use_index = indexed;
      const status st = read_archive(*src, c, o);
      REQUIRE(st.ok());
      REQUIRE(c.errors.empty());
      CHECK(golden::describe(c.entries) == std::string(expected.begin(), expected.end()));
    }
  }
}

TEST_CASE("must-fail golden archives fail with the error in their name", "[golden]") {
  const auto names = files_in(golden_dir() + "/decode_errors", ".nna");
  REQUIRE(names.size() >= 8);
  for (const std::string& n : names) {
    INFO(n);
    const std::string want = n.substr(0, n.find("__"));
    const auto bytes = slurp(golden_dir() + "/decode_errors/" + n);
    auto src = make_memory_source(bytes.data(), bytes.size());
    collector c;
    const status st = read_archive(*src, c, options_with_tiny());
    bool found = !st.ok() && want == error_name(st.err().code);
    for (const error& e : c.errors) found = found || want == error_name(e.code);
    CHECK(found);
  }
}

TEST_CASE("the encoder reproduces the pinned archive hashes", "[golden]") {
  REQUIRE(tiny());
  size_t checked = 0;
  for (const golden::case_spec& c : golden::cases(tiny())) {
    INFO(c.name);
    const auto pinned = slurp(golden_dir() + "/encode/" + c.name + ".xxh64");
    REQUIRE(!pinned.empty());
    for (unsigned threads : {1u, 2u}) {
      const std::vector<uint8_t> bytes = golden::build(c, tiny(), threads);
      REQUIRE(!bytes.empty());
      memory_sink sink;
      sink.bytes = bytes;
      char hash[32];
      std::snprintf(hash, sizeof hash, "%016llx\n", static_cast<unsigned long long>(xxh64(sink.bytes.data(), sink.bytes.size())));
      CHECK(std::string(hash) == std::string(pinned.begin(), pinned.end()));
    }
    ++checked;
  }
  CHECK(checked >= 10);
}
