// The jpeg transform (spec/archive_format.md §11.5): a baseline or
// progressive JPEG file becomes a JPEG XL file that holds the same DCT
// coefficients, coded better, and the JPEG reconstruction data (ISO/IEC
// 18181-2's jbrd box) from which any conforming JPEG XL decoder rebuilds the
// original file byte for byte. libjxl does both directions (Debian's
// libjxl 0.7: JxlEncoderAddJPEGFrame with JxlEncoderStoreJPEGMetadata, and
// JxlDecoderSetJPEGBuffer, as `cjxl --lossless_jpeg=1` and `djxl x.jxl
// y.jpg` do). The encoder verifies the rebuild before it chooses the
// transform; frames larger than 2^25 pixels are left alone in both
// directions, which bounds what libjxl allocates for a hostile file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "transform/transform.hpp"

namespace archive_nn {
inline namespace v1 {
namespace transform {

// libjxl's encoder effort (1..9): 7, its default, costs a fifth of 9's time
// for 1% more bytes on the JPEGs measured (spec §11.5).
constexpr int jpeg_default_effort = 7;

// Cheap: the SOI marker and the first marker's prefix.
bool may_be_jpeg(const uint8_t* data, size_t size);
// Fills l (kind jpeg, sizes) and the transformed stream when libjxl
// transcodes the file, the result rebuilds it exactly, and is smaller.
bool analyze_jpeg(const uint8_t* data, size_t size, layout& l, std::vector<uint8_t>* stream,
                  int effort = jpeg_default_effort);
// The original file from the transformed stream; false if it cannot be one.
bool inverse_jpeg(const layout& l, const uint8_t* data, size_t size, std::vector<uint8_t>& out);

}  // namespace transform
}  // namespace v1
}  // namespace archive_nn
