#!/usr/bin/env python3
"""treecmp.py A B: compares two trees as an archiver must keep them.

Checks the set of names, entry types, permission bits (07777, not for
symlinks), mtimes to the nanosecond (as the file system stores them, symlinks
included), file contents, symlink targets, and that hard links form the same
groups (paths sharing an inode in A share one in B). Exit 1 on a difference.
"""
import os
import stat
import sys


def scan(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            full = os.path.join(dirpath, n)
            out[os.path.relpath(full, root)] = os.lstat(full)
    out["."] = os.lstat(root)
    return out


def kind(st):
    m = st.st_mode
    return "dir" if stat.S_ISDIR(m) else "symlink" if stat.S_ISLNK(m) else "file" if stat.S_ISREG(m) else "other"


def groups(tree):
    by_inode = {}
    for path, st in tree.items():
        if kind(st) == "file" and st.st_nlink > 1:
            by_inode.setdefault((st.st_dev, st.st_ino), set()).add(path)
    return sorted(sorted(g) for g in by_inode.values() if len(g) > 1)


def main(a, b):
    ta, tb = scan(a), scan(b)
    problems = []
    if set(ta) != set(tb):
        problems.append("names only in %s: %r" % (a, sorted(set(ta) - set(tb))))
        problems.append("names only in %s: %r" % (b, sorted(set(tb) - set(ta))))
    for path in sorted(set(ta) & set(tb)):
        sa, sb = ta[path], tb[path]
        ka, kb = kind(sa), kind(sb)
        if ka != kb:
            problems.append("%s: %s vs %s" % (path, ka, kb))
            continue
        if ka != "symlink" and stat.S_IMODE(sa.st_mode) != stat.S_IMODE(sb.st_mode):
            problems.append("%s: mode %04o vs %04o" % (path, stat.S_IMODE(sa.st_mode), stat.S_IMODE(sb.st_mode)))
        if sa.st_mtime_ns != sb.st_mtime_ns:
            problems.append("%s: mtime %d vs %d ns" % (path, sa.st_mtime_ns, sb.st_mtime_ns))
        if ka == "symlink" and os.readlink(os.path.join(a, path)) != os.readlink(os.path.join(b, path)):
            problems.append("%s: symlink targets differ" % path)
        if ka == "file":
            with open(os.path.join(a, path), "rb") as fa, open(os.path.join(b, path), "rb") as fb:
                if fa.read() != fb.read():
                    problems.append("%s: contents differ" % path)
    ga, gb = groups(ta), groups(tb)
    if ga != gb:
        problems.append("hard link groups differ: %r vs %r" % (ga, gb))
    for p in problems:
        print("treecmp: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
