# Solid members get the path checks of every entry: a member named "../x"
# or "/x" (crafted: nntar never writes one) is refused, the others extract.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p sandbox/out
$PATCH make-solid h.nna "good=fine" "../evil=bad" "/abs=bad" "ok/../../up=bad"
$PATCH verify h.nna
expect_exit 1 err.txt "$NNTAR" -xf h.nna -C sandbox/out
expect_in err.txt "../evil" "/abs" "ok/../../up" "unsafe"
[ "$(cat sandbox/out/good)" = fine ] || fail "the safe member was not extracted"
[ ! -e sandbox/evil ] && [ ! -e sandbox/up ] && [ ! -e /abs ] || fail "a member escaped"
