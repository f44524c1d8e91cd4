# Creating from a tree whose paths are longer than PATH_MAX (here: a -C
# prefix of ~2,000 bytes and names of ~3,000 bytes below it): the walk goes
# one directory at a time (openat, fdopendir, readlinkat), as GNU tar, and
# the archive round-trips every level.
set -eu
. "$TESTDATA/cli/lib.sh"

python3 - <<'PY'
import os
def mkdirs(parts):
    fd = os.open(".", os.O_RDONLY)
    for p in parts:
        try:
            os.mkdir(p, dir_fd=fd)
        except FileExistsError:
            pass
        nfd = os.open(p, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    return fd
prefix = ["prefix-directory-%02d-with-a-long-name-to-reach-path-max" % i for i in range(40)]
fd = mkdirs(prefix + ["tree"] + ["level%03d" % i for i in range(330)])
f = os.open("leaf.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, b"deep leaf\n")
os.close(f)
os.symlink("leaf.txt", "link", dir_fd=fd)
open("prefix.txt", "w").write("/".join(prefix))
PY
prefix=$(cat prefix.txt)
[ "${#prefix}" -gt 2000 ] || fail "prefix too short"
"$NNTAR" -cf deep.nna -C "$prefix" tree 2>err.txt || { cat err.txt >&2; fail "creating from a tree beyond PATH_MAX"; }
"$NNTAR" -tf deep.nna >names.txt
[ "$(wc -l <names.txt)" = 333 ] || fail "expected 333 members, got $(wc -l <names.txt)"
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' names.txt)
[ "$longest" -gt 2900 ] || fail "names not as deep as expected ($longest)"
mkdir out
"$NNTAR" -xf deep.nna -C out
python3 - <<'PY' || fail "the deep leaf did not come back"
import os
fd = os.open("out/tree", os.O_RDONLY)
for i in range(330):
    nfd = os.open("level%03d" % i, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = nfd
f = os.open("leaf.txt", os.O_RDONLY, dir_fd=fd)
assert os.read(f, 100) == b"deep leaf\n"
assert os.readlink("link", dir_fd=fd) == "leaf.txt"
PY
python3 -c "import shutil; shutil.rmtree('prefix-directory-00-with-a-long-name-to-reach-path-max'); shutil.rmtree('out')"
