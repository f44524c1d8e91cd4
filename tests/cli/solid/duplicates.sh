# Identical files are stored once (the archive grows by their metadata only)
# and extracted as separate files; --no-solid stores every copy.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p src/a src/b
head -c 200000 /dev/urandom >src/a/blob
cp src/a/blob src/b/blob
cp src/a/blob src/b/again
echo different >src/b/small
"$NNTAR" -cvf dedup.nna --model none src 2>err.txt >/dev/null
expect_in err.txt "(2 duplicates)"
"$NNTAR" -cf plain.nna --model none --no-solid src
dedup=$(wc -c <dedup.nna) plain=$(wc -c <plain.nna)
[ "$dedup" -lt 210000 ] || fail "deduplicated archive is $dedup bytes"
[ "$plain" -gt 600000 ] || fail "--no-solid archive is only $plain bytes"
mkdir out
"$NNTAR" -xf dedup.nna -C out
treecmp src out/src
[ "$(stat -c %i out/src/a/blob)" != "$(stat -c %i out/src/b/blob)" ] || fail "duplicates extracted as hard links"
# Extracting only a duplicate decodes its original's bytes.
mkdir one
"$NNTAR" -xf dedup.nna -C one src/b/again
cmp src/a/blob one/src/b/again
