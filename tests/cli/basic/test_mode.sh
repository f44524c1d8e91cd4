# --test decodes and verifies everything and writes nothing.
set -eu
. "$TESTDATA/cli/lib.sh"

mktree src
head -c 200000 /dev/urandom >src/random.bin
seq 1 100000 >src/numbers.txt
"$NNTAR" -cf a.nna src
before=$(ls -A | sort)
"$NNTAR" --test -f a.nna
"$NNTAR" --test -f a.nna -C nowhere
"$NNTAR" --test -f - <a.nna
[ "$(ls -A | sort)" = "$before" ] || fail "--test wrote files"
