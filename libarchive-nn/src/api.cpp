// Public API pieces that are not archive reading or writing.
#include <cstdio>

#include "archive_nn/archive_nn.hpp"
#include "model/model.hpp"

namespace archive_nn {
inline namespace v1 {

// Defined in the generated builtin_models.cpp (empty when no model is shipped).
const std::vector<std::pair<const uint8_t*, size_t>>& builtin_model_blobs();

unsigned version_number() {
  return ARCHIVE_NN_VERSION_MAJOR * 10000 + ARCHIVE_NN_VERSION_MINOR * 100 + ARCHIVE_NN_VERSION_PATCH;
}

const char* version_string() {
#define ANN_STR2(x) #x
#define ANN_STR(x) ANN_STR2(x)
  return ANN_STR(ARCHIVE_NN_VERSION_MAJOR) "." ANN_STR(ARCHIVE_NN_VERSION_MINOR) "." ANN_STR(ARCHIVE_NN_VERSION_PATCH);
}

result<model_handle> load_model_file(const std::string& path) {
  try {
    return nn::model::load_file(path);
  } catch (const std::bad_alloc&) {
    return make_error(errc::out_of_memory, path + ": out of memory loading the model");
  }
}

result<model_handle> load_model_bytes(const uint8_t* data, size_t size) {
  try {
    return nn::model::load(data, size);
  } catch (const std::bad_alloc&) {
    return make_error(errc::out_of_memory, "out of memory loading the model");
  }
}

model_hash hash_of(const model_handle& m) { return m->hash(); }

model_info describe_model(const model_handle& m) {
  model_info i;
  i.hash_hex = nn::hash_hex(m->hash());
  i.name = m->name();
  const auto& hp = m->hp();
  i.d_model = hp.d_model;
  i.n_layer = hp.n_layer;
  i.n_head = hp.n_head;
  i.d_ff = hp.d_ff;
  i.context_length = hp.context_length;
  i.norm_placement = hp.norm == model::norm_placement::post ? "post" : "pre";
  i.parameters = hp.parameter_count();
  i.file_size = m->file_bytes().size();
  for (const auto& kv : m->extras()) {
    std::string v;
    switch (kv.type) {
      case model::value_type::u32: v = std::to_string(kv.u32); break;
      case model::value_type::f32: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(kv.f32));
        v = buf;
        break;
      }
      case model::value_type::string: v = kv.str; break;
    }
    i.metadata.emplace_back(kv.key, v);
  }
  return i;
}

const std::vector<model_handle>& builtin_models() {
  static const std::vector<model_handle> models = [] {
    std::vector<model_handle> v;
    for (const auto& blob : builtin_model_blobs()) {
      auto m = nn::model::load(blob.first, blob.second);
      if (m.ok()) v.push_back(m.value());
    }
    return v;
  }();
  return models;
}

model_handle default_model() {
  const auto& all = builtin_models();
  return all.empty() ? nullptr : all.front();
}

bool parse_codec_choice(const std::string& name, codec_choice& out) {
  static const std::pair<const char*, codec_choice> table[] = {
      {"auto", codec_choice::automatic}, {"nn", codec_choice::nn},     {"zstd", codec_choice::zstd},
      {"lzma", codec_choice::lzma},      {"zlib", codec_choice::zlib}, {"flac", codec_choice::flac},
      {"stored", codec_choice::stored},  {"mix", codec_choice::mix},
      {"mix1", codec_choice::mix1}, {"mix2", codec_choice::mix2}};
  for (const auto& e : table)
    if (name == e.first) {
      out = e.second;
      return true;
    }
  return false;
}

}  // namespace v1
}  // namespace archive_nn
