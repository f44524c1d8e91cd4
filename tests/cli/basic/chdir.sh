# -C on create (names relative to DIR, the archive path relative to the
# starting directory) and on extract; -C to a missing directory is fatal.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
"$NNTAR" -cf a.nna -C src a.txt sub
"$NNTAR" -tf a.nna
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src/sub out/sub
cmp src/a.txt out/a.txt
"$NNTAR" -xf a.nna -C out/ a.txt
mkdir -p deep/er
"$NNTAR" -xf "$PWD/a.nna" -C deep/er sub/deep/nested
[ -f deep/er/sub/deep/nested/file.txt ] || fail "-C with a relative path"

expect_exit 2 err.txt "$NNTAR" -xf a.nna -C missing
expect_in err.txt "missing" "not a directory"
expect_exit 2 err.txt "$NNTAR" -cf b.nna -C missing a.txt
expect_in err.txt "missing"
[ ! -e b.nna ] || fail "archive created despite a bad -C"
touch plain
expect_exit 2 err.txt "$NNTAR" -xf a.nna -C plain
