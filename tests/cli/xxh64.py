"""Pure-python XXH64 (stdlib only), for tests that hand-craft archives.

Checked against the archive writer itself by `patch_archive.py verify`
(every record checksum, the index hash in the footer and the per-entry
content hash are XXH64 values computed by the C++ library) and by the
known vectors below.  Run `python3 xxh64.py` to self-test.
"""

_M = (1 << 64) - 1
P1 = 0x9E3779B185EBCA87
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9
P4 = 0x85EBCA77C2B2AE63
P5 = 0x27D4EB2F165667C5


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & _M


def _round(acc, lane):
    acc = (acc + lane * P2) & _M
    acc = _rotl(acc, 31)
    return (acc * P1) & _M


def _merge(acc, val):
    acc ^= _round(0, val)
    return (acc * P1 + P4) & _M


def xxh64(data, seed=0):
    data = bytes(data)
    n = len(data)
    i = 0
    if n >= 32:
        v1 = (seed + P1 + P2) & _M
        v2 = (seed + P2) & _M
        v3 = seed & _M
        v4 = (seed - P1) & _M
        frombytes = int.from_bytes
        while i + 32 <= n:
            v1 = _round(v1, frombytes(data[i:i + 8], "little"))
            v2 = _round(v2, frombytes(data[i + 8:i + 16], "little"))
            v3 = _round(v3, frombytes(data[i + 16:i + 24], "little"))
            v4 = _round(v4, frombytes(data[i + 24:i + 32], "little"))
            i += 32
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _M
        h = _merge(h, v1)
        h = _merge(h, v2)
        h = _merge(h, v3)
        h = _merge(h, v4)
    else:
        h = (seed + P5) & _M
    h = (h + n) & _M
    while i + 8 <= n:
        k = _round(0, int.from_bytes(data[i:i + 8], "little"))
        h ^= k
        h = (_rotl(h, 27) * P1 + P4) & _M
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * P1) & _M
        h = (_rotl(h, 23) * P2 + P3) & _M
        i += 4
    while i < n:
        h ^= (data[i] * P5) & _M
        h = (_rotl(h, 11) * P1) & _M
        i += 1
    h ^= h >> 33
    h = (h * P2) & _M
    h ^= h >> 29
    h = (h * P3) & _M
    h ^= h >> 32
    return h


def xxh32low(data):
    """The container's 4-byte checksum: the low 32 bits of XXH64(seed 0)."""
    return xxh64(data) & 0xFFFFFFFF


if __name__ == "__main__":
    # Reference values from the xxHash project (xxhsum -H1).
    assert xxh64(b"") == 0xEF46DB3751D8E999, hex(xxh64(b""))
    assert xxh64(b"a") == 0xD24EC4F1A98C6E5B, hex(xxh64(b"a"))
    assert xxh64(b"abc") == 0x44BC2CF5AD770999, hex(xxh64(b"abc"))
    assert xxh64(b"Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1
    print("xxh64 self-test ok")
