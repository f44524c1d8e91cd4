# Extracting selected members only: a file, a directory (with and without a
# trailing slash); a name prefix is not a directory prefix.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
mkdir src/su
echo not-sub >src/su/other
"$NNTAR" -cf a.nna src
mkdir out
"$NNTAR" -xf a.nna -C out src/a.txt src/hard2 src/sub/
[ -f out/src/a.txt ] || fail "a.txt not extracted"
treecmp src/sub out/src/sub
[ ! -e out/src/su ] || fail "src/su extracted for src/sub/"
[ ! -e out/src/exec.sh ] || fail "unselected file extracted"
[ "$(ls -A out/src | tr '\n' ' ')" = "a.txt hard2 sub " ] || fail "extra entries: $(ls -A out/src)"
mkdir out2
"$NNTAR" -xf a.nna -C out2 src/sub/deep/nested src/sub/up
[ "$(cd out2 && find . | sort | tr '\n' ' ')" = ". ./src ./src/sub ./src/sub/deep ./src/sub/deep/nested ./src/sub/deep/nested/file.txt ./src/sub/up " ] ||
  fail "src/sub/deep/nested: $(cd out2 && find . | sort)"
# A hard link whose target was not selected cannot be made (like tar): exit 1.
mkdir out3
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C out3 src/sub/hard1
expect_in err.txt "src/sub/hard1"
