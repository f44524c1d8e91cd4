# A 0-byte file, alone and beside others.
set -eu
. "$TESTDATA/cli/lib.sh"

: >zero
chmod 0640 zero
touch -d '2010-01-01 00:00:00.25' zero
"$NNTAR" -cf a.nna zero
json_check a.nna "d['entries'] == [dict(d['entries'][0], path='zero', type='file', size=0, chunks=0)]"
mkdir out
"$NNTAR" -xf a.nna -C out
[ -f out/zero ] && [ ! -s out/zero ] || fail "empty file not extracted"
[ "$(stat -c '%a %y' out/zero)" = "$(stat -c '%a %y' zero)" ] || fail "metadata lost"

mkdir src
: >src/e1
echo x >src/mid
: >src/e2
"$NNTAR" -cf b.nna src
mkdir out2
"$NNTAR" -xf b.nna -C out2
treecmp src out2/src
