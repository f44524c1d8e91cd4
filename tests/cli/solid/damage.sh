# A flipped byte in one chunk of a solid block: the members with bytes in
# that chunk fail with a message that names them (exit 1); every other
# member extracts, from the file and from a pipe.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
for i in 1 2 3 4 5 6; do head -c 3000 /dev/urandom >src/f$i.bin; done
# Stored, 4000-byte chunks: chunk 1 holds bytes 4000..7999 (f2 and f3).
"$NNTAR" -cf a.nna --codec stored --solid-chunk 4000 src
$PATCH flip-block a.nna 1 1
for how in file pipe; do
  rm -rf out && mkdir out
  if [ $how = file ]; then
    expect_exit 1 err.txt "$NNTAR" -xf a.nna -C out
  else
    cat a.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C out; }
  fi
  expect_in err.txt "src/f2.bin" "src/f3.bin" "block 1 chunk 1"
  expect_not_in err.txt "src/f1.bin" "src/f4.bin"
  for i in 1 4 5 6; do cmp src/f$i.bin out/src/f$i.bin; done
  [ ! -e out/src/f2.bin ] && [ ! -e out/src/f3.bin ] || fail "$how: a damaged member was extracted"
done
