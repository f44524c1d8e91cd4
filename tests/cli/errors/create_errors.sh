# Create-side failures: a missing input (exit 2 as in GNU tar, reported even
# with -q, other inputs archived; when none can be read, an existing archive
# is left alone), an
# unwritable archive path (exit 2, nothing left behind), the archive itself
# among the inputs (skipped with GNU tar's 'file is the archive; not dumped'), '..' and '/' stripped from names with a warning.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
echo a >src/a
expect_exit 2 err.txt "$NNTAR" -cf a.nna src/a nope
expect_in err.txt "nope" "cannot stat"
expect_exit 2 err.txt "$NNTAR" -q -cf a.nna src/a nope
expect_in err.txt "nope" "cannot stat"
[ "$("$NNTAR" -tf a.nna)" = src/a ] || fail "existing input not archived"
# Nothing readable at all (a mistyped name): the existing archive is kept,
# not replaced by an empty one; no archive is made where there was none.
cp a.nna before.nna
expect_exit 2 err.txt "$NNTAR" -cf a.nna nope
expect_in err.txt "nope" "nothing could be archived" "left as it was"
cmp a.nna before.nna || fail "a failed create replaced the archive"
expect_exit 2 err.txt "$NNTAR" -cf none.nna nope nada
[ ! -e none.nna ] || fail "an empty archive was written"
expect_exit 2 err.txt "$NNTAR" -cf no/such/dir/a.nna src
expect_in err.txt "no/such/dir/a.nna"
[ ! -e no ] || fail "directory created"
"$NNTAR" -cf src/self.nna src 2>err.txt
expect_in err.txt "src/self.nna" "file is the archive; not dumped"
"$NNTAR" -tf src/self.nna | grep -q self.nna && fail "the archive archived itself"
# Again, with the old archive in the tree: it is replaced, not packed.
"$NNTAR" -cf src/self.nna src 2>err.txt
expect_in err.txt "src/self.nna" "file is the archive; not dumped"
"$NNTAR" -tf src/self.nna | grep -q self.nna && fail "the archive archived its previous version"
mkdir -p deep/er
cd deep/er
"$NNTAR" -cf ../../up.nna ../../src/a 2>../../err.txt
cd ../..
expect_in err.txt "removing leading"
[ "$("$NNTAR" -tf up.nna)" = src/a ] || fail "'..' not stripped: $("$NNTAR" -tf up.nna)"
"$NNTAR" -cf abs.nna "$PWD/src/a" 2>err.txt
"$NNTAR" -tf abs.nna | grep -q '^/' && fail "absolute name stored"
[ -z "$(ls -A | grep nntar-tmp || true)" ] || fail "temporary archive left"
