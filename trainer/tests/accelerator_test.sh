#!/usr/bin/env bash
# The accelerator script end to end on the CPU (ctest label "trainer"):
# builds nntar-train as a bare PyTorch machine would (the compiler directly,
# no CMake, no liblzma: the xz pack is unpacked with xz or Python), trains a
# tiny model from a tiny data pack for a 1-minute budget, exports model and
# card, prints the held-out bits/byte; the model then round-trips an archive
# with nntar --codec nn. A second, short run checks the CMake build path.
#   accelerator_test.sh SOURCE_DIR NNTAR_TRAIN WORK_DIR [NNTAR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
src="$(cd "$1" && pwd)" train="$(abs "$2")" nntar="${4:-}"
[ -z "$nntar" ] || nntar="$(abs "$nntar")"
fresh_dir "$3"
mkdir -p data/imgs

python3 - <<'PY'
import random
random.seed(5)
words = ["the", "archive", "model", "byte", "stream", "coder", "of", "a", "and", "to", "is", "in"]
text = " ".join(random.choice(words) for _ in range(16000))
open("data/text.txt", "w").write(text[:65536])
w, h = 48, 32
px = bytes((x * 6 + y * 2 + random.randint(0, 4)) % 256 for y in range(h) for x in range(w) for c in range(3))
open("data/imgs/a.ppm", "wb").write(b"P6\n%d %d\n255\n" % (w, h) + px)
PY
"$train" pack --data text=data/text.txt:2 --data image=data/imgs --output tiny.pack > /dev/null || fail "pack"

echo "== direct build, 1-minute budget"
start=$(date +%s)
"$src/trainer/scripts/accelerator_train.sh" --pack tiny.pack --minutes 1 --out run --preset tiny --build direct \
  -- --batch 8 > run.out 2> run.err || { tail -40 run.err >&2; fail "accelerator script (direct build)"; }
echo "  $(( $(date +%s) - start )) s in all"
grep "trained in" run.err
for f in run/model.nnm run/model.md run/eval.txt; do [ -s "$f" ] || fail "missing $f"; done
grep -q "xz data packs: no" run.err || fail "the direct build should be the bare one (no liblzma)"
grep -q "unpacking the xz pack" run.err || fail "the xz pack was not unpacked for the bare trainer"
cat run/eval.txt
bpb=$(awk '$1 == "text" { print $4 }' run/eval.txt)
awk -v b="$bpb" 'BEGIN { exit !(b > 0 && b < 6) }' || fail "held-out text at $bpb bits/byte after a minute"
steps=$("$train" info run/model.nnm | awk -F' = ' '$1 == "train.steps" { print $2 }')
[ "${steps:-0}" -gt 100 ] || fail "only ${steps:-0} steps in a minute"

if [ -n "$nntar" ]; then
  echo "== the model round-trips an archive"
  "$nntar" -cf a.nna --model run/model.nnm --codec nn data || fail "pack with the model"
  "$nntar" -tvf a.nna --model run/model.nnm > listing.txt 2>&1 || fail "listing with the model"
  grep -q "referenced, available" listing.txt || fail "the archive does not name the model: $(cat listing.txt)"
  mkdir out
  "$nntar" -xf a.nna --model run/model.nnm -C out || fail "extract"
  diff -r data out/data || fail "round trip differs"
fi

echo "== CMake build, short run"
"$src/trainer/scripts/accelerator_train.sh" --pack tiny.pack --minutes 0.1 --out run2 --preset tiny --build cmake \
  > run2.out 2> run2.err || { tail -40 run2.err >&2; fail "accelerator script (CMake build)"; }
[ -s run2/model.nnm ] && grep -q "bits/byte" run2/eval.txt || fail "CMake path: no model or evaluation"
echo "PASS"
