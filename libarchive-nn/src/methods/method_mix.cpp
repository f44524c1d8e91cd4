// The mixing codec (spec/mix_codec.md): every bit of the chunk is coded with
// the binary arithmetic coder at the probability of the mix model, which
// mixes online context models, a match model and, when the chunk names a
// model (Model_Id != 0, Codec_Param = window size), the transformer's
// prediction for the chunk's first Model_Windows windows. Three revisions:
// Codec_Id 11 (`mix`, mix::predictor_v3 and mix::image_predictor) and 10
// (`mix2`, mix::predictor_v2 and mix::image_predictor_r2) write Table_Bits
// (16..23), Profile (0 general, 1 image, 2 audio), the profile's parameters,
// [Model_Windows]; Codec_Id 9 (`mix1`, mix::predictor) Table_Bits (16..22),
// [Model_Windows]; then the coder's bytes. Revisions 1 and 2 are read and
// written for old archives.
#include <algorithm>

#include "byte_io.hpp"
#include "coder/cdf.hpp"
#include "methods/method.hpp"
#include "mix/audio_predictor.hpp"
#include "mix/binary_coder.hpp"
#include "mix/predictor.hpp"
#include "mix/image_predictor.hpp"
#include "mix/image_predictor_r2.hpp"
#include "mix/predictor_v2.hpp"
#include "mix/predictor_v3.hpp"
#include "model/transformer.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {
namespace {

using archive_nn::model::bos_token;
constexpr size_t vocab = archive_nn::model::vocab_size;

// What differs between the revisions: the model, its table sizes, the header.
struct revision_1 {
  using predictor = mix::predictor;
  using image_predictor = void;
  static constexpr int bits_min = mix::table_bits_min, bits_max = mix::table_bits_max;
  static constexpr size_t slots_per_byte = 4;  // counters per context map per byte of chunk
  static constexpr bool has_profile = false;
};
struct revision_2 {
  using predictor = mix::predictor_v2;
  using image_predictor = mix::image_predictor_r2;
  static constexpr int bits_min = mix::v2_table_bits_min, bits_max = mix::v2_table_bits_max;
  static constexpr size_t slots_per_byte = 8;  // 16-bit slots: the memory of revision 1 at 2^22 is 2^23 here
  static constexpr bool has_profile = true;
};
struct revision_3 {
  using predictor = mix::predictor_v3;
  using image_predictor = mix::image_predictor;
  static constexpr int bits_min = mix::v3_table_bits_min, bits_max = mix::v3_table_bits_max;
  static constexpr size_t slots_per_byte = 8;
  static constexpr bool has_profile = true;
};

template <class Rev>
int table_bits_for(size_t size) {
  int bits = Rev::bits_min;
  while (bits < Rev::bits_max && (size_t(1) << bits) < Rev::slots_per_byte * size) ++bits;
  return bits;
}

// The reference encoder lets the transformer predict the first 64 KiB of a
// chunk: where the online models know least, and at a bounded cost (the
// transformer codes ~100x slower than the context models).
constexpr size_t model_bytes = 64 * 1024;

int most_likely(const uint32_t* freq) {
  int top = 0;
  for (int s = 1; s < 256; ++s)
    if (freq[s] > freq[top]) top = s;
  return top;
}

template <class Predictor, class Code>
void code_byte(Predictor& pr, Code&& code_bit) {
  for (int i = 0; i < 8; ++i) pr.update(code_bit(pr.p()));
}

// Profiles (revisions 2 and 3): 1 the image model, 2 the audio model; no transformer in either.
constexpr uint8_t profile_general = 0, profile_image = 1, profile_audio = 2;
constexpr uint64_t image_width_max = uint64_t(1) << 24;
constexpr uint8_t pixel_bytes_max = 4;

template <class ImagePredictor>
result<std::vector<uint8_t>> encode_image(const uint8_t* data, size_t size, int bits, const codec_params& p) {
  byte_writer head;
  head.u8(static_cast<uint8_t>(bits));
  head.u8(profile_image);
  head.varint(p.image_width);
  head.u8(p.pixel_bytes);
  std::vector<uint8_t> out = std::move(head.buffer());
  out.reserve(size / 3 + 16);
  mix::binary_encoder enc(out);
  ImagePredictor pr(bits, size, p.image_width, p.pixel_bytes);
  for (size_t i = 0; i < size; ++i) {
    const int symbol = pr.symbol_of(data[i]);
    for (int k = 7; k >= 0; --k) {
      const int bit = (symbol >> k) & 1;
      enc.encode(bit, static_cast<uint32_t>(pr.p()));
      pr.update(bit);
    }
  }
  enc.finish();
  return out;
}

template <class ImagePredictor>
status decode_image(byte_reader& head, int bits, uint8_t* out, size_t out_size, const codec_params& p) {
  ANN_RETURN_ERROR_IF(p.model, chunk_corrupt, "mix chunk: Profile 1 (image) with a model");
  const uint64_t width = head.varint();
  const uint8_t pixel_bytes = head.u8();
  ANN_RETURN_ERROR_IF(head.failed(), chunk_corrupt, "mix chunk: image parameters cut short");
  ANN_RETURN_ERROR_IF(width == 0 || width > image_width_max, chunk_corrupt,
                      "mix chunk: image width " + std::to_string(width) + " outside [1, 2^24]");
  ANN_RETURN_ERROR_IF(pixel_bytes == 0 || pixel_bytes > pixel_bytes_max, chunk_corrupt,
                      "mix chunk: pixel bytes " + std::to_string(pixel_bytes) + " outside [1, 4]");
  mix::binary_decoder dec(head.current(), head.remaining());
  ImagePredictor pr(bits, out_size, static_cast<uint32_t>(width), pixel_bytes);
  for (size_t i = 0; i < out_size; ++i) {
    for (int k = 0; k < 8; ++k) pr.update(dec.decode(static_cast<uint32_t>(pr.p())));
    out[i] = pr.last_byte();
  }
  return ok_status();
}

// Profile 2: 16-bit little-endian samples, channels interleaved; a last odd
// byte is coded as 8 bits at probability 1/2.
result<std::vector<uint8_t>> encode_audio(const uint8_t* data, size_t size, int bits, const codec_params& p) {
  byte_writer head;
  head.u8(static_cast<uint8_t>(bits));
  head.u8(profile_audio);
  head.u8(p.audio_channels);
  std::vector<uint8_t> out = std::move(head.buffer());
  out.reserve(size / 2 + 16);
  mix::binary_encoder enc(out);
  mix::audio_predictor pr(bits, p.audio_channels);
  for (size_t i = 0; i + 1 < size; i += 2) {
    const uint32_t symbol = pr.symbol_of(static_cast<int16_t>(data[i] | data[i + 1] << 8));
    for (int k = 15; k >= 0; --k) {
      const int bit = static_cast<int>((symbol >> k) & 1);
      enc.encode(bit, static_cast<uint32_t>(pr.p()));
      pr.update(bit);
    }
  }
  if (size % 2)
    for (int k = 7; k >= 0; --k) enc.encode((data[size - 1] >> k) & 1, 2048);
  enc.finish();
  return out;
}

status decode_audio(byte_reader& head, int bits, uint8_t* out, size_t out_size, const codec_params& p) {
  ANN_RETURN_ERROR_IF(p.model, chunk_corrupt, "mix chunk: Profile 2 (audio) with a model");
  const uint8_t channels = head.u8();
  ANN_RETURN_ERROR_IF(head.failed(), chunk_corrupt, "mix chunk: audio parameters cut short");
  ANN_RETURN_ERROR_IF(channels == 0 || channels > mix::audio_predictor::channels_max, chunk_corrupt,
                      "mix chunk: channels " + std::to_string(channels) + " outside [1, 8]");
  mix::binary_decoder dec(head.current(), head.remaining());
  mix::audio_predictor pr(bits, channels);
  for (size_t i = 0; i + 1 < out_size; i += 2) {
    for (int k = 0; k < 16; ++k) pr.update(dec.decode(static_cast<uint32_t>(pr.p())));
    const uint16_t sample = static_cast<uint16_t>(pr.last_sample());
    out[i] = static_cast<uint8_t>(sample & 0xFF);
    out[i + 1] = static_cast<uint8_t>(sample >> 8);
  }
  if (out_size % 2) {
    uint32_t c = 0;
    for (int k = 0; k < 8; ++k) c = (c << 1) | static_cast<uint32_t>(dec.decode(2048));
    out[out_size - 1] = static_cast<uint8_t>(c);
  }
  return ok_status();
}

template <class Rev>
result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params& p) {
  if constexpr (Rev::has_profile) {
    if (p.pixel_bytes && p.codec_param == 0 && p.pixel_bytes <= pixel_bytes_max && p.image_width >= 1 &&
        p.image_width <= image_width_max)
      return encode_image<typename Rev::image_predictor>(data, size, table_bits_for<Rev>(size), p);
  }
  const bool with_model = p.codec_param != 0;
  ANN_RETURN_ERROR_IF(with_model && !p.model, model_missing, "mix chunk: no model");
  ANN_RETURN_ERROR_IF(with_model && p.codec_param > p.model->hp().context_length, codec_failed,
                      "mix chunk: window larger than the model's context");
  const int bits = table_bits_for<Rev>(size);
  if (Rev::has_profile && p.pixel_bytes) {
    // The transformer does not see pixels' neighbours: an image chunk goes without it.
    if (with_model) return std::vector<uint8_t>{};
  }
  if (Rev::has_profile && p.audio_channels) {
    if (with_model) return std::vector<uint8_t>{};
    if (p.audio_channels <= mix::audio_predictor::channels_max) return encode_audio(data, size, bits, p);
  }
  const size_t window = with_model ? static_cast<size_t>(p.codec_param) : 0;
  const size_t model_windows = with_model ? (std::min(size, model_bytes) + window - 1) / window : 0;
  byte_writer head;
  head.u8(static_cast<uint8_t>(bits));
  if (Rev::has_profile) head.u8(profile_general);
  if (with_model) head.varint(model_windows);
  std::vector<uint8_t> out = std::move(head.buffer());
  out.reserve(size / 3 + 16);
  mix::binary_encoder enc(out);
  typename Rev::predictor pr(bits, size);
  auto encode_byte = [&](uint8_t byte) {
    code_byte(pr, [&, k = 7](int p1) mutable {
      const int bit = (byte >> k--) & 1;
      enc.encode(bit, static_cast<uint32_t>(p1));
      return bit;
    });
  };
  // The transformer predicts the first model_windows windows, teacher
  // forced (a window's probabilities in one pass); the rest goes without it.
  const size_t modelled = std::min(size, model_windows * window);
  if (with_model) {
    const nn::model& m = *p.model;
    nn::kv_cache cache(m, 1, window);
    nn::forward_pass fwd(m, nn::kernels_best(), window);
    std::vector<uint32_t> tokens(window), positions(window), slots(window, 0);
    std::vector<float> probs(window * vocab);
    uint32_t freq[256], cum[257];
    for (size_t start = 0; start < modelled; start += window) {
      const size_t n = std::min(window, size - start);
      for (size_t i = 0; i < n; ++i) {
        tokens[i] = i == 0 ? bos_token : data[start + i - 1];
        positions[i] = static_cast<uint32_t>(i);
      }
      fwd.run(cache, n, tokens.data(), positions.data(), slots.data(), probs.data());
      for (size_t i = 0; i < n; ++i) {
        coder::quantize(probs.data() + i * vocab, freq);
        coder::cumulate(freq, cum);
        pr.set_transformer(cum, most_likely(freq));
        encode_byte(data[start + i]);
      }
    }
  }
  for (size_t i = modelled; i < size; ++i) encode_byte(data[i]);
  enc.finish();
  return out;
}

