#!/usr/bin/env bash
# bench/tree.sh [TREE...] [-o OUT.md]: solid archiving of whole trees, nntar
# against the archivers people use on trees, measured in the same run.
#
# Default trees: the libstdc++ headers (/usr/include/c++/12, present wherever
# g++ is) and, when it has been built, the evaluation tree of
# ../shared/corpus (../corpus-data/eval). For each tree: archive bytes (and
# ratio to tar | xz -9e), compression and extraction time in CPU seconds and
# KB of input per CPU-second (the machine is shared: wall time is not a
# measure), peak memory; for nntar also the cost of extracting one member
# from the middle of the tree against a full extraction (seconds and bytes
# decoded), and the round trip is checked with diff -r. Needs build/cli/nntar;
# installs 7zip and zpaq from Debian when missing (root).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
NNTAR=${NNTAR:-$here/build/cli/nntar}
THREADS=${THREADS:-$(nproc)}
OUT=""
trees=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) OUT=$2; shift 2 ;;
    *) trees+=("$(cd "$1" && pwd)"); shift ;;
  esac
done
if [ ${#trees[@]} -eq 0 ]; then
  [ -d /usr/include/c++/12 ] && trees+=(/usr/include/c++/12)
  [ -d "$here/../corpus-data/eval" ] && trees+=("$(cd "$here/../corpus-data/eval" && pwd)")
fi
[[ -x $NNTAR ]] || { echo "bench: $NNTAR missing (run scripts/bootstrap)" >&2; exit 2; }
if ! command -v 7zz >/dev/null || ! command -v zpaq >/dev/null; then
  apt-get install -y -qq 7zip zpaq >/dev/null
fi
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

# measure NAME CMD...: appends "cpu_s peak_kb wall_s" of CMD to $W/m.
measure() {
  /usr/bin/time -f "%U %S %M %e" -o "$W/time" "$@" > /dev/null 2> "$W/stderr" || { cat "$W/stderr" >&2; exit 1; }
  awk '{printf "%.2f %d %.2f\n", $1 + $2, $3, $4}' "$W/time"
}

report() {
  local tree=$1 parent name input files
  parent=$(dirname "$tree") name=$(basename "$tree")
  input=$(find "$tree" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  files=$(find "$tree" -type f | wc -l)
  echo "### $tree ($files files, $input bytes)"
  echo
  echo "| method | archive bytes | vs tar \| xz -9e | compress CPU s | KB/CPU-s | peak MB | extract CPU s | KB/CPU-s | peak MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$parent" -cf "$W/t.tar" "$name"
  local xz_bytes
  row() {  # row LABEL BYTES "cpu kb wall" "cpu kb wall"
    local c=($3) d=($4)
    local ratio
    ratio=$(awk -v a="$2" -v b="$xz_bytes" 'BEGIN{printf "%.3f", a / b}')
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$ratio" "${c[0]}" \
      "$(awk -v n="$input" -v s="${c[0]}" 'BEGIN{printf "%.0f", n / 1024 / (s > 0.01 ? s : 0.01)}')" \
      "$(( c[1] / 1024 ))" "${d[0]}" \
      "$(awk -v n="$input" -v s="${d[0]}" 'BEGIN{printf "%.0f", n / 1024 / (s > 0.01 ? s : 0.01)}')" "$(( d[1] / 1024 ))"
  }
  local c d
  c=$(measure sh -c "tar --sort=name --owner=0 --group=0 --numeric-owner -C '$parent' -cf - '$name' | xz -9e -T1 > '$W/t.tar.xz'")
  mkdir -p "$W/xzout"; d=$(measure sh -c "xz -dc '$W/t.tar.xz' | tar -xf - -C '$W/xzout'")
  xz_bytes=$(stat -c %s "$W/t.tar.xz")
  row "tar \| xz -9e" "$xz_bytes" "$c" "$d"
  c=$(measure sh -c "tar --sort=name --owner=0 --group=0 --numeric-owner -C '$parent' -cf - '$name' | zstd -19 --long=27 -T1 -q > '$W/t.tar.zst'")
  d=$(measure sh -c "zstd -dc --long=27 -q '$W/t.tar.zst' > /dev/null")
  row "tar \| zstd -19 --long=27" "$(stat -c %s "$W/t.tar.zst")" "$c" "$d"
  rm -f "$W/t.7z"
  c=$(measure sh -c "cd '$parent' && 7zz a -mx=9 -mmt=1 '$W/t.7z' '$name'")
  rm -rf "$W/7zout"; mkdir "$W/7zout"
  d=$(measure sh -c "7zz x -mmt=1 -o'$W/7zout' '$W/t.7z'")
  row "7zz a -mx=9 (solid LZMA2)" "$(stat -c %s "$W/t.7z")" "$c" "$d"
  rm -f "$W/t.zpaq"
  c=$(measure sh -c "cd '$parent' && zpaq a '$W/t.zpaq' '$name' -m5 -t1")
  rm -rf "$W/zpout"; mkdir "$W/zpout"
  d=$(measure sh -c "cd '$W/zpout' && zpaq x '$W/t.zpaq' -t1")
  row "zpaq -m5 (CM)" "$(stat -c %s "$W/t.zpaq")" "$c" "$d"
  local label opts
  for variant in "none|--model none" "default|" "none-nosolid|--model none --no-solid"; do
    label=${variant%%|*} opts=${variant#*|}
    c=$(measure "$NNTAR" -cf "$W/t.nna" --threads "$THREADS" --no-progress $opts -C "$parent" "$name")
    rm -rf "$W/nout"; mkdir "$W/nout"
    d=$(measure "$NNTAR" -xf "$W/t.nna" --threads "$THREADS" --no-progress -C "$W/nout")
    diff -r --no-dereference "$tree" "$W/nout/$name" > /dev/null || { echo "bench: ROUND TRIP FAILED ($label)" >&2; exit 1; }
    case $label in
      none) row "nntar --model none (solid, classical codecs)" "$(stat -c %s "$W/t.nna")" "$c" "$d"
            cp "$W/t.nna" "$W/solid.nna" ;;
      default) row "nntar (default model, solid)" "$(stat -c %s "$W/t.nna")" "$c" "$d" ;;
      none-nosolid) row "nntar --model none --no-solid (one file per entry)" "$(stat -c %s "$W/t.nna")" "$c" "$d" ;;
    esac
  done
  # One member from the middle of the tree (by name order) against the whole archive.
  local member all one
  member=$(cd "$parent" && find "$name" -type f | sort | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}')
  rm -rf "$W/nout"; mkdir "$W/nout"
  all=$(measure "$NNTAR" -xvf "$W/solid.nna" --threads 1 --no-progress -C "$W/nout")
  local all_bytes one_bytes
  all_bytes=$(sed -n 's/^nntar: decoded .* chunks, \([0-9]*\) bytes/\1/p' "$W/stderr")
  rm -rf "$W/nout"; mkdir "$W/nout"
  one=$(measure "$NNTAR" -xvf "$W/solid.nna" --threads 1 --no-progress -C "$W/nout" "$member")
  one_bytes=$(sed -n 's/^nntar: decoded .* chunks, \([0-9]*\) bytes/\1/p' "$W/stderr")
  cmp "$tree/${member#"$name"/}" "$W/nout/$member"
  # The same with the block cut into 1 MiB chunks (--solid-chunk 1M).
  "$NNTAR" -cf "$W/chunked.nna" --threads "$THREADS" --no-progress --model none --solid-chunk 1M -C "$parent" "$name"
  rm -rf "$W/nout"; mkdir "$W/nout"
  local one_c one_c_bytes
  one_c=$(measure "$NNTAR" -xvf "$W/chunked.nna" --threads 1 --no-progress -C "$W/nout" "$member")
  one_c_bytes=$(sed -n 's/^nntar: decoded .* chunks, \([0-9]*\) bytes/\1/p' "$W/stderr")
  echo
  echo "Extracting one member (\`$member\`, $(stat -c %s "$tree/${member#"$name"/}") bytes) from the solid archive" \
       "(\`--model none\`, 1 thread): $(echo "$one" | cut -d' ' -f1) CPU s and $one_bytes bytes decoded, against" \
       "$(echo "$all" | cut -d' ' -f1) CPU s and $all_bytes bytes for the whole archive (the default block is one" \
       "chunk). With \`--solid-chunk 1M\` ($(stat -c %s "$W/chunked.nna") bytes): $(echo "$one_c" | cut -d' ' -f1) CPU s and" \
       "$one_c_bytes bytes decoded."
  echo
}

{
  echo "Trees (bench/tree.sh, $(date -u +%Y-%m-%d), $THREADS threads for nntar, 1 for the others):"
  echo
  for t in "${trees[@]}"; do
    echo "[bench] tree $t" >&2
    report "$t"
  done
} > "$W/tree.md"
cat "$W/tree.md"
[[ -z $OUT ]] || cp "$W/tree.md" "$OUT"
