// -c: walk the inputs and write an archive (to a file or stdout).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cleanup.hpp"
#include "deep_path.hpp"
#include "sparse_file.hpp"
#include "fs_walk.hpp"
#include "modes.hpp"

namespace nntar {

archive_nn::result<archive_nn::model_handle> select_model(const options& o) {
  if (o.model == "none") return archive_nn::model_handle();
  if (o.model == "default") return archive_nn::default_model();
  return archive_nn::load_model_file(o.model);
}

int mode_create(const options& o, display& out) {
  auto model = select_model(o);
  if (!model.ok()) {
    out.error("", model.err());
    return exit_fatal;
  }
  if (o.codec == archive_nn::codec_choice::nn && !model.value()) {
    out.error("", archive_nn::make_error(archive_nn::errc::model_missing,
                                         "--codec nn needs a model: this nntar has no built-in model, pass --model FILE"));
    return exit_fatal;
  }
  const bool to_stdout = o.archive == "-";
  if (to_stdout && isatty(STDOUT_FILENO)) {  // GNU tar's refusal
    out.error("", archive_nn::make_error(archive_nn::errc::usage,
                                         "refusing to write archive contents to a terminal (redirect stdout or use -f FILE)"));
    return exit_fatal;
  }
  std::string archive_path = o.archive;
  if (!to_stdout && archive_path[0] != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) archive_path = std::string(cwd) + "/" + archive_path;
  }
  // Each member is read below the -C in effect where it was named.
  for (size_t i = 0; i < o.member_dirs.size(); ++i) {
    if (o.member_dirs[i].empty()) continue;
    struct stat d;
    const int why = stat(o.member_dirs[i].c_str(), &d) != 0 ? errno : !S_ISDIR(d.st_mode) ? ENOTDIR : 0;
    if (why) {
      out.error(o.member_dirs[i], archive_nn::make_error(archive_nn::errc::io_open_failed,
                                                         std::string("cannot change directory: ") + std::strerror(why)));
      return exit_fatal;
    }
  }
  std::string tmp_path;
  std::FILE* f = stdout;
  if (!to_stdout) {
    // Write beside the target and rename at the end: a failed run leaves no half archive.
    for (const std::string& stale : remove_stale_archive_temps(archive_path))
      out.warning("removed '" + printable_name(stale) + "', left by an nntar that was killed");
    tmp_path = archive_path + ".nntar-tmp-" + std::to_string(getpid());
    set_temp(temp_slot::archive, tmp_path);  // removed if nntar is interrupted
    f = std::fopen(tmp_path.c_str(), "wb");
    if (!f) {
      clear_temp(temp_slot::archive);
      out.error(o.archive, archive_nn::make_error(archive_nn::errc::io_open_failed, std::string("cannot create: ") + std::strerror(errno)));
      return exit_fatal;
    }
  }
  // The archive must not pack itself: neither the file being written nor an
  // older archive of the same name that the rename will replace.
  std::vector<struct stat> skip;
  struct stat self {};
  if (fstat(fileno(f), &self) == 0 && S_ISREG(self.st_mode)) skip.push_back(self);
  if (!to_stdout && stat(archive_path.c_str(), &self) == 0 && S_ISREG(self.st_mode)) skip.push_back(self);

  // First pass: collect entries (and the byte total for progress).
  std::vector<walk_item> items;
  walk_options wo;
  wo.dereference = o.dereference;
  wo.attributes.xattrs = o.xattrs;
  wo.attributes.acls = o.acls;
  wo.excludes = o.excludes;
  bool inputs_ok = walk_inputs(
      o.members, o.member_dirs, skip, wo, [&](const walk_item& it) { items.push_back(it); },
      [&](const std::string& w) { out.warning(w); },
      [&](const std::string& e) { out.error("", archive_nn::make_error(archive_nn::errc::io_open_failed, e)); });
  uint64_t total = 0;
  for (const walk_item& it : items) total += it.maybe_sparse ? it.allocated : it.header.size;  // holes are not read
  // Nothing could be read: an existing archive of that name is not replaced
  // by an empty one (a mistyped name must not cost the last backup).
  if (items.empty() && !inputs_ok && !to_stdout) {
    std::fclose(f);
    std::remove(tmp_path.c_str());
    clear_temp(temp_slot::archive);
    struct stat old {};
    if (stat(archive_path.c_str(), &old) == 0)
      out.error(o.archive, archive_nn::make_error(archive_nn::errc::io_open_failed,
                                                  "nothing could be archived; the existing archive is left as it was"));
    else
      out.error(o.archive, archive_nn::make_error(archive_nn::errc::io_open_failed, "nothing could be archived; no archive written"));
    return exit_fatal;
  }

