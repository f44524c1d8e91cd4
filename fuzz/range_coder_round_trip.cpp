// range_coder_round_trip: frequency tables from the input (through
// quantize), symbols from the input -> encode -> decode gives the symbols
// back; encoding twice gives the same bytes; the output is within a few bytes
// of the information content (spec/nn_codec.md §3).
#include <cmath>

#include "coder/cdf.hpp"
#include "coder/range_coder.hpp"
#include "fuzz_helpers.hpp"

namespace coder = archive_nn::coder;

namespace {

struct table {
  uint32_t freq[256];
  uint32_t cum[257];
};

void make_table(table& t, fuzz::data_producer& in) {
  float p[256];
  const uint8_t shape = in.u8();
  for (uint32_t s = 0; s < 256; ++s) {
    switch (shape & 3) {
      case 0: p[s] = in.f32_bits(); break;
      case 1: p[s] = static_cast<float>(in.u8()) / 255.0f; break;
      case 2: p[s] = s == (shape >> 2) ? 1.0f - 1e-6f : 1e-9f; break;  // nearly certain
      default: p[s] = 1.0f / 256.0f; break;
    }
  }
  coder::quantize(p, t.freq);
  coder::cumulate(t.freq, t.cum);
}

std::vector<uint8_t> encode(const std::vector<uint8_t>& syms, const std::vector<table>& tables, double* bits) {
  std::vector<uint8_t> out;
  coder::range_encoder enc(out);
  uint8_t prev = 0;
  double info = 0;
  for (uint8_t s : syms) {
    const table& t = tables[prev % tables.size()];
    enc.encode(t.cum[s], t.freq[s]);
    info += std::log2(static_cast<double>(coder::total) / t.freq[s]);
    prev = s;
  }
  enc.finish();
  if (bits) *bits = info;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::data_producer in(data, size);
  std::vector<table> tables(in.u32_in(1, 4));
  for (table& t : tables) make_table(t, in);
  std::vector<uint8_t> syms = in.rest();
  if (syms.size() > 65536) syms.resize(65536);

  double info = 0;
  const std::vector<uint8_t> coded = encode(syms, tables, &info);
  FUZZ_ASSERT_MSG(encode(syms, tables, nullptr) == coded, "encoding twice gave different bytes");
  FUZZ_ASSERT(coded.empty() || coded.back() != 0);  // trailing zeros are dropped
  // Termination costs at most 7 bytes; truncating the range to 2^20 steps
  // costs far less than 2^-12 bits per symbol.
  const double bound = info / 8.0 + 8.0 + static_cast<double>(syms.size()) / 4096.0;
  FUZZ_ASSERT_MSG(static_cast<double>(coded.size()) <= bound,
                  std::to_string(coded.size()) + " bytes for " + std::to_string(info) + " bits");

  coder::range_decoder dec(coded.data(), coded.size());
  uint8_t prev = 0;
  for (size_t i = 0; i < syms.size(); ++i) {
    const table& t = tables[prev % tables.size()];
    const uint32_t target = dec.target();
    const uint32_t s = coder::find_symbol(t.cum, target);
    FUZZ_ASSERT_MSG(s == syms[i], "symbol " + std::to_string(i) + " decoded as " + std::to_string(s) + ", coded " +
                                      std::to_string(syms[i]));
    dec.consume(t.cum[s], t.freq[s]);
    prev = static_cast<uint8_t>(s);
  }
  return 0;
}
