#!/usr/bin/env python3
"""Inspect and hand-patch nntar archives, for hostile-archive tests.

The writer refuses unsafe paths, so hostile archives are made by patching a
real one: a name is replaced by another of the same length in both the
Entry_Header record and its copy in the index, and every checksum that covers
the changed bytes is recomputed.

Layout (spec/archive_format.md):
  Archive_Header  magic[8] version u16 flags u16 checksum u32   (16 bytes)
  Record          type u8 | Body_Size varint | body | checksum u32 LE
                  Body_Size counts the body and its checksum; the checksum is
                  the low 32 bits of XXH64(seed 0) over type+size+body.
                  Chunk records (0x03) are followed by Size_Coded payload
                  bytes, model records (0x01) by their stored payload.
                  Block_Header records (0x05, format version 2) are followed by
                  their coded Member_Table, then by the block's chunks.
  Index           the record of type 0xFF
  Index_Footer    index_offset u64, index_size u64, XXH64(index record) u64,
                  checksum u32 (low 32 bits of XXH64 of bytes 0..23), magic[4]

Usage:
  patch_archive.py dump ARCHIVE
  patch_archive.py verify ARCHIVE            check every checksum (exit 1 if not)
  patch_archive.py rename ARCHIVE OLD NEW    entry path OLD -> NEW (same length)
  patch_archive.py relink ARCHIVE PATH NEW   link target of entry PATH -> NEW
  patch_archive.py flip-chunk ARCHIVE PATH [N]   flip a bit in chunk N's payload
  patch_archive.py flip-index ARCHIVE        flip a bit inside the index body
  patch_archive.py flip-block ARCHIVE ID [N] flip a bit in chunk N of solid block ID
  patch_archive.py flip-header ARCHIVE PATH|block:ID|chunk:PATH:N|end:PATH
                                             flip a bit in a record's body (its checksum
                                             then fails): an entry's header, a block's,
                                             chunk N's header, an entry's Entry_End
  patch_archive.py flip-byte ARCHIVE OFFSET  flip the low bit of the byte at OFFSET
                                             (negative: counted from the end)
  patch_archive.py make-solid ARCHIVE PATH=TEXT...
                                             write a version 2 archive of one stored
                                             solid block with these members (any
                                             names, also unsafe ones)
Patching commands rewrite ARCHIVE in place.
"""
import os
import sys

sys.dont_write_bytecode = True  # the source tree may be read-only
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xxh64 import xxh64, xxh32low  # noqa: E402

MAGIC = b"\x89NNA\r\n\x1a\n"
HEADER_SIZE = 16
FOOTER_SIZE = 32
T_MODEL, T_ENTRY, T_CHUNK, T_END, T_BLOCK, T_INDEX = 0x01, 0x02, 0x03, 0x04, 0x05, 0xFF


class Fail(Exception):
    pass


def varint(buf, pos):
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise Fail("varint runs past the end")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def parse_entry_body(buf, pos, end):
    """Returns a dict with the entry fields and the byte ranges of path and link."""
    e = {"type": buf[pos], "flags": buf[pos + 1], "transform": buf[pos + 2]}
    pos += 3
    e["mode"], pos = varint(buf, pos)
    mt, pos = varint(buf, pos)
    e["mtime"] = (mt >> 1) ^ -(mt & 1)
    e["nsec"], pos = varint(buf, pos)
    e["size"], pos = varint(buf, pos)
    n, pos = varint(buf, pos)
    e["path_at"] = (pos, pos + n)
    e["path"] = bytes(buf[pos:pos + n])
    pos += n
    n, pos = varint(buf, pos)
    e["link_at"] = (pos, pos + n)
    e["link"] = bytes(buf[pos:pos + n])
    pos += n
    if e["transform"]:
        _, pos = varint(buf, pos)
        _, pos = varint(buf, pos)
    if e["flags"] & 1:  # version 3: Attributes (uid, gid, user, group, xattrs)
        e["uid"], pos = varint(buf, pos)
        e["gid"], pos = varint(buf, pos)
        for key in ("user", "group"):
            n, pos = varint(buf, pos)
            e[key] = bytes(buf[pos:pos + n])
            pos += n
        count, pos = varint(buf, pos)
        e["xattrs"] = []
        for _ in range(count):
            n, pos = varint(buf, pos)
            name = bytes(buf[pos:pos + n])
            pos += n
            n, pos = varint(buf, pos)
            e["xattrs"].append((name, bytes(buf[pos:pos + n])))
            pos += n
    if pos != end:
        raise Fail("entry body has %d trailing bytes" % (end - pos))
    return e


