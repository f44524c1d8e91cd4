# --version, -V, --help, -h exit 0 and say what they should.
set -eu
. "$TESTDATA/cli/lib.sh"

"$NNTAR" --version
"$NNTAR" -V >v.txt
"$NNTAR" --help >help.txt
"$NNTAR" -h >h.txt
cmp help.txt h.txt
expect_in help.txt "Usage: nntar" "--create" "--extract" "--list" "--test" "--file" "--directory" \
  "--threads" "--codec" "--model" "--embed-model" "--json" "--absolute-names" "--list-models"
