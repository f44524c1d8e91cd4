#include "mix/squash.hpp"

#include <array>
#include <cstddef>

namespace archive_nn {
inline namespace v1 {
namespace mix {
namespace {

std::array<int16_t, 4096> make_stretch() {
  std::array<int16_t, 4096> table{};
  int next = 0;
  for (int x = -2047; x <= 2047; ++x) {
    const int v = squash(x);
    for (int j = next; j <= v; ++j) table[static_cast<size_t>(j)] = static_cast<int16_t>(x);
    next = v + 1;
  }
  for (int j = next; j < 4096; ++j) table[static_cast<size_t>(j)] = 2047;
  return table;
}

const std::array<int16_t, 4096> stretch_table = make_stretch();

}  // namespace

int stretch(int p) { return stretch_table[static_cast<size_t>(p & 4095)]; }

}  // namespace mix
}  // namespace v1
}  // namespace archive_nn
