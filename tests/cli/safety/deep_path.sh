# Names as long as the format allows (4,096 bytes; here 2,000 levels) extract
# below a target directory whose own path makes the whole longer than
# PATH_MAX: extraction walks one directory at a time (openat), as GNU tar.
# The names are crafted (make-solid); path checks still apply at every level.
set -eu
. "$TESTDATA/cli/lib.sh"

deep=$(python3 -c "print('/'.join(['d'] * 2000))")
$PATCH make-solid deep.nna "$deep/leaf.txt=bottom" "top.txt=top" "$deep/../../escape=bad"
long=$(python3 -c "print('/'.join(['target-directory-with-a-long-name'] * 10))")
mkdir -p "$long"
expect_exit 1 err.txt "$NNTAR" -xf deep.nna -C "$long"
expect_in err.txt "unsafe"
python3 - "$long" "$deep" <<'PY' || fail "the deep member did not come back"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for part in sys.argv[2].split("/"):
    nfd = os.open(part, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = nfd
leaf = os.open("leaf.txt", os.O_RDONLY, dir_fd=fd)
assert os.read(leaf, 100) == b"bottom", "content"
PY
[ "$(cat "$long/top.txt")" = top ] || fail "top.txt"
[ -z "$(find "$long" -name '.nntar-*' 2>/dev/null | head -1)" ] || fail "temporary file left"
# The listing and --test take the same names.
"$NNTAR" -tf deep.nna | grep -q "leaf.txt" || fail "deep member not listed"
rm -rf "${long%%/*}" 2>/dev/null || python3 -c "import shutil,sys; shutil.rmtree(sys.argv[1])" "${long%%/*}"
