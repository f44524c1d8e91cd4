# '..' in entry names: refused (exit 1, the message names the entry and says
# unsafe), other entries still extracted; -P writes it.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p sandbox/src sandbox/out
cd sandbox/src
echo evil >AAAevil
echo evil2 >BBBBBBBBBB
echo good >good
"$NNTAR" -cf ../../a.nna --no-solid AAAevil BBBBBBBBBB good
cd ../..
$PATCH rename a.nna AAAevil ../evil
$PATCH rename a.nna BBBBBBBBBB ok/../../e
"$NNTAR" -tf a.nna
cd sandbox
expect_exit 1 err.txt "$NNTAR" -xf ../a.nna -C out
expect_in err.txt "'../evil'" "'ok/../../e'" "unsafe"
[ ! -e evil ] && [ ! -e ../evil ] && [ ! -e e ] || fail "'..' entry written outside"
[ ! -e out/ok ] || fail "directory created for an unsafe entry"
[ "$(cat out/good)" = good ] || fail "the safe entry was not extracted"

# Without -C, and from a pipe.
mkdir out2
cd out2
expect_exit 1 ../err.txt "$NNTAR" -xf ../../a.nna
cd ..
[ ! -e evil ] && [ -f out2/good ] || fail "without -C"
mkdir out3
cat ../a.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C out3; }
expect_in err.txt "'../evil'" "unsafe"
[ ! -e evil ] && [ -f out3/good ] || fail "from a pipe"

# -P (absolute names) writes it: out4/../evil is sandbox/evil.
mkdir out4
"$NNTAR" -xPf ../a.nna -C out4
[ "$(cat evil)" = evil ] || fail "-P did not write '../evil'"
[ -f out4/good ] || fail "-P: good"
