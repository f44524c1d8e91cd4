# Shared helpers for tests/cli scripts: `. "$TESTDATA/cli/lib.sh"` after `set -eu`.
# Scripts run in a fresh temporary directory; run.py sets NNTAR, MKMODEL, TESTDATA.

CLI="$TESTDATA/cli"
PATCH="python3 $CLI/patch_archive.py"

fail() {
  echo "FAIL: $*" >&2
  exit 99
}

# expect_exit CODE ERRFILE CMD...: runs CMD with stderr to ERRFILE (stdout
# passes through) and checks its exit status.
expect_exit() {
  local want=$1 errfile=$2 rc=0
  shift 2
  "$@" 2>"$errfile" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "--- stderr of: $*" >&2
    cat "$errfile" >&2
    fail "exit status $rc, expected $want: $*"
  fi
}

# expect_in FILE TEXT...: every TEXT occurs (fixed string) in FILE.
expect_in() {
  local file=$1
  shift
  for t in "$@"; do
    grep -qF -- "$t" "$file" || { echo "--- $file:" >&2; cat "$file" >&2; fail "'$t' not in $file"; }
  done
}

# expect_not_in FILE TEXT: TEXT does not occur in FILE.
expect_not_in() {
  if grep -qF -- "$2" "$1"; then cat "$1" >&2; fail "'$2' unexpectedly in $1"; fi
}

# treecmp A B: contents, types, modes, mtimes (ns), symlink targets, hard links.
treecmp() {
  diff -r --no-dereference "$1" "$2" >&2 || fail "diff -r $1 $2"
  python3 "$CLI/treecmp.py" "$1" "$2" || fail "metadata differs: $1 $2"
}

# mktree DIR: a small tree with every entry type and varied metadata.
mktree() {
  python3 "$CLI/mktree.py" "$1"
}

# json_check ARCHIVE PYTHON-EXPR: the --json listing parses, and the expression
# (over `d`, the document, and `e`, a dict path -> entry) is true.
json_check() {
  "$NNTAR" -tf "$1" --json >json.out || fail "nntar -tf $1 --json failed"
  python3 - "$2" <<'PY' || fail "json check failed: $2"
import json, sys
d = json.load(open("json.out"))
e = {x["path"]: x for x in d["entries"]}
ok = eval(sys.argv[1])
if not ok:
    print(json.dumps(d, indent=1)[:4000], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
