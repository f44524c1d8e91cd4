# Not an archive: exit 2, 'bad magic' (text, a file shorter than the magic,
# a gzip file); an empty file or a short prefix of an archive: 'truncated'; a
# missing archive: exit 2, 'cannot open'.
set -eu
. "$TESTDATA/cli/lib.sh"

echo "just some text, long enough to look like something" >text.nna
: >empty.nna
printf 'NNA' >short.nna
echo hello | gzip >gz.nna
for a in text short gz; do
  expect_exit 2 err.txt "$NNTAR" -xf $a.nna
  expect_in err.txt "$a.nna" "bad magic"
  expect_exit 2 err.txt "$NNTAR" -tf $a.nna
  expect_in err.txt "bad magic"
  expect_exit 2 err.txt "$NNTAR" --test -f - <$a.nna
  expect_in err.txt "bad magic"
done
printf '\211NNA\r' >prefix.nna
for a in empty prefix; do
  expect_exit 2 err.txt "$NNTAR" -xf $a.nna
  expect_in err.txt "$a.nna" "truncated"
  expect_exit 2 err.txt "$NNTAR" -tf - <$a.nna
  expect_in err.txt "truncated"
done
# A good archive with one magic byte changed.
echo x >f
"$NNTAR" -cf good.nna f
printf 'X' | dd of=good.nna bs=1 seek=1 conv=notrunc status=none
expect_exit 2 err.txt "$NNTAR" -xf good.nna -C .
expect_in err.txt "bad magic"
# A wrong format version: a clear message, exit 2.
"$NNTAR" -cf v.nna f
printf '\x07' | dd of=v.nna bs=1 seek=8 conv=notrunc status=none
expect_exit 2 err.txt "$NNTAR" -tf v.nna
expect_in err.txt "version 7"
expect_exit 2 err.txt "$NNTAR" -xf missing.nna
expect_in err.txt "missing.nna" "cannot open"
expect_exit 2 err.txt "$NNTAR" -tf missing.nna
expect_in err.txt "missing.nna"
[ "$(ls -A | sort | tr '\n' ' ')" = "empty.nna err.txt f good.nna gz.nna prefix.nna short.nna text.nna v.nna " ] ||
  fail "files were written: $(ls -A)"
