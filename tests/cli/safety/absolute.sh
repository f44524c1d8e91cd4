# Absolute entry names (a file, a directory, a hard link target): refused with
# exit 1 and an 'unsafe' message naming the entry; safe entries extracted.
set -eu
. "$TESTDATA/cli/lib.sh"

victim="$PWD/victim-file"
vdir="$PWD/victim-dir"
name=$(printf 'A%.0s' $(seq ${#victim}))
dname=$(printf 'D%.0s' $(seq ${#vdir}))
mkdir src out
cd src
echo evil >"$name"
mkdir "$dname"
echo good >good
ln good hl-good
"$NNTAR" -cf ../a.nna --no-solid "$name" "$dname" good hl-good
cd ..
$PATCH rename a.nna "$name" "$victim"
$PATCH rename a.nna "$dname" "$vdir"
json_check a.nna "'$victim' in e and e['$vdir']['type'] == 'directory'"
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C out
expect_in err.txt "'$victim'" "'$vdir'" "unsafe"
[ ! -e "$victim" ] && [ ! -e "$vdir" ] || fail "absolute entry written"
[ -f out/good ] && [ "$(stat -c %i out/good)" = "$(stat -c %i out/hl-good)" ] || fail "safe entries not extracted"
# Nothing appears inside out either (no stripping of the leading '/').
[ "$(ls -A out | tr '\n' ' ')" = "good hl-good " ] || fail "unexpected files: $(ls -A out)"
# Without -C, the relative root is the current directory: still refused.
mkdir out2
cd out2
expect_exit 1 ../err.txt "$NNTAR" -xf ../a.nna
cd ..
[ ! -e "$victim" ] || fail "absolute entry written without -C"
