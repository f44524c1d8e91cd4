// ann_bits_per_byte: the engine's cross-entropy on a file, in bits per byte,
// with the codec's windows (non-overlapping, each from the start token), both
// from the float probabilities and from the quantised frequency tables the
// coder uses. With --model-stream, files are first reduced to their model
// stream (PPM pixels, WAV samples), as the archiver does.
//
//   ann_bits_per_byte --model M.nnm [--bytes N] [--model-stream] FILE...
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"
#include "model/model.hpp"
#include "model/transformer.hpp"
#include "transform/transform.hpp"

using namespace archive_nn;

int main(int argc, char** argv) {
  std::string model_path;
  size_t limit = 0;
  bool model_stream = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--model") && i + 1 < argc) model_path = argv[++i];
    else if (!std::strcmp(argv[i], "--bytes") && i + 1 < argc) limit = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--model-stream")) model_stream = true;
    else files.push_back(argv[i]);
  }
  if (model_path.empty() || files.empty()) {
    std::fprintf(stderr, "usage: ann_bits_per_byte --model M.nnm [--bytes N] [--model-stream] FILE...\n");
    return 2;
  }
  auto loaded = load_model_file(model_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.err().what().c_str());
    return 2;
  }
  const nn::model& m = *loaded.value();
  std::vector<uint8_t> data;
  for (const std::string& f : files) {
    std::FILE* fp = std::fopen(f.c_str(), "rb");
    if (!fp) {
      std::fprintf(stderr, "%s: cannot open\n", f.c_str());
      return 2;
    }
    std::vector<uint8_t> bytes;
    uint8_t buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    std::fclose(fp);
    if (model_stream) bytes = transform::model_stream(bytes.data(), bytes.size());
    data.insert(data.end(), bytes.begin(), bytes.end());
  }
  if (limit && data.size() > limit) data.resize(limit);
  double bits_table = 0;
  const double bits_float = nn::cross_entropy_bits(m, nn::kernels_best(), data.data(), data.size(), &bits_table);
  std::printf("bytes %zu  bits/byte %.5f  (quantised tables %.5f)\n", data.size(), bits_float / data.size(),
              bits_table / data.size());
  return 0;
}
