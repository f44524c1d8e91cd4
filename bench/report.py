#!/usr/bin/env python3
"""Merges nntar's rows and baselines.sh's Markdown into the README table."""
import os
import re
import sys

evaldir, rows_path, baselines_path, model_line = sys.argv[1:5]
raw = {m: os.path.getsize(os.path.join(evaldir, m + ".bin")) for m in ("text", "image", "audio")}
raw["mixed"] = raw["text"] + raw["image"] + raw["audio"]

# baselines.md: "## text — raw payload N bytes" then "| method | input | bytes | ratio | bits/B | time s |"
base = {}
section = None
for line in open(baselines_path, encoding="utf-8"):
    m = re.match(r"## (\w+) — raw payload", line)
    if m:
        section = m.group(1)
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if section and len(cells) == 6 and cells[2].isdigit():
        t = None if cells[5] == "-" else float(cells[5])
        base.setdefault(section, []).append((cells[0], cells[1], int(cells[2]), t))

nn = {}
for line in open(rows_path, encoding="utf-8"):
    m, label, size, tc, td = line.rstrip("\n").split("\t")
    nn.setdefault(m, []).append((label, int(size), float(tc), None if td == "-" else float(td)))

WANT = {
    "text": ["gzip -9", "bzip2 -9", "xz -9e (LZMA2)", "zstd -19", "zstd --ultra -22 --long=27", "brotli -q 11",
             "7z PPMd -mx=9", "zpaq -m5 (CM)"],
    "image": ["xz -9e (LZMA2)", "zstd --ultra -22 --long=27", "zpaq -m5 (CM)", "optipng -o7 (from image-png/)",
              "opj_compress (JPEG 2000 lossless 5/3)", "cwebp -lossless -z 9 (WebP lossless)",
              "cjxl -d 0 -e 9 (JPEG XL lossless)"],
    "audio": ["xz -9e (LZMA2)", "zstd --ultra -22 --long=27", "zpaq -m5 (CM)", "flac -8", "wavpack -hh -x3"],
}

def kbs(n, t):
    return "-" if not t else "%.0f" % (n / t / 1000)

print("Default model: `%s`" % model_line.strip())
print()
print("| modality | nntar referenced | nntar embedded | xz -9e (stream) | model cost when embedded | break-even payload size vs xz -9e |")
print("|---|---:|---:|---:|---:|---|")
for m in ("text", "image", "audio", "mixed"):
    n = raw[m]
    ref = next((r for r in nn.get(m, []) if "referenced" in r[0]), None)
    emb = next((r for r in nn.get(m, []) if "embedded" in r[0]), None)
    xz = next((b for b in base.get(m, []) if b[0] == "xz -9e (LZMA2)" and b[1].startswith("stream")), None)
    if m == "mixed":
        xz = next((("xz", "tar", r[1], r[2]) for r in nn.get(m, []) if r[0].startswith("xz")), None)
    if not (ref and emb and xz):
        continue
    cost = emb[1] - ref[1]
    saving = (xz[2] - ref[1]) / n  # bytes saved per payload byte
    be = "%.1f MB" % (cost / saving / 1e6) if saving > 0 else "never (nntar is %.1f%% larger than xz with the model referenced)" % (100.0 * (ref[1] - xz[2]) / xz[2])
    print("| %s | %.4f | %.4f | %.4f | %d bytes | %s |" % (m, ref[1] / n, emb[1] / n, xz[2] / n, cost, be))
print()
for m in ("text", "image", "audio", "mixed"):
    n = raw[m]
    xz = next((b for b in base.get(m, []) if b[0] == "xz -9e (LZMA2)" and b[1].startswith("stream")), None)
    xz_speed = n / xz[3] if xz and xz[3] else None
    print("### %s (%d payload bytes)" % (m, n))
    print()
    print("| method | input | ratio | bits/B | compress KB/s | decompress KB/s | speed vs xz -9e |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, size, tc, td in nn.get(m, []):
        rel = "%.3fx" % ((n / tc) / xz_speed) if xz_speed and tc else "-"
        inp = "tar of %s/" % m if not label.startswith("nntar") else "files of %s/" % m
        print("| %s | %s | %.4f | %.3f | %s | %s | %s |" % (label, inp if m != "mixed" else "text/ image/ audio/",
                                                           size / n, 8 * size / n, kbs(n, tc), kbs(n, td), rel))
    for want in WANT.get(m, []):
        for name, inp, size, t in base.get(m, []):
            if name == want and (inp.startswith("stream") or inp == "per file"):
                rel = "%.3fx" % ((n / t) / xz_speed) if xz_speed and t else "-"
                print("| %s | %s | %.4f | %.3f | %s | - | %s |" % (name, inp, size / n, 8 * size / n, kbs(n, t), rel))
    print()
