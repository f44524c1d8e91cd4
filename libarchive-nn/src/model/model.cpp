#include "model/model.hpp"

#include <lzma.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "model/model_file.hpp"
#include "model/nn_math.hpp"

namespace archive_nn {
inline namespace v1 {
namespace nn {
namespace {

std::vector<float> to_f32(const std::vector<uint16_t>& h) {
  std::vector<float> f(h.size());
  for (size_t i = 0; i < h.size(); ++i) f[i] = archive_nn::model::f16_to_f32(h[i]);
  return f;
}

// [rows=out][cols=in] -> [in][out], still binary16.
std::vector<uint16_t> transpose_half(const std::vector<uint16_t>& h, size_t out, size_t in) {
  std::vector<uint16_t> t(h.size());
  for (size_t o = 0; o < out; ++o)
    for (size_t i = 0; i < in; ++i) t[i * out + o] = h[o * in + i];
  return t;
}

bool is_xz(const uint8_t* data, size_t size) {
  static const uint8_t magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
  return size >= 6 && std::equal(magic, magic + 6, data);
}

result<std::vector<uint8_t>> unxz(const uint8_t* data, size_t size) {
  lzma_stream s = LZMA_STREAM_INIT;
  ANN_RETURN_ERROR_IF(lzma_stream_decoder(&s, uint64_t(1) << 30, 0) != LZMA_OK, out_of_memory, "xz: init failed");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  s.next_in = data;
  s.avail_in = size;
  lzma_ret r;
  do {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    r = lzma_code(&s, LZMA_FINISH);
    out.insert(out.end(), buf, buf + (sizeof buf - s.avail_out));
    if (out.size() > archive_nn::model::limits::file_size_max) r = LZMA_MEMLIMIT_ERROR;
  } while (r == LZMA_OK);
  const bool trailing = s.avail_in != 0;
  lzma_end(&s);
  ANN_RETURN_ERROR_IF(r != LZMA_STREAM_END, model_corrupt, "model file: corrupt xz compression");
  ANN_RETURN_ERROR_IF(trailing, model_corrupt, "model file: data after the xz stream");
  return out;
}

}  // namespace

model_hash hash_model_bytes(const uint8_t* data, size_t size) {
  const XXH128_hash_t h = XXH3_128bits(data, size);
  model_hash out{};
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(h.low64 >> (8 * i));
    out[8 + i] = static_cast<uint8_t>(h.high64 >> (8 * i));
  }
  return out;
}

std::string hash_hex(const model_hash& h) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : h) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

std::string model::name() const {
  for (const auto& kv : extras_)
    if (kv.key == archive_nn::model::keys::name && kv.type == archive_nn::model::value_type::string) return kv.str;
  return "";
}

result<std::shared_ptr<const model>> model::load(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes;
  if (is_xz(data, size)) {
    ANN_TRY_ASSIGN(bytes, unxz(data, size));
  } else {
    bytes.assign(data, data + size);
  }
  ANN_TRY_ASSIGN(archive_nn::model::model_file f, archive_nn::model::parse(bytes.data(), bytes.size()));
  auto m = std::make_shared<model>();
  m->hp_ = f.hp;
  m->extras_ = f.extras;
  m->hash_ = hash_model_bytes(bytes.data(), bytes.size());
  const size_t d = f.hp.d_model, ff = f.hp.d_ff;
  size_t t = 0;
  m->tok_embd_ = to_f32(f.tensors[t++]);
  for (uint32_t l = 0; l < f.hp.n_layer; ++l) {
    layer_weights w;
    w.attn_norm = to_f32(f.tensors[t++]);
    w.wq_t = transpose_half(f.tensors[t++], d, d);
    w.wk_t = transpose_half(f.tensors[t++], d, d);
    w.wv_t = transpose_half(f.tensors[t++], d, d);
    w.wo_t = transpose_half(f.tensors[t++], d, d);
    w.ffn_norm = to_f32(f.tensors[t++]);
    w.wgate_t = transpose_half(f.tensors[t++], ff, d);
    w.wup_t = transpose_half(f.tensors[t++], ff, d);
    w.wdown_t = transpose_half(f.tensors[t++], d, ff);
    m->layers_.push_back(std::move(w));
  }
  m->out_norm_ = to_f32(f.tensors[t++]);
  m->out_t_ = transpose_half(f.tensors[t++], archive_nn::model::vocab_size, d);

  // Sinusoidal positions (spec/nn_forward.md §2).
  const size_t ctx = f.hp.context_length;
  std::vector<float> omega(d / 2);
  for (size_t k = 0; k < d / 2; ++k) {
    const float frac = static_cast<float>(2 * k) / static_cast<float>(d);
    omega[k] = exp_nn(-(frac * ln_10000));
  }
  m->pos_.resize(ctx * d);
  for (size_t i = 0; i < ctx; ++i)
    for (size_t k = 0; k < d / 2; ++k) {
      const float angle = static_cast<float>(i) * omega[k];
      m->pos_[i * d + 2 * k] = sin_nn(angle);
      m->pos_[i * d + 2 * k + 1] = cos_nn(angle);
    }
  m->file_ = std::move(bytes);
  return std::shared_ptr<const model>(std::move(m));
}

result<std::shared_ptr<const model>> model::load_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ANN_RETURN_ERROR_IF(!f, io_open_failed, path + ": cannot open model file");
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes.insert(bytes.end(), buf, buf + n);
    if (bytes.size() > archive_nn::model::limits::file_size_max) break;
  }
  const bool bad = std::ferror(f);
  std::fclose(f);
  ANN_RETURN_ERROR_IF(bad, io_read_failed, path + ": read failed");
  auto r = load(bytes.data(), bytes.size());
  if (!r.ok()) return make_error(r.err().code, path + ": " + r.err().message);
  return r;
}

}  // namespace nn
}  // namespace v1
}  // namespace archive_nn
