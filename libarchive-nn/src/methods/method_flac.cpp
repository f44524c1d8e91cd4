// FLAC for 16-bit little-endian PCM payload chunks (spec §7.5).
// Codec_Param is the channel count; the chunk holds whole sample frames.
#include <FLAC/stream_decoder.h>
#include <FLAC/stream_encoder.h>

#include <cstring>

#include "methods/method.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {
namespace {

struct enc_state {
  std::vector<uint8_t> out;
};

FLAC__StreamEncoderWriteStatus write_cb(const FLAC__StreamEncoder*, const FLAC__byte buffer[], size_t bytes, uint32_t,
                                        uint32_t, void* client) {
  auto* s = static_cast<enc_state*>(client);
  s->out.insert(s->out.end(), buffer, buffer + bytes);
  return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
}

result<std::vector<uint8_t>> encode(const uint8_t* data, size_t size, const codec_params& p) {
  const uint64_t channels = p.codec_param;
  if (channels < 1 || channels > 8 || size % (2 * channels) != 0) return std::vector<uint8_t>();
  const size_t frames = size / (2 * channels);
  FLAC__StreamEncoder* enc = FLAC__stream_encoder_new();
  ANN_RETURN_ERROR_IF(!enc, out_of_memory, "flac: cannot create an encoder");
  FLAC__stream_encoder_set_channels(enc, static_cast<uint32_t>(channels));
  FLAC__stream_encoder_set_bits_per_sample(enc, 16);
  FLAC__stream_encoder_set_sample_rate(enc, 16000);
  FLAC__stream_encoder_set_compression_level(enc, p.level ? static_cast<uint32_t>(p.level) : 8);
  FLAC__stream_encoder_set_total_samples_estimate(enc, frames);
  enc_state st;
  if (FLAC__stream_encoder_init_stream(enc, write_cb, nullptr, nullptr, nullptr, &st) !=
      FLAC__STREAM_ENCODER_INIT_STATUS_OK) {
    FLAC__stream_encoder_delete(enc);
    return make_error(errc::codec_failed, "flac: encoder init failed");
  }
  std::vector<FLAC__int32> samples(4096 * channels);
  bool good = true;
  for (size_t f = 0; f < frames && good;) {
    const size_t n = std::min<size_t>(4096, frames - f);
    for (size_t i = 0; i < n * channels; ++i) {
      const uint8_t* s = data + 2 * (f * channels + i);
      samples[i] = static_cast<int16_t>(s[0] | (s[1] << 8));
    }
    good = FLAC__stream_encoder_process_interleaved(enc, samples.data(), static_cast<uint32_t>(n));
    f += n;
  }
  good = FLAC__stream_encoder_finish(enc) && good;
  FLAC__stream_encoder_delete(enc);
  ANN_RETURN_ERROR_IF(!good, codec_failed, "flac: encoder failed");
  return std::move(st.out);
}

struct dec_state {
  const uint8_t* in;
  size_t in_size;
  size_t in_pos = 0;
  uint8_t* out;
  size_t out_size;
  size_t out_pos = 0;
  uint32_t channels;
  bool bad = false;
};

FLAC__StreamDecoderReadStatus read_cb(const FLAC__StreamDecoder*, FLAC__byte buffer[], size_t* bytes, void* client) {
  auto* s = static_cast<dec_state*>(client);
  const size_t n = std::min(*bytes, s->in_size - s->in_pos);
  std::memcpy(buffer, s->in + s->in_pos, n);
  s->in_pos += n;
  *bytes = n;
  return n ? FLAC__STREAM_DECODER_READ_STATUS_CONTINUE : FLAC__STREAM_DECODER_READ_STATUS_END_OF_STREAM;
}

FLAC__StreamDecoderWriteStatus dwrite_cb(const FLAC__StreamDecoder*, const FLAC__Frame* frame,
                                         const FLAC__int32* const buffer[], void* client) {
  auto* s = static_cast<dec_state*>(client);
  if (frame->header.channels != s->channels || frame->header.bits_per_sample != 16) {
    s->bad = true;
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  const size_t need = size_t(frame->header.blocksize) * s->channels * 2;
  if (need > s->out_size - s->out_pos) {
    s->bad = true;
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  for (uint32_t i = 0; i < frame->header.blocksize; ++i)
    for (uint32_t c = 0; c < s->channels; ++c) {
      const auto v = static_cast<uint16_t>(static_cast<int16_t>(buffer[c][i]));
      s->out[s->out_pos++] = static_cast<uint8_t>(v);
      s->out[s->out_pos++] = static_cast<uint8_t>(v >> 8);
    }
  return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
}

void error_cb(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus, void* client) {
  static_cast<dec_state*>(client)->bad = true;
}

status decode(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, const codec_params& p) {
  ANN_RETURN_ERROR_IF(p.codec_param < 1 || p.codec_param > 8 || out_size % (2 * p.codec_param) != 0, chunk_corrupt,
                      "flac: bad channel count for this chunk");
  FLAC__StreamDecoder* dec = FLAC__stream_decoder_new();
  ANN_RETURN_ERROR_IF(!dec, out_of_memory, "flac: cannot create a decoder");
  FLAC__stream_decoder_set_md5_checking(dec, false);
  dec_state st{in, in_size, 0, out, out_size, 0, static_cast<uint32_t>(p.codec_param)};
  bool good = FLAC__stream_decoder_init_stream(dec, read_cb, nullptr, nullptr, nullptr, nullptr, dwrite_cb, nullptr,
                                               error_cb, &st) == FLAC__STREAM_DECODER_INIT_STATUS_OK;
  good = good && FLAC__stream_decoder_process_until_end_of_stream(dec);
  FLAC__stream_decoder_finish(dec);
  FLAC__stream_decoder_delete(dec);
  ANN_RETURN_ERROR_IF(!good || st.bad || st.out_pos != out_size, chunk_corrupt,
                      "flac: stream does not decode to the chunk's size");
  return ok_status();
}

}  // namespace

const method method_flac = {codec_id::flac, "flac", encode, decode};

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
