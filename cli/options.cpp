// The one option table. Origins: tar/bsdtar for the archive verbs, zstd for
// -q/-v/--threads and progress, nntar's own for models and codecs.
#include "options.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "patterns.hpp"

namespace po = boost::program_options;

namespace nntar {

// "123", "64K", "16M", "1G" (powers of 1024; an optional trailing B or iB).
bool parse_size(const std::string& text, uint64_t& out) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(text[i++] - '0');
  }
  if (i == 0) return false;
  std::string unit = text.substr(i);
  if (unit == "B" || unit.empty()) {
    out = v;
    return true;
  }
  int shift = 0;
  switch (unit[0]) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    default: return false;
  }
  unit = unit.substr(1);
  if (!unit.empty() && unit != "B" && unit != "iB") return false;
  if (v > (UINT64_MAX >> shift)) return false;
  out = v << shift;
  return true;
}

bool parse_duration(const std::string& text, uint64_t& seconds) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (v > 1000000000) return false;
    v = v * 10 + static_cast<uint64_t>(text[i++] - '0');
  }
  if (i == 0) return false;
  const std::string unit = text.substr(i);
  const uint64_t scale = unit.empty() || unit == "s" ? 1 : unit == "m" || unit == "min" ? 60 : unit == "h" ? 3600 : 0;
  if (!scale) return false;
  seconds = v * scale;
  return true;
}

namespace {

// tar's old style, "nntar cvf a.nna dir": a first argument without '-' made
// of option letters is one flag per letter, and the letters that take a value
// (f, C, T) take the next arguments in order (GNU tar's "old options").
std::vector<std::string> expand_old_style(int argc, const char* const* argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (argc < 2 || argv[1][0] == '-' || std::strspn(argv[1], "cxtvfCThkOPpqjzJS0123456789") != std::strlen(argv[1]) ||
      std::strpbrk(argv[1], "cxt") == nullptr)
    return args;
  std::vector<std::string> out = {args[0]};
  size_t next = 2;
  for (const char* c = argv[1]; *c; ++c) {
    out.push_back(std::string("-") + *c);
    if ((*c == 'f' || *c == 'C' || *c == 'T') && next < args.size()) out.push_back(args[next++]);
  }
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(next), args.end());
  return out;
}

// -T FILE: names one per line, or NUL-separated with --null; '-' is stdin.
bool read_names(const std::string& from, bool null_separated, std::vector<std::string>& names, std::string& why) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (from != "-") {
    file.open(from, std::ios::binary);
    if (!file) {
      why = "cannot open '" + from + "': " + std::strerror(errno);
      return false;
    }
    in = &file;
  }
  std::string name;
  while (std::getline(*in, name, null_separated ? '\0' : '\n')) {
    if (!null_separated && !name.empty() && name.back() == '\r') name.pop_back();
    if (!name.empty()) names.push_back(name);
  }
  return true;
}

}  // namespace

