#!/usr/bin/env python3
"""gen.py KIND OUT: deterministic test media (stdlib only).

ppm: 97x61 P6 (odd width), pgm: 64x33 P5, wav: 16-bit mono 16 kHz,
wav2: 16-bit stereo, bmp: 24-bit 53x29 (rows padded to 4 bytes), bmp-top:
a top-down 24-bit BMP (negative height).
"""
import math
import struct
import sys
import wave


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


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    {"ppm": ppm, "pgm": pgm, "wav": wav, "wav2": lambda p: wav(p, 2), "bmp": bmp,
     "bmp-top": lambda p: bmp(p, top_down=True)}[kind](out)
