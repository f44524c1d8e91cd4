# Command-line errors: exit 2 with a message and a pointer to --help.
set -eu
. "$TESTDATA/cli/lib.sh"

echo x >f
"$NNTAR" -cf a.nna f
expect_exit 2 err.txt "$NNTAR" --frobnicate -cf b.nna f
expect_in err.txt "frobnicate" "nntar --help"
expect_exit 2 err.txt "$NNTAR" -Z -tf a.nna
expect_exit 2 err.txt "$NNTAR" -c f
expect_in err.txt "-f"
expect_exit 2 err.txt "$NNTAR" -x
expect_exit 2 err.txt "$NNTAR" -t
expect_exit 2 err.txt "$NNTAR" -tf
expect_exit 2 err.txt "$NNTAR" -f a.nna
expect_in err.txt "no mode"
expect_exit 2 err.txt "$NNTAR"
expect_exit 2 err.txt "$NNTAR" -c -x -f a.nna f
expect_in err.txt "choose one"
expect_exit 2 err.txt "$NNTAR" -t --test -f a.nna
expect_exit 2 err.txt "$NNTAR" -cf b.nna
expect_in err.txt "empty archive"
expect_exit 2 err.txt "$NNTAR" -cf b.nna --threads x f
expect_exit 2 err.txt "$NNTAR" -cf b.nna --threads -1 f
expect_exit 2 err.txt "$NNTAR" -cf b.nna --nn-windows 0 f
expect_exit 2 err.txt "$NNTAR" -cf b.nna --codec "" f
expect_exit 2 err.txt "$NNTAR" -xf a.nna --model /nonexistent/model.nnm
[ ! -e b.nna ] || fail "archive written after a usage error"
[ -z "$(ls -A | grep nntar-tmp || true)" ] || fail "temporary archive left"