archive_nn::result<options> parse_options(int argc_in, const char* const* argv_in) {
  options o;
  const std::vector<std::string> expanded = expand_old_style(argc_in, argv_in);
  std::vector<const char*> argv_list;
  for (const std::string& a : expanded) argv_list.push_back(a.c_str());
  const int argc = static_cast<int>(argv_list.size());
  const char* const* argv = argv_list.data();
  po::options_description desc(
      "Usage: nntar -c|-x|-t|--test [-v] [-1..-9] -f ARCHIVE [-C DIR] [FILES...]\n"
      "       nntar --list-models | nntar model info [MODEL]\n\nOptions");
  // clang-format off
  desc.add_options()
    ("create,c", "create an archive from FILES (tar)")
    ("extract,x", "extract entries, or only FILES (tar)")
    ("list,t", "list entries without decoding them (tar)")
    ("test", "decode everything and verify every checksum; write nothing (zstd -t)")
    ("file,f", po::value<std::string>(), "archive path, '-' for stdin/stdout (tar)")
    ("directory,C", po::value<std::vector<std::string>>(), "change to DIR before creating or extracting; when creating, each -C applies to the FILES after it, relative to the one before (tar)")
    ("verbose,v", po::value<std::vector<std::string>>()->zero_tokens(), "list entries as they are processed; with -t, a long listing; -vv: long listings while creating and extracting too (tar)")
    ("quiet,q", "only errors (zstd)")
    ("json", "machine-readable listing with -t (nntar)")
    ("absolute-names,P", "extract: allow absolute paths, '..' and writing through symlinks (bsdtar)")
    ("dereference,h", "create: archive the files symlinks point to, not the links (tar)")
    ("exclude", po::value<std::vector<std::string>>(), "skip names matching PATTERN, a glob matched against the whole name or any trailing part after a '/' (tar); repeatable")
    ("exclude-vcs", "skip version-control files and directories: .git, .svn, .hg, CVS, ... (tar)")
    ("files-from,T", po::value<std::vector<std::string>>(), "take FILES from the lines of FILE ('-': stdin) (tar)")
    ("null", "-T reads NUL-separated names (tar, find -print0)")
    ("wildcards", "extract/list: FILES are globs, '*' matching '/' too (tar)")
    ("strip-components", po::value<unsigned>(), "extract: remove N leading components from names; entries with nothing left are skipped (tar)")
    ("to-stdout,O", "extract: write files' contents to stdout, create nothing (tar)")
    ("keep-old-files,k", "extract: never replace existing files; report them as errors (tar)")
    ("skip-old-files", "extract: never replace existing files; skip them silently (tar)")
    ("overwrite", "extract: replace existing files (the default) (tar)")
    ("totals", "print the bytes processed at the end (tar)")
    ("sparse,S", "accepted for tar: files with holes are always archived as their data and a map")
    ("preserve-permissions,p", "extract: modes as stored, not reduced by the umask (the default for root) (tar)")
    ("same-owner", "extract: give files their stored owners (the default for root) (tar)")
    ("no-same-owner", "extract: files belong to the extracting user; no set-id bits (the default for users) (tar)")
    ("numeric-owner", "owners by number, ignoring the stored user and group names (tar)")
    ("xattrs", "store and restore extended attributes: user.*, and security.*/trusted.* as root (the default) (tar)")
    ("no-xattrs", "leave extended attributes out (tar)")
    ("acls", "store and restore POSIX ACLs (the default) (tar)")
    ("no-acls", "leave POSIX ACLs out (tar)")
    ("threads", po::value<unsigned>(), "worker threads (default: all cores) (zstd -T)")
    ("codec", po::value<std::string>(), "auto|mix|nn|zstd|lzma|zlib|flac|stored|mix2|mix1 (default auto: the smallest on a 64 KiB probe; mix: context mixing with the model as one input; mix2, mix1: its earlier revisions, which older nntar reads)")
    ("model", po::value<std::string>(), "PATH to an .nnm, 'default' (built-in) or 'none'")
    ("embed-model", "store the model inside the archive (xz-compressed)")
    ("reference-model", "reference the model by its hash only (default)")
    ("level", po::value<int>(), "classical codec level: zstd 1-22; LZMA and zlib 0-9 (with auto, a higher level gives them 9)")
    ("fast", "-1: zstd only (fastest)")
    ("best", "-9 (the default): the mix codec with the model, LZMA, zstd")
    ("solid-block", po::value<std::string>(), "solid blocks of SIZE bytes (K, M, G suffixes; default 16M; 0: one file per entry) (7-Zip -ms)")
    ("no-solid", "every file its own entry, as in format version 1 (--solid-block 0)")
    ("memory-limit", po::value<std::string>(), "extract/test: memory for chunks being decoded (K, M, G suffixes; default 1G; 0: no limit): fewer decode at once to fit, a chunk that needs more alone fails")
    ("work-limit", po::value<std::string>(), "extract/test: CPU that nn and mix chunks may cost beyond what the archive's size earns (about 1 s per KiB read), as an estimate made before decoding (s, m, h suffixes; default 1m; 0: no limit)")
    ("solid-chunk", po::value<std::string>(), "cut solid blocks into chunks of SIZE (default: one chunk per block, up to 64M): smaller chunks decode in parallel and one member costs less to extract, at some ratio")
    ("nn-windows", po::value<unsigned>(), "nn: windows per chunk (default: 1 MiB of windows; decoded 4 at a time)")
    ("progress", "show progress even when stderr is not a terminal")
    ("no-progress", "never show progress")
    ("list-models", "list built-in models")
    ("help", "this help")
    ("version,V", "print the version");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("members", po::value<std::vector<std::string>>(), "");
  // tar's compression flags: nntar archives are always compressed by its own
  // codecs, so -z/-j/-J/--zstd/-a are refused with a hint (a script that
  // asks for gzip must not get an .nna by surprise, and -j is not threads).
  hidden.add_options()("gzip,z", "")("bzip2,j", "")("xz,J", "")("zstd", "")("auto-compress,a", "");
  // -1 .. -9, as zstd and xz: the presets of codec choice auto.
  for (int n = 1; n <= 9; ++n) {
    static std::string names[10];
    names[n] = "preset-" + std::to_string(n) + "," + std::to_string(n);
    hidden.add_options()(names[n].c_str(), "");
  }
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("members", -1);
  std::ostringstream help;
  help << desc;
  o.help_text = help.str();

  po::variables_map vm;
  po::parsed_options parsed(&all);
  try {
    parsed = po::command_line_parser(argc, argv).options(all).positional(pos).run();
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    return archive_nn::make_error(archive_nn::errc::usage, std::string(e.what()) + " (see nntar --help)");
  }
  auto usage = [](const std::string& m) { return archive_nn::make_error(archive_nn::errc::usage, m + " (see nntar --help)"); };

  // Members, -T lists and -C in command-line order: each member keeps the
  // directory in effect where it was named (GNU tar's several -C), each -C
  // relative to the one before.
  std::string dir;
  for (const po::option& opt : parsed.options) {
    if (opt.string_key == "directory") {
      for (const std::string& v : opt.value) dir = v.empty() ? dir : v[0] == '/' || dir.empty() ? v : dir + "/" + v;
    } else if (opt.string_key == "members") {
      for (const std::string& v : opt.value) {
        o.members.push_back(v);
        o.member_dirs.push_back(dir);
      }
    } else if (opt.string_key == "files-from") {
      for (const std::string& from : opt.value) {
        std::string why;
        if (!read_names(from, vm.count("null") > 0, o.members, why)) return usage("-T: " + why);
        o.member_dirs.resize(o.members.size(), dir);
      }
    }
  }
  o.directory = dir;
  for (const auto& [flag, letter] : std::vector<std::pair<const char*, const char*>>{
           {"gzip", "-z"}, {"bzip2", "-j"}, {"xz", "-J"}, {"zstd", "--zstd"}, {"auto-compress", "-a"}})
    if (vm.count(flag))
      return usage(std::string(letter) + " (--" + flag + "): nntar picks its codecs itself, chunk by chunk; drop " + letter +
                   " (--codec and -1..-9 choose, --threads N sets threads)");
  if (vm.count("exclude")) o.excludes = vm["exclude"].as<std::vector<std::string>>();
  if (vm.count("exclude-vcs")) o.excludes.insert(o.excludes.end(), vcs_patterns().begin(), vcs_patterns().end());
  o.dereference = vm.count("dereference") > 0;
  o.wildcards = vm.count("wildcards") > 0;
  if (vm.count("strip-components")) o.strip_components = vm["strip-components"].as<unsigned>();
  o.to_stdout = vm.count("to-stdout") > 0;
  if (vm.count("keep-old-files") + vm.count("skip-old-files") + vm.count("overwrite") > 1)
    return usage("choose one of -k, --skip-old-files, --overwrite");
  if (vm.count("keep-old-files")) o.on_existing = options::existing::keep;
  if (vm.count("skip-old-files")) o.on_existing = options::existing::skip;
  o.totals = vm.count("totals") > 0;
  o.preserve_permissions = vm.count("preserve-permissions") > 0;
  if (vm.count("same-owner") && vm.count("no-same-owner")) return usage("--same-owner and --no-same-owner conflict");
  if (vm.count("same-owner")) o.same_owner = 1;
  if (vm.count("no-same-owner")) o.same_owner = 0;
  o.numeric_owner = vm.count("numeric-owner") > 0;
  if (vm.count("xattrs") && vm.count("no-xattrs")) return usage("--xattrs and --no-xattrs conflict");
  if (vm.count("acls") && vm.count("no-acls")) return usage("--acls and --no-acls conflict");
  o.xattrs = vm.count("no-xattrs") == 0;
  o.acls = vm.count("no-acls") == 0;
  int modes = 0;
  if (vm.count("create")) o.what = mode::create, ++modes;
  if (vm.count("extract")) o.what = mode::extract, ++modes;
  if (vm.count("list")) o.what = mode::list, ++modes;
  if (vm.count("test")) o.what = mode::test, ++modes;
  if (vm.count("list-models")) o.what = mode::list_models, ++modes;
  if (modes > 1) return usage("choose one of -c, -x, -t, --test, --list-models");
  if (vm.count("help")) o.what = mode::help;
  else if (vm.count("version")) o.what = mode::version;
  else if (modes == 0 && o.members.size() >= 2 && o.members[0] == "model" && o.members[1] == "info") {
    o.what = mode::model_info;
    o.members.erase(o.members.begin(), o.members.begin() + 2);
  } else if (modes == 0) {
    return usage("no mode given: use -c, -x, -t or --test");
  }
  if (vm.count("file")) o.archive = vm["file"].as<std::string>();
  const bool needs_archive = o.what == mode::create || o.what == mode::extract || o.what == mode::list || o.what == mode::test;
  if (needs_archive && o.archive.empty()) return usage("no archive given: use -f ARCHIVE (or -f - for a pipe)");
  if (o.what == mode::create && o.members.empty()) return usage("refusing to create an empty archive: name FILES");
  // -v lists names, -vv long lines (as -tv) while creating or extracting.
  int verbose = 0;
  for (const po::option& opt : parsed.options) verbose += opt.string_key == "verbose";
  if (verbose) o.verbosity = std::min(3, 1 + verbose);
  if (vm.count("quiet")) o.verbosity = 0;
  o.json = vm.count("json") > 0;
  o.absolute_names = vm.count("absolute-names") > 0;
  o.threads = std::max(1u, std::thread::hardware_concurrency());
  if (vm.count("threads")) {
    o.threads = vm["threads"].as<unsigned>();
    if (o.threads < 1 || o.threads > 256) return usage("--threads must be in [1, 256]");
  }
  if (vm.count("codec") && !archive_nn::parse_codec_choice(vm["codec"].as<std::string>(), o.codec))
    return usage("unknown codec '" + vm["codec"].as<std::string>() + "'");
  if (vm.count("model")) o.model = vm["model"].as<std::string>();
  if (vm.count("embed-model") && vm.count("reference-model")) return usage("--embed-model and --reference-model conflict");
  o.embed_model = vm.count("embed-model") > 0;
  if (vm.count("level")) o.level = vm["level"].as<int>();
  if (o.level < 0 || o.level > 22) return usage("--level must be in [0, 22]");
  if (o.level > 9 && (o.codec == archive_nn::codec_choice::lzma || o.codec == archive_nn::codec_choice::zlib))
    return usage("--level for lzma and zlib is 0 to 9 (zstd's go to 22)");
  if (vm.count("nn-windows")) o.nn_windows = vm["nn-windows"].as<unsigned>();
  if ((vm.count("nn-windows") && o.nn_windows == 0) || o.nn_windows > 65536)
    return usage("--nn-windows must be in [1, 65536]");
  int presets = 0;
  for (int n = 1; n <= 9; ++n)
    if (vm.count("preset-" + std::to_string(n))) o.preset = n, ++presets;
  if (vm.count("fast")) o.preset = 1, ++presets;
  if (vm.count("best")) o.preset = 9, ++presets;
  if (presets > 1) return usage("choose one of -1 .. -9, --fast, --best");
  if (vm.count("memory-limit") && !parse_size(vm["memory-limit"].as<std::string>(), o.memory_limit))
    return usage("--memory-limit: '" + vm["memory-limit"].as<std::string>() + "' is not a size (e.g. 512M, 4G, 0)");
  if (vm.count("work-limit")) {
    uint64_t seconds = 0;
    if (!parse_duration(vm["work-limit"].as<std::string>(), seconds))
      return usage("--work-limit: '" + vm["work-limit"].as<std::string>() + "' is not a duration (e.g. 90s, 10m, 2h, 0)");
    o.work_limit = seconds * 1000000000;
  }
  if (vm.count("solid-block") && vm.count("no-solid")) return usage("--solid-block and --no-solid conflict");
  if (vm.count("no-solid")) o.solid_block = 0;
  if (vm.count("solid-block")) {
    const std::string v = vm["solid-block"].as<std::string>();
    if (!parse_size(v, o.solid_block) || o.solid_block > (uint64_t(1) << 30))
      return usage("--solid-block: '" + v + "' is not a size from 0 to 1G (e.g. 64M)");
  }
  if (vm.count("solid-chunk")) {
    const std::string v = vm["solid-chunk"].as<std::string>();
    if (!parse_size(v, o.solid_chunk) || o.solid_chunk == 0 || o.solid_chunk > (uint64_t(64) << 20))
      return usage("--solid-chunk: '" + v + "' is not a size from 1 to 64M");
  }
  o.progress = isatty(STDERR_FILENO) && o.verbosity > 0;
  if (vm.count("progress")) o.progress = true;
  if (vm.count("no-progress")) o.progress = false;
  return o;
}

}  // namespace nntar
