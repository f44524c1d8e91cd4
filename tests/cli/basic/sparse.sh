# Sparse files (issue 12, spec §11.6): where the file system reports holes
# (SEEK_DATA/SEEK_HOLE), only the data is read and archived, as the sparse
# transform (the map, then the data); extraction leaves the holes unwritten,
# so the copy is sparse; -O writes every byte. Zero-filled files that are not
# sparse are coded cheaply too and extract with holes where they have whole
# 4 KiB blocks of zeros.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
truncate -s 64M src/disk.img
printf 'boot' | dd of=src/disk.img bs=1 seek=0 conv=notrunc 2>/dev/null
printf 'middle' | dd of=src/disk.img bs=1 seek=33554437 conv=notrunc 2>/dev/null
head -c 5000 /dev/urandom >src/noise
"$NNTAR" -cSf a.nna src  # -S: accepted as in tar (holes are always detected)
[ "$(wc -c <a.nna)" -lt 20000 ] || fail "64 MiB of zeros took $(wc -c <a.nna) bytes"
mkdir out
"$NNTAR" -xf a.nna -C out
cmp src/disk.img out/src/disk.img || fail "content differs"
[ "$(stat -c %s out/src/disk.img)" = 67108864 ] || fail "length differs"
cmp src/noise out/src/noise
# A file ending in a hole keeps its length; -O writes every byte.
truncate -s 1M src/tail-hole
printf 'x' | dd of=src/tail-hole bs=1 seek=10 conv=notrunc 2>/dev/null
"$NNTAR" -cf b.nna src/tail-hole
mkdir out2
"$NNTAR" -xf b.nna -C out2
cmp src/tail-hole out2/src/tail-hole
[ "$("$NNTAR" -xOf b.nna | wc -c)" = 1048576 ] || fail "-O lost the trailing zeros"
cat b.nna | "$NNTAR" -xOf - | cmp - src/tail-hole || fail "-O from a pipe differs"

# A file not sparse on disk but full of zero blocks: cheap, and holes on extraction.
head -c 3000000 /dev/zero >src/zeros
printf 'end' >>src/zeros
"$NNTAR" -cf z.nna src/zeros
[ "$(wc -c <z.nna)" -lt 10000 ] || fail "3 MB of zeros took $(wc -c <z.nna) bytes"
mkdir outz
"$NNTAR" -xf z.nna -C outz
cmp src/zeros outz/src/zeros

# Where this file system keeps holes: the sparse transform, and sparse copies.
if [ "$(du -k src/disk.img | cut -f1)" -lt 1024 ]; then
  json_check a.nna "e['src/disk.img']['transform'] == 'sparse' and e['src/disk.img']['apparent_size'] == 67108864 and e['src/disk.img']['size'] < 65536"
  "$NNTAR" -tvf a.nna | grep -q ' 67108864 .*src/disk.img$' || fail "-tv does not show the file's size"
  [ "$(du -k out/src/disk.img | cut -f1)" -lt 1024 ] || fail "extracted without holes: $(du -k out/src/disk.img)"
  # 64 GiB with two small extents: archived from its data alone, and back.
  truncate -s 64G src/huge.img
  printf 'first' | dd of=src/huge.img bs=1 seek=4096 conv=notrunc 2>/dev/null
  printf 'last' | dd of=src/huge.img bs=1 seek=68719476000 conv=notrunc 2>/dev/null
  "$NNTAR" -cf h.nna src/huge.img
  [ "$(wc -c <h.nna)" -lt 2000 ] || fail "a 64 GiB sparse file took $(wc -c <h.nna) bytes"
  json_check h.nna "e['src/huge.img']['apparent_size'] == 68719476736"
  mkdir outh
  "$NNTAR" -xf h.nna -C outh
  [ "$(stat -c %s outh/src/huge.img)" = 68719476736 ] || fail "64 GiB: length differs"
  [ "$(du -k outh/src/huge.img | cut -f1)" -lt 1024 ] || fail "64 GiB: extracted without holes"
  [ "$(dd if=outh/src/huge.img bs=1 skip=4096 count=5 2>/dev/null)" = first ] || fail "64 GiB: first extent"
  [ "$(dd if=outh/src/huge.img bs=1 skip=68719476000 count=4 2>/dev/null)" = last ] || fail "64 GiB: last extent"
  "$NNTAR" --test -f h.nna
  # A file that is all hole.
  truncate -s 10M src/empty.img
  "$NNTAR" -cf e.nna src/empty.img
  json_check e.nna "e['src/empty.img']['transform'] == 'sparse' and e['src/empty.img']['apparent_size'] == 10485760"
  mkdir oute
  "$NNTAR" -xf e.nna -C oute
  cmp src/empty.img oute/src/empty.img
  rm src/huge.img
else
  echo "this file system keeps no holes: the sparse transform is not exercised"
fi
