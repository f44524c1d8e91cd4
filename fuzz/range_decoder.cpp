// range_decoder: arbitrary bytes decoded as a range-coder stream under fixed,
// input-derived and symbol-adaptive frequency tables. Whatever the bytes, the
// decoder must stay in bounds, give targets below 2^20, pick a symbol whose
// interval holds the target and never loop (spec/nn_codec.md §3).
#include "coder/cdf.hpp"
#include "coder/range_coder.hpp"
#include "fuzz_helpers.hpp"

namespace coder = archive_nn::coder;

namespace {

struct table {
  uint32_t freq[256];
  uint32_t cum[257];
};

void make_uniform(table& t) {
  float p[256];
  for (float& v : p) v = 1.0f / 256.0f;
  coder::quantize(p, t.freq);
  coder::cumulate(t.freq, t.cum);
}

// One very likely symbol: the shape the nn model gives on easy text.
void make_skewed(table& t, uint8_t top) {
  float p[256];
  for (float& v : p) v = 0.0f;
  p[top] = 1.0f;
  coder::quantize(p, t.freq);
  coder::cumulate(t.freq, t.cum);
}

void make_from_input(table& t, fuzz::data_producer& in) {
  float p[256];
  for (float& v : p) v = in.flag() ? in.f32_bits() : static_cast<float>(in.u8()) / 1024.0f;
  coder::quantize(p, t.freq);
  coder::cumulate(t.freq, t.cum);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  const uint8_t mode = in.u8();
  const size_t symbols = in.u32_in(0, 4096);
  table tables[4];
  make_uniform(tables[0]);
  make_skewed(tables[1], in.u8());
  make_from_input(tables[2], in);
  make_from_input(tables[3], in);
  const std::vector<uint8_t> stream = in.rest();

  coder::range_decoder dec(stream.data(), stream.size());
  uint8_t prev = 0;
  for (size_t i = 0; i < symbols; ++i) {
    // mode 0..3: one table; 4..: the table follows the previous symbol, as
    // the model's prediction follows the decoded bytes.
    const table& t = mode < 4 ? tables[mode] : tables[prev & 3];
    const uint32_t target = dec.target();
    FUZZ_ASSERT(target < coder::total);
    const uint32_t s = coder::find_symbol(t.cum, target);
    FUZZ_ASSERT(s < 256 && t.cum[s] <= target && target < t.cum[s + 1]);
    dec.consume(t.cum[s], t.freq[s]);
    prev = static_cast<uint8_t>(s);
  }
  // Every byte read past the end is an implicit zero; at most one per
  // renormalisation step, i.e. bounded by the work done.
  FUZZ_ASSERT(dec.overrun() <= 6 + 6 * symbols);
  return 0;
}
