// nntar: parse the command line, run one mode, map the outcome to an exit code.
#include <malloc.h>

#include <cstdio>

#include "cleanup.hpp"
#include "modes.hpp"

int main(int argc, char** argv) {
  using namespace nntar;
  // Chunk buffers (up to 64 MiB) are allocated by the worker threads and
  // freed by the main one. With glibc's sliding mmap threshold they end up
  // in per-thread heaps that keep the memory after free, so the memory in
  // use (the reader's --memory-limit) and the process's footprint drift
  // apart. A fixed threshold maps every buffer of 4 MiB or more on its own
  // and gives it back when freed.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  display out;
  install_cleanup_handlers();
  auto parsed = parse_options(argc, argv);
  if (!parsed.ok()) {
    out.error("", parsed.err());
    return exit_fatal;
  }
  const options& o = parsed.value();
  out.verbosity = o.verbosity;
  out.progress_enabled = o.progress;
  out.info_to_stderr = (o.what == mode::create && o.archive == "-") || o.to_stdout;  // like GNU tar
  for (const std::string& note : o.notes) out.warning(note);
  try {
    switch (o.what) {
      case mode::help: std::printf("%s", o.help_text.c_str()); return exit_ok;
      case mode::version: std::printf("nntar %s (archive format 2)\n", archive_nn::version_string()); return exit_ok;
      case mode::create: return mode_create(o, out);
      case mode::extract:
      case mode::test: return mode_extract(o, out);
      case mode::list: return mode_list(o, out);
      case mode::list_models: return mode_list_models(o, out);
      case mode::model_info: return mode_model_info(o, out);
      case mode::none: break;
    }
  } catch (const std::bad_alloc&) {
    out.error(o.archive, archive_nn::make_error(archive_nn::errc::out_of_memory, "out of memory"));
  } catch (const std::exception& e) {
    out.error(o.archive, archive_nn::make_error(archive_nn::errc::internal, e.what()));
  }
  return exit_fatal;
}
