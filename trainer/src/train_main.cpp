// nntar-train: entry point. Sets up the process for fast CPU training, then
// dispatches to training, `eval` or `info`.
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "config.hpp"
#include "launcher.hpp"

namespace {

// OpenBLAS reads OPENBLAS_CORETYPE and libgomp reads OMP_WAIT_POLICY when
// they are loaded, before main runs, so setting them here is too late for
// this process. If either is unset, set our defaults and re-execute once:
// SkylakeX kernels double matmul speed on the AVX-512 machines we train on,
// and a passive wait policy avoids a 4x slowdown when the cores are shared.
// (OpenBLAS checks that the CPU supports the requested core type.)
void reexec_with_env_defaults(char** argv) {
  if (std::getenv("NNTAR_TRAIN_NO_REEXEC")) return;
  bool changed = false;
  if (!std::getenv("OMP_WAIT_POLICY")) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    changed = true;
  }
  if (!std::getenv("OPENBLAS_CORETYPE") && __builtin_cpu_supports("avx512f")) {
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
    changed = true;
  }
  if (!changed) return;
  setenv("NNTAR_TRAIN_NO_REEXEC", "1", 1);  // never loop
  execv("/proc/self/exe", argv);
  // exec failed (no /proc?): carry on with the library defaults.
}

std::string join_command_line(int argc, char** argv) {
  std::string s = "nntar-train";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool plain = a.find_first_of(" \t\"'$\\`") == std::string::npos && !a.empty();
    s += " " + (plain ? a : "'" + a + "'");
  }
  return s;
}

// "rank 1: " in the messages of a worker of a distributed run.
std::string rank_prefix() {
  const char* rank = std::getenv("RANK");
  const char* size = std::getenv("WORLD_SIZE");
  if (!rank || !size || std::strcmp(size, "1") == 0) return "";
  return std::string("rank ") + rank + ": ";
}

}  // namespace

int main(int argc, char** argv) {
  reexec_with_env_defaults(argv);
  // Fresh pages are slow to fault in on these VMs: keep freed memory in the
  // heap instead of returning it (10-15x faster steps).
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, -1);

  using namespace nntar_train;
  try {
    if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
      print_usage();
      return 0;
    }
    if (argc >= 2 && std::strcmp(argv[1], "eval") == 0) return run_eval(parse_eval_options(argc - 2, argv + 2));
    if (argc >= 2 && std::strcmp(argv[1], "version") == 0) return run_version();
    if (argc >= 2 && std::strcmp(argv[1], "pack") == 0) return run_pack(parse_pack_options(argc - 2, argv + 2));
    if (argc >= 2 && std::strcmp(argv[1], "info") == 0) {
      if (argc != 3) throw usage_error("usage: nntar-train info CHECKPOINT|MODEL.nnm");
      return run_info(argv[2]);
    }
    if (argc < 2) {
      print_usage();
      return 2;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    if (const unsigned nproc = take_nproc_option(args)) {
      if (std::getenv("WORLD_SIZE"))
        throw usage_error("--nproc inside a launched worker (WORLD_SIZE is set): use one or the other");
      // Check the options once here, so a mistake is one message, not N.
      std::vector<char*> check;
      for (std::string& a : args) check.push_back(a.data());
      const train_options checked = parse_train_options(int(check.size()), check.data());
      if (checked.batch && *checked.batch % nproc != 0)
        throw usage_error("--batch " + std::to_string(*checked.batch) + " does not split evenly over --nproc " +
                          std::to_string(nproc) + ": use a multiple of " + std::to_string(nproc));
      return launch_workers(nproc, args);
    }
    train_options o = parse_train_options(argc - 1, argv + 1);
    o.command_line = join_command_line(argc, argv);
    return run_training(o);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "nntar-train: %s%s\n", rank_prefix().c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    // LibTorch errors (c10::Error, Gloo's lost connections) and bad_alloc.
    std::fprintf(stderr, "nntar-train: %sinternal error: %s\n", rank_prefix().c_str(), e.what());
    return 1;
  }
}
