# Ctrl-C (SIGINT) or kill (SIGTERM) in the middle of creating or extracting
# leaves no temporary file behind: neither ARCHIVE.nntar-tmp-PID nor
# .nntar-PID-N.tmp; the exit is the signal's.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 -c "
import random
r = random.Random(3)
words = [''.join(r.choice('abcdefghij') for _ in range(r.randint(2, 9))) for _ in range(3000)]
open('src/big.txt', 'w').write(' '.join(r.choice(words) for _ in range(300000)))"
for sig in INT TERM; do
  "$NNTAR" -cf a.nna --codec mix --threads 1 src &
  pid=$!
  sleep 1.5
  kill -$sig $pid
  rc=0; wait $pid || rc=$?
  [ "$rc" -gt 128 ] || fail "create not stopped by SIG$sig (status $rc)"
  [ -z "$(ls -A | grep nntar-tmp || true)" ] || fail "temporary archive left after SIG$sig: $(ls -A)"
  [ ! -e a.nna ] || fail "a half archive was renamed into place"
done
"$NNTAR" -cf a.nna --codec mix src
mkdir out
for sig in INT TERM; do
  "$NNTAR" -xf a.nna --threads 1 -C out &
  pid=$!
  sleep 1.5
  kill -$sig $pid
  rc=0; wait $pid || rc=$?
  [ "$rc" -gt 128 ] || fail "extraction not stopped by SIG$sig (status $rc)"
  [ -z "$(find out -name '.nntar-*' )" ] || fail "temporary file left after SIG$sig: $(find out)"
  [ ! -e out/src/big.txt ] || fail "a half file was renamed into place"
done
