# Entries rebuilt in memory (bmp24, png, jpeg transforms hold the decoded
# stream and the rebuilt file at once) count against --memory-limit: one
# that needs more than the limit (2 x its size) fails with limit_exceeded
# before its chunks decode, the others extract; a limit that fits takes it.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 "$CLI/formats/gen.py" bmp-large src/big.bmp  # 1200 x 1000, 3.6 MB
seq 1 5000 >src/small.txt
"$NNTAR" -cf a.nna --codec zstd src
json_check a.nna "e['src/big.bmp']['transform'] == 'bmp24'"

# 6 MiB: each ~1 MiB chunk fits (payload, output, zstd state), the rebuild
# (2 x 3.6 MB) does not.
mkdir tight
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C tight --memory-limit 6M --threads 1
expect_in err.txt "'src/big.bmp'" "rebuilt in memory" "limit_exceeded"
[ ! -e tight/src/big.bmp ] || fail "the refused entry was written"
cmp src/small.txt tight/src/small.txt || fail "the other entry did not extract"
mkdir tight-pipe
cat a.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C tight-pipe --memory-limit 6M --threads 1; }
expect_in err.txt "rebuilt in memory"
cmp src/small.txt tight-pipe/src/small.txt || fail "pipe: the other entry did not extract"

# 8 MiB holds both copies.
mkdir fits
"$NNTAR" -xf a.nna -C fits --memory-limit 8M --threads 1
treecmp src fits/src
