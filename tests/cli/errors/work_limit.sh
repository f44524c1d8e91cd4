# The decoder's work budget (--work-limit, default 1m): before a chunk
# decodes, its CPU cost is estimated from its header; the archive's total
# may reach the limit plus ~1 ms per archive byte read. A chunk past it fails
# with limit_exceeded (its entry, exit 1) without being decoded; the other
# entries extract; a legitimate archive is never refused by default.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
# 300 KB of one repeated line: the mix codec codes it to a few hundred
# bytes, which earn well under the ~3 CPU-seconds it estimates for them.
i=0
while [ $i -lt 10000 ]; do echo "the same line of a log, again and again"; i=$((i + 1)); done | head -c 300000 >src/repeat.log
seq 1 2000 >src/numbers.txt
"$NNTAR" -cf a.nna --codec mix --no-solid src
"$NNTAR" -tvf a.nna >list.txt

# The default budget takes it (one minute before anything is earned).
mkdir out
"$NNTAR" -xf a.nna -C out
treecmp src out/src

# A budget of one second refuses the repeated log before decoding it
# (instantly: the estimate is ~3 s) and extracts the rest.
mkdir tight
start=$(date +%s)
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C tight --work-limit 1s
end=$(date +%s)
expect_in err.txt "repeat.log" "work limit" "limit_exceeded" "--work-limit"
[ ! -e tight/src/repeat.log ] || fail "the refused entry was written"
cmp src/numbers.txt tight/src/numbers.txt || fail "the other entry did not extract"
[ $((end - start)) -lt 3 ] || fail "the refused chunk took $((end - start)) s: it was decoded"
expect_exit 1 err.txt "$NNTAR" --test -f a.nna --work-limit 1s
cat a.nna | { expect_exit 1 err.txt "$NNTAR" -xf - -C tight --work-limit 1s --overwrite; }
expect_in err.txt "work limit"
# A larger budget takes it again; 0 means none.
mkdir loose none
"$NNTAR" -xf a.nna -C loose --work-limit 10s
treecmp src loose/src
"$NNTAR" -xf a.nna -C none --work-limit 0
treecmp src none/src

# The golden work bomb: 213 bytes whose mix chunk claims 64 MiB.
start=$(date +%s)
expect_exit 1 err.txt "$NNTAR" --test -f "$TESTDATA/golden/decode_errors/limit_exceeded__mix_work_bomb.nna"
end=$(date +%s)
expect_in err.txt "bomb.txt" "671 CPU-seconds" "work limit"
[ $((end - start)) -lt 3 ] || fail "the work bomb took $((end - start)) s"

expect_exit 2 err.txt "$NNTAR" -xf a.nna --work-limit soon
expect_in err.txt "not a duration"
