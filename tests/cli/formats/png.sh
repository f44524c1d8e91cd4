# PNG files come back byte for byte: one that zlib rebuilds is archived as
# its pixels (transform png, listed by --json); one whose deflate stream no
# zlib setting writes, and a 16-bit one, are stored as bytes.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 "$CLI/formats/gen.py" png src/rgba.png
python3 "$CLI/formats/gen.py" png-stored src/stored.png
python3 "$CLI/formats/gen.py" png16 src/grey16.png
"$NNTAR" -cf a.nna src
json_check a.nna "e['src/rgba.png']['transform'] == 'png' and e['src/stored.png']['transform'] == 'raw' and e['src/grey16.png']['transform'] == 'raw'"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
"$NNTAR" --test -f a.nna
for codec in mix zstd; do
  "$NNTAR" -cf $codec.nna --codec $codec --no-solid src
  mkdir out-$codec
  cat $codec.nna | "$NNTAR" -xf - -C out-$codec
  treecmp src out-$codec/src
done
# The pixels cost less than the PNG's own deflate stream.
[ "$(wc -c <mix.nna)" -lt "$(cat src/rgba.png src/stored.png src/grey16.png | wc -c)" ] || fail "png archive not smaller than the files"
