# An archive holding only an empty directory.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p src/nothing
chmod 0751 src/nothing
touch -d '2001-02-03 04:05:06.5' src/nothing
"$NNTAR" -cf a.nna src/nothing
"$NNTAR" -tf a.nna
json_check a.nna "len(d['entries']) == 1 and d['entries'][0]['type'] == 'directory' and d['entries'][0]['size'] == 0"
mkdir out
"$NNTAR" -xf a.nna -C out
[ -d out/src/nothing ] || fail "directory not extracted"
[ -z "$(ls -A out/src/nothing)" ] || fail "directory not empty"
[ "$(stat -c '%a %Y' out/src/nothing)" = "751 $(stat -c %Y src/nothing)" ] || fail "metadata lost"
treecmp src/nothing out/src/nothing
"$NNTAR" --test -f a.nna
