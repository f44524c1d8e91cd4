# One member of a solid archive: extracted alone, it decodes only the chunks
# that hold its bytes (the -v summary says how many); the whole archive
# decodes every chunk. --solid-chunk cuts the block.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p src/d
for i in $(seq 10 49); do seq $((i * 1000)) $((i * 1000 + 1400)) >src/d/f$i.txt; done
"$NNTAR" -cf a.nna --model none --solid-chunk 16K src
json_check a.nna "e['src/d/f30.txt']['block'] == 1 and e['src/d/f30.txt']['chunks'] <= 2"
mkdir one
"$NNTAR" -xvf a.nna -C one src/d/f30.txt 2>one.err >/dev/null
cmp src/d/f30.txt one/src/d/f30.txt
[ "$(find one -type f | wc -l)" = 1 ] || fail "extracted more than the member"
decoded=$(sed -n 's/^nntar: decoded \([0-9]*\) chunks.*/\1/p' one.err)
mkdir all
"$NNTAR" -xvf a.nna -C all 2>all.err >/dev/null
treecmp src all/src
total=$(sed -n 's/^nntar: decoded \([0-9]*\) chunks.*/\1/p' all.err)
[ -n "$decoded" ] && [ -n "$total" ] || fail "no decoded-chunks summary"
[ "$decoded" -le 2 ] || fail "one member decoded $decoded chunks"
[ "$total" -ge 8 ] || fail "the whole archive decoded only $total chunks"
# From a pipe the chunks before the member are read, but not decoded.
mkdir piped
cat a.nna | "$NNTAR" -xvf - -C piped src/d/f30.txt 2>piped.err >/dev/null
cmp src/d/f30.txt piped/src/d/f30.txt
piped_decoded=$(sed -n 's/^nntar: decoded \([0-9]*\) chunks.*/\1/p' piped.err)
[ "$piped_decoded" -le 2 ] || fail "from a pipe one member decoded $piped_decoded chunks"
