# -v: create prints member names on stdout and a per-block and per-codec
# summary on stderr;
# extract and --test print names; -q prints nothing.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
"$NNTAR" -cvf a.nna src 2>create.err
expect_in create.err "total" "block 1: text"
echo "-- extract"
mkdir out
"$NNTAR" -xvf a.nna -C out src/sub/deep/nested src/sub/up
echo "-- test"
"$NNTAR" --test -vf a.nna src/a.txt
echo "-- quiet"
"$NNTAR" -cqf b.nna src 2>quiet.err
[ ! -s quiet.err ] || fail "-q wrote to stderr"
