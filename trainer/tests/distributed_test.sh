#!/usr/bin/env bash
# Data-parallel training (ctest label "trainer"): a tiny model trained by 1
# process and by 2 processes over loopback (--nproc 2, and the same through
# RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT as an external launcher sets them)
# follows the same loss curve and reaches the same held-out bits/byte, up to
# floating-point reduction order; a run checkpointed by 2 processes resumes
# in 1; SIGTERM checkpoints every worker's run; data packs round-trip.
#   distributed_test.sh NNTAR_TRAIN WORK_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
train="$(abs "$1")"
fresh_dir "$2"

python3 - <<'PY'
import random
random.seed(11)
words = ["int", "return", "const", "struct", "void", "if", "else", "for", "while", "x", "y", "size_t", "{", "}", ";"]
out = []
while sum(len(w) + 1 for w in out) < 98304:
    out.append(random.choice(words) + ("\n" if random.random() < 0.1 else ""))
open("data.bin", "w").write(" ".join(out)[:98304])
PY

"$train" version | grep -q "distributed (gloo): yes" \
  || fail "this nntar-train has no Gloo backend (install libgloo-dev: scripts/bootstrap --trainer)"
common=(--data text=data.bin --preset tiny --batch 8 --seed 5 --warmup 10 --lr 3e-3 --steps 60
        --eval-every 0 --eval-bytes 16384 --log-every 0)

# The largest difference of two loss logs ("step loss grad_norm lr").
max_diff() { paste "$1" "$2" | awk '$1 != $5 { print "steps differ"; exit 1 }
  { d = $2 - $6; if (d < 0) d = -d; if (d > m) m = d } END { if (NR == 0) exit 1; printf "%.6f\n", m }'; }
final_eval() { awk '/^final eval:/ { print $4 }' "$1"; }
close_to() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; }

echo "== 1 process"
"$train" "${common[@]}" --threads 1 --export one.nnm --loss-log one.log > one.out 2> one.err || { cat one.err >&2; fail "1 process"; }
echo "== 2 processes (--nproc 2)"
"$train" "${common[@]}" --nproc 2 --export two.nnm --loss-log two.log > two.out 2> two.err || { cat two.err >&2; fail "--nproc 2"; }
grep -q "2 processes" two.err || fail "the 2-process run does not say so"
[ "$(wc -l < two.log)" = 60 ] || fail "loss log has $(wc -l < two.log) lines, expected 60 (one per step, rank 0 only)"
d=$(max_diff one.log two.log) || fail "loss logs do not line up"
echo "  largest per-step loss difference: $d bits/byte"
close_to "$d" 0 0.002 || fail "1 and 2 processes diverge: $d bits/byte"
e1=$(final_eval one.out) e2=$(final_eval two.out)
echo "  held-out: $e1 (1 process) vs $e2 (2 processes)"
close_to "$e1" "$e2" 0.01 || fail "held-out bits/byte differ: $e1 vs $e2"
awk -v a="$e1" 'BEGIN { exit !(a < 7.0) }' || fail "the model did not learn ($e1 bits/byte)"

echo "== 2 processes started by hand (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for r in 0 1; do
  RANK=$r WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$train" "${common[@]}" --threads 1 --export env.nnm --loss-log env.log > env$r.out 2> env$r.err &
  pids[$r]=$!
done
wait "${pids[0]}" || { cat env0.err >&2; fail "rank 0"; }
wait "${pids[1]}" || { cat env1.err >&2; fail "rank 1"; }
[ ! -s env1.out ] || fail "rank 1 wrote to stdout"
d=$(max_diff two.log env.log) || fail "loss logs do not line up"
close_to "$d" 0 0.002 || fail "launcher and environment runs differ by $d"

echo "== checkpoint with 2 processes, resume with 1"
"$train" "${common[@]}" --nproc 2 --stop-at-step 30 --export split.nnm --loss-log split.log > /dev/null 2> split_a.err \
  || { cat split_a.err >&2; fail "first half"; }
[ -f split.nnm.ckpt ] && [ ! -f split.nnm ] || fail "--stop-at-step must checkpoint and not export"
"$train" --resume split.nnm.ckpt --export split.nnm --threads 1 --log-every 0 --loss-log split.log > split.out 2> split_b.err \
  || { cat split_b.err >&2; fail "resume in 1 process"; }
