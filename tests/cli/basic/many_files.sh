# A tree of 3000 small files in 30 directories.
set -eu
. "$TESTDATA/cli/lib.sh"

python3 - <<'PY'
import os
for d in range(30):
    os.makedirs("src/d%02d" % d)
    for f in range(100):
        with open("src/d%02d/f%03d" % (d, f), "w") as fh:
            fh.write("file %d/%d\n" % (d, f) * (f % 7))
PY
# zstd: the default (auto) also tries lzma on every tiny file, which is slow.
"$NNTAR" -cf a.nna --codec zstd src
[ "$("$NNTAR" -tf a.nna | wc -l)" = 3031 ] || fail "listing does not have 3031 entries"
json_check a.nna "sum(x['type'] == 'file' for x in d['entries']) == 3000"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
