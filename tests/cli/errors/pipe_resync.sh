# Resynchronisation (spec §3): a damaged record read in order (from a pipe,
# or from a file whose Index is unusable) costs only the entry or solid
# block it belongs to; reading resumes at the next intact Entry_Header,
# Block_Header or Model_Record, and the archive still exits 2.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
i=1
while [ $i -le 40 ]; do seq 1 $((i * 40)) >src/f$i.txt; i=$((i + 1)); done
"$NNTAR" -cf loose.nna --no-solid src
"$NNTAR" -cf solid.nna --solid-block 8K src

# Extracts a damaged archive from a pipe; checks that every file but the
# ones named is extracted intact, and that those are absent.
extract_pipe() {  # ARCHIVE DIR LOST...
  archive=$1 dir=$2
  shift 2
  mkdir "$dir"
  cat "$archive" | { expect_exit 2 err.txt "$NNTAR" -xf - -C "$dir"; }
  n=0
  for f in src/*; do
    name=${f#src/}
    lost=no
    for l in "$@"; do [ "$l" = "$name" ] && lost=yes; done
    if [ $lost = yes ]; then
      [ ! -e "$dir/$f" ] || fail "$archive: $name was damaged but extracted"
    else
      cmp "$f" "$dir/$f" || fail "$archive: $name did not extract intact"
      n=$((n + 1))
    fi
  done
  echo "$archive: $n files extracted intact"
}

# An Entry_Header: that entry is lost (it cannot be named), the rest extract.
cp loose.nna header.nna
$PATCH flip-header header.nna src/f20.txt
extract_pipe header.nna out-header f20.txt
expect_in err.txt "checksum mismatch" "reading resumed at the next intact record" "bytes skipped"
# A listing from the pipe goes on past the damage, and reports it.
cat header.nna | { expect_exit 2 err.txt "$NNTAR" -tf - >list.txt; }
[ "$(grep -c '^src/f' list.txt)" = 39 ] || fail "pipe listing: $(grep -c '^src/f' list.txt) of 39 files"
grep -q 'f21.txt' list.txt || fail "the listing stopped at the damage"

# A chunk's header, an Entry_End: their entry fails by name.
cp loose.nna chunk.nna
$PATCH flip-header chunk.nna chunk:src/f7.txt:0
extract_pipe chunk.nna out-chunk f7.txt
expect_in err.txt "f7.txt"
cp loose.nna end.nna
$PATCH flip-header end.nna end:src/f33.txt
extract_pipe end.nna out-end f33.txt
expect_in err.txt "f33.txt"

# Two damaged entries in one archive: both lost, the rest extract.
cp loose.nna two.nna
$PATCH flip-header two.nna src/f3.txt
$PATCH flip-header two.nna chunk:src/f30.txt:0
extract_pipe two.nna out-two f3.txt f30.txt

# A solid block's header: its members are lost, the later blocks extract
# (their ids are taken as they come).
block=$($PATCH dump solid.nna | awk '/block 3:/ { print $1; exit }')
[ -n "$block" ] || fail "no block 3 in solid.nna"
cp solid.nna block.nna
$PATCH flip-header block.nna block:3
mkdir out-block
cat block.nna | { expect_exit 2 err.txt "$NNTAR" -xf - -C out-block; }
expect_in err.txt "reading resumed"
lost=0
for f in src/*; do
  if [ -e "out-block/$f" ]; then cmp "$f" "out-block/$f" || fail "solid: ${f#src/} differs"; else lost=$((lost + 1)); fi
done
[ $lost -ge 1 ] && [ $lost -le 8 ] || fail "solid: $lost files lost to one block header"
echo "solid.nna: $lost files lost with block 3"

# The same from a file whose Index is damaged too: read in order, resynced.
cp header.nna both.nna
$PATCH flip-index both.nna
mkdir out-file
expect_exit 2 err.txt "$NNTAR" -xf both.nna -C out-file
expect_in err.txt "reading resumed"
[ "$(find out-file/src -type f | wc -l)" = 39 ] || fail "file with a damaged index: $(find out-file/src -type f | wc -l) of 39 files"
