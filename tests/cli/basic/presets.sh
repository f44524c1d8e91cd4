# -1 .. -9 (and --fast, --best) choose how hard auto tries, as in zstd and
# xz: -1 zstd only, -5 LZMA or zstd, -7 the mix codec alone, -9 (default)
# the mix codec with the model; -v names the level; two presets conflict.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 - <<'PY'
import random
r = random.Random(7)
words = "the archive of solid blocks and a mixing codec with context models that learn while they code".split()
with open("src/words.txt", "w") as f:
    for i in range(30000):
        f.write(r.choice(words) + (" " if r.random() < 0.9 else ".\n"))
PY
head -c 3000 /dev/urandom >src/noise
for p in 1 5 7 9 fast best; do
  case $p in fast|best) flag=--$p ;; *) flag=-$p ;; esac
  "$NNTAR" -cvf $p.nna $flag src 2>err.txt >/dev/null
  mkdir out-$p
  "$NNTAR" -xf $p.nna -C out-$p
  treecmp src out-$p/src
done
expect_in err.txt "level 9:"
$PATCH dump 1.nna | grep -q "codec [2-9] " && fail "-1 used a codec other than zstd"
$PATCH dump fast.nna | grep -q "codec [2-9] " && fail "--fast used a codec other than zstd"
$PATCH dump 5.nna | grep -Eq "codec (9|10|11) " && fail "-5 used the mix codec"
$PATCH dump 7.nna | grep -q "codec 11 " || fail "-7 did not use the mix codec (revision 3, Codec_Id 11)"
$PATCH dump 9.nna | grep -q "codec 11 " || fail "-9 did not use the mix codec (revision 3, Codec_Id 11)"
[ "$(wc -c <9.nna)" -lt "$(wc -c <1.nna)" ] || fail "-9 is not smaller than -1"
expect_exit 2 err.txt "$NNTAR" -cf x.nna -1 -9 src
expect_in err.txt "choose one of"
