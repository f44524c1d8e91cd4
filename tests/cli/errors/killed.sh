# kill -9 cannot be caught: the temporary files of a killed run stay. The
# next run that writes beside them removes them (only regular files of
# exactly nntar's name shapes whose PID is no running process) and says so;
# a live run's files and other names are left alone.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
head -c 2000000 /dev/urandom >src/big.bin
echo small >src/small.txt
"$NNTAR" -cf a.nna --codec zstd src

# A dead PID: a process that has exited.
sh -c 'exit 0' &
dead=$!
wait $dead
# Creation: a killed run's temporary archive, and a live one's.
: >"a.nna.nntar-tmp-$dead"
: >"a.nna.nntar-tmp-$$"
: >"a.nna.nntar-tmp-notapid"
"$NNTAR" -cf a.nna --codec zstd src 2>create.err
expect_in create.err "a.nna.nntar-tmp-$dead" "killed"
[ ! -e "a.nna.nntar-tmp-$dead" ] || fail "the killed run's temporary archive is still there"
[ -e "a.nna.nntar-tmp-$$" ] || fail "a live process's temporary archive was removed"
[ -e "a.nna.nntar-tmp-notapid" ] || fail "a name of another shape was removed"

# Extraction: a real kill -9 in the middle of a large file.
mkdir out
"$NNTAR" -xf a.nna -C out --threads 1 &
pid=$!
for _ in $(seq 1 200); do
  ls -A out/src 2>/dev/null | grep -q '^\.nntar-' && break
  sleep 0.01
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
# If it finished before the kill, plant what it would have left.
ls -A out/src 2>/dev/null | grep -q '^\.nntar-' || { mkdir -p out/src; : >"out/src/.nntar-$dead-0.tmp"; }
: >"out/src/.nntar-$$-7.tmp"
: >"out/src/.nntar-x-1.tmp"
"$NNTAR" -xf a.nna -C out 2>extract.err
expect_in extract.err "left by an nntar that was killed"
[ -z "$(ls -A out/src | grep -v -e "^\.nntar-$$-7\.tmp\$" -e '^\.nntar-x-1\.tmp$' | grep '^\.nntar-' || true)" ] \
  || fail "stale temporary files remain: $(ls -A out/src)"
[ -e "out/src/.nntar-$$-7.tmp" ] && [ -e "out/src/.nntar-x-1.tmp" ] || fail "other files were removed"
cmp src/big.bin out/src/big.bin || fail "big.bin differs"
