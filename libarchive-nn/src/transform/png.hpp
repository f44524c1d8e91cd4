// The png transform (spec/archive_format.md §11.4): an 8-bit, non-interlaced
// PNG whose image data zlib rebuilds byte for byte becomes a descriptor (the
// zlib parameters found, the IDAT chunk sizes, the rows' filter types) and
// the chunks before the image data, then the unfiltered pixels (the payload,
// for the image model), then the chunks after it. On extraction the pixels
// are filtered again, deflated with the same parameters, cut into the same
// IDAT chunks with fresh CRCs: the original file. The encoder verifies the
// rebuild before it chooses the transform (as precomp and preflate rebuild
// deflate streams; zlib's parameters are found by trying them, cheapest
// first, abandoning a candidate at its first differing output byte).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "transform/transform.hpp"

namespace archive_nn {
inline namespace v1 {
namespace transform {

// Cheap: the signature and an IHDR the transform accepts (8-bit, not
// interlaced); whether zlib rebuilds the data is only known from analyze_png.
bool may_be_png(const uint8_t* data, size_t size);
// Fills l (kind png, sizes, geometry) and the transformed stream when the
// file is a PNG that the transform rebuilds exactly; false otherwise.
bool analyze_png(const uint8_t* data, size_t size, layout& l, std::vector<uint8_t>* stream);
// The original file from the transformed stream; false if it cannot be one.
bool inverse_png(const layout& l, const uint8_t* data, size_t size, std::vector<uint8_t>& out);

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