def parse(buf):
    """Walks the archive; returns (records, footer).

    Each record: dict(offset, type, body=(start, end) without checksum,
    end=offset after the checksum, payload=(start, end), entry/chunk fields).
    """
    if bytes(buf[:8]) != MAGIC:
        raise Fail("bad magic")
    records = []
    pos = HEADER_SIZE
    while True:
        start = pos
        rtype = buf[pos]
        size, pos = varint(buf, pos + 1)
        body = (pos, pos + size - 4)
        rec = {"offset": start, "type": rtype, "body": body, "end": pos + size}
        pos += size
        rec["payload"] = (pos, pos)
        if rtype == T_ENTRY:
            rec["entry"] = parse_entry_body(buf, body[0], body[1])
        elif rtype == T_CHUNK:
            p = body[0]
            rec["codec"], rec["model_id"] = buf[p], buf[p + 1]
            p += 3
            rec["size_original"], p = varint(buf, p)
            rec["size_coded"], p = varint(buf, p)
            rec["param"], p = varint(buf, p)
            rec["checksum"] = int.from_bytes(buf[p:p + 8], "little")
            rec["payload"] = (pos, pos + rec["size_coded"])
            pos += rec["size_coded"]
        elif rtype == T_END:
            rec["checksum"] = int.from_bytes(buf[body[0]:body[0] + 8], "little")
        elif rtype == T_BLOCK:
            p = body[0]
            rec["block_id"], p = varint(buf, p)
            p += 2  # flags, transform
            rec["block_size"], p = varint(buf, p)
            rec["members"], p = varint(buf, p)
            rec["table_codec"] = buf[p]
            rec["table_size"], p = varint(buf, p + 1)
            coded, p = varint(buf, p)
            rec["payload"] = (pos, pos + coded)
            pos += coded
        elif rtype == T_MODEL:
            p = body[0] + 18
            if buf[body[0] + 1] != 0:  # embedded: model_size, stored size
                _, p = varint(buf, p)
                stored, p = varint(buf, p)
                rec["payload"] = (pos, pos + stored)
                pos += stored
        records.append(rec)
        if rtype == T_INDEX:
            rec["index_entries"] = parse_index(buf, rec)
            break
    footer = bytes(buf[pos:pos + FOOTER_SIZE])
    if len(footer) != FOOTER_SIZE or pos + FOOTER_SIZE != len(buf):
        raise Fail("footer missing or not at the end")
    return records, pos


def parse_index_entry(buf, pos, entries):
    """One Index_Entry: offset, coded size, chunk count, body copy."""
    off, pos = varint(buf, pos)
    _, pos = varint(buf, pos)
    _, pos = varint(buf, pos)
    n, pos = varint(buf, pos)
    e = parse_entry_body(buf, pos, pos + n)
    e["entry_offset"] = off
    entries.append(e)
    return pos + n


def skip_index_block(buf, pos):
    """One Index_Block (version 2): four varints, then the chunk list."""
    for _ in range(4):  # offset, coded size, block id, member count
        _, pos = varint(buf, pos)
    chunks, pos = varint(buf, pos)
    for _ in range(2 * chunks):
        _, pos = varint(buf, pos)
    return pos


def parse_index(buf, rec):
    """The entries of the Index (version 2: items tagged 0 entry, 1 block)."""
    pos, end = rec["body"]
    models, pos = varint(buf, pos)
    for _ in range(models):
        _, pos = varint(buf, pos)
    count, pos = varint(buf, pos)
    entries = []
    v2 = int.from_bytes(buf[8:10], "little") >= 2
    for _ in range(count):
        if v2:
            pos += 1
            if buf[pos - 1] == 1:
                pos = skip_index_block(buf, pos)
                continue
        pos = parse_index_entry(buf, pos, entries)
    if pos != end:
        raise Fail("index has trailing bytes")
    return entries


def reseal(buf, rec):
    """Recomputes the record checksum of rec."""
    end = rec["body"][1]
    buf[end:end + 4] = xxh32low(buf[rec["offset"]:end]).to_bytes(4, "little")


