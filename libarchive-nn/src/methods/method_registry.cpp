#include "methods/method.hpp"

namespace archive_nn {
inline namespace v1 {
namespace methods {

const std::vector<const method*>& all_methods() {
  static const std::vector<const method*> table = {&method_stored, &method_zstd, &method_lzma,
                                                   &method_zlib,   &method_flac, &method_nn, &method_mix1,
                                                   &method_mix2,   &method_mix};
  return table;
}

const method* find_method(uint8_t id) {
  for (const method* m : all_methods())
    if (static_cast<uint8_t>(m->id) == id) return m;
  return nullptr;
}

const method* find_method(std::string_view name) {
  for (const method* m : all_methods())
    if (name == m->name) return m;
  return nullptr;
}

}  // namespace methods
}  // namespace v1
}  // namespace archive_nn
