#!/usr/bin/env bash
# Trains an nntar model on a machine that has PyTorch (CUDA or not) and no
# network or Debian packages, e.g. a lent GPU machine:
#   1. builds nntar-train against PyTorch's bundled LibTorch (CMake when
#      there is one, else the compiler directly); without an importable
#      torch it uses the system LibTorch (Debian's libtorch-dev);
#   2. trains from a data pack (nntar-train pack) for a wall-clock budget;
#   3. exports OUT/model.nnm and its card OUT/model.md and prints the
#      held-out bits/byte (OUT/eval.txt).
#
#   accelerator_train.sh --pack PACK --minutes M --out DIR
#                        [--preset small] [--nproc N] [--build-dir DIR]
#                        [--build cmake|direct] [-- more nntar-train options]
#
# --minutes is the training budget; the build (1-3 minutes) comes before it
# and the final evaluation and export (seconds) after it. With several GPUs,
# --nproc N trains N data-parallel processes (one per GPU, Gloo allreduce).
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
pack="" minutes="" out="" preset="small" nproc=1 build_dir="" build_mode="${NNTAR_ACCEL_BUILD:-auto}"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pack) pack="$2"; shift 2 ;;
    --minutes) minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --preset) preset="$2"; shift 2 ;;
    --nproc) nproc="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --build) build_mode="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "accelerator_train: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$pack" ] && [ -n "$minutes" ] && [ -n "$out" ] || { echo "accelerator_train: give --pack, --minutes and --out" >&2; exit 2; }
