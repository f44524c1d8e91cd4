# Several -C (each applies to the names after it, relative to the one
# before, as GNU tar), -vv long lines while creating and extracting, the
# final summary line with -v, and progress with a percentage and an ETA
# while extracting (--progress).
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p a/x b/y c
echo one >a/x/f1
echo two >b/y/f2
echo three >c/f3
"$NNTAR" -cf t.nna -C a x -C ../b y -C "$PWD/c" f3
"$NNTAR" -tf t.nna | sort >names.txt
printf 'f3\nx\nx/f1\ny\ny/f2\n' >want.txt
diff want.txt names.txt >&2 || fail "several -C: wrong names"
tar -cf t.tar -C a x -C ../b y -C "$PWD/c" f3
tar -tf t.tar | sed 's|/$||' | sort >tarnames.txt
diff tarnames.txt names.txt >&2 || fail "several -C: names differ from GNU tar's"
mkdir out
"$NNTAR" -xf t.nna -C out -C .
[ "$(cat out/x/f1 out/y/f2 out/f3)" = "$(printf 'one\ntwo\nthree')" ] || fail "contents after several -C"

"$NNTAR" -cvvf v.nna -C a x >vv.txt 2>vv.err
expect_in vv.txt "-rw-r--r-- " "/" " x/f1"
grep -q '^d.* x$' vv.txt || fail "-vv: no long line for the directory"
expect_in vv.err "1 file, " "written"
mkdir vout
"$NNTAR" -xvvf v.nna -C vout >xvv.txt 2>xvv.err
expect_in xvv.txt " x/f1"
grep -q '^-rw-r--r-- [^ ]*/[^ ]* *4 ' xvv.txt || fail "-xvv: not a long line: $(cat xvv.txt)"
expect_in xvv.err "1 file, " "extracted"
"$NNTAR" --test -vf v.nna >/dev/null 2>t.err
expect_in t.err "1 file, " "tested"
# -v summaries go to stderr: stdout holds only names.
"$NNTAR" -xvf v.nna -C vout --overwrite >names_only.txt 2>/dev/null
[ "$(cat names_only.txt)" = "$(printf 'x\nx/f1')" ] || fail "stdout of -xv is not only the names"

# Progress while extracting a large file: percentage and ETA.
head -c 3000000 /dev/urandom >big.bin
"$NNTAR" -cf big.nna --codec zstd big.bin
mkdir pout
"$NNTAR" -xf big.nna -C pout --progress --threads 1 2>progress.txt
tr '\r' '\n' <progress.txt >progress_lines.txt
grep -q '%  ETA' progress_lines.txt || fail "no percentage and ETA while extracting: $(head -c 300 progress_lines.txt)"
cmp big.bin pout/big.bin || fail "big file differs"
