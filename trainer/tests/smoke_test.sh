#!/usr/bin/env bash
# Smoke test of nntar-train (ctest label "trainer"): trains the tiny preset
# briefly, exports, parses the model (nntar-train info uses model::parse),
# evaluates it, checks that 20 steps + resume 20 steps equals 40 steps
# straight (bit for bit), and that bad inputs give exit status 2.
#   smoke_test.sh NNTAR_TRAIN WORK_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
train="$(abs "$1")"
fresh_dir "$2"

# 64 KiB of text-like bytes: a repetitive pattern a model can learn in a few
# steps, with some pseudo-random variation.
python3 - <<'PY' 2>/dev/null || awk 'BEGIN { srand(7); for (i = 0; i < 4000; i++) printf "the %d quick brown fox %c\n", int(rand()*100), 97 + int(rand()*26) }' > data.bin
import random
random.seed(7)
words = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "runs"]
out = []
while sum(len(w) + 1 for w in out) < 65536:
    out.append(random.choice(words))
open("data.bin", "w").write(" ".join(out)[:65536])
PY
[ -s data.bin ] || fail "no test data"

common=(--name smoke --data text=data.bin --preset tiny --batch 4 --threads 2 --seed 3 --warmup 5 --lr 3e-3
        --eval-every 10 --eval-bytes 4096 --log-every 0)

echo "== train 30 steps, export, card"
"$train" "${common[@]}" --steps 30 --export m30.nnm --card m30.md > out30.txt 2> err30.txt \
  || { cat err30.txt >&2; fail "training"; }
cat out30.txt
grep -q "^exported m30.nnm" out30.txt || fail "no export line"
size=$(stat -c %s m30.nnm)
# Embedding and output alone are 2 x 256 x 16 float16 values: ~22 KB in all.
[ "$size" -gt 1000 ] && [ "$size" -lt 32768 ] || fail "tiny model is $size bytes, expected about 22 KB"
[ -s m30.md ] || fail "no model card"
grep -q "bits/byte" m30.md || fail "model card lacks results"

echo "== parse (info) and eval"
"$train" info m30.nnm > info30.txt || fail "info on the model"
grep -q "train.steps = 30" info30.txt || fail "train.steps missing"
grep -q "train.bits_per_byte.text" info30.txt || fail "train.bits_per_byte.text missing"
"$train" eval --model m30.nnm --data text=data.bin --bytes 8192 > eval30.txt || fail "eval"
cat eval30.txt
bpb=$(awk '$1 == "text" { print $4 }' eval30.txt)
awk -v b="$bpb" 'BEGIN { exit !(b > 0.5 && b < 7.5) }' || fail "eval bits/byte '$bpb' not below 7.5 after 30 steps"

echo "== 40 steps straight vs 20 + resume 20"
"$train" "${common[@]}" --steps 40 --export straight.nnm 2> err_s.txt > /dev/null || { cat err_s.txt >&2; fail "straight"; }
"$train" "${common[@]}" --steps 40 --stop-at-step 20 --export resumed.nnm 2> err_a.txt > /dev/null \
  || { cat err_a.txt >&2; fail "first half"; }
[ -f resumed.nnm.ckpt ] || fail "no checkpoint after --stop-at-step"
[ ! -f resumed.nnm ] || fail "--stop-at-step must not export"
"$train" --resume resumed.nnm.ckpt --name smoke --export resumed.nnm --eval-every 10 --eval-bytes 4096 --log-every 0 --threads 2 \
  2> err_b.txt > /dev/null || { cat err_b.txt >&2; fail "resume"; }
"$train" info straight.nnm.ckpt > info_s.txt
"$train" info resumed.nnm.ckpt > info_r.txt
for key in step params_hash optimizer_hash eval.text; do
  a=$(grep "^$key " info_s.txt)
  b=$(grep "^$key " info_r.txt)
  [ "$a" = "$b" ] || fail "resume differs from a straight run: '$a' vs '$b'"
done
cmp -s straight.nnm resumed.nnm || fail "exported models differ"
loss_s=$(grep '^step 40/40' err_s.txt | awk '{ print $4 }')
loss_r=$(grep '^step 40/40' err_b.txt | awk '{ print $4 }')
[ -n "$loss_s" ] && [ "$loss_s" = "$loss_r" ] || fail "final loss differs: '$loss_s' vs '$loss_r'"

echo "== resume from a .nnm (fresh optimiser)"
"$train" --resume m30.nnm --data text=data.bin --steps 5 --batch 4 --export warm.nnm --log-every 0 \
  > /dev/null 2> err_w.txt || { cat err_w.txt >&2; fail "resume from .nnm"; }

echo "== errors exit with status 2"
expect2() {
  local what="$1"; shift
  set +e
  "$train" "$@" > /dev/null 2> err.txt
  local rc=$?
  set -e
  [ "$rc" = 2 ] || { cat err.txt >&2; fail "$what: exit status $rc, expected 2"; }
  echo "  $what: $(head -c 200 err.txt)"
}
head -c 10 data.bin > short.bin
: > empty.bin
expect2 "missing data" --data text=nope.bin --preset tiny --steps 1 --export x.nnm
expect2 "empty data" --data text=empty.bin --preset tiny --steps 1 --export x.nnm
expect2 "short data" --data text=short.bin --preset tiny --steps 1 --export x.nnm
expect2 "bad heads" --data text=data.bin --preset tiny --heads 3 --steps 1 --export x.nnm
expect2 "bad value" --data text=data.bin --preset tiny --steps ten --export x.nnm
expect2 "no steps" --data text=data.bin --preset tiny --export x.nnm
expect2 "unknown option" --data text=data.bin --frobnicate 1 --export x.nnm
expect2 "mismatched checkpoint" --resume straight.nnm.ckpt --d-model 32 --export straight.nnm
expect2 "mismatched model" --resume m30.nnm --preset small --data text=data.bin --steps 1 --export y.nnm
expect2 "existing checkpoint" "${common[@]}" --steps 1 --export straight.nnm
expect2 "eval of a non-model" eval --model data.bin --data text=data.bin
echo "PASS"
