#!/usr/bin/env bash
# bench/run.sh [EVALDIR] [OUT.md]: the results table of README.md.
#
# In one invocation: the standard codecs (../shared/corpus/baselines.sh, which
# installs them) and nntar with its built-in default model, model referenced
# and embedded, on each modality of the evaluation set and on the mixed tree.
# ratio = archive bytes / raw payload bytes (the size of EVALDIR/X.bin), as in
# BASELINES.md. Speeds are in KB/s of payload and as a ratio to xz -9e's
# compression speed measured in the same run. Then the tree workload
# (bench/tree.sh): whole trees against tar | xz -9e, 7-Zip and zpaq, and the
# JPEG files of Debian packages (bench/jpeg.sh). Needs build/cli/nntar (built
# by scripts/bootstrap) and root for apt-get (baselines.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
EVAL=$(cd "${1:-$here/../corpus-data/eval}" && pwd)
OUT=${2:-}
NNTAR=${NNTAR:-$here/build/cli/nntar}
THREADS=${THREADS:-$(nproc)}
[[ -x $NNTAR ]] || { echo "bench: $NNTAR missing (run scripts/bootstrap)" >&2; exit 2; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

echo "[bench] baselines (standard codecs)" >&2
BASELINES_TITLE="Baselines (same run)" bash "$here/../shared/corpus/baselines.sh" "$EVAL" "$W/baselines.md" > /dev/null

now() { date +%s.%N; }
# row MODALITY LABEL BYTES COMPRESS_S DECOMPRESS_S
: > "$W/rows.tsv"
nntar_case() {  # nntar_case MODALITY LABEL DIR... (options in NNTAR_OPTS)
  local m=$1 label=$2; shift 2
  local t0 t1 t2
  t0=$(now)
  "$NNTAR" -cf "$W/a.nna" --threads "$THREADS" --no-progress $NNTAR_OPTS -C "$EVAL" "$@"
  t1=$(now)
  rm -rf "$W/x" && mkdir "$W/x"
  "$NNTAR" -xf "$W/a.nna" --threads "$THREADS" --no-progress -C "$W/x"
  t2=$(now)
  for d in "$@"; do diff -r "$EVAL/$d" "$W/x/$d" > /dev/null || { echo "bench: ROUND TRIP FAILED for $d" >&2; exit 1; }; done
  printf '%s\t%s\t%s\t%s\t%s\n' "$m" "$label" "$(stat -c %s "$W/a.nna")" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$(awk -v a="$t1" -v b="$t2" 'BEGIN{print b-a}')" >> "$W/rows.tsv"
}
for m in text image audio; do
  echo "[bench] nntar on $m" >&2
  NNTAR_OPTS="" nntar_case "$m" "nntar (default model, referenced)" "$m"
  NNTAR_OPTS="--embed-model" nntar_case "$m" "nntar (default model, embedded)" "$m"
  NNTAR_OPTS="--model none" nntar_case "$m" "nntar --model none (mix/lzma/zstd/flac per chunk)" "$m"
done
echo "[bench] nntar on the mixed tree" >&2
NNTAR_OPTS="" nntar_case mixed "nntar (default model, referenced)" text image audio
NNTAR_OPTS="--embed-model" nntar_case mixed "nntar (default model, embedded)" text image audio
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$EVAL" -cf "$W/mixed.tar" text image audio
t0=$(now); xz -9e -T1 -c "$W/mixed.tar" > "$W/mixed.xz"; t1=$(now)
printf 'mixed\txz -9e (tar of text/ image/ audio/)\t%s\t%s\t-\n' "$(stat -c %s "$W/mixed.xz")" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" >> "$W/rows.tsv"
t0=$(now); zstd --ultra -22 --long=27 -T1 -q -c "$W/mixed.tar" > "$W/mixed.zst"; t1=$(now)
printf 'mixed\tzstd --ultra -22 --long=27 (tar)\t%s\t%s\t-\n' "$(stat -c %s "$W/mixed.zst")" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" >> "$W/rows.tsv"

python3 "$here/bench/report.py" "$EVAL" "$W/rows.tsv" "$W/baselines.md" "$($NNTAR --list-models | head -1)" > "$W/report.md"

# Trees: solid archiving against tar | xz, tar | zstd, 7-Zip and zpaq, on the
# libstdc++ headers and on the evaluation files as a tree (text/ image/
# image-png/ audio/, without the concatenated .bin streams).
echo "[bench] trees" >&2
mkdir -p "$W/eval-tree"
for d in text image image-png audio; do [ -d "$EVAL/$d" ] && cp -r "$EVAL/$d" "$W/eval-tree/"; done
trees=()
[ -d /usr/include/c++/12 ] && trees+=(/usr/include/c++/12)
trees+=("$W/eval-tree")
{ echo; echo "## Trees"; echo; NNTAR=$NNTAR bash "$here/bench/tree.sh" "${trees[@]}"; } >> "$W/report.md"
# JPEG files from Debian packages (bench/jpeg.sh): the jpeg transform.
echo "[bench] JPEG files" >&2
{ echo; echo "## JPEG files"; echo; NNTAR=$NNTAR bash "$here/bench/jpeg.sh"; } >> "$W/report.md"
cat "$W/report.md"
[[ -z $OUT ]] || cp "$W/report.md" "$OUT"
