#!/usr/bin/env bash
# bench/jpeg.sh [DIR...] [-o OUT.md]: JPEG files archived by nntar (the jpeg
# transform, spec/archive_format.md §11.5) against the archivers people use,
# measured in the same run.
#
# Default: every JPEG (*.jpg, *.jpeg, regular files) that Debian 12 packages
# put under /usr/share, and under $CORPUS_CACHE/x (default
# /var/tmp/corpus-cache/x, the packages ../shared/corpus/build.sh unpacks:
# the wallpapers of plasma-workspace-wallpapers, mate-backgrounds,
# lomiri-wallpapers, lxqt-themes, python3-skimage's test images). The files
# are copied into one folder (numbered names). Reports the archive against
# the files' bytes, how many entries hold JPEG XL (--json), the round trip
# (cmp of every file), CPU seconds and KB of input per CPU-second both ways,
# peak memory; baselines tar | xz -9e and 7-Zip (solid LZMA2, -mx=9).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
NNTAR=${NNTAR:-$here/build/cli/nntar}
THREADS=${THREADS:-$(nproc)}
CACHE=${CORPUS_CACHE:-/var/tmp/corpus-cache}
OUT=""
dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) OUT=$2; shift 2 ;;
    *) dirs+=("$1"); shift ;;
  esac
done
[ ${#dirs[@]} -gt 0 ] || { dirs=(/usr/share); [ -d "$CACHE/x" ] && dirs+=("$CACHE/x"); }
[[ -z $OUT ]] || exec > >(tee "$OUT")
[[ -x $NNTAR ]] || { echo "bench: $NNTAR missing (run scripts/bootstrap)" >&2; exit 2; }
command -v 7zz >/dev/null || apt-get install -y -qq 7zip >/dev/null
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir "$W/jpeg"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "$W/jpeg/$(printf '%03d' "$i")-$(basename "$f")"
done < <(find "${dirs[@]}" -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) -size +0 -print0 2>/dev/null | sort -z)
[ "$i" -gt 0 ] || { echo "bench: no JPEG files found in ${dirs[*]}" >&2; exit 2; }
input=$(find "$W/jpeg" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

measure() {  # prints "cpu_s peak_kb"
  /usr/bin/time -f "%U %S %M" -o "$W/time" "$@" > /dev/null 2> "$W/stderr" || { cat "$W/stderr" >&2; exit 1; }
  awk '{printf "%.2f %d\n", $1 + $2, $3}' "$W/time"
}
kbps() { awk -v n="$input" -v s="$1" 'BEGIN{printf "%.0f", n / 1024 / (s > 0.01 ? s : 0.01)}'; }
row() {  # row LABEL BYTES "cpu kb" "cpu kb"
  local c=($3) d=($4)
  printf '| %s | %s | %.4f | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(awk -v a="$2" -v b="$input" 'BEGIN{print a / b}')" \
    "${c[0]}" "$(kbps "${c[0]}")" "$((c[1] / 1024))" "${d[0]}" "$(kbps "${d[0]}")" "$((d[1] / 1024))"
}

echo "### JPEG files from Debian packages ($i files, $input bytes)"
echo
echo "| method | archive bytes | vs the files | compress CPU s | KB/CPU-s | peak MB | extract CPU s | KB/CPU-s | peak MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
c=$(measure sh -c "tar --sort=name --owner=0 --group=0 --numeric-owner -C '$W' -cf - jpeg | xz -9e -T1 > '$W/t.tar.xz'")
d=$(measure sh -c "xz -dc '$W/t.tar.xz' > /dev/null")
row "tar \| xz -9e" "$(stat -c %s "$W/t.tar.xz")" "$c" "$d"
c=$(measure sh -c "cd '$W' && 7zz a -mx=9 -mmt=1 '$W/t.7z' jpeg")
d=$(measure sh -c "cd '$W' && mkdir -p 7zout && 7zz x -mmt=1 -o'$W/7zout' '$W/t.7z'")
row "7zz a -mx=9" "$(stat -c %s "$W/t.7z")" "$c" "$d"
c=$(measure "$NNTAR" -cf "$W/t.nna" --threads "$THREADS" --no-progress -C "$W" jpeg)
mkdir "$W/out"
d=$(measure "$NNTAR" -xf "$W/t.nna" --threads "$THREADS" --no-progress -C "$W/out")
row "nntar (default)" "$(stat -c %s "$W/t.nna")" "$c" "$d"
diff -r "$W/jpeg" "$W/out/jpeg" > /dev/null || { echo "bench: ROUND TRIP FAILED" >&2; exit 1; }
transcoded=$("$NNTAR" -tf "$W/t.nna" --json | python3 -c "import json,sys; print(sum(e.get('transform') == 'jpeg' for e in json.load(sys.stdin)['entries']))")
echo
echo "$transcoded of $i files held as JPEG XL, the others stored as bytes; every file extracted byte for byte (diff -r)."
