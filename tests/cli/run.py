#!/usr/bin/env python3
"""nntar CLI end-to-end tests (STYLE.md practice 14, zstd's tests/cli-tests).

Each test is tests/cli/<group>/<name>.sh, run with `bash` in a fresh temporary
directory with these environment variables:
  NNTAR     the nntar binary
  MKMODEL   the ann_make_model tool (random .nnm models)
  TESTDATA  the tests/ directory (helpers live in $TESTDATA/cli)
Expectations beside the script (all optional):
  <name>.exit          expected exit status (default 0)
  <name>.stdout.exact  stdout, byte for byte
  <name>.stdout.glob   stdout, one fnmatch pattern per line
--set-exact-output rewrites the .stdout.exact files from the actual output.
"""
import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)


def discover(only):
    found = []
    for group in sorted(os.listdir(HERE)):
        gdir = os.path.join(HERE, group)
        if not os.path.isdir(gdir) or group.startswith(("_", ".")):
            continue
        for f in sorted(os.listdir(gdir)):
            if f.endswith(".sh"):
                name = group + "/" + f[:-3]
                if not only or any(fnmatch.fnmatchcase(name, pat) for pat in only):
                    found.append(name)
    return found


def glob_match(actual, patterns):
    """Line-by-line fnmatch; returns None or a description of the mismatch."""
    a = actual.split("\n")
    p = patterns.split("\n")
    if len(a) != len(p):
        return "%d lines, expected %d" % (len(a), len(p))
    for i, (line, pat) in enumerate(zip(a, p), 1):
        if not fnmatch.fnmatchcase(line, pat):
            return "line %d: %r does not match %r" % (i, line, pat)
    return None


def tail(text, n=40):
    lines = text.rstrip("\n").split("\n")
    if len(lines) > n:
        lines = ["... (%d lines cut)" % (len(lines) - n)] + lines[-n:]
    return "\n".join("    | " + l for l in lines)


def run_one(name, args):
    script = os.path.join(HERE, name + ".sh")
    base = os.path.join(HERE, name)
    want_exit = 0
    if os.path.exists(base + ".exit"):
        with open(base + ".exit") as f:
            want_exit = int(f.read().strip())
    work = tempfile.mkdtemp(prefix="nntar-cli-")
    env = dict(os.environ)
    env.update({
        "NNTAR": args.nntar,
        "MKMODEL": args.mkmodel or "ann_make_model-not-given",
        "TESTDATA": TESTS_DIR,
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "HOME": work,
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.pop("CDPATH", None)
    start = time.monotonic()
    try:
        p = subprocess.run(["bash", script], cwd=work, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=args.timeout)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        code, out, err = None, e.stdout or b"", (e.stderr or b"") + b"\n(timed out)\n"
    finally:
        if args.keep:
            print("  kept %s" % work)
        else:
            # Tests may leave read-only directories behind.
            for root, dirs, _ in os.walk(work):
                for d in dirs:
                    p = os.path.join(root, d)
                    if not os.path.islink(p):
                        try:
                            os.chmod(p, 0o755)
                        except OSError:
                            pass
            shutil.rmtree(work, ignore_errors=True)
    secs = time.monotonic() - start
    out_s = out.decode("utf-8", "backslashreplace")
    err_s = err.decode("utf-8", "backslashreplace")
    problems = []
    if code is None:
        problems.append("timed out after %ds" % args.timeout)
    elif code != want_exit:
        problems.append("exit status %d, expected %d" % (code, want_exit))
    exact = base + ".stdout.exact"
    glob = base + ".stdout.glob"
    if args.set_exact_output and os.path.exists(exact) and code == want_exit:
        with open(exact, "wb") as f:
            f.write(out)
    elif os.path.exists(exact):
        with open(exact, "rb") as f:
            want = f.read()
        if out != want:
            problems.append("stdout differs from %s:\n%s\n  expected:\n%s" % (
                os.path.basename(exact), tail(out_s), tail(want.decode("utf-8", "backslashreplace"))))
    elif os.path.exists(glob):
        with open(glob, encoding="utf-8") as f:
            why = glob_match(out_s, f.read())
        if why:
            problems.append("stdout does not match %s: %s\n%s" % (os.path.basename(glob), why, tail(out_s)))
    return problems, secs, out_s, err_s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nntar", required=True, help="path to the nntar binary")
    ap.add_argument("--mkmodel", help="path to ann_make_model")
    ap.add_argument("--only", action="append", default=[], metavar="GROUP/NAME",
                    help="run only these tests (fnmatch patterns, repeatable)")
    ap.add_argument("--set-exact-output", action="store_true", help="rewrite .stdout.exact files")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per test (default 120)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    ap.add_argument("-v", "--verbose", action="store_true", help="show stderr of passing tests too")
    args = ap.parse_args()
    args.nntar = os.path.abspath(args.nntar)
    if args.mkmodel:
        args.mkmodel = os.path.abspath(args.mkmodel)
    if not os.access(args.nntar, os.X_OK):
        print("run.py: %s is not an executable" % args.nntar, file=sys.stderr)
        return 2
    tests = discover(args.only)
    if not tests:
        print("run.py: no tests match %s" % " ".join(args.only), file=sys.stderr)
        return 2
    failed = []
    total = time.monotonic()
    for name in tests:
        problems, secs, out, err = run_one(name, args)
        status = "FAIL" if problems else "ok"
        print("%-4s %-36s %6.2fs" % (status, name, secs), flush=True)
        if problems:
            failed.append(name)
            for p in problems:
                print("  " + p)
            if err.strip():
                print("  stderr:\n" + tail(err))
        elif args.verbose and err.strip():
            print("  stderr:\n" + tail(err))
    print("\n%d tests, %d passed, %d failed (%.1fs)" % (
        len(tests), len(tests) - len(failed), len(failed), time.monotonic() - total))
    for name in failed:
        print("  FAILED " + name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
