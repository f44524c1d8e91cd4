// `nntar-train pack`: the training mixture, after the archiver's
// transforms, in one file to carry to another machine (spec/data_pack.md).
#include <algorithm>
#include <cstdio>
#include <set>

#include "commands.hpp"
#include "common.hpp"
#include "data_pack.hpp"
#include "datasets.hpp"

namespace nntar_train {
namespace {

// Blocks kept when a pack is capped: 64 KiB, so that the contexts the
// presets train on (at most 2 KiB) see mostly contiguous data; down to
// 4 KiB for small streams, so that they can shrink too.
size_t sample_block(size_t stream_bytes) { return std::clamp<size_t>(stream_bytes / 64, 4096, 64 * 1024); }

void check_unique(const std::vector<data_spec>& specs, const char* option) {
  std::set<std::string> seen;
  for (const data_spec& d : specs)
    if (!seen.insert(d.name).second) throw usage_error(std::string(option) + ": the name '" + d.name + "' is used twice");
}

}  // namespace

int run_pack(const pack_options& o) {
  check_unique(o.data, "--data");
  check_unique(o.eval, "--eval");
  data_pack p;
  std::vector<std::vector<uint8_t>> full;  // each training member before any cap
  for (const data_spec& spec : o.data) {
    dataset d = load_dataset(spec, "--data");
    if (o.eval.empty()) {
      // The trainer's own rule: the last 1% (at most 1 MiB) is held out.
      const uint64_t hold = std::min<uint64_t>(d.bytes.size() / 100, 1 << 20);
      if (hold > 0) {
        pack_member e;
        e.kind = pack_kind::eval;
        e.name = spec.name;
        e.source_bytes = hold;
        e.description = "last " + human_bytes(double(hold)) + " of " + d.description;
        e.bytes.assign(d.bytes.end() - std::ptrdiff_t(hold), d.bytes.end());
        d.bytes.resize(d.bytes.size() - hold);
        p.members.push_back(std::move(e));
      }
    }
    pack_member m;
    m.kind = pack_kind::train;
    m.name = spec.name;
    m.weight = spec.weight;
    m.source_bytes = d.bytes.size();
    m.description = spec.path + " (" + d.description + ")";
    full.push_back(d.bytes);
    m.bytes = std::move(d.bytes);
    p.members.push_back(std::move(m));
  }
  for (const data_spec& spec : o.eval) {
    dataset d = load_dataset(spec, "--eval");
    pack_member e;
    e.kind = pack_kind::eval;
    e.name = spec.name;
    e.source_bytes = d.bytes.size();
    e.description = spec.path + " (" + d.description + ")";
    e.bytes = std::move(d.bytes);
    p.members.push_back(std::move(e));
  }
  release_pack_cache();

  auto encode = [&] {
    std::vector<uint8_t> raw = serialize_pack(p);
    return o.xz ? xz_compress(raw, o.level) : raw;
  };
  std::vector<uint8_t> file = encode();
  double fraction = 1.0;
  for (int round = 0; o.max_size && file.size() > o.max_size; ++round) {
    if (round == 8 || fraction < 1e-4)
      throw usage_error("pack: cannot fit under --max-size " + std::to_string(o.max_size) +
                        " bytes (the evaluation sets alone may be too large)");
    // The file shrinks about in proportion to the training bytes kept.
    fraction *= double(o.max_size) / double(file.size()) * 0.97;
    std::fprintf(stderr, "nntar-train pack: %s is over the cap; keeping %.1f%% of the training data\n",
                 human_bytes(double(file.size())).c_str(), 100 * fraction);
    size_t k = 0;
    for (pack_member& m : p.members)
      if (m.kind == pack_kind::train) {
        m.bytes = sample_blocks(full[k], fraction, sample_block(full[k].size()));
        ++k;
      }
    file = encode();
  }
  write_file_atomic(o.output, file);

  uint64_t raw_total = 0;
  for (const pack_member& m : p.members) {
    std::printf("%-5s %-12s weight %-6g %12llu bytes", m.kind == pack_kind::train ? "train" : "eval", m.name.c_str(),
                m.weight, static_cast<unsigned long long>(m.bytes.size()));
    if (m.bytes.size() != m.source_bytes)
      std::printf(" (%.1f%% of %llu, evenly spaced %zu KiB blocks)", 100.0 * double(m.bytes.size()) / double(m.source_bytes),
                  static_cast<unsigned long long>(m.source_bytes), sample_block(size_t(m.source_bytes)) / 1024);
    std::printf("\n");
    raw_total += m.bytes.size();
  }
  std::printf("wrote %s: %llu bytes (%s of data%s)\n", o.output.c_str(), static_cast<unsigned long long>(file.size()),
              human_bytes(double(raw_total)).c_str(), o.xz ? ", xz" : "");
  return 0;
}

}  // namespace nntar_train
