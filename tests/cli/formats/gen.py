#!/usr/bin/env python3
"""gen.py KIND OUT: deterministic test media (stdlib only).

ppm: 97x61 P6 (odd width), pgm: 64x33 P5, wav: 16-bit mono 16 kHz,
wav2: 16-bit stereo, bmp: 24-bit 53x29 (rows padded to 4 bytes), bmp-top:
a top-down 24-bit BMP (negative height), png: an 8-bit RGBA PNG
written by zlib (level 9, rows filtered Sub/Up/Paeth), png-stored: the same
image with a hand-made deflate stream of stored blocks (no zlib setting
writes it), png16: a 16-bit grey PNG.
"""
import math
import struct
import sys
import wave
import zlib


def pixel(x, y, c):
    return (x * 3 + y * 5 + c * 70 + ((x * y) % 7)) & 0xFF


def ppm(path, w=97, h=61):
    body = bytes(pixel(x, y, c) for y in range(h) for x in range(w) for c in range(3))
    open(path, "wb").write(b"P6\n# test image\n%d %d\n255\n" % (w, h) + body)


def pgm(path, w=64, h=33):
    body = bytes(pixel(x, y, 0) for y in range(h) for x in range(w))
    open(path, "wb").write(b"P5 %d %d 255\n" % (w, h) + body)


def wav(path, channels=1, frames=24000):
    w = wave.open(path, "wb")
    w.setnchannels(channels)
    w.setsampwidth(2)
    w.setframerate(16000)
    out = bytearray()
    for i in range(frames):
        for c in range(channels):
            v = int(12000 * math.sin(i * (0.02 + 0.01 * c)) + 3000 * math.sin(i * 0.31) + (i * 7919 + c) % 97)
            out += struct.pack("<h", max(-32768, min(32767, v)))
    w.writeframes(bytes(out))
    w.close()


def bmp(path, w=53, h=29, top_down=False):
    stride = (w * 3 + 3) & ~3
    rows = bytearray()
    for y in range(h):
        row = bytes(pixel(x, y, c) for x in range(w) for c in range(3))
        rows += row + b"\0" * (stride - len(row))
    info = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
    header = struct.pack("<2sIHHI", b"BM", 14 + 40 + len(rows), 0, 0, 14 + 40)
    open(path, "wb").write(header + info + bytes(rows))


def png_file(path, w=45, h=31, depth=8, color=6, stored_blocks=False):
    channels = {0: 1, 2: 3, 6: 4}[color]
    bpp = channels * depth // 8
    rows = []
    for y in range(h):
        raw = bytes(pixel(x, y, c) for x in range(w) for c in range(bpp))
        kind = y % 3  # 0: Sub, 1: Up, 2: Paeth
        out = bytearray()
        prev = rows[-1][1] if rows else bytes(len(raw))
        for i, v in enumerate(raw):
            a = raw[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 0:
                pred = a
            elif kind == 1:
                pred = b
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out.append((v - pred) & 0xFF)
        rows.append((bytes([(1, 2, 4)[kind]]) + bytes(out), raw))
    data = b"".join(r[0] for r in rows)
    if stored_blocks:
        comp = bytearray(b"\x78\x01")
        for at in range(0, len(data), 300):
            piece = data[at:at + 300]
            comp += bytes([1 if at + 300 >= len(data) else 0]) + struct.pack("<HH", len(piece), 0xFFFF ^ len(piece)) + piece
        comp += struct.pack(">I", zlib.adler32(data))
    else:
        comp = zlib.compress(data, 9)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes(comp)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    {"ppm": ppm, "pgm": pgm, "wav": wav, "wav2": lambda p: wav(p, 2), "bmp": bmp,
     "bmp-top": lambda p: bmp(p, top_down=True), "png": png_file,
     "png-stored": lambda p: png_file(p, stored_blocks=True),
     "png16": lambda p: png_file(p, depth=16, color=0)}[kind](out)
