#!/usr/bin/env python3
"""mktree.py DIR: a small tree with every entry type and varied metadata.

Files with modes 0644/0755/0444/0600, an empty file, nested and empty
directories (one 0700), relative, dangling and absolute symlinks, three hard
links to one file, and mtimes with nanoseconds (fixed, so listings are stable).
"""
import os
import sys

BASE = 1600000000  # 2020-09-13 12:26:40 UTC


def t(i):
    return (BASE + 1000 * i) * 10**9 + 123456789 + i


def main(root):
    files = {
        "a.txt": (b"hello, archive\n" * 20, 0o644),
        "exec.sh": (b"#!/bin/sh\necho hi\n", 0o755),
        "ro.txt": (b"read only\n", 0o444),
        "private": (bytes(range(256)) * 3, 0o600),
        "empty": (b"", 0o644),
        "sub/deep/nested/file.txt": (b"deep\n", 0o640),
        "sub/hard1": (b"linked content\n", 0o644),
    }
    os.makedirs(os.path.join(root, "sub/deep/nested"))
    os.makedirs(os.path.join(root, "emptydir"))
    for i, (name, (data, mode)) in enumerate(sorted(files.items())):
        p = os.path.join(root, name)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        os.utime(p, ns=(t(i), t(i)))
    os.link(os.path.join(root, "sub/hard1"), os.path.join(root, "hard2"))
    os.link(os.path.join(root, "sub/hard1"), os.path.join(root, "sub/deep/hard3"))
    links = {"link": "a.txt", "dangling": "does/not/exist", "abslink": "/nonexistent/nntar-target",
             "sub/up": "../a.txt"}
    for i, (name, target) in enumerate(sorted(links.items())):
        p = os.path.join(root, name)
        os.symlink(target, p)
        os.utime(p, ns=(t(20 + i), t(20 + i)), follow_symlinks=False)
    dirs = ["sub/deep/nested", "sub/deep", "sub", "emptydir", "."]
    for i, d in enumerate(dirs):
        p = os.path.join(root, d)
        os.utime(p, ns=(t(40 + i), t(40 + i)))
    os.chmod(os.path.join(root, "sub/deep"), 0o700)
    os.chmod(os.path.join(root, "emptydir"), 0o750)


if __name__ == "__main__":
    main(sys.argv[1])
