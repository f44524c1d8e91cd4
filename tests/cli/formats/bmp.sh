# 24-bit BMP (bottom-up and top-down, padded rows) round trip exactly through
# the bmp24 transform.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 "$CLI/formats/gen.py" bmp src/image.bmp
python3 "$CLI/formats/gen.py" bmp-top src/top.bmp
"$NNTAR" -cf a.nna src
json_check a.nna "e['src/image.bmp']['transform'] == 'bmp24'"
"$NNTAR" -tvf a.nna --json | python3 -c "import json, sys; d = json.load(sys.stdin); assert [x['transform'] for x in d['entries'] if x['path'] == 'src/image.bmp'] == ['bmp24']" ||
  fail "-tvf --json: transform of src/image.bmp"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
for codec in stored zstd; do
  "$NNTAR" -cf $codec.nna --codec $codec src
  mkdir out-$codec
  cat $codec.nna | "$NNTAR" -xf - -C out-$codec
  treecmp src out-$codec/src
done
# A bit flip in a bmp24 payload fails that entry only.
"$NNTAR" -cf flip.nna --codec stored src
$PATCH flip-chunk flip.nna src/image.bmp
mkdir out-flip
expect_exit 1 err.txt "$NNTAR" -xf flip.nna -C out-flip
expect_in err.txt "'src/image.bmp'"
[ ! -e out-flip/src/image.bmp ] && cmp src/top.bmp out-flip/src/top.bmp || fail "bmp flip"
