// Random-weight models for tests, fuzzers, benchmarks and ann_make_model.
// Deterministic for a given seed with one standard library (std::mt19937 +
// std::normal_distribution); real models come from nntar-train.
#pragma once

#include <cstdint>

#include "model/model_file.hpp"

namespace archive_nn {
inline namespace v1 {
namespace model {

// Embeddings ~ N(0, 1); linear weights ~ N(0, weight_scale / sqrt(fan_in));
// norm gains ~ 1 + N(0, 0.1).
model_file random_model_file(const hparams& hp, uint32_t seed, float weight_scale = 1.0f);

}  // namespace model
}  // namespace v1
}  // namespace archive_nn
