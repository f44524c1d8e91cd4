#include "model/model_file.hpp"

#include <cstring>
#include <set>

#include "byte_io.hpp"

namespace archive_nn {
inline namespace v1 {
namespace model {
namespace {

const char* placement_name(norm_placement p) { return p == norm_placement::post ? "post" : "pre"; }

bool key_chars_ok(const std::string& k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  return true;
}

void put_key(byte_writer& w, const std::string& key) {
  w.u8(static_cast<uint8_t>(key.size()));
  w.bytes(key);
}
void put_u32(byte_writer& w, const std::string& key, uint32_t v) {
  put_key(w, key);
  w.u8(static_cast<uint8_t>(value_type::u32));
  w.u32(v);
}
void put_f32(byte_writer& w, const std::string& key, float v) {
  put_key(w, key);
  w.u8(static_cast<uint8_t>(value_type::f32));
  w.f32(v);
}
void put_str(byte_writer& w, const std::string& key, const std::string& v) {
  put_key(w, key);
  w.u8(static_cast<uint8_t>(value_type::string));
  w.u32(static_cast<uint32_t>(v.size()));
  w.bytes(v);
}

uint64_t align_up(uint64_t v) { return (v + tensor_alignment - 1) / tensor_alignment * tensor_alignment; }

error corrupt(const std::string& what) { return make_error(errc::model_corrupt, "model file: " + what); }
error unsupported(const std::string& what) { return make_error(errc::model_unsupported, "model file: " + what); }

}  // namespace

std::vector<uint8_t> serialize(const model_file& m) {
  const std::vector<tensor_desc> layout = tensor_layout(m.hp);
  byte_writer w;
  w.bytes(file_magic, sizeof file_magic);
  w.u16(file_version);
  w.u16(0);
  const uint32_t arch_keys = 12;
  w.u32(arch_keys + static_cast<uint32_t>(m.extras.size()));
  w.u32(static_cast<uint32_t>(layout.size()));
  // Metadata (§3): architecture keys in this fixed order, then extras.
  put_str(w, keys::architecture, architecture_name);
  put_u32(w, keys::vocab_size, vocab_size);
  put_u32(w, keys::d_model, m.hp.d_model);
  put_u32(w, keys::n_layer, m.hp.n_layer);
  put_u32(w, keys::n_head, m.hp.n_head);
  put_u32(w, keys::d_ff, m.hp.d_ff);
  put_u32(w, keys::context_length, m.hp.context_length);
  put_str(w, keys::norm, "rms");
  put_str(w, keys::norm_placement, placement_name(m.hp.norm));
  put_f32(w, keys::norm_eps, m.hp.norm_eps);
  put_str(w, keys::position, "sinusoidal");
  put_str(w, keys::activation, "swiglu");
  for (const extra_kv& kv : m.extras) {
    switch (kv.type) {
      case value_type::u32: put_u32(w, kv.key, kv.u32); break;
      case value_type::f32: put_f32(w, kv.key, kv.f32); break;
      case value_type::string: put_str(w, kv.key, kv.str); break;
    }
  }
  // Tensor table (§4).
  uint64_t offset = 0;
  for (const tensor_desc& t : layout) {
    w.u8(static_cast<uint8_t>(t.name.size()));
    w.bytes(t.name);
    w.u8(static_cast<uint8_t>(t.shape.size()));
    for (uint32_t d : t.shape) w.u32(d);
    w.u8(static_cast<uint8_t>(tensor_type::f16));
    w.u64(offset);
    offset = align_up(offset + t.elements() * 2);
  }
  w.zeros(align_up(w.size()) - w.size());
  // Tensor data (§5).
  const size_t data_start = w.size();
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::vector<uint16_t>& data = m.tensors.at(i);
    for (uint16_t h : data) w.u16(h);
    w.zeros(align_up(w.size() - data_start) - (w.size() - data_start));
  }
  return std::move(w.buffer());
}

result<model_file> parse(const uint8_t* data, size_t size) {
  ANN_RETURN_ERROR_IF(size > limits::file_size_max, limit_exceeded, "model file: larger than 2 GiB");
  byte_reader r(data, size);
  const uint8_t* magic = r.bytes(sizeof file_magic);
  if (!magic || std::memcmp(magic, file_magic, sizeof file_magic) != 0) return corrupt("bad magic (not an .nnm file)");
  const uint16_t version = r.u16();
  const uint16_t flags = r.u16();
  const uint32_t kv_count = r.u32();
  const uint32_t tensor_count = r.u32();
  if (r.failed()) return corrupt("truncated header");
  if (version != file_version) return unsupported("version " + std::to_string(version) + " is not supported (this reader knows 1)");
  if (flags != 0) return make_error(errc::reserved_bits_set, "model file: reserved flag bits set");
  ANN_RETURN_ERROR_IF(kv_count > limits::kv_count_max, limit_exceeded, "model file: too many metadata keys");
  ANN_RETURN_ERROR_IF(tensor_count > limits::tensor_count_max, limit_exceeded, "model file: too many tensors");

  model_file m;
  std::set<std::string> seen;
  bool have[12] = {};
  for (uint32_t i = 0; i < kv_count; ++i) {
    const uint8_t key_len = r.u8();
    std::string key = r.string(key_len);
    const auto type = static_cast<value_type>(r.u8());
    if (r.failed()) return corrupt("truncated metadata");
    if (key_len == 0 || key_len > limits::name_length_max || !key_chars_ok(key)) return corrupt("bad metadata key");
    if (!seen.insert(key).second) return corrupt("duplicate metadata key '" + key + "'");
    extra_kv kv;
    kv.key = key;
    kv.type = type;
    if (type == value_type::u32) {
      kv.u32 = r.u32();
    } else if (type == value_type::f32) {
      kv.f32 = r.f32();
    } else if (type == value_type::string) {
      const uint32_t n = r.u32();
      if (n > limits::string_length_max) return make_error(errc::limit_exceeded, "model file: string value too long");
      kv.str = r.string(n);
    } else {
      return corrupt("unknown value type for key '" + key + "'");
    }
    if (r.failed()) return corrupt("truncated metadata value");

    auto want_u32 = [&](uint32_t& dst, int slot) -> bool {
      if (type != value_type::u32) return false;
      dst = kv.u32;
      have[slot] = true;
      return true;
    };
    auto want_str = [&](const char* expect, int slot) -> bool {
      have[slot] = true;
      return type == value_type::string && kv.str == expect;
    };
    bool good = true;
    uint32_t vocab = 0;
    if (key == keys::architecture) good = want_str(architecture_name, 0);
    else if (key == keys::vocab_size) good = want_u32(vocab, 1) && vocab == vocab_size;
    else if (key == keys::d_model) good = want_u32(m.hp.d_model, 2);
    else if (key == keys::n_layer) good = want_u32(m.hp.n_layer, 3);
    else if (key == keys::n_head) good = want_u32(m.hp.n_head, 4);
    else if (key == keys::d_ff) good = want_u32(m.hp.d_ff, 5);
    else if (key == keys::context_length) good = want_u32(m.hp.context_length, 6);
    else if (key == keys::norm) good = want_str("rms", 7);
    else if (key == keys::norm_placement) {
      have[8] = true;
      good = type == value_type::string && (kv.str == "pre" || kv.str == "post");
      m.hp.norm = kv.str == "post" ? norm_placement::post : norm_placement::pre;
    } else if (key == keys::norm_eps) {
      have[9] = true;
      good = type == value_type::f32;
      m.hp.norm_eps = kv.f32;
    } else if (key == keys::position) good = want_str("sinusoidal", 10);
    else if (key == keys::activation) good = want_str("swiglu", 11);
    else if (key.compare(0, 3, "nn.") == 0) return unsupported("unknown architecture key '" + key + "'");
    else m.extras.push_back(kv);
    if (!good) return unsupported("unsupported value for '" + key + "'");
  }
  for (bool h : have)
    if (!h) return unsupported("missing architecture key");
  const std::string why = validate(m.hp);
  if (!why.empty()) return unsupported(why);

  const std::vector<tensor_desc> layout = tensor_layout(m.hp);
  if (tensor_count != layout.size()) return corrupt("tensor count does not match the architecture");
  uint64_t expect_offset = 0;
  for (const tensor_desc& t : layout) {
    const uint8_t name_len = r.u8();
    std::string name = r.string(name_len);
    const uint8_t n_dims = r.u8();
    if (r.failed()) return corrupt("truncated tensor table");
    if (name != t.name) return corrupt("tensor '" + name + "' found where '" + t.name + "' was expected");
    if (n_dims != t.shape.size()) return corrupt("tensor '" + name + "' has the wrong rank");
    for (uint32_t d : t.shape)
      if (r.u32() != d) return corrupt("tensor '" + name + "' has the wrong shape");
    const uint8_t type = r.u8();
    const uint64_t offset = r.u64();
    if (r.failed()) return corrupt("truncated tensor table");
    if (type != static_cast<uint8_t>(tensor_type::f16)) return unsupported("tensor '" + name + "' is not float16");
    if (offset != expect_offset) return corrupt("tensor '" + name + "' is not at its canonical offset");
    expect_offset = align_up(expect_offset + t.elements() * 2);
  }
  const size_t header_end = r.position();
  const uint64_t data_start = align_up(header_end);
  if (data_start > size) return corrupt("truncated before tensor data");
  for (size_t i = header_end; i < data_start; ++i)
    if (data[i] != 0) return corrupt("non-zero padding");
  if (size - data_start != expect_offset) return corrupt("tensor data size does not match the tensor table");

  const uint8_t* base = data + data_start;
  uint64_t offset = 0;
  m.tensors.reserve(layout.size());
  for (const tensor_desc& t : layout) {
    std::vector<uint16_t> v(t.elements());
    const uint8_t* p = base + offset;
    for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<uint16_t>(p[2 * k] | (p[2 * k + 1] << 8));
    for (uint64_t k = offset + t.elements() * 2; k < align_up(offset + t.elements() * 2); ++k)
      if (base[k] != 0) return corrupt("non-zero padding after tensor '" + t.name + "'");
    for (uint16_t h : v)
      if ((h & 0x7C00) == 0x7C00) return corrupt("tensor '" + t.name + "' holds Inf or NaN");
    m.tensors.push_back(std::move(v));
    offset = align_up(offset + t.elements() * 2);
  }
  return m;
}

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3FF;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t abs = x & 0x7FFFFFFF;
  if (abs > 0x7F800000) return sign | 0x7E00 | ((abs >> 13) & 0x3FF);  // quiet NaN, payload kept (as F16C)
  if (abs == 0x7F800000) return sign | 0x7C00;
  if (abs >= 0x477FF000) return sign | 0x7C00;  // rounds to >= 65520: overflow
  if (abs < 0x38800000) {                        // below the smallest normal half
    if (abs < 0x33000000) return sign;           // < 2^-25 rounds to zero
    const uint32_t e = abs >> 23;
    const uint32_t m = (abs & 0x7FFFFF) | 0x800000;
    const uint32_t shift = 126 - e;  // 14..24
    uint32_t half = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return sign | static_cast<uint16_t>(half);
  }
  uint32_t half = ((abs >> 13) - ((127 - 15) << 10));
  const uint32_t rem = abs & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) ++half;
  return sign | static_cast<uint16_t>(half);
}

}  // namespace model
}  // namespace v1
}  // namespace archive_nn
