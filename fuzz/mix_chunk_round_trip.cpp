// mix_chunk_round_trip: the mix codec (spec/mix_codec.md, revisions 1, 2, 3)
// on fuzzer bytes, without a model, as an image of fuzzer geometry or as PCM
// of 1..8 channels (revisions 2 and 3: Profiles 1 and 2), and with a tiny random model (windows of 1..32): encode ->
// decode gives the bytes back, encoding twice gives the same payload, the
// archive path (encode_chunk / decode_chunk, checksum included) agrees, and
// arbitrary payloads decode without crashing or reading out of bounds.
#include "archive/chunk_coding.hpp"
#include "fuzz_helpers.hpp"
#include "methods/method.hpp"
#include "model/model.hpp"

namespace ann = archive_nn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  const bool with_model = in.flag();
  const ann::model_handle& model = in.flag() ? fuzz::tiny_model_post() : fuzz::tiny_model();
  const uint32_t ctx = model->hp().context_length;
  const uint32_t window = with_model ? in.u32_in(1, ctx) : 0;
  const size_t garbage_size = in.u32_in(0, 600);
  const bool revision_1 = in.flag();
  const bool revision_2 = !revision_1 && in.flag();
  const bool image = !with_model && !revision_1 && in.flag();
  const uint32_t image_width = image ? in.u32_in(1, 64) : 0;
  const uint8_t pixel_bytes = image ? static_cast<uint8_t>(in.u32_in(1, 4)) : 0;
  const bool audio = !with_model && !revision_1 && !image && in.flag();
  const uint8_t audio_channels = audio ? static_cast<uint8_t>(in.u32_in(1, 8)) : 0;
  std::vector<uint8_t> bytes = in.rest();
  if (bytes.size() > (with_model ? 1024u : 8192u)) bytes.resize(with_model ? 1024 : 8192);

  ann::methods::codec_params p;
  p.model = with_model ? model.get() : nullptr;
  p.codec_param = window;
  p.image_width = image_width;
  p.pixel_bytes = pixel_bytes;
  p.audio_channels = audio_channels;
  const ann::methods::method& mix = revision_1   ? ann::methods::method_mix1
                                    : revision_2 ? ann::methods::method_mix2
                                                 : ann::methods::method_mix;
  if (!bytes.empty()) {
    auto coded = mix.encode(bytes.data(), bytes.size(), p);
    FUZZ_ASSERT_MSG(coded.ok(), coded.ok() ? "" : coded.err().what());
    std::vector<uint8_t> out(bytes.size());
    auto st = mix.decode(coded->data(), coded->size(), out.data(), out.size(), p);
    FUZZ_ASSERT_MSG(st.ok(), st.ok() ? "" : st.err().what());
    FUZZ_ASSERT_MSG(out == bytes, "mix decode differs from the input (window " + std::to_string(window) + ", image width " +
                                      std::to_string(image_width) + ")");
    auto again = mix.encode(bytes.data(), bytes.size(), p);
    FUZZ_ASSERT_MSG(again.ok() && again.value() == coded.value(), "encoding twice gave different bytes");

    ann::chunk_plan plan;
    plan.candidates = {mix.id};
    plan.image_width = image_width;
    plan.pixel_bytes = pixel_bytes;
    plan.pcm_channels = audio_channels;
    plan.model = p.model;
    plan.model_id = p.model ? 1 : 0;
    plan.nn_window = window;
    auto chunk = ann::encode_chunk(bytes.data(), bytes.size(), plan);
    FUZZ_ASSERT(chunk.ok());
    const ann::chunk_header& h = chunk->header;
    FUZZ_ASSERT(h.size_original == bytes.size() && h.size_coded == chunk->payload.size() && h.size_coded <= h.size_original);
    FUZZ_ASSERT(h.codec_id == 0 || h.codec_id == static_cast<uint8_t>(mix.id));
    std::fill(out.begin(), out.end(), 0);
    st = ann::decode_chunk(h, chunk->payload.data(), p.model, out.data());
    FUZZ_ASSERT_MSG(st.ok(), st.ok() ? "" : st.err().what());
    FUZZ_ASSERT(out == bytes);
  }

  // The input as a payload: any result, no crash, no overread.
  if (garbage_size > 0) {
    std::vector<uint8_t> out(garbage_size);
    (void)mix.decode(bytes.data(), bytes.size(), out.data(), out.size(), p);
  }
  // A window beyond the model's context is refused.
  p.model = model.get();
  p.codec_param = ctx + 1;
  std::vector<uint8_t> one(1);
  FUZZ_ASSERT(!mix.decode(bytes.data(), bytes.size(), one.data(), 1, p).ok());
  return 0;
}