[ -f "$pack" ] || { echo "accelerator_train: no data pack '$pack'" >&2; exit 2; }
awk -v m="$minutes" 'BEGIN { exit !(m > 0) }' || { echo "accelerator_train: --minutes must be positive" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
pack="$(cd "$(dirname "$pack")" && pwd)/$(basename "$pack")"
build_dir="${build_dir:-$out/build}"
log() { echo "accelerator_train: $*" >&2; }
jobs="$(nproc 2>/dev/null || echo 2)"

# --- 1. LibTorch ------------------------------------------------------------
py="$(command -v python3 || command -v python || true)"
torch_prefix="" torch_abi="" torch_inc=() torch_lib=""
if [ -n "$py" ] && "$py" -c 'import torch' 2>/dev/null; then
  torch_prefix="$("$py" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')"
  torch_abi="$("$py" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
  torch_root="$("$py" -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
  torch_inc=("$torch_root/include" "$torch_root/include/torch/csrc/api/include")
  torch_lib="$torch_root/lib"
  log "PyTorch $("$py" -c 'import torch; print(torch.__version__, "CUDA" if torch.cuda.is_available() else "CPU")') at $torch_root"
else
  log "no importable PyTorch: using the system LibTorch"
  torch_abi=1
  torch_inc=(/usr/include/torch/csrc/api/include)  # /usr/include is searched anyway
  torch_lib="$(dirname "$(ls /usr/lib/*/libtorch_cpu.so /usr/lib/libtorch_cpu.so 2>/dev/null | head -1)" 2>/dev/null || true)"
fi

# --- 2. Build ---------------------------------------------------------------
if [ "$build_mode" = auto ]; then
  if command -v cmake >/dev/null; then build_mode=cmake; else build_mode=direct; fi
fi
t_build=$(date +%s)
mkdir -p "$build_dir"
case "$build_mode" in
  cmake)
    gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
    cmake -S "$here" -B "$build_dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DANN_BUILD_TRAINER=ON \
          -DANN_TRAINER_ONLY=ON -DANN_BUILD_TESTS=OFF ${torch_prefix:+-DCMAKE_PREFIX_PATH="$torch_prefix"} >/dev/null
    cmake --build "$build_dir" -j "$jobs" --target nntar-train >/dev/null
    train="$build_dir/trainer/nntar-train"
    ;;
  direct)
    # The trainer's sources and the model core, as trainer/CMakeLists.txt
    # lists them, compiled in parallel. No Gloo or liblzma headers are
    # assumed here: one process per machine, uncompressed packs (step 3).
    cxx="${CXX:-$(command -v g++ || command -v c++)}"
    gloo=0
    for d in "${torch_inc[@]}" /usr/include; do [ -f "$d/gloo/algorithm.h" ] && gloo=1; done
    flags=(-std=c++17 -O2 -fPIC -D_GLIBCXX_USE_CXX11_ABI="$torch_abi" -DANN_TRAINER_HAVE_GLOO="$gloo"
           -DANN_TRAINER_HAVE_LZMA=0 -I"$here/format/include" -I"$here/format/src" -I"$here/libarchive-nn/src"
           -I"$here/trainer/src")
    for d in "${torch_inc[@]}"; do flags+=(-isystem "$d"); done
    sources=("$here"/trainer/src/*.cpp "$here/format/src/errors.cpp" "$here/libarchive-nn/src/model/model_arch.cpp"
             "$here/libarchive-nn/src/model/model_file.cpp" "$here/libarchive-nn/src/model/random_model.cpp"
             "$here/libarchive-nn/src/transform/transform.cpp")
    mkdir -p "$build_dir/obj"
    printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} sh -c \
      'o="$0/obj/$(echo "$1" | tr / _).o"; [ "$o" -nt "$1" ] || exec "$2" $3 -c "$1" -o "$o"' \
      "$build_dir" {} "$cxx" "${flags[*]}"
    libs=(-L"$torch_lib" -Wl,-rpath,"$torch_lib" -Wl,--no-as-needed)
    for l in torch torch_cpu torch_cuda c10 c10_cuda; do
      ls "$torch_lib"/lib$l.so* >/dev/null 2>&1 && libs+=(-l$l)
    done
    link() { "$cxx" -o "$build_dir/nntar-train" "$build_dir"/obj/*.o "${libs[@]}" -Wl,--as-needed -pthread; }
    if ! link 2>"$build_dir/link.log"; then
      [ "$gloo" = 1 ] || { cat "$build_dir/link.log" >&2; exit 1; }
      # Gloo's headers without Gloo in the library: build for one process.
      log "this LibTorch has no Gloo backend: single-process trainer"
      o="$build_dir/obj/$(echo "$here/trainer/src/distributed.cpp" | tr / _).o"
      "$cxx" ${flags[*]/-DANN_TRAINER_HAVE_GLOO=1/-DANN_TRAINER_HAVE_GLOO=0} -c "$here/trainer/src/distributed.cpp" -o "$o"
      link
    fi
    train="$build_dir/nntar-train"
    ;;
  *) echo "accelerator_train: --build must be cmake or direct" >&2; exit 2 ;;
esac
log "built $train ($build_mode) in $(( $(date +%s) - t_build )) s"
"$train" version >&2

# --- 3. Data pack -----------------------------------------------------------
if [ "$(head -c 6 "$pack" | od -An -tx1 | tr -d ' \n')" = "fd377a585a00" ] && "$train" version | grep -q "xz data packs: no"; then
  raw="$out/pack.raw"
  log "unpacking the xz pack (this trainer has no liblzma)"
  if command -v xz >/dev/null; then xz -dc "$pack" > "$raw"
  else "$py" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$pack" "$raw"; fi
  pack="$raw"
fi

# --- 4. Train, export, evaluate ---------------------------------------------
rm -f "$out/model.ckpt"
args=(--pack "$pack" --preset "$preset" --time-limit "${minutes}m" --export "$out/model.nnm" --card "$out/model.md"
      --checkpoint "$out/model.ckpt" --name "$(basename "$out")" --log-every 30 --eval-every 0 --eval-bytes 1048576)
[ "$nproc" -gt 1 ] && args+=(--nproc "$nproc")
t_train=$(date +%s)
"$train" "${args[@]}" "${extra[@]}"
log "trained in $(( $(date +%s) - t_train )) s"
"$train" eval --model "$out/model.nnm" --pack "$pack" | tee "$out/eval.txt"
log "held-out bits/byte in $out/eval.txt; model $out/model.nnm, card $out/model.md"
