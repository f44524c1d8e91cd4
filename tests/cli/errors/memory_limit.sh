# The decoder's memory budget (--memory-limit, default 1G): chunks decode
# several at a time only while their payloads, outputs and codec state fit;
# a chunk that alone needs more fails with limit_exceeded naming what it
# needs (an error of its entries, exit 1), and the other entries still extract.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
# Base64 of random bytes in 6 MB blocks of one chunk each: LZMA codes a
# chunk to ~75% and decodes it with an 8 MiB dictionary, so each holds
# ~20 MB while it decodes.
for i in 1 2 3 4; do head -c 4500000 /dev/urandom | base64 -w 0 >src/big$i.txt; done
echo small >src/small.txt
"$NNTAR" -cf a.nna --codec lzma --level 1 --solid-block 8M src

peak_kb() {  # peak RSS of a command, in KiB
  /usr/bin/time -f '%M' -o rss.txt "$@" >/dev/null 2>cmd.err || { cat cmd.err >&2; fail "$*"; }
  cat rss.txt
}
mkdir free tight
free_kb=$(peak_kb "$NNTAR" -xf a.nna -C free --threads 4 --memory-limit 0)
tight_kb=$(peak_kb "$NNTAR" -xf a.nna -C tight --threads 4 --memory-limit 25M)
echo "peak RSS: $free_kb KiB without a limit, $tight_kb KiB with --memory-limit 25M (4 threads)"
treecmp src tight/src
# One chunk at a time (the next one's payload is read before it waits):
# the peak stays near the limit, well under four chunks at once.
[ "$tight_kb" -lt 45000 ] || fail "--memory-limit 25M: peak RSS $tight_kb KiB"
[ "$((tight_kb * 3 / 2))" -lt "$free_kb" ] || fail "the limit did not lower the peak ($tight_kb vs $free_kb KiB)"

# A chunk that alone needs more than the limit: that entry fails, the rest extracts.
mkdir refused
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C refused --memory-limit 12M
expect_in err.txt "more than the memory limit" "limit_exceeded" "big"
# The refusal is the entries' (exit 1, the archive is fine): the directory
# entry still comes out.
[ -d refused/src ] || fail "the directory entry did not extract"
expect_exit 1 err.txt "$NNTAR" --test -f a.nna --memory-limit 12M
expect_exit 2 err.txt "$NNTAR" -xf a.nna --memory-limit lots
expect_in err.txt "not a size"
