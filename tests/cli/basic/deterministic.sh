# Archives are byte-identical whatever the thread count, and run to run.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
# Several 1 MiB chunks, so that threads have work to share.
seq 1 190000 >src/text
head -c 1200000 /dev/urandom >src/random
"$NNTAR" -cf t1.nna --threads 1 --model none src
"$NNTAR" -cf t2.nna --threads 2 --model none src
cmp t1.nna t2.nna || fail "--threads 1 and 2 differ"
# The same with the built-in model on a smaller tree (the nn codec is slow).
mkdir small
head -c 40000 src/text >small/text
head -c 20000 src/random >small/random
"$NNTAR" -cf n1.nna --threads 1 small
"$NNTAR" -cf n3.nna --threads 2 small
cmp n1.nna n3.nna || fail "--threads 1 and 2 differ with the default model"
mkdir on && "$NNTAR" -xf n1.nna -C on --threads 2 && treecmp small on/small
for codec in zstd stored; do
  "$NNTAR" -cf $codec-1.nna --threads 1 --codec $codec src
  "$NNTAR" -cf $codec-2.nna --threads 2 --codec $codec src
  "$NNTAR" -cf $codec-4.nna --threads 4 --codec $codec src
  "$NNTAR" -cf $codec-again.nna --codec $codec src
  cmp $codec-1.nna $codec-2.nna || fail "$codec: --threads 1 and 2 differ"
  cmp $codec-1.nna $codec-4.nna || fail "$codec: --threads 1 and 4 differ"
  cmp $codec-2.nna $codec-again.nna || fail "$codec: two runs differ"
done
# Extraction with one or several threads.
mkdir o1 o2
"$NNTAR" -xf t1.nna -C o1 --threads 1
"$NNTAR" -xf t2.nna -C o2 --threads 3
treecmp src o1/src
treecmp src o2/src
expect_exit 2 err.txt "$NNTAR" -cf x.nna --threads 0 src
expect_exit 2 err.txt "$NNTAR" -cf x.nna --threads 1000 src
