# --version, -V, --help exit 0 and say what they should (-h is tar's --dereference).
set -eu
. "$TESTDATA/cli/lib.sh"

"$NNTAR" --version
"$NNTAR" -V >v.txt
"$NNTAR" --help >help.txt
expect_in help.txt "Usage: nntar" "--create" "--extract" "--list" "--test" "--file" "--directory" \
  "--threads" "--codec" "--model" "--embed-model" "--json" "--absolute-names" "--list-models"
