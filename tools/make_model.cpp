// ann_make_model: writes an .nnm with random weights (deterministic from
// --seed). For speed benchmarks, determinism tests and fuzz seeds; real models
// come from nntar-train.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/random_model.hpp"

using namespace archive_nn;

int main(int argc, char** argv) {
  model::hparams hp;
  uint32_t seed = 1;
  float scale = 0.0f;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    auto val = [&](const char* name) -> const char* {
      if (std::strcmp(argv[i], name) != 0 || i + 1 >= argc) return nullptr;
      return argv[++i];
    };
    const char* v;
    if ((v = val("--d-model"))) hp.d_model = std::atoi(v);
    else if ((v = val("--layers"))) hp.n_layer = std::atoi(v);
    else if ((v = val("--heads"))) hp.n_head = std::atoi(v);
    else if ((v = val("--d-ff"))) hp.d_ff = std::atoi(v);
    else if ((v = val("--context"))) hp.context_length = std::atoi(v);
    else if ((v = val("--seed"))) seed = std::atoi(v);
    else if ((v = val("--scale"))) scale = std::strtof(v, nullptr);
    else if ((v = val("--norm"))) hp.norm = std::strcmp(v, "post") == 0 ? model::norm_placement::post : model::norm_placement::pre;
    else if ((v = val("--out"))) out = v;
    else {
      std::fprintf(stderr, "usage: ann_make_model [--d-model N --layers N --heads N --d-ff N --context N --norm pre|post --seed N --scale F] --out FILE\n");
      return 2;
    }
  }
  const std::string why = model::validate(hp);
  if (out.empty() || !why.empty()) {
    std::fprintf(stderr, "ann_make_model: %s\n", out.empty() ? "--out is required" : why.c_str());
    return 2;
  }
  const model::model_file m = model::random_model_file(hp, seed, scale > 0 ? scale : 1.0f);
  const std::vector<uint8_t> bytes = model::serialize(m);
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "ann_make_model: cannot write %s\n", out.c_str());
    return 2;
  }
  std::printf("%s: %zu bytes, %llu parameters\n", out.c_str(), bytes.size(), static_cast<unsigned long long>(hp.parameter_count()));
  return 0;
}
