# Shared by the trainer's test scripts: `. "$(dirname "$0")/lib.sh"` after
# `set -euo pipefail`.

fail() { echo "FAIL: $*" >&2; exit 1; }

# The absolute path of a file given relative to the starting directory.
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

# fresh_dir DIR: an empty DIR, made the current directory.
fresh_dir() {
  rm -rf "$1"
  mkdir -p "$1"
  cd "$1"
}
