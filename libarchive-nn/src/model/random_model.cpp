#include "model/random_model.hpp"

#include <cmath>
#include <random>
#include <string>

namespace archive_nn {
inline namespace v1 {
namespace model {

model_file random_model_file(const hparams& hp, uint32_t seed, float weight_scale) {
  model_file f;
  f.hp = hp;
  f.extras.push_back({keys::name, value_type::string, 0, 0, "random-seed-" + std::to_string(seed)});
  std::mt19937 rng(seed);
  for (const tensor_desc& t : tensor_layout(hp)) {
    const bool is_norm = t.shape.size() == 1;
    const bool is_embedding = t.name == names::token_embd();
    const float sigma = is_norm ? 0.1f : is_embedding ? 1.0f : weight_scale / std::sqrt(static_cast<float>(t.shape.back()));
    std::normal_distribution<float> dist(0.0f, sigma);
    std::vector<uint16_t> data(t.elements());
    for (uint16_t& h : data) h = f32_to_f16(is_norm ? 1.0f + dist(rng) : dist(rng));
    f.tensors.push_back(std::move(data));
  }
  return f;
}

}  // namespace model
}  // namespace v1
}  // namespace archive_nn
