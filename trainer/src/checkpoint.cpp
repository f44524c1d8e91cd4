#include "checkpoint.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common.hpp"
#include "model/model_file.hpp"

namespace nntar_train {
namespace {

// File layout (little-endian host byte order, like every machine the
// trainer runs on):
//   magic "NNTCKPT\n", u32 version,
//   u32 n + config text (run_config::to_text), u32 n + state text,
//   u32 tensor count, per tensor: u8 name length, name, u64 elements,
//     f32 parameter[elements], f32 adam_m[elements], f32 adam_v[elements],
//   u64 FNV-1a of everything before it.
constexpr char magic[8] = {'N', 'N', 'T', 'C', 'K', 'P', 'T', '\n'};
constexpr uint32_t version = 1;

struct writer {
  std::vector<uint8_t> out;
  void raw(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  template <class T>
  void pod(T v) { raw(&v, sizeof v); }
  void text(const std::string& s) {
    pod(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
};

struct reader {
  const std::vector<uint8_t>& in;
  size_t pos = 0;
  std::string path;
  void need(uint64_t n) const {
    if (n > in.size() - pos) throw usage_error("checkpoint '" + path + "' is truncated");
  }
  void raw(void* p, size_t n) {
    need(n);
    std::memcpy(p, in.data() + pos, n);
    pos += n;
  }
  template <class T>
  T pod() {
    T v;
    raw(&v, sizeof v);
    return v;
  }
  std::string text() {
    const uint32_t n = pod<uint32_t>();
    need(n);
    std::string s(reinterpret_cast<const char*>(in.data() + pos), n);
    pos += n;
    return s;
  }
  std::vector<float> floats(uint64_t n) {
    need(n * 4);
    std::vector<float> v(n);
    raw(v.data(), n * 4);
    return v;
  }
};

std::string exact(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void save_checkpoint(const std::string& path, const checkpoint& c) {
  writer w;
  w.raw(magic, sizeof magic);
  w.pod(version);
  w.text(c.config.to_text());
  std::ostringstream state;
  state << "step=" << c.step << "\nbytes_seen=" << c.bytes_seen << "\nelapsed=" << exact(c.elapsed)
        << "\nadam_step=" << c.opt.step << "\n";
  for (const auto& [name, bpb] : c.last_eval) state << "eval." << name << "=" << exact(bpb) << "\n";
  w.text(state.str());
  const std::vector<model::tensor_desc> layout = model::tensor_layout(c.config.hp);
  w.pod(static_cast<uint32_t>(layout.size()));
  for (size_t i = 0; i < layout.size(); ++i) {
    w.pod(static_cast<uint8_t>(layout[i].name.size()));
    w.raw(layout[i].name.data(), layout[i].name.size());
    w.pod(layout[i].elements());
    w.raw(c.params.at(i).data(), c.params[i].size() * 4);
    w.raw(c.opt.m.at(i).data(), c.opt.m[i].size() * 4);
    w.raw(c.opt.v.at(i).data(), c.opt.v[i].size() * 4);
  }
  w.pod(fnv1a64(w.out.data(), w.out.size()));
  write_file_atomic(path, w.out);
}

checkpoint load_checkpoint(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  const std::string what = "checkpoint '" + path + "'";
  if (bytes.size() < sizeof magic + 12 || std::memcmp(bytes.data(), magic, sizeof magic) != 0)
    throw usage_error(what + " is not an nntar-train checkpoint");
  uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (fnv1a64(bytes.data(), bytes.size() - 8) != stored) throw usage_error(what + " is corrupt (checksum)");

  reader r{bytes, sizeof magic, path};
  if (r.pod<uint32_t>() != version) throw usage_error(what + " has an unsupported version");
  checkpoint c;
  c.config = run_config::from_text(r.text());
  std::istringstream state(r.text());
  std::string line;
  while (std::getline(state, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "step") c.step = parse_u64(v, what + " step");
    else if (k == "bytes_seen") c.bytes_seen = parse_u64(v, what + " bytes_seen");
    else if (k == "elapsed") c.elapsed = parse_double(v, what + " elapsed");
    else if (k == "adam_step") c.opt.step = parse_u64(v, what + " adam_step");
    else if (k.compare(0, 5, "eval.") == 0) c.last_eval.emplace_back(k.substr(5), parse_double(v, what + " " + k));
  }
  const std::string why = model::validate(c.config.hp);
  if (!why.empty()) throw usage_error(what + ": bad hyper-parameters: " + why);
  const std::vector<model::tensor_desc> layout = model::tensor_layout(c.config.hp);
  if (r.pod<uint32_t>() != layout.size()) throw usage_error(what + ": tensor count does not match its architecture");
  for (const model::tensor_desc& t : layout) {
    const uint8_t n = r.pod<uint8_t>();
    r.need(n);
    const std::string name(reinterpret_cast<const char*>(bytes.data() + r.pos), n);
    r.pos += n;
    if (name != t.name || r.pod<uint64_t>() != t.elements())
      throw usage_error(what + ": tensor '" + name + "' does not match the architecture (expected '" + t.name + "')");
    c.params.push_back(r.floats(t.elements()));
    c.opt.m.push_back(r.floats(t.elements()));
    c.opt.v.push_back(r.floats(t.elements()));
  }
  if (r.pos != bytes.size() - 8) throw usage_error(what + " has trailing bytes");
  return c;
}

bool is_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint8_t head[sizeof archive_nn::model::file_magic] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  return in && std::memcmp(head, archive_nn::model::file_magic, sizeof head) == 0;
}

}  // namespace nntar_train
