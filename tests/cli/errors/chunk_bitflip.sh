# A bit flip in one chunk payload of a 3-file archive: exit 1, the message
# names the file and the chunk; the other two files are extracted intact and
# the damaged one is not left behind (compressed and stored chunks).
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
seq 1 20000 >src/a
seq 5 30000 >src/b
seq 7 9000 >src/c
for codec in auto stored zstd zlib lzma; do
  "$NNTAR" -cf $codec.nna --codec $codec --no-solid src
  $PATCH flip-chunk $codec.nna src/b
  mkdir out-$codec
  expect_exit 1 err.txt "$NNTAR" -xf $codec.nna -C out-$codec
  expect_in err.txt "$codec.nna" "'src/b'" "chunk 0"
  cmp src/a out-$codec/src/a && cmp src/c out-$codec/src/c || fail "$codec: intact files not extracted"
  [ ! -e out-$codec/src/b ] || fail "$codec: damaged file left behind"
  [ -z "$(find out-$codec -name '*nntar-*')" ] || fail "$codec: temporary files left"
  expect_exit 1 err.txt "$NNTAR" --test -f $codec.nna
  expect_in err.txt "'src/b'" "chunk"
  # Sequentially, from a pipe: the same.
  rm -rf out-$codec && mkdir out-$codec
  cat $codec.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C out-$codec; }
  expect_in err.txt "'src/b'" "chunk 0"
  cmp src/a out-$codec/src/a && cmp src/c out-$codec/src/c || fail "$codec: intact files not extracted from a pipe"
  # Listing needs no payload.
  "$NNTAR" -tf $codec.nna >/dev/null
done
# The second chunk of a multi-chunk file.
head -c 2500000 /dev/urandom >src/big
"$NNTAR" -cf big.nna --codec stored --no-solid src
$PATCH flip-chunk big.nna src/big 1
mkdir out-big
expect_exit 1 err.txt "$NNTAR" -xf big.nna -C out-big
expect_in err.txt "'src/big'" "chunk 1"
[ ! -e out-big/src/big ] && [ -f out-big/src/c ] || fail "big: wrong files"
