# The nn codec with a random tiny model: `model info`, --embed-model round
# trips without --model; a referenced model is needed at extraction and the
# error names its hash.
set -eu
. "$TESTDATA/cli/lib.sh"

"$MKMODEL" --d-model 32 --layers 1 --heads 4 --d-ff 32 --context 128 --out m.nnm 2>/dev/null
"$MKMODEL" --d-model 32 --layers 1 --heads 4 --d-ff 32 --context 128 --seed 2 --out other.nnm 2>/dev/null
"$NNTAR" model info m.nnm >info.txt
hash=$(head -n 1 info.txt | cut -d' ' -f1)
echo "$hash" | grep -qE '^[0-9a-f]{32}$' || fail "model info: no 32-hex-digit hash: $(head -n 1 info.txt)"
expect_in info.txt "d_model 32, layers 1, heads 4, d_ff 32, context 128"

# Runs of one byte value: a random model predicts some of them better than
# stored, so the archive gets nn chunks; any text round trips either way.
mkdir src
python3 -c "
for b in range(16): open('src/run%02d' % b, 'wb').write(bytes([b]) * 2048)
open('src/text', 'w').write('the quick brown fox\n' * 300)"

"$NNTAR" -cf e.nna --codec nn --model m.nnm --embed-model src
mkdir out-e
"$NNTAR" -xf e.nna -C out-e
treecmp src out-e/src
"$NNTAR" --test -f e.nna --model none

"$NNTAR" -cf r.nna --codec nn --model m.nnm src
mkdir out-r
"$NNTAR" -xf r.nna -C out-r --model m.nnm
treecmp src out-r/src
if $PATCH dump r.nna | grep -q "codec 8 "; then
  mkdir out-none
  expect_exit 1 err.txt "$NNTAR" -xf r.nna -C out-none
  expect_in err.txt "$hash" "chunk" "--model"
  # The wrong model is no substitute.
  expect_exit 1 err.txt "$NNTAR" -xf r.nna -C out-none --model other.nnm
  expect_in err.txt "$hash"
  # Entries without nn chunks still extract, intact; nothing half-written.
  cmp src/text out-none/src/text || fail "text not extracted without the model"
  for f in out-none/src/*; do cmp "$f" "src/${f##*/}" || fail "$f differs"; done
  [ -z "$(find out-none -name '*nntar-*')" ] || fail "temporary files left"
  $PATCH dump e.nna | grep -q "codec 8 " || fail "embedded archive has no nn chunks"
  [ "$(stat -c %s e.nna)" -gt "$(stat -c %s r.nna)" ] || fail "embedded archive not larger than referenced"
else
  echo "SKIP: the random model beat stored on no chunk; referenced-model failure not checked" >&2
  # No chunk names the model: neither archive carries it.
  cmp e.nna r.nna || fail "an unused model was embedded or referenced"
fi
"$NNTAR" -cf e2.nna --codec nn --model m.nnm --embed-model src
cmp e.nna e2.nna || fail "nn archives differ run to run"

expect_exit 2 err.txt "$NNTAR" -cf x.nna --codec nn --model missing.nnm src
expect_exit 2 err.txt "$NNTAR" model info missing.nnm
expect_exit 2 err.txt "$NNTAR" -cf x.nna --embed-model --reference-model src
head -c 1000 m.nnm >broken.nnm
expect_exit 2 err.txt "$NNTAR" model info broken.nnm

# --embed-model on files no chunk of which the model codes (a few bytes of
# text, where storing wins): no model goes into the archive, which is the
# archive written without one (issue 10).
mkdir tiny
printf 'hello\n' >tiny/hello.txt
"$NNTAR" -cf te.nna --embed-model tiny
"$NNTAR" -cf tn.nna --model none tiny
cmp te.nna tn.nna || fail "--embed-model stored an unused model ($(stat -c %s te.nna) bytes)"
"$NNTAR" -tvf te.nna --json | python3 -c "import json, sys; assert json.load(sys.stdin)['models'] == []" ||
  fail "the listing names a model"
