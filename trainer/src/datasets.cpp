#include "datasets.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

#include "common.hpp"
#include "data_pack.hpp"
#include "transform/transform.hpp"

namespace nntar_train {
namespace fs = std::filesystem;
namespace transform = archive_nn::transform;

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

dataset load_folder(const data_spec& spec, const std::string& option) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(spec.path, fs::directory_options::none, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path());
  }
  if (ec) throw usage_error(option + " " + spec.name + ": cannot list '" + spec.path + "': " + ec.message());
  // Sorted so that the concatenation, hence the run, does not depend on the
  // order the file system lists entries in.
  std::sort(files.begin(), files.end());
  dataset d;
  d.spec = spec;
  std::map<std::string, uint64_t> kinds;
  for (const fs::path& f : files) {
    const std::vector<uint8_t> raw = read_file(f.string());
    transform::modality what = transform::modality::binary;
    const std::vector<uint8_t> stream = transform::model_stream(raw.data(), raw.size(), &what);
    d.bytes.insert(d.bytes.end(), stream.begin(), stream.end());
    ++kinds[transform::modality_name(what)];
  }
  d.description = "folder: " + std::to_string(files.size()) + " files (";
  bool first = true;
  for (const auto& [kind, n] : kinds) {
    d.description += (first ? "" : ", ") + std::to_string(n) + " " + kind;
    first = false;
  }
  d.description += "), " + human_bytes(static_cast<double>(d.bytes.size())) + " of model stream";
  return d;
}

// The last pack read: a pack's members are loaded one after the other, and
// an xz pack of a few hundred MB takes seconds to unpack.
struct pack_cache {
  std::string path;
  fs::file_time_type mtime;
  std::shared_ptr<const data_pack> pack;
};
pack_cache g_pack_cache;

std::shared_ptr<const data_pack> cached_pack(const std::string& path) {
  std::error_code ec;
  const fs::file_time_type mtime = fs::last_write_time(path, ec);
  if (!g_pack_cache.pack || g_pack_cache.path != path || g_pack_cache.mtime != mtime) {
    g_pack_cache.pack.reset();
    g_pack_cache = {path, mtime, std::make_shared<const data_pack>(read_pack(path))};
  }
  return g_pack_cache.pack;
}

// The member named spec.name, of the kind the option asks for: "--eval"
// takes the held-out member (else the training one), anything else the
// training member.
dataset load_pack_member(const data_spec& spec, const std::string& option) {
  const std::shared_ptr<const data_pack> p = cached_pack(spec.path);
  const pack_kind want = option == "--eval" ? pack_kind::eval : pack_kind::train;
  const pack_member* found = nullptr;
  std::string names;
  for (const pack_member& m : p->members) {
    names += (names.empty() ? "" : ", ") + m.name + (m.kind == pack_kind::eval ? " (eval)" : "");
    if (m.name != spec.name) continue;
    if (m.kind == want || (!found && want == pack_kind::eval)) found = &m;
  }
  if (!found)
    throw usage_error(option + " " + spec.name + ": data pack '" + spec.path + "' has no such dataset (it has " +
                      names + ")");
  dataset d;
  d.spec = spec;
  d.bytes = found->bytes;
  d.description = "data pack " + fs::path(spec.path).filename().string() + ": " + found->description;
  return d;
}

}  // namespace

void release_pack_cache() { g_pack_cache = {}; }

dataset load_dataset(const data_spec& spec, const std::string& option) {
  std::error_code ec;
  const fs::file_status st = fs::status(spec.path, ec);
  if (ec || !fs::exists(st))
    throw usage_error(option + " " + spec.name + ": '" + spec.path + "' does not exist");
  dataset d;
  if (fs::is_directory(st)) {
    d = load_folder(spec, option);
  } else if (is_data_pack_file(spec.path)) {
    d = load_pack_member(spec, option);
  } else {
    d.spec = spec;
    d.bytes = read_file(spec.path);
    d.description = "file, " + human_bytes(static_cast<double>(d.bytes.size()));
  }
  if (d.bytes.empty()) throw usage_error(option + " " + spec.name + ": '" + spec.path + "' holds no data");
  return d;
}

data_split load_data(const run_config& c) {
  data_split s;
  const uint64_t need = uint64_t(c.hp.context_length) + 1;
  for (const data_spec& spec : c.data) {
    dataset d = load_dataset(spec, "--data");
    if (c.eval.empty()) {
      const uint64_t hold = std::min<uint64_t>(d.bytes.size() / 100, 1 << 20);
      dataset e;
      e.spec = spec;
      e.bytes.assign(d.bytes.end() - static_cast<std::ptrdiff_t>(hold), d.bytes.end());
      e.description = "last " + human_bytes(static_cast<double>(hold)) + " of the training data";
      d.bytes.resize(d.bytes.size() - hold);
      d.bytes.shrink_to_fit();
      if (!e.bytes.empty()) s.eval.push_back(std::move(e));
    }
    if (d.bytes.size() < need)
      throw usage_error("--data " + spec.name + ": '" + spec.path + "' has " + std::to_string(d.bytes.size()) +
                        " training bytes, fewer than context + 1 = " + std::to_string(need));
    s.train.push_back(std::move(d));
  }
  for (const data_spec& spec : c.eval) s.eval.push_back(load_dataset(spec, "--eval"));
  release_pack_cache();
  return s;
}

sampler::sampler(const std::vector<dataset>& train, uint32_t context, uint64_t seed)
    : train_(train), context_(context), seed_(seed) {
  double total = 0;
  for (const dataset& d : train) total += d.spec.weight;
  double acc = 0;
  for (const dataset& d : train) {
    acc += d.spec.weight;
    cumulative_.push_back(acc / total);
  }
  cumulative_.back() = 1.0;
}

void sampler::fill(uint64_t step, uint32_t batch, uint8_t* out) const {
  const uint64_t base = splitmix64(splitmix64(seed_) ^ step);
  for (uint32_t b = 0; b < batch; ++b) {
    const uint64_t r_pick = splitmix64(base + 2 * uint64_t(b));
    const uint64_t r_start = splitmix64(base + 2 * uint64_t(b) + 1);
    const double u = static_cast<double>(r_pick >> 11) * 0x1.0p-53;
    size_t k = 0;
    while (k + 1 < cumulative_.size() && u >= cumulative_[k]) ++k;
    const std::vector<uint8_t>& bytes = train_[k].bytes;
    const uint64_t starts = bytes.size() - context_ + 1;
    const uint64_t start = r_start % starts;  // bias < starts / 2^64: negligible
    std::memcpy(out + size_t(b) * context_, bytes.data() + start, context_);
  }
}

}  // namespace nntar_train
