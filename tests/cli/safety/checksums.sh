# The test helpers agree with the library: the pure-python XXH64 matches known
# vectors and every checksum nntar writes (records, index hash, footer, entry
# content hash); a patched archive is accepted by nntar.
set -eu
. "$TESTDATA/cli/lib.sh"

python3 "$CLI/xxh64.py"
if command -v xxhsum >/dev/null; then
  head -c 100000 /dev/urandom >r.bin
  want=$(xxhsum -H1 r.bin | cut -d' ' -f1)
  got=$(python3 -c "import sys; sys.path.insert(0, '$CLI'); from xxh64 import xxh64; print('%016x' % xxh64(open('r.bin','rb').read()))")
  [ "$want" = "$got" ] || fail "xxh64 differs from xxhsum: $got vs $want"
fi
mktree src
head -c 2500000 /dev/urandom >src/big.bin
"$NNTAR" -cf stored.nna --codec stored --no-solid src
"$NNTAR" -cf auto.nna --no-solid src
$PATCH verify stored.nna
$PATCH verify auto.nna
# The helper sees damage too.
cp stored.nna flipped.nna
$PATCH flip-chunk flipped.nna src/big.bin 1
if $PATCH verify flipped.nna >verify.txt; then fail "verify missed a flipped payload bit"; fi
expect_in verify.txt "entry content hash"
# A benign rename is accepted by nntar: both header copies and all checksums fixed.
$PATCH rename auto.nna src/a.txt src/b.txt
$PATCH verify auto.nna
"$NNTAR" --test -f auto.nna
cat auto.nna | "$NNTAR" --test -f -
mkdir out
"$NNTAR" -xf auto.nna -C out
cmp src/a.txt out/src/b.txt
[ ! -e out/src/a.txt ] || fail "old name extracted"
