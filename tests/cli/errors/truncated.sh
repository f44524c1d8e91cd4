# Truncated archives: exit 2 with a message that says 'truncated', whether cut
# in a chunk, in the index or in the footer, from a file or a pipe.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
seq 1 30000 >src/a
head -c 100000 /dev/urandom >src/b
echo c >src/c
"$NNTAR" -cf full.nna src
size=$(stat -c %s full.nna)
for keep in 20 60 50000 $((size - 100)) $((size - 20)) $((size - 1)); do
  head -c $keep full.nna >cut.nna
  rm -rf out && mkdir out
  expect_exit 2 err.txt "$NNTAR" -xf cut.nna -C out
  expect_in err.txt "cut.nna" "truncated"
  expect_exit 2 err.txt "$NNTAR" --test -f cut.nna
  expect_in err.txt "truncated"
  cat cut.nna | { expect_exit 2 err.txt "$NNTAR" -xf - -C out; }
  expect_in err.txt "truncated"
  expect_exit 2 err.txt "$NNTAR" -tf cut.nna >/dev/null
  expect_in err.txt "truncated"
  [ -z "$(find out -name '*nntar-*')" ] || fail "temporary files left (cut at $keep)"
done
# Entries before the cut are still listed (as GNU tar does) and extracted intact.
head -c 50000 full.nna >cut.nna
expect_exit 2 err.txt "$NNTAR" -tf cut.nna >names.txt
expect_in names.txt "src/a"
expect_in err.txt "truncated"
rm -rf out && mkdir out
expect_exit 2 err.txt "$NNTAR" -xf cut.nna -C out
cmp src/a out/src/a || fail "entry before the cut not extracted"
[ ! -e out/src/b ] || fail "truncated entry left behind"
