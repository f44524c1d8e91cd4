#!/usr/bin/env python3
"""md2man.py IN.md OUT.1: the man page from cli/nntar.1.md (pandoc's man
markdown subset that file uses: a '% TITLE(1)' line, '# SECTION' headings,
'**bold**', '*italic*', backslash escapes, definition items (a term line, then
':   text' and indented lines), indented code blocks). Standard library only,
so the build needs nothing beyond python3."""
import re
import sys


def inline(text):
    text = text.replace("\\", "\\e").replace("\\e-", "\\-")  # keep '\-' (pandoc escapes) as roff minus
    text = re.sub(r"\\e([`*_\[\]#.])", r"\1", text)            # markdown escapes
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"\*(.+?)\*", r"\\fI\1\\fR", text)
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    return text


def line_out(text):
    text = inline(text)
    return ("\\&" + text) if text.startswith((".", "'")) else text


def convert(md):
    out = []
    lines = md.split("\n")
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("% "):
            m = re.match(r"% (\S+)\((\d)\)\s*(.*)", ln)
            if m:
                out.append('.TH "%s" "%s" "" "%s" ""' % (m.group(1), m.group(2), m.group(3)))
        elif ln.startswith("# "):
            out.append(".SH " + ln[2:].strip())
        elif ln.startswith(":   "):
            out.append(".RS 4")
            out.append(line_out(ln[4:]))
            i += 1
            while i < len(lines) and lines[i].startswith("    ") and lines[i].strip():
                out.append(line_out(lines[i].strip()))
                i += 1
            out.append(".RE")
            continue
        elif ln.startswith("    ") and ln.strip():
            out.append(".IP")
            out.append(".nf")
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                if lines[i].strip() or (i + 1 < len(lines) and lines[i + 1].startswith("    ")):
                    out.append("\\&" + lines[i][4:].replace("\\", "\\e"))
                i += 1
            out.append(".fi")
            continue
        elif not ln.strip():
            out.append(".PP")
        elif i + 1 < len(lines) and lines[i + 1].startswith(":   "):
            out.append(".TP")
            out.append(line_out(ln.rstrip("\\")))
        else:
            out.append(line_out(ln.rstrip("\\")) + ("\n.br" if ln.endswith("\\") else ""))
        i += 1
    text = "\n".join(out) + "\n"
    return re.sub(r"(\.PP\n)+", ".PP\n", text)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        md = f.read()
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(convert(md))
