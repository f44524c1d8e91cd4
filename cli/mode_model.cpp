// --list-models and `nntar model info [MODEL]`.
#include <cstdio>

#include "modes.hpp"

namespace nntar {
namespace {

void print_model(const archive_nn::model_handle& m, const char* origin) {
  const archive_nn::model_info i = archive_nn::describe_model(m);
  std::printf("%s  %s\n", i.hash_hex.c_str(), i.name.empty() ? "(unnamed)" : i.name.c_str());
  std::printf("  origin          %s\n", origin);
  std::printf("  architecture    d_model %u, layers %u, heads %u, d_ff %u, context %u, %s-norm\n", i.d_model,
              i.n_layer, i.n_head, i.d_ff, i.context_length, i.norm_placement.c_str());
  std::printf("  parameters      %llu (%llu bytes as float16 .nnm)\n", static_cast<unsigned long long>(i.parameters),
              static_cast<unsigned long long>(i.file_size));
  for (const auto& kv : i.metadata) std::printf("  %-15s %s\n", kv.first.c_str(), kv.second.c_str());
}

}  // namespace

int mode_list_models(const options&, display&) {
  const auto& models = archive_nn::builtin_models();
  if (models.empty()) {
    std::printf("no built-in models (this nntar was built without models/default.nnm)\n");
    return exit_ok;
  }
  for (size_t i = 0; i < models.size(); ++i) print_model(models[i], i == 0 ? "built-in (default)" : "built-in");
  return exit_ok;
}

int mode_model_info(const options& o, display& out) {
  if (o.members.empty()) {
    auto m = archive_nn::default_model();
    if (!m) {
      out.error("", archive_nn::make_error(archive_nn::errc::model_missing, "no built-in default model"));
      return exit_fatal;
    }
    print_model(m, "built-in (default)");
    return exit_ok;
  }
  int code = exit_ok;
  for (const std::string& path : o.members) {
    auto m = archive_nn::load_model_file(path);
    if (!m.ok()) {
      out.error("", m.err());
      code = exit_fatal;
      continue;
    }
    print_model(m.value(), path.c_str());
  }
  return code;
}

}  // namespace nntar
