# nntar -cf a.nna -C dir . (and ./) works as in GNU tar: the directory's
# contents become top-level members (without tar's "./" prefix; the
# directory itself, "." has no member name, so its own metadata is not stored).
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
"$NNTAR" -cf a.nna -C src .
"$NNTAR" -tf a.nna >names.txt
expect_in names.txt "a.txt" "sub/deep/nested/file.txt"
grep -q '^\./\|^src' names.txt && fail "names carry a prefix"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src/sub out/sub
diff -r --no-dereference src out >&2 || fail "contents differ"
"$NNTAR" -cf b.nna -C src ./
mkdir out2
"$NNTAR" -xf b.nna -C out2
diff -r --no-dereference src out2 >&2 || fail "contents differ (./)"
# The archive written into the tree being packed is not packed.
"$NNTAR" -cf src/self.nna -C src . 2>err.txt
expect_in err.txt "file is the archive; not dumped"
"$NNTAR" -tf src/self.nna | grep -q self.nna && fail "the archive packed itself"
true