template <class Rev>
status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params& p) {
  ANN_RETURN_ERROR_IF(in_size < 1, chunk_corrupt, "mix chunk: empty payload");
  const int bits = in[0];
  ANN_RETURN_ERROR_IF(bits < Rev::bits_min || bits > Rev::bits_max, chunk_corrupt,
                      "mix chunk: Table_Bits " + std::to_string(bits) + " outside [" + std::to_string(Rev::bits_min) +
                          ", " + std::to_string(Rev::bits_max) + "]");
  const bool with_model = p.codec_param != 0;
  ANN_RETURN_ERROR_IF(with_model && !p.model, model_missing, "mix chunk: no model");
  ANN_RETURN_ERROR_IF(with_model && p.codec_param > p.model->hp().context_length, chunk_corrupt,
                      "mix chunk: window " + std::to_string(p.codec_param) + " larger than the model's context");
  byte_reader head(in + 1, in_size - 1);
  if (Rev::has_profile) {
    const uint8_t profile = head.u8();
    ANN_RETURN_ERROR_IF(head.failed(), chunk_corrupt, "mix chunk: no Profile");
    if constexpr (Rev::has_profile)
      if (profile == profile_image) return decode_image<typename Rev::image_predictor>(head, bits, out, out_size, p);
    if (profile == profile_audio) return decode_audio(head, bits, out, out_size, p);
    ANN_RETURN_ERROR_IF(profile != profile_general, chunk_corrupt, "mix chunk: Profile " + std::to_string(profile) + " unknown");
  }
  uint64_t model_windows = 0;
  if (with_model) {
    const uint64_t windows = (out_size + p.codec_param - 1) / p.codec_param;
    model_windows = head.varint();
    ANN_RETURN_ERROR_IF(head.failed() || model_windows == 0 || model_windows > windows, chunk_corrupt,
                        "mix chunk: Model_Windows outside [1, " + std::to_string(windows) + "]");
  }
  mix::binary_decoder dec(head.current(), head.remaining());
  typename Rev::predictor pr(bits, out_size);
  auto decode_byte = [&]() {
    uint32_t c = 0;
    code_byte(pr, [&](int p1) {
      const int bit = dec.decode(static_cast<uint32_t>(p1));
      c = (c << 1) | static_cast<uint32_t>(bit);
      return bit;
    });
    return static_cast<uint8_t>(c);
  };
  // The first model_windows windows with the transformer, one position at a
  // time (the next token is the byte just decoded); the rest without it.
  const size_t window = with_model ? static_cast<size_t>(p.codec_param) : 0;
  const size_t modelled = std::min<size_t>(out_size, model_windows * window);
  if (with_model) {
    const nn::model& m = *p.model;
    nn::kv_cache cache(m, 1, window);
    nn::forward_pass fwd(m, nn::kernels_best(), 1);
    std::vector<float> probs(vocab);
    uint32_t freq[256], cum[257];
    const uint32_t slot = 0;
    for (size_t i = 0; i < modelled; ++i) {
      const size_t at = i % window;
      const uint32_t token = at == 0 ? bos_token : out[i - 1];
      const uint32_t position = static_cast<uint32_t>(at);
      fwd.run(cache, 1, &token, &position, &slot, probs.data());
      coder::quantize(probs.data(), freq);
      coder::cumulate(freq, cum);
      pr.set_transformer(cum, most_likely(freq));
      out[i] = decode_byte();
    }
  }
  for (size_t i = modelled; i < out_size; ++i) out[i] = decode_byte();
  return ok_status();
}

}  // namespace

const method method_mix1 = {codec_id::mix1, "mix1", encode<revision_1>, decode<revision_1>};
const method method_mix2 = {codec_id::mix2, "mix2", encode<revision_2>, decode<revision_2>};
const method method_mix = {codec_id::mix, "mix", encode<revision_3>, decode<revision_3>};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
