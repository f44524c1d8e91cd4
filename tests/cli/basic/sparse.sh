# Sparse and zero-filled files (issue 12): archived quickly (chunks every
# codec squeezes to almost nothing go to the fastest codec, not the model
# codecs), and extracted with holes where the file has whole 4 KiB blocks of
# zeros, so a sparse file comes back sparse.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
truncate -s 64M src/disk.img
printf 'boot' | dd of=src/disk.img bs=1 seek=0 conv=notrunc 2>/dev/null
printf 'middle' | dd of=src/disk.img bs=1 seek=33554437 conv=notrunc 2>/dev/null
head -c 5000 /dev/urandom >src/noise
"$NNTAR" -cf a.nna src
[ "$(wc -c <a.nna)" -lt 20000 ] || fail "64 MiB of zeros took $(wc -c <a.nna) bytes"
mkdir out
"$NNTAR" -xf a.nna -C out
cmp src/disk.img out/src/disk.img || fail "content differs"
[ "$(stat -c %s out/src/disk.img)" = 67108864 ] || fail "length differs"
# Holes: where the source file system keeps holes, the copy has them too.
if [ "$(du -k src/disk.img | cut -f1)" -lt 1024 ]; then
  [ "$(du -k out/src/disk.img | cut -f1)" -lt 1024 ] || fail "extracted without holes: $(du -k out/src/disk.img)"
fi
cmp src/noise out/src/noise
# A file ending in a hole keeps its length; -O writes every byte.
truncate -s 1M src/tail-hole
printf 'x' | dd of=src/tail-hole bs=1 seek=10 conv=notrunc 2>/dev/null
"$NNTAR" -cf b.nna src/tail-hole
mkdir out2
"$NNTAR" -xf b.nna -C out2
cmp src/tail-hole out2/src/tail-hole
[ "$("$NNTAR" -xOf b.nna | wc -c)" = 1048576 ] || fail "-O lost the trailing zeros"
