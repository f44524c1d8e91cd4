# Files larger than one 1 MiB chunk: 3 MiB incompressible and 3 MiB text.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
head -c 3145728 /dev/urandom >src/random.bin
# Not a multiple of the chunk size.
seq 1 460000 | head -c 3158073 >src/text.txt
# --model none: the classical codecs (the nn codec on 6 MiB would take minutes);
# --no-solid: each file its own entry, cut into 1 MiB chunks.
"$NNTAR" -cf a.nna --model none --no-solid src
json_check a.nna "e['src/random.bin']['chunks'] >= 3 and e['src/text.txt']['chunks'] >= 3"
# Incompressible data is stored (small overhead), text shrinks.
json_check a.nna "e['src/random.bin']['coded_size'] < 3145728 * 1.001 + 1024"
json_check a.nna "e['src/text.txt']['coded_size'] < 3158073 // 3"
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src
cat a.nna | "$NNTAR" --test -f -