d=$(max_diff one.log split.log) || fail "resumed loss log does not line up"
close_to "$d" 0 0.002 || fail "2+1 processes differ from 1 by $d"
close_to "$(final_eval split.out)" "$e1" 0.01 || fail "resumed held-out $(final_eval split.out) vs $e1"

echo "== SIGTERM to the launcher: every worker stops at the same step, rank 0 checkpoints"
"$train" --data text=data.bin --preset tiny --batch 8 --steps 1000000 --log-every 0 --eval-every 0 \
  --nproc 2 --export term.nnm > /dev/null 2> term.err &
launcher=$!
for _ in $(seq 1 100); do grep -q "processes joined" term.err 2>/dev/null && break; sleep 0.2; done
sleep 1
kill -TERM "$launcher"
set +e; wait "$launcher"; rc=$?; set -e
[ "$rc" = 143 ] || { cat term.err >&2; fail "terminated run exits $rc, expected 143"; }
[ -f term.nnm.ckpt ] || fail "no checkpoint after SIGTERM"
grep -q "terminated at step" term.err || fail "no 'terminated' message"

echo "== data pack: write, train from it, evaluate it"
mkdir -p imgs
python3 -c "
import random
random.seed(3)
w, h = 40, 30
px = bytes((x * 5 + y * 3 + random.randint(0, 6)) % 256 for y in range(h) for x in range(w) for c in range(3))
open('imgs/a.ppm', 'wb').write(b'P6\n%d %d\n255\n' % (w, h) + px)
"
"$train" pack --data text=data.bin:2 --data image=imgs --output p.pack > pack.out || fail "pack"
cat pack.out
grep -q "^eval  text" pack.out && grep -q "^train image" pack.out || fail "pack members"
[ "$(head -c 6 p.pack | od -An -tx1 | tr -d ' \n')" = fd377a585a00 ] || fail "the pack is not xz"
"$train" pack --data text=data.bin --output raw.pack --no-xz > /dev/null || fail "pack --no-xz"
[ "$(head -c 8 raw.pack)" = NNTRPACK ] || fail "an uncompressed pack starts with NNTRPACK"
"$train" pack --data text=data.bin --output capped.pack --max-size 16K > /dev/null 2>&1 || fail "capped pack"
[ "$(stat -c %s capped.pack)" -le 16384 ] || fail "capped pack is $(stat -c %s capped.pack) bytes"
"$train" --pack p.pack --preset tiny --batch 8 --steps 20 --eval-every 0 --log-every 0 --export fromp.nnm \
  > fromp.out 2> fromp.err || { cat fromp.err >&2; fail "train from pack"; }
grep -q "final eval:  text [0-9.]*  image [0-9.]* bits/byte" fromp.out || fail "evaluation of the pack's held-out sets"
"$train" eval --model fromp.nnm --pack p.pack > evalp.out || fail "eval --pack"
grep -q "^image " evalp.out || fail "eval --pack lists image"
cp raw.pack bad.pack
printf 'X' | dd of=bad.pack bs=1 seek=200 conv=notrunc 2> /dev/null
set +e; "$train" eval --model fromp.nnm --pack bad.pack > /dev/null 2> bad.err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "checksum" bad.err || fail "a damaged pack: status $rc, $(cat bad.err)"

echo "== errors"
expect2() {
  local what="$1"; shift
  set +e; env "$@" > /dev/null 2> err.txt; local rc=$?; set -e
  [ "$rc" = 2 ] || { cat err.txt >&2; fail "$what: status $rc, expected 2"; }
  echo "  $what: $(head -c 160 err.txt)"
}
expect2 "batch not a multiple" "$train" "${common[@]}" --batch 3 --nproc 2 --export b3.nnm
expect2 "rank out of range" RANK=3 WORLD_SIZE=2 "$train" "${common[@]}" --export r3.nnm
expect2 "nproc 0" "$train" "${common[@]}" --nproc 0 --export n0.nnm
if "$train" version | grep -q "default device: cpu"; then
  expect2 "no CUDA here" "$train" "${common[@]}" --device cuda --export cu.nnm
fi
expect2 "bf16 on the CPU" "$train" "${common[@]}" --device cpu --precision bf16 --export bf.nnm
echo "PASS"
