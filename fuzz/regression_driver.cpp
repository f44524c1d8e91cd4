// Replays fuzz inputs without libFuzzer (zstd's regression_driver.c): every
// argument is a file or a directory (walked recursively, in sorted order),
// and each file is fed once to LLVMFuzzerTestOneInput. A failing property
// aborts, so ctest reports the target; with FUZZ_TRACE set in the
// environment each file is named on stderr before it runs.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path p = argv[i];
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p, ec))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "regression_driver: %s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  const bool trace = std::getenv("FUZZ_TRACE") != nullptr;
  size_t bytes = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "regression_driver: %s: read failed\n", f.c_str());
      return 2;
    }
    if (trace) std::fprintf(stderr, "running %s (%zu bytes)\n", f.c_str(), data.size());
    // Copy into an exact-size heap block so out-of-bounds reads stay visible
    // to sanitizers, as under libFuzzer.
    uint8_t* copy = static_cast<uint8_t*>(std::malloc(data.size() ? data.size() : 1));
    if (!data.empty()) std::copy(data.begin(), data.end(), copy);
    LLVMFuzzerTestOneInput(copy, data.size());
    std::free(copy);
    bytes += data.size();
  }
  if (files.empty()) {
    std::fprintf(stderr, "regression_driver: no inputs\n");
    return 2;
  }
  std::printf("regression_driver: %zu inputs (%zu bytes) passed\n", files.size(), bytes);
  return 0;
}
