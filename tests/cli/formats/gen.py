#!/usr/bin/env python3
"""gen.py KIND OUT: deterministic test media (stdlib only).

ppm: 97x61 P6 (odd width), pgm: 64x33 P5, wav: 16-bit mono 16 kHz,
wav2: 16-bit stereo, bmp: 24-bit 53x29 (rows padded to 4 bytes), bmp-top:
a top-down 24-bit BMP (negative height), png: an 8-bit RGBA PNG
written by zlib (level 9, rows filtered Sub/Up/Paeth), png-stored: the same
image with a hand-made deflate stream of stored blocks (no zlib setting
writes it), png16: a 16-bit grey PNG, jpeg: a 256x192 grey baseline JPEG
(quality ~90, the standard Huffman tables of ITU T.81 Annex K),
jpeg-cut: the same cut in its scan.
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


# ITU T.81 Annex K: the luminance quantisation table (scaled to ~quality 90)
# and the standard luminance DC and AC Huffman tables (counts, values).
QUANT = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
         14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
         49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
          28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
          54, 47, 55, 62, 63]
DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALUES = list(range(12))
AC_COUNTS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
AC_VALUES = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738"
    "393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5"
    "a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa")


def huffman_codes(counts, values):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


def jpeg_file(path, w=256, h=192, cut=False):
    quant = [max(1, (q * 20 + 50) // 100) for q in QUANT]
    dc_codes, ac_codes = huffman_codes(DC_COUNTS, DC_VALUES), huffman_codes(AC_COUNTS, AC_VALUES)
    img = [[min(255, x * 60 // w + y * 90 // h + (40 if (x // 37 + y // 29) & 1 else 0) + (x * 7 + y * 13) % 9)
            for x in range(w)] for y in range(h)]
    cos = [[math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)] for u in range(8)]
    bits = []

    def put(code, length):
        bits.extend((code >> (length - 1 - i)) & 1 for i in range(length))

    def magnitude(v):
        n = abs(v).bit_length()
        return n, (v if v >= 0 else v + (1 << n) - 1)

    prev_dc = 0
    for by in range(0, h, 8):
        for bx in range(0, w, 8):
            block = [img[by + y][bx + x] - 128 for y in range(8) for x in range(8)]
            coef = []
            for v in range(8):
                for u in range(8):
                    s = sum(block[y * 8 + x] * cos[u][x] * cos[v][y] for y in range(8) for x in range(8))
                    s *= (0.5 ** 0.5 if u == 0 else 1) * (0.5 ** 0.5 if v == 0 else 1) / 4
                    coef.append(int(round(s / quant[v * 8 + u])))
            zz = [coef[i] for i in ZIGZAG]
            n, bitsv = magnitude(zz[0] - prev_dc)
            prev_dc = zz[0]
            put(*dc_codes[n])
            if n:
                put(bitsv, n)
            run = 0
            for k in range(1, 64):
                if zz[k] == 0:
                    run += 1
                    continue
                while run > 15:
                    put(*ac_codes[0xF0])
                    run -= 16
                n, bitsv = magnitude(zz[k])
                put(*ac_codes[run * 16 + n])
                put(bitsv, n)
                run = 0
            if run:
                put(*ac_codes[0x00])
    bits.extend([1] * (-len(bits) % 8))
    scan = bytearray()
    for i in range(0, len(bits), 8):
        b = int("".join(map(str, bits[i:i + 8])), 2)
        scan.append(b)
        if b == 0xFF:
            scan.append(0)

    def segment(marker, body):
        return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body
    out = b"\xff\xd8" + segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    out += segment(0xDB, b"\0" + bytes(quant[i] for i in ZIGZAG))
    out += segment(0xC0, struct.pack(">BHHBBBB", 8, h, w, 1, 1, 0x11, 0))
    out += segment(0xC4, b"\x00" + bytes(DC_COUNTS) + bytes(DC_VALUES))
    out += segment(0xC4, b"\x10" + bytes(AC_COUNTS) + AC_VALUES)
    out += segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + bytes(scan) + b"\xff\xd9"
    open(path, "wb").write(out[:len(out) // 2] if cut else out)


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    {"ppm": ppm, "pgm": pgm, "wav": wav, "wav2": lambda p: wav(p, 2), "bmp": bmp,
     "bmp-top": lambda p: bmp(p, top_down=True),
     "bmp-large": lambda p: bmp(p, 1200, 1000), "png": png_file,
     "png-stored": lambda p: png_file(p, stored_blocks=True),
     "png16": lambda p: png_file(p, depth=16, color=0), "jpeg": jpeg_file,
     "jpeg-cut": lambda p: jpeg_file(p, cut=True)}[kind](out)
