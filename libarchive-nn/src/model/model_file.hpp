// .nnm model files: parse and serialize (spec/model_format.md). The parser
// accepts only the canonical layout, so equal models have equal bytes and the
// content hash identifies the model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive_nn/errors.hpp"
#include "model/model_arch.hpp"

namespace archive_nn {
inline namespace v1 {
namespace model {

constexpr uint8_t file_magic[8] = {0x89, 'N', 'N', 'M', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr uint16_t file_version = 1;
constexpr uint32_t tensor_alignment = 32;

enum class value_type : uint8_t { u32 = 1, f32 = 2, string = 3 };
enum class tensor_type : uint8_t { f16 = 1 };

// Keys outside the architecture (general.name, train.*), kept verbatim.
struct extra_kv {
  std::string key;
  value_type type = value_type::string;
  uint32_t u32 = 0;
  float f32 = 0;
  std::string str;
};

struct model_file {
  hparams hp;
  std::vector<extra_kv> extras;
  // float16 bit patterns, one vector per tensor in tensor_layout(hp) order.
  std::vector<std::vector<uint16_t>> tensors;
};

std::vector<uint8_t> serialize(const model_file& m);
result<model_file> parse(const uint8_t* data, size_t size);

// Exact IEEE binary16 <-> binary32 conversions (round to nearest even).
float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);

}  // namespace model
}  // namespace v1
}  // namespace archive_nn
