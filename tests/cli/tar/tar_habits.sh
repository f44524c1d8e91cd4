# GNU tar habits: -h is --dereference (not help), old-style bundled flags
# ("nntar cvf a.nna dir"), -z/-j/-J/-a refused with a hint, and no archive
# written to a terminal.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p real/dir src
echo target >real/file
echo inner >real/dir/x
ln -s ../real/file src/link
ln -s ../real/dir src/dirlink
"$NNTAR" -cf plain.nna src
"$NNTAR" -tvf plain.nna >plain.txt
expect_in plain.txt "src/link -> ../real/file"
"$NNTAR" -chf deref.nna src
mkdir out
"$NNTAR" -xf deref.nna -C out
[ -f out/src/link ] && [ ! -L out/src/link ] && [ "$(cat out/src/link)" = target ] || fail "-h kept the symlink"
[ -f out/src/dirlink/x ] || fail "-h did not follow the directory link"
# A loop through a symlink is reported, not followed forever.
ln -s .. real/dir/up
expect_exit 2 err.txt "$NNTAR" -chf loop.nna real
expect_in err.txt "loop"

nntar_old() { "$NNTAR" "$@"; }
nntar_old cf old.nna src
nntar_old tf old.nna >old.txt
expect_in old.txt "src/link"
mkdir o2
nntar_old xvfC old.nna o2 >x.txt
expect_in x.txt "src/link"
[ -L o2/src/link ] || fail "old-style xvfC"

expect_exit 2 j.txt "$NNTAR" -cjf j.nna src
expect_in j.txt "nntar picks its codecs itself" "--threads"
[ ! -e j.nna ] || fail "-cjf wrote an archive"
for flag in -czf -cJf -caf; do
  expect_exit 2 z.txt "$NNTAR" $flag z.nna src
  expect_in z.txt "drop -"
done
expect_exit 2 zs.txt "$NNTAR" -cf zs.nna --zstd src

# stdout a terminal: refused (python's pty gives the command one).
python3 - "$NNTAR" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-cf", "-", "src"])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
if os.WEXITSTATUS(status) != 2 or b"terminal" not in out:
    sys.exit("expected a refusal, got status %d: %r" % (os.WEXITSTATUS(status), out[:200]))
PY