def fix_footer(buf):
    records, fpos = parse(buf)
    index = records[-1]
    buf[fpos + 16:fpos + 24] = xxh64(buf[index["offset"]:index["end"]]).to_bytes(8, "little")
    buf[fpos + 24:fpos + 28] = xxh32low(buf[fpos:fpos + 24]).to_bytes(4, "little")


def verify(buf):
    problems = []
    if xxh32low(buf[:12]) != int.from_bytes(buf[12:16], "little"):
        problems.append("archive header checksum")
    records, fpos = parse(buf)
    content = None
    for rec in records:
        end = rec["body"][1]
        if xxh32low(buf[rec["offset"]:end]) != int.from_bytes(buf[end:end + 4], "little"):
            problems.append("record checksum at offset %d" % rec["offset"])
        if rec["type"] == T_ENTRY:
            content = bytearray()
        elif rec["type"] == T_BLOCK:
            content = None
        elif rec["type"] == T_CHUNK and content is not None:
            if rec["codec"] == 0:  # stored: the payload is the content
                content += buf[rec["payload"][0]:rec["payload"][1]]
            else:
                content = None
        elif rec["type"] == T_END and content is not None:
            if xxh64(content) != rec["checksum"]:
                problems.append("entry content hash ending at offset %d" % rec["offset"])
            content = None
    index = records[-1]
    footer = buf[fpos:]
    if int.from_bytes(footer[0:8], "little") != index["offset"]:
        problems.append("footer index offset")
    if int.from_bytes(footer[16:24], "little") != xxh64(buf[index["offset"]:index["end"]]):
        problems.append("footer index hash")
    if int.from_bytes(footer[24:28], "little") != xxh32low(footer[:24]):
        problems.append("footer checksum")
    return problems


def put_varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def seal(rtype, body):
    head = bytes([rtype]) + put_varint(len(body) + 4) + body
    return head + xxh32low(head).to_bytes(4, "little")


def make_solid(members):
    """A version 2 archive: one solid block, member table and chunk stored."""
    stream = b"".join(data for _, data in members)
    table = b"".join(put_varint(0o644) for _ in members)
    table += b"".join(put_varint(1700000000 * 2) for _ in members)
    table += b"".join(put_varint(0) for _ in members)
    table += b"".join(put_varint(len(data)) for _, data in members)
    table += b"".join(put_varint(0) for _ in members)  # Duplicate_Of
    table += b"".join(put_varint(len(path)) + path for path, _ in members)
    table += b"".join(xxh64(data).to_bytes(8, "little") for _, data in members)
    header = MAGIC + (2).to_bytes(2, "little") + b"\0\0"
    out = bytearray(header + xxh32low(header).to_bytes(4, "little"))
    block_at = len(out)
    body = put_varint(1) + b"\0\0" + put_varint(len(stream)) + put_varint(len(members)) + b"\0"
    body += put_varint(len(table)) + put_varint(len(table)) + xxh64(table).to_bytes(8, "little")
    out += seal(T_BLOCK, body) + table
    chunk_at = len(out)
    out += seal(T_CHUNK, b"\0\0\0" + put_varint(len(stream)) * 2 + put_varint(0) +
                xxh64(stream).to_bytes(8, "little")) + stream
    index_at = len(out)
    item = b"\x01" + put_varint(block_at) + put_varint(len(out) - block_at) + put_varint(1)
    item += put_varint(len(members)) + put_varint(1) + put_varint(chunk_at - block_at) + put_varint(len(stream))
    index = seal(T_INDEX, put_varint(0) + put_varint(1) + item)
    out += index
    footer = index_at.to_bytes(8, "little") + len(index).to_bytes(8, "little") + xxh64(index).to_bytes(8, "little")
    out += footer + xxh32low(footer).to_bytes(4, "little") + b"NNA$"
    return out


