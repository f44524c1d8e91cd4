# A bit flip in the index (a path byte of its last entry, so the index no
# longer matches its checksums): listing falls back to scanning the entries
# (exit 0, the true names); extraction and --test still deliver every file
# and report the damaged index with exit 2.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
seq 1 20000 >src/a
seq 5 30000 >src/b
seq 7 9000 >src/c
"$NNTAR" -cf good.nna src
cp good.nna bad.nna
$PATCH flip-index bad.nna
"$NNTAR" -tf good.nna >good.txt
"$NNTAR" -tf bad.nna >bad.txt
diff good.txt bad.txt >&2 || fail "listing of a damaged index differs"
mkdir out
expect_exit 2 err.txt "$NNTAR" -xf bad.nna -C out
expect_in err.txt "bad.nna" "index"
treecmp src out/src
mkdir out-pipe
cat bad.nna | { expect_exit 2 err.txt "$NNTAR" -xf - -C out-pipe; }
expect_in err.txt "index"
treecmp src out-pipe/src
expect_exit 2 err.txt "$NNTAR" --test -f bad.nna
expect_in err.txt "index"

# A damaged footer: the same.
cp good.nna footer.nna
$PATCH flip-byte footer.nna -10
"$NNTAR" -tf footer.nna >footer.txt
diff good.txt footer.txt >&2 || fail "listing with a damaged footer differs"
mkdir out-footer
expect_exit 2 err.txt "$NNTAR" -xf footer.nna -C out-footer
treecmp src out-footer/src
