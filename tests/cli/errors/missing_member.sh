# Extracting a member that is not in the archive: exit 1 with 'not found';
# the members that exist are still extracted.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
echo a >src/a
echo b >src/b
"$NNTAR" -cf a.nna src
mkdir out
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C out src/nope
expect_in err.txt "'src/nope'" "not found"
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C out src/a src/nope src/sr
expect_in err.txt "'src/nope'" "'src/sr'" "not found"
[ "$(cat out/src/a)" = a ] && [ ! -e out/src/b ] || fail "wrong members extracted"
expect_exit 1 err.txt "$NNTAR" --test -f a.nna src/nope
cat a.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C out src/b nope; }
expect_in err.txt "'nope'" "not found"
[ "$(cat out/src/b)" = b ] || fail "src/b from a pipe"