def flip_chunk(buf, records, owner, want):
    """Flips a bit in the middle of chunk `want` of an entry or block record."""
    i = records.index(owner) + 1
    n = 0
    while records[i]["type"] == T_CHUNK:
        if n == want:
            a, b = records[i]["payload"]
            buf[(a + b) // 2] ^= 0x10
            return
        n += 1
        i += 1
    raise Fail("no chunk %d after the record at offset %d" % (want, owner["offset"]))


def find_entry(records, path):
    for rec in records:
        if rec["type"] == T_ENTRY and rec["entry"]["path"] == path:
            return rec
    raise Fail("no entry %r" % path)


def replace_field(buf, path, new, field):
    records, _ = parse(buf)
    rec = find_entry(records, path)
    targets = [(rec, rec["entry"])]
    for e in records[-1]["index_entries"]:
        if e["path"] == path:
            targets.append((records[-1], e))
    if len(targets) != 2:
        raise Fail("entry %r is not in the index exactly once" % path)
    for r, e in targets:
        a, b = e[field + "_at"]
        if b - a != len(new):
            raise Fail("%s %r and %r differ in length" % (field, e[field], new))
        buf[a:b] = new
        reseal(buf, r)
    fix_footer(buf)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, name = argv[1], argv[2]
    enc = os.fsencode
    if cmd == "make-solid":
        members = [(enc(a.split("=", 1)[0]), enc(a.split("=", 1)[1])) for a in argv[3:]]
        with open(name, "wb") as f:
            f.write(make_solid(members))
        return 0
    with open(name, "rb") as f:
        buf = bytearray(f.read())
    if cmd == "dump":
        records, fpos = parse(buf)
        for r in records:
            extra = ""
            if "entry" in r:
                extra = " %r -> %r" % (r["entry"]["path"], r["entry"]["link"])
            elif r["type"] == T_CHUNK:
                extra = " codec %d %d -> %d" % (r["codec"], r["size_original"], r["size_coded"])
            elif r["type"] == T_BLOCK:
                extra = " block %d: %d members, %d bytes" % (r["block_id"], r["members"], r["block_size"])
            print("%8d type 0x%02x%s" % (r["offset"], r["type"], extra))
        print("%8d footer" % fpos)
        return 0
    if cmd == "verify":
        problems = verify(buf)
        for p in problems:
            print("bad: " + p)
        if not problems:
            print("all checksums ok")
        return 1 if problems else 0
    if cmd == "rename":
        replace_field(buf, enc(argv[3]), enc(argv[4]), "path")
    elif cmd == "relink":
        replace_field(buf, enc(argv[3]), enc(argv[4]), "link")
    elif cmd == "flip-chunk":
        records, _ = parse(buf)
        flip_chunk(buf, records, find_entry(records, enc(argv[3])), int(argv[4]) if len(argv) > 4 else 0)
    elif cmd == "flip-block":
        records, _ = parse(buf)
        blocks = [r for r in records if r["type"] == T_BLOCK and r["block_id"] == int(argv[3])]
        if not blocks:
            raise Fail("no block %s" % argv[3])
        flip_chunk(buf, records, blocks[0], int(argv[4]) if len(argv) > 4 else 0)
    elif cmd == "flip-header":
        records, _ = parse(buf)
        what = argv[3]
        if what.startswith("block:"):
            found = [r for r in records if r["type"] == T_BLOCK and r["block_id"] == int(what[6:])]
            if not found:
                raise Fail("no block %s" % what[6:])
            rec = found[0]
        elif what.startswith("chunk:") or what.startswith("end:"):
            kind, rest = what.split(":", 1)
            path, n = (rest.rsplit(":", 1) + ["0"])[:2] if kind == "chunk" else (rest, "0")
            i = records.index(find_entry(records, enc(path))) + 1
            want = T_CHUNK if kind == "chunk" else T_END
            hits = [r for r in records[i:] if r["type"] in (T_CHUNK, T_END)]
            hits = hits[:next(k for k, r in enumerate(hits) if r["type"] == T_END) + 1]
            hits = [r for r in hits if r["type"] == want]
            if len(hits) <= int(n):
                raise Fail("no such record: %s" % what)
            rec = hits[int(n)]
        else:
            rec = find_entry(records, enc(what))
        a, b = rec["body"]
        buf[(a + b) // 2] ^= 0x04
    elif cmd == "flip-byte":
        # A flip, never an overwrite: writing a fixed value leaves the
        # archive intact whenever the byte already had it (a hash byte does,
        # one time in 256).
        buf[int(argv[3])] ^= 0x01
    elif cmd == "flip-index":
        records, _ = parse(buf)
        a, b = records[-1]["body"]
        # A byte of the last entry's path: the index stays parseable, only
        # its checksums (record and footer hash) no longer match.
        last = records[-1]["index_entries"][-1]["path_at"]
        buf[last[0]] ^= 0x01
    else:
        print(__doc__, file=sys.stderr)
        return 2
    with open(name, "wb") as f:
        f.write(buf)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Fail as e:
        print("patch_archive.py: %s" % e, file=sys.stderr)
        sys.exit(1)
