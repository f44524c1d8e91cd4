# -tf --json: one JSON document with every field; from a file and from a pipe.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
"$NNTAR" -cf a.nna src
json_check a.nna "len(d['entries']) == 18 and d['archive'] == 'a.nna'"
json_check a.nna "e['src/link']['type'] == 'symlink' and e['src/link']['link'] == 'a.txt'"
json_check a.nna "e['src/sub/hard1']['type'] == 'hardlink' and e['src/sub/hard1']['link'] == 'src/hard2'"
json_check a.nna "e['src/sub/deep']['type'] == 'directory' and e['src/sub/deep']['mode'] == 0o700"
json_check a.nna "e['src/ro.txt']['mode'] == 0o444 and e['src/ro.txt']['size'] == 10 and e['src/ro.txt']['chunks'] == 1"
json_check a.nna "e['src/empty']['size'] == 0 and e['src/empty']['chunks'] == 0"
json_check a.nna "all(x['transform'] == 'raw' and (x['coded_size'] > 0 or x['size'] == 0) for x in d['entries'])"
json_check a.nna "all(0 <= x['mtime_nsec'] < 10**9 for x in d['entries'])"
# From a pipe: the same entries.
"$NNTAR" -tf a.nna --json >file.json
cat a.nna | "$NNTAR" -tf - --json >pipe.json
python3 - <<'PY' || fail "piped --json listing differs"
import json
a = json.load(open("file.json"))["entries"]
b = json.load(open("pipe.json"))["entries"]
for x, y in zip(a, b):
    if x != y:
        print(x, y)
assert a == b
PY
# The models an archive needs: --json's "models" and -tv's note on stderr.
# The default model is built in (when this nntar has one); an archive of
# pixels only names none.
if "$NNTAR" --list-models | grep -q .; then
  json_check a.nna "len(d['models']) == 1 and d['models'][0]['available'] and not d['models'][0]['embedded']"
  "$NNTAR" -tvf a.nna >/dev/null 2>models.txt
  expect_in models.txt "model" "referenced" "available"
fi
mkdir pix
python3 "$CLI/formats/gen.py" ppm pix/a.ppm
"$NNTAR" -cf pix.nna pix
json_check pix.nna "d['models'] == []"
"$NNTAR" -cf none.nna --model none src
json_check none.nna "d['models'] == []"
