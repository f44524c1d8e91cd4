# PPM (P6) and PGM (P5) images round trip exactly through the pnm transform.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 "$CLI/formats/gen.py" ppm src/image.ppm
python3 "$CLI/formats/gen.py" pgm src/gray.pgm
# Not an image despite the name: stays raw.
echo "P6 not really" >src/fake.ppm
"$NNTAR" -cf a.nna src
json_check a.nna "e['src/image.ppm']['transform'] == 'pnm' and e['src/gray.pgm']['transform'] == 'pnm'"
json_check a.nna "e['src/fake.ppm']['transform'] == 'raw'"
"$NNTAR" -tvf a.nna --json | python3 -c "import json, sys; d = json.load(sys.stdin); assert [x['transform'] for x in d['entries'] if x['path'] == 'src/image.ppm'] == ['pnm']" ||
  fail "-tvf --json: transform of src/image.ppm"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
for codec in stored zstd lzma; do
  "$NNTAR" -cf $codec.nna --codec $codec src
  mkdir out-$codec
  "$NNTAR" -xf $codec.nna -C out-$codec
  treecmp src out-$codec/src
done
cat a.nna | "$NNTAR" --test -f -
