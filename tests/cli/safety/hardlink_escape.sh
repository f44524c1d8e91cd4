# Hard links to '../x', to an absolute path, or through a symlink are refused
# (exit 1, 'unsafe'); the target outside is not linked into the tree.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p sandbox/src sandbox/out outside
echo victim >sandbox/x
echo victim >outside/victim
abs="$PWD/outside/victim"
bname=$(printf 'B%.0s' $(seq ${#abs}))
cd sandbox/src
ln -s ../../outside link
echo a >AAAA
ln AAAA hl
echo b >"$bname"
ln "$bname" hb
echo c >CCCCCCCCCCC
ln CCCCCCCCCCC hc
echo good >good
"$NNTAR" -cf ../../a.nna link AAAA hl "$bname" hb CCCCCCCCCCC hc good
cd ../..
$PATCH relink a.nna hl ../x
$PATCH relink a.nna hb "$abs"
$PATCH relink a.nna hc link/victim
json_check a.nna "e['hl']['link'] == '../x' and e['hc']['link'] == 'link/victim'"
cd sandbox
expect_exit 1 err.txt "$NNTAR" -xf ../a.nna -C out
expect_in err.txt "'hl'" "'hb'" "'hc'" "unsafe" "symlink"
[ ! -e out/hl ] && [ ! -e out/hb ] && [ ! -e out/hc ] || fail "unsafe hard link created"
[ "$(stat -c %h x)" = 1 ] && [ "$(stat -c %h ../outside/victim)" = 1 ] || fail "victim got a link"
[ "$(cat out/good)" = good ] && [ -f out/AAAA ] || fail "safe entries not extracted"
# -P allows it.
mkdir out-p
"$NNTAR" -xPf ../a.nna -C out-p AAAA hl
[ "$(stat -c %i out-p/hl)" = "$(stat -c %i x)" ] || fail "-P: hard link to ../x not made"
