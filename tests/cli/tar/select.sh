# Choosing what goes in and what comes out, with GNU tar's options:
# --exclude (unanchored globs), --exclude-vcs, -T/--files-from (lines, --null,
# '-' for stdin), overlapping inputs stored once, --wildcards on extraction
# and listing.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir -p src/sub src/.git/objects src/keep
echo a >src/a.txt
echo b >src/b.log
echo c >src/sub/c.txt
echo d >src/sub/d.log
echo g >src/.git/HEAD
echo o >src/.git/objects/x
echo i >src/.gitignore
echo k >src/keep/k.txt

"$NNTAR" -cf ex.nna --exclude '*.log' --exclude keep src
"$NNTAR" -tf ex.nna | sort >names.txt
expect_not_in names.txt ".log"
expect_not_in names.txt "keep"
expect_in names.txt "src/a.txt" "src/sub/c.txt" "src/.git/HEAD"
# A pattern with a '/' matches a trailing run of components.
"$NNTAR" -cf ex2.nna --exclude 'sub/*.txt' src
"$NNTAR" -tf ex2.nna >names2.txt
expect_not_in names2.txt "src/sub/c.txt"
expect_in names2.txt "src/sub/d.log" "src/a.txt"

"$NNTAR" -cf vcs.nna --exclude-vcs src
"$NNTAR" -tf vcs.nna >vcs.txt
expect_not_in vcs.txt ".git"
expect_in vcs.txt "src/a.txt" "src/keep/k.txt"

printf 'src/a.txt\nsrc/sub\n' >list.txt
"$NNTAR" -cf t.nna -T list.txt
[ "$("$NNTAR" -tf t.nna | sort | tr '\n' ' ')" = "src/a.txt src/sub src/sub/c.txt src/sub/d.log " ] || fail "-T: $("$NNTAR" -tf t.nna)"
printf 'src/b.log\0src/keep/k.txt\0' | "$NNTAR" -cf n.nna --null -T -
[ "$("$NNTAR" -tf n.nna | sort | tr '\n' ' ')" = "src/b.log src/keep/k.txt " ] || fail "--null -T -: $("$NNTAR" -tf n.nna)"
expect_exit 2 err.txt "$NNTAR" -cf x.nna -T missing-list.txt
expect_in err.txt "missing-list.txt"

# Overlapping inputs: each member once, and the archive extracts cleanly.
"$NNTAR" -cf over.nna src/sub src/sub/c.txt src
[ "$("$NNTAR" -tf over.nna | sort | uniq -d)" = "" ] || fail "a member stored twice"
mkdir out
"$NNTAR" -xf over.nna -C out
treecmp src out/src

# --wildcards: globs select members ('*' crosses '/'); without it names are exact.
mkdir w
"$NNTAR" -xf ex.nna -C w --wildcards 'src/*.txt'
[ -f w/src/a.txt ] && [ -f w/src/sub/c.txt ] && [ ! -e w/src/.git ] || fail "--wildcards extraction"
"$NNTAR" -tf ex.nna --wildcards '*/c.*' >wl.txt
[ "$(cat wl.txt)" = "src/sub/c.txt" ] || fail "--wildcards listing: $(cat wl.txt)"
expect_exit 1 err.txt "$NNTAR" -tf ex.nna 'src/*.txt'
expect_in err.txt "not found"
# --exclude on extraction too.
mkdir e
"$NNTAR" -xf ex.nna -C e --exclude sub
[ -f e/src/a.txt ] && [ ! -e e/src/sub ] || fail "--exclude on extraction"
