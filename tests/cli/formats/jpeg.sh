# JPEG files come back byte for byte: a baseline JPEG is archived as JPEG XL
# (transform jpeg, listed by --json) and is smaller in the archive; a JPEG
# cut in its scan, and any JPEG under --codec stored, are stored as bytes.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 "$CLI/formats/gen.py" jpeg src/photo.jpg
python3 "$CLI/formats/gen.py" jpeg-cut src/cut.jpg
"$NNTAR" -cf a.nna src
json_check a.nna "e['src/photo.jpg']['transform'] == 'jpeg' and e['src/cut.jpg']['transform'] == 'raw'"
json_check a.nna "e['src/photo.jpg']['coded_size'] < 0.8 * $(wc -c <src/photo.jpg)"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
"$NNTAR" --test -f a.nna
# Through a pipe both ways, and one member by name.
mkdir pipe-out
"$NNTAR" -cf - src | "$NNTAR" -xf - -C pipe-out
treecmp src pipe-out/src
mkdir one
"$NNTAR" -xf a.nna -C one src/photo.jpg
cmp src/photo.jpg one/src/photo.jpg || fail "photo.jpg differs after extracting it alone"
"$NNTAR" -cf stored.nna --codec stored src
json_check stored.nna "e['src/photo.jpg']['transform'] == 'raw'"