  auto sink = archive_nn::make_file_sink(f, to_stdout ? "stdout" : o.archive);
  archive_nn::create_options co;
  co.codec = o.codec;
  co.threads = o.threads;
  co.model = model.value();
  co.embed_model = o.embed_model;
  co.level = o.level;
  co.nn_windows_per_chunk = o.nn_windows;
  co.total_hint = total;
  co.solid_block_size = o.solid_block;
  co.solid_chunk_size = o.solid_chunk;
  co.preset = o.preset;
  co.progress = [&](const archive_nn::progress_info& p) { out.progress(p); };
  archive_nn::archive_creator creator(*sink, co);
  // GNU tar: an input that cannot be read is reported and the others archived;
  // the exit status is then 2 ("exiting with failure status due to previous errors").
  int code = inputs_ok ? exit_ok : exit_fatal;
  archive_nn::status st = creator.begin();
  for (size_t i = 0; st.ok() && i < items.size(); ++i) {
    const walk_item& it = items[i];
    if (o.verbosity >= 3) out.info_line(long_line(it.header, o.numeric_owner));
    else out.info(it.header.path);
    if (it.header.type != archive_nn::entry_type::file) {
      st = creator.add_entry(it.header);
      continue;
    }
    // Opened when the creator reads it (solid blocks reorder files).
    const std::string fs_path = it.fs_path;
    archive_nn::content_opener open = [fs_path]() -> archive_nn::result<std::unique_ptr<archive_nn::byte_source>> {
      const int fd = open_deep(fs_path, O_RDONLY | O_CLOEXEC);
      std::FILE* in = fd >= 0 ? fdopen(fd, "rb") : nullptr;
      if (!in && fd >= 0) close(fd);
      if (!in)
        return archive_nn::make_error(archive_nn::errc::io_open_failed,
                                      "cannot open: " + std::string(std::strerror(errno)));
      return archive_nn::make_owning_file_source(in, fs_path);
    };
    archive_nn::status fst = archive_nn::ok_status();
    int sparse_fd = it.maybe_sparse ? open_deep(fs_path, O_RDONLY | O_CLOEXEC) : -1;
    std::vector<archive_nn::data_extent> extents;
    if (sparse_fd >= 0 && find_data_extents(sparse_fd, it.header.size, extents)) {
      // Holes: only the data is read and archived (the sparse transform).
      auto data = make_extents_source(sparse_fd, extents);
      fst = creator.add_sparse_file(it.header, extents, *data);
    } else {
      if (sparse_fd >= 0) close(sparse_fd);
      fst = creator.add_file(it.header, open);
    }
    if (!fst.ok()) {
      if (fst.err().level() == archive_nn::severity::entry) {
        out.error(o.archive, fst.err());
        code = exit_some_failed;
      } else {
        st = fst;
      }
    }
  }
  if (st.ok()) st = creator.finish();
  out.progress_done();
  for (const archive_nn::error& e : creator.entry_errors()) {
    out.warning(e.message);
    code = std::max(code, int(exit_some_failed));
  }
  if (!to_stdout) {
    const bool closed = std::fclose(f) == 0;
    if (st.ok() && !closed) st = archive_nn::make_error(archive_nn::errc::io_write_failed, "write failed");
    if (st.ok() && std::rename(tmp_path.c_str(), archive_path.c_str()) != 0)
      st = archive_nn::make_error(archive_nn::errc::io_write_failed, std::string("cannot rename into place: ") + std::strerror(errno));
    if (!st.ok()) std::remove(tmp_path.c_str());
    clear_temp(temp_slot::archive);
  } else {
    std::fflush(stdout);
  }
  if (!st.ok()) {
    out.error(o.archive, st.err());
    return exit_fatal;
  }
  if (o.totals) {
    std::fflush(stdout);
    std::fprintf(stderr, "Total bytes written: %llu (%s) from %llu bytes of files\n",
                 static_cast<unsigned long long>(creator.bytes_written()),
                 human_size(static_cast<double>(creator.bytes_written())).c_str(), static_cast<unsigned long long>(total));
  }
  if (out.verbosity >= 2) {
    std::fflush(stdout);  // member names first, then the summary
    if (o.codec == archive_nn::codec_choice::automatic)
      std::fprintf(stderr, "level %d: %s\n", o.preset, archive_nn::describe_preset(o.preset));
    for (const archive_nn::block_stats& b : creator.blocks()) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "block %llu: %s, %llu files (%llu duplicates), %llu chunks, %llu -> %llu bytes",
                    static_cast<unsigned long long>(b.block_id), b.kind, static_cast<unsigned long long>(b.members),
                    static_cast<unsigned long long>(b.duplicates), static_cast<unsigned long long>(b.chunks),
                    static_cast<unsigned long long>(b.bytes_original), static_cast<unsigned long long>(b.bytes_coded));
      std::fprintf(stderr, "%s\n", buf);
    }
    static const char* names[] = {"stored", "zstd", "lzma", "zlib", "flac", "", "", "", "nn", "mix1", "mix2", "mix"};
    for (size_t id = 0; id < sizeof names / sizeof names[0]; ++id) {
      const auto& s = creator.stats()[id];
      if (!s.chunks) continue;
      char buf[160];
      std::snprintf(buf, sizeof buf, "  %-6s %6llu chunks %12llu -> %12llu bytes (%.4f)", names[id],
                    static_cast<unsigned long long>(s.chunks), static_cast<unsigned long long>(s.bytes_original),
                    static_cast<unsigned long long>(s.bytes_coded),
                    s.bytes_original ? static_cast<double>(s.bytes_coded) / static_cast<double>(s.bytes_original) : 0.0);
      std::fprintf(stderr, "%s\n", buf);
    }
    std::fprintf(stderr, "  total  %llu -> %llu bytes\n", static_cast<unsigned long long>(total),
                 static_cast<unsigned long long>(creator.bytes_written()));
    uint64_t files = 0;
    for (const walk_item& it : items) files += it.header.type == archive_nn::entry_type::file;
    std::fprintf(stderr, "nntar: %s\n", summary_line(files, total, creator.bytes_written(), out.elapsed(), "written").c_str());
  }
  return code;
}

}  // namespace nntar
