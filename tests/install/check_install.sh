#!/usr/bin/env bash
# check_install.sh BUILD_DIR: `cmake --install` into a fresh prefix gives the
# nntar command, its man page, the headers, libarchive_nn.so, a CMake package
# and a pkg-config file, and a program built against the installed library
# (both ways) creates and reads an archive.
set -euo pipefail
build=$(cd "$1" && pwd)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cmake --install "$build" --prefix "$W/prefix" >/dev/null
P=$W/prefix
for f in bin/nntar share/man/man1/nntar.1 include/archive_nn/archive_nn.hpp include/archive_nn/format.hpp \
         include/archive_nn/errors.hpp; do
  [ -e "$P/$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done
lib=$(find "$P" -name 'libarchive_nn.so' | head -1)
[ -n "$lib" ] || { echo "libarchive_nn.so not installed" >&2; exit 1; }
pc=$(find "$P" -name archive_nn.pc | head -1)
cfg=$(find "$P" -name archive_nnConfig.cmake | head -1)
[ -n "$pc" ] && [ -n "$cfg" ] || { echo "no pkg-config file or CMake package" >&2; exit 1; }
man -l "$P/share/man/man1/nntar.1" 2>/dev/null | grep -q -- "--strip-components" || grep -q "strip" "$P/share/man/man1/nntar.1"
"$P/bin/nntar" --version | grep -q nntar

mkdir "$W/app"
cat > "$W/app/app.cpp" <<'CPP'
// Writes one file into an archive in memory and reads it back.
#include <archive_nn/archive_nn.hpp>
#include <cstdio>
#include <string>
using namespace archive_nn;
struct keep : entry_visitor {
  std::string got;
  bool begin_entry(const entry_header&) override { return true; }
  void end_entry(const entry_header&, const status&) override {}
  status write(const uint8_t* d, size_t n) override { got.append(reinterpret_cast<const char*>(d), n); return ok_status(); }
};
int main() {
  const std::string text = "hello from an installed libarchive_nn\n";
  std::FILE* f = std::tmpfile();
  auto sink = make_file_sink(f, "tmp");
  create_options o;
  o.model = nullptr;
  archive_creator c(*sink, o);
  entry_header h;
  h.path = "hello.txt";
  h.type = entry_type::file;
  h.mode = 0644;
  h.size = text.size();
  auto src = make_memory_source(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  if (!c.begin().ok() || !c.add_file(h, *src).ok() || !c.finish().ok()) return 1;
  std::fflush(f);
  std::rewind(f);
  auto in = make_file_source(f, "tmp");
  keep k;
  if (!read_archive(*in, k, read_options{}).ok() || k.got != text) return 2;
  std::printf("ok\n");
  return 0;
}
CPP
cat > "$W/app/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(app CXX)
find_package(archive_nn REQUIRED)
add_executable(app app.cpp)
target_link_libraries(app PRIVATE archive_nn::archive_nn)
CM
cmake -S "$W/app" -B "$W/app/build" -DCMAKE_PREFIX_PATH="$P" >/dev/null
cmake --build "$W/app/build" >/dev/null
LD_LIBRARY_PATH=$(dirname "$lib") "$W/app/build/app"
# pkg-config
c++ -o "$W/app/app_pc" "$W/app/app.cpp" $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs archive_nn)
LD_LIBRARY_PATH=$(dirname "$lib") "$W/app/app_pc"
echo "install: ok"
