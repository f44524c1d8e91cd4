# Modes on extraction, as GNU tar: root keeps them; a user gets them less
# the umask (and without sticky or set-id bits) unless -p. Run as root, the
# user's case runs as nobody (setpriv).
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p src/shared
echo x >src/open.txt
chmod 0666 src/open.txt
chmod 1777 src/shared
"$NNTAR" -cf a.nna src
chmod 0644 a.nna
as_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c 'umask 077 && exec "$@"' sh "$@"
  else
    sh -c 'umask 077 && exec "$@"' sh "$@"
  fi
}
if [ "$(id -u)" = 0 ]; then
  mkdir root-out
  "$NNTAR" -xf a.nna -C root-out
  [ "$(stat -c %a root-out/src/open.txt)" = 666 ] || fail "root: $(stat -c %a root-out/src/open.txt)"
  [ "$(stat -c %a root-out/src/shared)" = 1777 ] || fail "root dir: $(stat -c %a root-out/src/shared)"
fi
# The user needs a path it can walk (the build may sit in a private
# folder): a fresh folder under /tmp with the archive and the program.
U=$(mktemp -d)
trap 'rm -rf "$U"' EXIT
chmod 0755 "$U"
cp a.nna "$U/"
cp "$NNTAR" "$U/nntar"
NNTAR=$U/nntar
mkdir -m 0777 "$U/user-out" "$U/user-p"
as_user "$NNTAR" -xf "$U/a.nna" -C "$U/user-out"
[ "$(stat -c %a "$U/user-out/src/open.txt")" = 600 ] || fail "user, umask 077: $(stat -c %a "$U/user-out/src/open.txt")"
[ "$(stat -c %a "$U/user-out/src/shared")" = 700 ] || fail "user dir, umask 077: $(stat -c %a "$U/user-out/src/shared")"
as_user "$NNTAR" -xpf "$U/a.nna" -C "$U/user-p"
[ "$(stat -c %a "$U/user-p/src/open.txt")" = 666 ] || fail "user -p: $(stat -c %a "$U/user-p/src/open.txt")"
