# Writing through symlinks: an entry below a symlink that points outside
# (relative or absolute target) is refused; a file or directory entry named
# like a symlink never writes to its target; -P follows the symlink.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir outside src out
echo original >outside/victim
cd src
ln -s ../outside link
ln -s "$(cd ../outside && pwd)" alink
ln -s ../outside/victim vlink
ln -s ../outside dlink
mkdir lind alinl dlinl
echo pwn >lind/payload
echo pwn2 >alinl/payload2
echo pwn3 >dlinl/p
echo replaced >vlinj
echo good >good
# The walker keeps this order: each symlink before the entries that use it.
"$NNTAR" -cf ../a.nna --no-solid link alink vlink dlink lind alinl vlinj dlinl good
cd ..
$PATCH rename a.nna lind/payload link/payload
$PATCH rename a.nna alinl/payload2 alink/payload2
$PATCH rename a.nna vlinj vlink
$PATCH rename a.nna dlinl dlink
$PATCH rename a.nna dlinl/p dlink/p
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C out
expect_in err.txt "'link/payload'" "'alink/payload2'" "'dlink'" "'dlink/p'" "symlink"
[ "$(ls -A outside)" = victim ] || fail "written through a symlink: $(ls -A outside)"
[ "$(cat outside/victim)" = original ] || fail "symlink target overwritten"
# The file entry named like the symlink either replaced the symlink itself or
# was refused as a duplicate name; it never wrote to the symlink's target.
if [ -L out/vlink ]; then
  expect_in err.txt "'vlink'"
else
  [ "$(cat out/vlink)" = replaced ] || fail "vlink neither refused nor replaced"
fi
[ "$(cat out/good)" = good ] || fail "good not extracted"

# From a pipe (sequential reading): the same.
mkdir out-pipe
cat a.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C out-pipe; }
[ "$(ls -A outside)" = victim ] || fail "written through a symlink from a pipe"

# -P follows symlinks (documented opt-out).
mkdir out-p
"$NNTAR" -xPf a.nna -C out-p link lind link/payload
[ "$(cat outside/payload)" = pwn ] || fail "-P did not write through the symlink"
