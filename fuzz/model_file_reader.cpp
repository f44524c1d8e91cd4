// model_file_reader: model::parse and load_model_bytes on raw bytes
// (spec/model_format.md). The parser accepts only the canonical layout, so
// whatever parses must serialize back to the same bytes, and its content
// hash is the hash of those bytes. A small model that loads is also run:
// whatever its (finite) weights, the nn codec must round-trip a few bytes.
#include "fuzz_helpers.hpp"
#include "methods/method.hpp"
#include "model/model.hpp"

namespace ann = archive_nn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = ann::model::parse(data, size);
  if (parsed.ok()) {
    const std::vector<uint8_t> again = ann::model::serialize(parsed.value());
    FUZZ_ASSERT_MSG(again.size() == size && std::equal(again.begin(), again.end(), data),
                    "a parsed model file does not serialize to its bytes");
    FUZZ_ASSERT(ann::model::validate(parsed->hp).empty());
  } else {
    const ann::errc c = parsed.err().code;
    FUZZ_ASSERT(c == ann::errc::model_corrupt || c == ann::errc::model_unsupported ||
                c == ann::errc::limit_exceeded || c == ann::errc::reserved_bits_set);
  }

  auto loaded = ann::load_model_bytes(data, size);
  const bool is_xz = size >= 6 && std::memcmp(data, "\xFD" "7zXZ\0", 6) == 0;
  if (!is_xz) FUZZ_ASSERT_MSG(loaded.ok() == parsed.ok(), "load_model_bytes and parse disagree");
  if (!loaded.ok()) return 0;
  const ann::model_handle& m = loaded.value();
  if (!is_xz) FUZZ_ASSERT(m->hash() == ann::nn::hash_model_bytes(data, size));
  const ann::model_info info = ann::describe_model(m);
  FUZZ_ASSERT(info.hash_hex.size() == 32 && info.file_size == m->file_bytes().size());
  // The canonical bytes load to the same model.
  auto reloaded = ann::load_model_bytes(m->file_bytes().data(), m->file_bytes().size());
  FUZZ_ASSERT(reloaded.ok() && reloaded.value()->hash() == m->hash());

  // Run small models: 48 bytes in windows of up to 16.
  if (info.parameters > 200000 || info.context_length > 4096) return 0;
  static const uint8_t text[] = "The quick brown fox jumps over the lazy dog. 0123";
  const size_t n = sizeof text - 1;
  ann::methods::codec_params p;
  p.model = m.get();
  p.codec_param = info.context_length < 16 ? info.context_length : 16;
  auto coded = ann::methods::method_nn.encode(text, n, p);
  FUZZ_ASSERT_MSG(coded.ok(), coded.ok() ? "" : coded.err().what());
  std::vector<uint8_t> out(n);
  auto st = ann::methods::method_nn.decode(coded->data(), coded->size(), out.data(), n, p);
  FUZZ_ASSERT(st.ok());
  FUZZ_ASSERT_MSG(std::equal(out.begin(), out.end(), text), "nn round trip failed with this model");
  return 0;
}
