# Extracting a file much larger than a chunk holds a bounded number of
# chunks, not the whole file (issue 12): a 160 MiB incompressible file
# extracts in well under its size of memory, from a file and from a pipe.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
head -c 167772160 /dev/urandom >src/big.bin
"$NNTAR" -cf a.nna -1 --threads 2 src
for how in file pipe; do
  rm -rf out && mkdir out
  if [ $how = file ]; then
    /usr/bin/time -f "%M" -o rss.txt "$NNTAR" -xf a.nna --threads 2 -C out
  else
    cat a.nna | /usr/bin/time -f "%M" -o rss.txt "$NNTAR" -xf - --threads 2 -C out
  fi
  cmp src/big.bin out/src/big.bin || fail "$how: content differs"
  rss=$(tail -1 rss.txt)
  [ "$rss" -lt 65536 ] || fail "$how: extraction peaked at $rss KB for a 160 MiB file"
done
