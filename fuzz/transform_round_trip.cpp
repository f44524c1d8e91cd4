// transform_round_trip: analyze() on arbitrary bytes (whole or a prefix)
// gives a layout that covers the file exactly; forward() keeps the size and
// inverse(forward(x)) == x. inverse() on arbitrary bytes either refuses or
// gives something that forward() maps back (so it can never corrupt
// silently). Often the input is dressed as a BMP/WAV/PNM so the parsers get
// past their magic.
#include "fuzz_helpers.hpp"
#include "transform/sparse.hpp"
#include "transform/transform.hpp"

using fuzz::put_le;

namespace tf = archive_nn::transform;

namespace {

// Builds a plausible header in front of (or over) the body.
std::vector<uint8_t> dress(uint8_t kind, fuzz::data_producer& in, std::vector<uint8_t> body) {
  std::vector<uint8_t> f;
  switch (kind % 4) {
    case 1: {  // BMP 24-bit, BITMAPINFOHEADER, maybe with a gap before the pixels
      const uint32_t w = in.u32_in(1, 40), h = in.u32_in(1, 40), gap = in.u32_in(0, 8);
      f.assign(54 + gap, 0);
      f[0] = 'B';
      f[1] = 'M';
      put_le(f, 2, 54 + gap + body.size(), 4);
      put_le(f, 10, 54 + gap, 4);
      put_le(f, 14, 40, 4);
      put_le(f, 18, w, 4);
      put_le(f, 22, in.flag() ? h : uint32_t(-int32_t(h)), 4);
      put_le(f, 26, 1, 2);
      put_le(f, 28, in.flag() ? 24 : in.u32_in(0, 32), 2);
      const size_t need = static_cast<size_t>(((w * 3 + 3) & ~3u) * h) + in.u32_in(0, 16);
      if (body.size() < need && in.flag()) body.resize(need, 0x5A);
      break;
    }
    case 2: {  // RIFF WAVE, PCM 16
      const uint16_t channels = static_cast<uint16_t>(in.u32_in(0, 9));
      f.assign(44, 0);
      std::memcpy(f.data(), "RIFF", 4);
      put_le(f, 4, 36 + body.size(), 4);
      std::memcpy(f.data() + 8, "WAVEfmt ", 8);
      put_le(f, 16, 16, 4);
      put_le(f, 20, in.flag() ? 1 : 0xFFFE, 2);
      put_le(f, 22, channels, 2);
      put_le(f, 24, 16000, 4);
      put_le(f, 32, 2 * channels, 2);
      put_le(f, 34, in.flag() ? 16 : 8, 2);
      std::memcpy(f.data() + 36, "data", 4);
      put_le(f, 40, in.flag() ? body.size() : in.u32(), 4);
      break;
    }
    case 3: {  // PGM / PPM
      const std::string head = std::string(in.flag() ? "P6" : "P5") + (in.flag() ? "\n# c\n" : " ") +
                               std::to_string(in.u32_in(0, 64)) + " " + std::to_string(in.u32_in(0, 64)) + "\n" +
                               std::to_string(in.u32_in(0, 300)) + "\n";
      f.assign(head.begin(), head.end());
      break;
    }
    default: break;  // the raw bytes
  }
  f.insert(f.end(), body.begin(), body.end());
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  const uint8_t kind = in.u8();
  const uint32_t prefix = in.u32();
  std::vector<uint8_t> body = in.rest();
  if (body.size() > (1 << 16)) body.resize(1 << 16);
  const std::vector<uint8_t> file = dress(kind, in, std::move(body));
  const uint8_t* p = file.data();
  const size_t n = file.size();

  // A prefix of the file, as the archiver sees a large one.
  const size_t avail = n ? prefix % (n + 1) : 0;
  const tf::layout part = tf::analyze(p, avail, n);
  FUZZ_ASSERT(part.header_size + part.payload_size + part.trailer_size == n);
  FUZZ_ASSERT(part.k != tf::kind::bmp24 || avail == n);

  const tf::layout l = tf::analyze(p, n);
  FUZZ_ASSERT_MSG(l.header_size + l.payload_size + l.trailer_size == n, "layout does not cover the file");
  FUZZ_ASSERT(l.k != tf::kind::raw || (l.header_size == 0 && l.trailer_size == 0));
  FUZZ_ASSERT(l.k != tf::kind::wav_pcm16 || (l.channels >= 1 && l.channels <= 8 && l.payload_size % 2 == 0));

  const std::vector<uint8_t> t = tf::forward(l, p, n);
  FUZZ_ASSERT_MSG(t.size() == n, "forward changed the size");
  FUZZ_ASSERT(std::equal(p, p + l.header_size, t.begin()));  // header verbatim
  std::vector<uint8_t> back;
  FUZZ_ASSERT_MSG(tf::inverse(l, t.data(), t.size(), back), "inverse refused forward's output");
  FUZZ_ASSERT_MSG(back == file, "inverse(forward(x)) != x");

  // inverse() on bytes that are not forward's output (the reader sees what a
  // damaged archive gives it): refuse, or be consistent with forward().
  std::vector<uint8_t> other(file.rbegin(), file.rend());
  if (l.k == tf::kind::bmp24 && other.size() >= l.header_size)
    std::copy(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(l.header_size), other.begin());
  std::vector<uint8_t> out;
  if (tf::inverse(l, other.data(), other.size(), out)) {
    FUZZ_ASSERT(out.size() == other.size());
    FUZZ_ASSERT_MSG(tf::forward(l, out.data(), out.size()) == other, "forward(inverse(y)) != y");
  }
  tf::layout skewed = l;  // sizes that do not add up are refused
  skewed.trailer_size += 1;
  FUZZ_ASSERT(!tf::inverse(skewed, t.data(), t.size(), out));

  tf::modality what;
  const std::vector<uint8_t> stream = tf::model_stream(p, n, &what);
  FUZZ_ASSERT(stream.size() == l.payload_size && what == l.what);
  // The sparse map (§11.6) from the raw input: a map that decodes is
  // canonical (re-encodes to the same bytes) and describes its file.
  {
    tf::sparse_map m;
    if (tf::decode_sparse_map(data, size, tf::any_payload, m).empty()) {
      FUZZ_ASSERT_MSG(tf::check_sparse_map(m).empty(), "a decoded sparse map breaks its rules");
      const std::vector<uint8_t> again = tf::encode_sparse_map(m);
      FUZZ_ASSERT_MSG(again.size() == size && std::equal(again.begin(), again.end(), data), "sparse map not canonical");
    }
  }
  return 0;
}
