# --list-models exits 0: either "no built-in models" or one block per model,
# headed by a 32-hex-digit hash.
set -eu
. "$TESTDATA/cli/lib.sh"

"$NNTAR" --list-models >models.txt
if ! grep -qx "no built-in models (this nntar was built without models/default.nnm)" models.txt; then
  grep -qE '^[0-9a-f]{32}  ' models.txt || fail "no model hash in --list-models"
  expect_in models.txt "built-in (default)" "architecture"
  "$NNTAR" model info >info.txt
  expect_in info.txt "built-in (default)"
fi
expect_exit 2 err.txt "$NNTAR" --list-models -c
