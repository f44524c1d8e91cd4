# '-' is stdin/stdout: create to a pipe, extract, list and test from one.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
mkdir out
"$NNTAR" -cf - src | "$NNTAR" -xf - -C out
treecmp src out/src

# The archive written to stdout is the one written to a file.
"$NNTAR" -cf a.nna src
"$NNTAR" -cf - src >p.nna
cmp a.nna p.nna || fail "stdout archive differs from file archive"

# Listing and testing from a pipe.
"$NNTAR" -tf a.nna >file.txt
cat a.nna | "$NNTAR" -tf - >pipe.txt
diff file.txt pipe.txt >&2 || fail "-tf - differs"
cat a.nna | "$NNTAR" --test -f -

# -v while writing the archive to stdout: the names must not end up in the
# archive (they go to stderr, like GNU tar).
mkdir out2
"$NNTAR" -cvf - src 2>names.txt | "$NNTAR" -xf - -C out2
treecmp src out2/src
expect_in names.txt "src/sub/deep/nested/file.txt"

# Selected members from a pipe.
mkdir out3
cat a.nna | "$NNTAR" -xf - -C out3 src/sub/deep/nested
[ -f out3/src/sub/deep/nested/file.txt ] || fail "member not extracted from pipe"
[ ! -e out3/src/a.txt ] || fail "unselected member extracted from pipe"
