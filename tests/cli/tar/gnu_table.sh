# A table of tar invocations run by GNU tar and by nntar on the same tree:
# the extracted trees must be the same (member names, contents, types,
# modes, mtimes, symlink targets, hard links: treecmp.py; owners: uid/gid of
# every member), and so must -t listings and -O output. GNU tar writes pax
# (--format=posix) so that it keeps nanoseconds as nntar does.
set -eu
. "$TESTDATA/cli/lib.sh"
command -v tar >/dev/null || { echo "SKIP: no GNU tar"; exit 0; }
tar --version | head -1 | grep -q "GNU tar" || { echo "SKIP: tar is not GNU tar"; exit 0; }

mktree src
mkdir -p src/.git/objects src/dl
echo "ref" >src/.git/HEAD
echo "target file" >real.txt
ln -s ../../real.txt src/dl/outside      # -h follows it
printf 'src/a.txt\nsrc/sub\n' >list.txt
printf 'src/exec.sh\0src/private\0' >list0.txt
if [ "$(id -u)" = 0 ]; then
  chown 1234:5678 src/a.txt
  chown -h 4321:8765 src/link
  chown 65534:65534 src/sub/deep/nested/file.txt
fi

owners() {  # uid:gid of every member, names sorted
  (cd "$1" && find . -mindepth 1 -printf '%p %U:%G\n' | sort)
}

rows=0
# row NAME CREATE-FLAGS -- EXTRACT-FLAGS -- MEMBERS-TO-EXTRACT...
# (create always archives "src" unless -T is among its flags)
row() {
  local name=$1; shift
  local create=() extract=() members=()
  while [ "$1" != -- ]; do create+=("$1"); shift; done; shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do extract+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  members=("$@")
  local inputs=("${INPUT:-src}")
  case " ${create[*]} " in *" -T "*) inputs=() ;; esac
  [ "${INPUT:-}" = none ] && inputs=()
  rm -rf g n g.tar n.nna && mkdir g n
  tar --format=posix -c "${create[@]}" -f g.tar "${inputs[@]}" 2>g_c.err || fail "$name: GNU tar -c failed: $(cat g_c.err)"
  "$NNTAR" -c "${create[@]}" -f n.nna "${inputs[@]}" 2>n_c.err || fail "$name: nntar -c failed: $(cat n_c.err)"
  tar -t -f g.tar "${extract[@]/-p/}" ${members[@]+"${members[@]}"} 2>/dev/null | sed 's|/$||' | sort >g_t.txt || true
  tar -x "${extract[@]}" -f g.tar -C g ${members[@]+"${members[@]}"} 2>g_x.err || fail "$name: GNU tar -x failed: $(cat g_x.err)"
  "$NNTAR" -x "${extract[@]}" -f n.nna -C n ${members[@]+"${members[@]}"} 2>n_x.err || fail "$name: nntar -x failed: $(cat n_x.err)"
  touch -d @0 g n  # the target folders themselves are not members
  for d in ${IMPLICIT:-}; do touch -d @0 "g/$d" "n/$d"; done  # parents made on the way, not members
  python3 "$CLI/treecmp.py" g n >row.err 2>&1 || { cat row.err >&2; fail "$name: the trees differ"; }
  diff -r --no-dereference g n >&2 || fail "$name: contents differ"
  owners g >g_o.txt
  owners n >n_o.txt
  diff g_o.txt n_o.txt >&2 || fail "$name: owners differ"
  rows=$((rows + 1))
  echo "ok  $name"
}

row "plain" -- --
cp -a src srch && rm srch/abslink srch/dangling  # -h cannot follow dangling links (both tars fail)
INPUT=srch row "-h dereference" -h -- --
row "--exclude" --exclude='*.txt' -- --
row "--exclude-vcs" --exclude-vcs -- --
IMPLICIT=src row "-T list" -T list.txt -- --
IMPLICIT=src row "--null -T" --null -T list0.txt -- --
row "--strip-components" -- --strip-components=1 --
IMPLICIT=src row "one member" -- -- -- src/a.txt
IMPLICIT="src src/sub src/sub/deep" row "a directory member" -- -- -- src/sub/deep/nested
IMPLICIT=src row "--wildcards" -- --wildcards -- 'src/*.sh'
row "--exclude on extraction" -- --exclude=nested --
row "-p" -- -p --
row "--no-same-owner" -- --no-same-owner --
row "--numeric-owner" --numeric-owner -- --numeric-owner --
INPUT=none row "several -C" -C src sub -C .. real.txt -- --

# Old-style bundled flags, -O, and -t name lists.
rm -rf g n && mkdir g n
(tar cf g.tar --format=posix src && "$NNTAR" cf n.nna src) 2>/dev/null || fail "old-style cf"
(cd g && tar xf ../g.tar) && (cd n && "$NNTAR" xf ../n.nna)
touch -d @0 g n
python3 "$CLI/treecmp.py" g n || fail "old-style: trees differ"
tar -xOf g.tar src/a.txt src/exec.sh >g.out
"$NNTAR" -xOf n.nna src/a.txt src/exec.sh >n.out
cmp g.out n.out || fail "-O output differs"
tar -tf g.tar | sed 's|/$||' | sort >g_list.txt
"$NNTAR" -tf n.nna | sort >n_list.txt
diff g_list.txt n_list.txt >&2 || fail "-t name lists differ"
echo "$rows rows and old-style, -O, -t: nntar's results equal GNU tar's"
