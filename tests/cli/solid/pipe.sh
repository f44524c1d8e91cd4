# Solid archives stream: created to stdout and extracted from stdin, listed
# the same from a pipe as from the file.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
mkdir out1
"$NNTAR" -cf - --model none src | "$NNTAR" -xf - -C out1
treecmp src out1/src
"$NNTAR" -cf a.nna --model none src
"$NNTAR" -tvf a.nna >file.txt
cat a.nna | "$NNTAR" -tvf - >pipe.txt
diff file.txt pipe.txt >&2 || fail "listing from a pipe differs"
cat a.nna | "$NNTAR" --test -f -
