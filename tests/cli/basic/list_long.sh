# -tvf: the long listing (mode string, size, coded size, UTC date, name, link).
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
"$NNTAR" -cf a.nna src
"$NNTAR" -tvf a.nna
# The same listing from a pipe (sequential scan instead of the index).
"$NNTAR" -tvf a.nna >seekable.txt
cat a.nna | "$NNTAR" -tvf - >piped.txt
diff seekable.txt piped.txt >&2 || fail "listing from a pipe differs from the indexed listing"
