# create -> list -> extract -> compare: contents (diff -r) and metadata (modes,
# mtimes with nanoseconds, symlink targets, hard links sharing an inode).
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
"$NNTAR" -cf a.nna src
"$NNTAR" -tf a.nna
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
[ "$(stat -c %i out/src/hard2)" = "$(stat -c %i out/src/sub/hard1)" ] || fail "hard links do not share an inode"
[ "$(stat -c %i out/src/hard2)" = "$(stat -c %i out/src/sub/deep/hard3)" ] || fail "hard links do not share an inode"
[ "$(stat -c %h out/src/hard2)" = 3 ] || fail "link count of hard2"
[ "$(readlink out/src/abslink)" = /nonexistent/nntar-target ] || fail "absolute symlink target"

# Nanoseconds: the archive keeps what the file system gave (checked exactly
# when this file system keeps nanoseconds).
ns=$(stat -c %y src/a.txt | sed 's/.*\.\([0-9]*\).*/\1/')
json_check a.nna "e['src/a.txt']['mtime_nsec'] == int('$ns') and e['src/a.txt']['mtime'] == 1600000000"
if [ "$ns" = 123456789 ]; then
  [ "$(stat -c %y out/src/a.txt)" = "$(stat -c %y src/a.txt)" ] || fail "nanoseconds lost"
fi

# Without -C, into the current directory; then again over the existing tree.
mkdir here
cd here
"$NNTAR" -xf ../a.nna
treecmp ../src src
"$NNTAR" -xf ../a.nna
treecmp ../src src
[ "$(stat -c %h src/hard2)" = 3 ] || fail "link count after extracting twice"
# No temporary files left behind.
[ -z "$(find . -name '*nntar-*')" ] || fail "temporary files left"
