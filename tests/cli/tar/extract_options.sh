# Extraction options with GNU tar's meanings: --strip-components, -O,
# -k (existing files are errors), --skip-old-files (silently kept),
# --overwrite (the default), --totals.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p src/d/e
echo one >src/d/a.txt
echo two >src/d/e/b.txt
ln src/d/a.txt src/d/hard.txt
"$NNTAR" -cf a.nna src

mkdir s
"$NNTAR" -xf a.nna -C s --strip-components 2
[ "$(cat s/a.txt)" = one ] && [ "$(cat s/e/b.txt)" = two ] || fail "--strip-components 2"
[ "$(stat -c %i s/a.txt)" = "$(stat -c %i s/hard.txt)" ] || fail "hard link target not stripped"
[ ! -e s/src ] && [ ! -e s/d ] || fail "stripped directories created"
mkdir s9
"$NNTAR" -xf a.nna -C s9 --strip-components 9
[ -z "$(ls -A s9)" ] || fail "entries with no name left were extracted"

"$NNTAR" -xOf a.nna src/d/e/b.txt >o.txt
[ "$(cat o.txt)" = two ] || fail "-O: $(cat o.txt)"
"$NNTAR" -xvOf a.nna src/d/a.txt >o2.txt 2>names.txt
[ "$(cat o2.txt)" = one ] || fail "-Ov wrote names into the data"
expect_in names.txt "src/d/a.txt"
[ ! -e src2 ] && [ ! -e d ] || fail "-O created files"

mkdir k
"$NNTAR" -xf a.nna -C k
echo changed >k/src/d/a.txt
expect_exit 1 err.txt "$NNTAR" -xf a.nna -C k -k
expect_in err.txt "src/d/a.txt" "already exists"
[ "$(cat k/src/d/a.txt)" = changed ] || fail "-k replaced a file"
"$NNTAR" -xf a.nna -C k --skip-old-files 2>err2.txt
[ ! -s err2.txt ] || fail "--skip-old-files complained: $(cat err2.txt)"
[ "$(cat k/src/d/a.txt)" = changed ] || fail "--skip-old-files replaced a file"
"$NNTAR" -xf a.nna -C k --overwrite
[ "$(cat k/src/d/a.txt)" = one ] || fail "--overwrite kept the old file"
expect_exit 2 err.txt "$NNTAR" -xf a.nna -C k -k --overwrite

"$NNTAR" -cf t.nna --totals src 2>tot.txt
expect_in tot.txt "Total bytes written: $(wc -c <t.nna)"
mkdir t
"$NNTAR" -xf t.nna -C t --totals 2>tot2.txt
expect_in tot2.txt "Total bytes extracted: 8"
