# A missing archive is fatal: the script's own exit status is nntar's (2, see
# missing_archive.exit), and nothing is printed on stdout.
set -eu
"$NNTAR" -xf missing.nna
