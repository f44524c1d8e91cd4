# Names with spaces, a newline, a tab, quotes, backslashes, UTF-8, a leading
# dash and the longest name a directory entry allows (255 bytes); listings
# escape control bytes as GNU tar does (a newline cannot forge a line), and
# --json stays valid JSON for a name that is not UTF-8.
set -eu
. "$TESTDATA/cli/lib.sh"

python3 - <<'PY'
import os
names = ["with space", "new\nline", "tab\there", "quote\"s'", "back\\slash", "é",
         "日本", "日本語.txt", "-dash", "--double", "x" * 255, "é" * 127, " lead", "trail ",
         "star*?[", "\x01ctl"]
os.makedirs("src/sub dir")
for i, n in enumerate(names):
    with open(os.path.join("src", n), "w") as f:
        f.write("%d\n" % i)
    os.symlink(n, os.path.join("src/sub dir", "to " + n[:60]))
with open("names.txt", "w") as f:
    f.write("\0".join(sorted(["src", "src/sub dir"] + ["src/" + n for n in names] +
                             ["src/sub dir/to " + n[:60] for n in names])))
PY
echo top >-top
"$NNTAR" -cf a.nna src -- -top
"$NNTAR" -tf a.nna --json >list.json
python3 - <<'PY' || fail "names in the --json listing differ"
import json
got = sorted(x["path"] for x in json.load(open("list.json"))["entries"])
want = open("names.txt").read().split("\0") + ["-top"]
assert sorted(got) == sorted(want), (sorted(set(got) ^ set(want)))
PY
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
cmp -- -top out/-top || fail "-top"
# Selecting odd names as members.
mkdir out2
"$NNTAR" -xf a.nna -C out2 -- "src/with space" "src/日本" -top "src/new
line"
[ -f "out2/src/with space" ] && [ -f out2/src/日本 ] && [ -f out2/-top ] && [ -f "out2/src/new
line" ] || fail "odd member names not extracted"
[ ! -e out2/src/日本語.txt ] || fail "prefix of a name selected another entry"
"$NNTAR" -tf a.nna >plain.txt
expect_in plain.txt 'src/new\nline' 'src/tab\there' 'src/back\\slash' 'src/\001ctl'
[ "$(grep -c '^line' plain.txt || true)" = 0 ] || fail "a newline in a name forged a listing line"
"$NNTAR" -tvf a.nna >long.txt
expect_in long.txt 'src/new\nline'
mkdir raw
touch "raw/$(printf 'bad\377name')"
"$NNTAR" -cf raw.nna raw
"$NNTAR" -tf raw.nna --json >raw.json
python3 - <<'PY' || fail "--json with a non-UTF-8 name"
import json
e = {x["path"]: x for x in json.load(open("raw.json"))["entries"]}
assert e["raw/bad\ufffdname"]["path_hex"] == b"raw/bad\xffname".hex(), e
PY
