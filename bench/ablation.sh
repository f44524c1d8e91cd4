#!/usr/bin/env bash
# bench/ablation.sh [EVALDIR] [-o OUT.md]: what each part of nntar's coding
# is worth on the public evaluation set (../corpus-data/eval, built by
# ../shared/corpus/build.sh), per modality: the transformer alone (--codec
# nn), the context models alone (--codec mix --model none), the mix with the
# transformer as an input (--codec mix), the default choice (auto), and LZMA
# for reference. ratio = archive bytes / payload bytes (EVALDIR/X.bin), as in
# BASELINES.md; speeds in KB of payload per CPU-second, both ways, one thread.
# Every round trip is checked with diff -r.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
NNTAR=${NNTAR:-$here/build/cli/nntar}
EVAL=""
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) OUT=$2; shift 2 ;;
    *) EVAL=$1; shift ;;
  esac
done
EVAL=$(cd "${EVAL:-$here/../corpus-data/eval}" && pwd)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

cpu() {  # cpu CMD...: prints user+sys seconds
  /usr/bin/time -f "%U %S" -o "$W/time" "$@" > /dev/null 2> "$W/err" || { cat "$W/err" >&2; exit 1; }
  awk '{printf "%.2f", $1 + $2}' "$W/time"
}

{
  echo "Ablation (bench/ablation.sh, $(date -u +%Y-%m-%d), 1 thread; model: $($NNTAR --list-models | head -1))"
  echo
  echo "| modality | variant | archive bytes | ratio | bits/B | compress KB/CPU-s | decompress KB/CPU-s |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for m in text image audio; do
    payload=$(stat -c %s "$EVAL/$m.bin")
    for v in "lzma (reference)|--codec lzma --model none" "nn: the transformer alone|--codec nn" \
             "mix, context models alone|--codec mix --model none" "mix with the transformer|--codec mix" \
             "auto (the default)|"; do
      label=${v%%|*} opts=${v#*|}
      echo "[ablation] $m: $label" >&2
      c=$(cpu "$NNTAR" -cf "$W/a.nna" --threads 1 --no-progress $opts -C "$EVAL" "$m")
      rm -rf "$W/x"; mkdir "$W/x"
      d=$(cpu "$NNTAR" -xf "$W/a.nna" --threads 1 --no-progress -C "$W/x")
      diff -r "$EVAL/$m" "$W/x/$m" > /dev/null || { echo "ablation: ROUND TRIP FAILED ($m, $label)" >&2; exit 1; }
      bytes=$(stat -c %s "$W/a.nna")
      awk -v m="$m" -v l="$label" -v b="$bytes" -v p="$payload" -v c="$c" -v d="$d" 'BEGIN {
        printf "| %s | %s | %d | %.4f | %.3f | %.0f | %.0f |\n", m, l, b, b / p, 8 * b / p,
               p / 1024 / (c > 0.01 ? c : 0.01), p / 1024 / (d > 0.01 ? d : 0.01) }'
    done
  done
} > "$W/ablation.md"
cat "$W/ablation.md"
[[ -z $OUT ]] || cp "$W/ablation.md" "$OUT"
