# Owners, set-id bits, extended attributes and POSIX ACLs (format version 3),
# with GNU tar's rules: as root, `nntar -cpf a.nna --xattrs dir && nntar -xpf
# a.nna -C out` gives back owners, modes with set-id bits, user.* attributes
# and ACLs exactly (checked with stat, getfattr, getfacl); --no-same-owner
# gives root's ownership and no set-id bits; as a normal user the same archive
# extracts without error, owned by that user, without set-id bits; -tv shows
# user/group, --numeric-owner numbers; --no-xattrs/--no-acls leave them out.
set -eu
. "$TESTDATA/cli/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chown, set-id, trusted attributes)"; exit 0; }
command -v getfacl >/dev/null && command -v setfacl >/dev/null && command -v getfattr >/dev/null \
  || fail "getfacl/setfacl/getfattr missing (Debian packages acl and attr: scripts/bootstrap)"

mkdir -p dir/sub
echo "program" >dir/tool
echo "shared" >dir/sub/data
echo "plain" >dir/plain
ln -s plain dir/link
chown 1234:5678 dir/tool
chmod 6755 dir/tool                      # set-user-ID and set-group-ID
chown 65534:65534 dir/sub/data           # nobody/nogroup: names on this system
chown -h 4321:8765 dir/link
chmod 2775 dir/sub
setfattr -n user.comment -v "hello world" dir/plain \
  || { echo "SKIP: this file system refuses user.* attributes"; exit 0; }
setfattr -n user.bin -v 0x00ff00 dir/plain
setfattr -n user.dir -v d dir/sub
setfattr -n trusted.secret -v t dir/plain   # root only
setfacl -m u:1234:rw,g:5678:r dir/sub/data
setfacl -d -m u:1234:rwx dir/sub

snapshot() {  # owners, modes, attributes, ACLs of a tree, relative names
  (cd "$1" && for f in dir dir/sub dir/sub/data dir/tool dir/plain dir/link; do
     stat -c '%n %u:%g %a %F' "$f"
   done
   getfattr -h -d -m '^(user|trusted)\.' --absolute-names dir/plain dir/sub dir/sub/data dir/tool 2>/dev/null
   getfacl -p dir/sub dir/sub/data dir/tool 2>/dev/null)
}
snapshot . >want.txt

"$NNTAR" -cpf a.nna --xattrs dir
"$NNTAR" -tvf a.nna >list.txt
expect_in list.txt "-rwsr-sr-x 1234/5678" "nobody/nogroup" "4321/8765" "drwxrwsr-x root/root"
"$NNTAR" -tvf a.nna --numeric-owner >numeric.txt
expect_in numeric.txt "65534/65534" "0/0"
json_check a.nna "e['dir/tool']['uid'] == 1234 and e['dir/sub/data']['user'] == 'nobody' and \
  [x['name'] for x in e['dir/plain']['xattrs']] == ['trusted.secret', 'user.bin', 'user.comment'] and \
  [x['name'] for x in e['dir/sub/data']['xattrs']] == ['system.posix_acl_access'] and \
  'system.posix_acl_default' in [x['name'] for x in e['dir/sub']['xattrs']]"

echo "== root extracts owners, set-id bits, attributes and ACLs"
mkdir out
"$NNTAR" -xpf a.nna -C out
snapshot out >got.txt
diff want.txt got.txt >&2 || fail "restored metadata differs (want.txt vs got.txt)"
treecmp dir out/dir

echo "== --no-same-owner: root's files, no set-id bits"
mkdir mine
"$NNTAR" -xf a.nna -C mine --no-same-owner
[ "$(stat -c '%u:%g %a' mine/dir/tool)" = "0:0 755" ] || fail "--no-same-owner: $(stat -c '%u:%g %a' mine/dir/tool)"
[ "$(getfattr --only-values -n user.comment mine/dir/plain)" = "hello world" ] || fail "attributes without owners"

echo "== --no-xattrs / --no-acls when archiving"
"$NNTAR" -cf bare.nna --no-xattrs --no-acls dir
json_check bare.nna "all(x['xattrs'] == [] for x in d['entries']) and e['dir/tool']['uid'] == 1234"
"$NNTAR" -cf noacl.nna --no-acls dir
json_check noacl.nna "[x['name'] for x in e['dir/sub/data']['xattrs']] == [] and \
  [x['name'] for x in e['dir/plain']['xattrs']] == ['trusted.secret', 'user.bin', 'user.comment']"
expect_exit 2 conflict.txt "$NNTAR" -cf x.nna --xattrs --no-xattrs dir
expect_in conflict.txt "conflict"

echo "== a normal user: no chown, no set-id, no trusted.*, no error"
U=$(mktemp -d)
trap 'rm -rf "$U"' EXIT
chmod 0755 "$U"
cp a.nna "$U/"
cp "$NNTAR" "$U/nntar"
mkdir -m 0777 "$U/out"
setpriv --reuid=65534 --regid=65534 --clear-groups -- "$U/nntar" -xf "$U/a.nna" -C "$U/out" 2>user.err \
  || { cat user.err >&2; fail "a user's extraction failed"; }
[ "$(stat -c '%u %a' "$U/out/dir/tool")" = "65534 755" ] || fail "user: $(stat -c '%u %a' "$U/out/dir/tool")"
[ "$(getfattr --only-values -n user.comment "$U/out/dir/plain")" = "hello world" ] || fail "user: user.* attribute"
getfattr -n trusted.secret "$U/out/dir/plain" >/dev/null 2>&1 && fail "a user must not get trusted.* attributes"
diff "$U/out/dir/plain" dir/plain >&2 || fail "user: contents"
expect_not_in user.err "error"
