#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz targets into tests/fuzz/host/corpus/<target>/.

Valid inputs of every kind the parsers accept, plus a few near misses.
Run it again after changing a format; the outputs are committed."""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def out(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def ihex_rec(rtype, addr, data=b""):
    body = bytes([len(data), addr >> 8, addr & 0xFF, rtype]) + data
    return ":" + body.hex().upper() + "%02X\n" % ((-sum(body)) & 0xFF)


def srec_rec(rtype, addr, aw, data=b""):
    body = bytes([aw + len(data) + 1]) + addr.to_bytes(aw, "big") + data
    return "S%d" % rtype + body.hex().upper() + "%02X\n" % (~sum(body) & 0xFF)


def hex_seeds():
    payload = bytes(range(32))
    out("ihex", "linear.hex", ihex_rec(4, 0, b"\x08\x02") + ihex_rec(0, 0, payload[:16]) +
        ihex_rec(0, 16, payload[16:]) + ihex_rec(5, 0, b"\x08\x02\x01\x01") + ihex_rec(1, 0))
    out("ihex", "segment.hex", ihex_rec(2, 0, b"\x10\x00") + ihex_rec(0, 0xFFF8, payload[:16]) +
        ihex_rec(3, 0, b"\x00\x00\x01\x00") + ihex_rec(1, 0))
    out("ihex", "unordered.hex", ihex_rec(0, 0x20, payload[:8]) + ihex_rec(0, 0x10, payload[:8]) +
        ihex_rec(0, 0x14, payload[4:8]) + ihex_rec(1, 0))
    out("ihex", "two_regions.hex", ihex_rec(4, 0, b"\x08\x02") + ihex_rec(0, 0, payload) +
        ihex_rec(4, 0, b"\x90\x00") + ihex_rec(0, 0x100, payload) + ihex_rec(1, 0))
    out("ihex", "bad_checksum.hex", ":0400000001020304F1\n" + ihex_rec(1, 0))


def srec_seeds():
    payload = bytes(range(40))
    out("srec", "s19.srec", srec_rec(0, 0, 2, b"hdr") + srec_rec(1, 0x1000, 2, payload[:16]) +
        srec_rec(5, 1, 2) + srec_rec(9, 0x1000, 2))
    out("srec", "s28.srec", srec_rec(2, 0x10000, 3, payload) + srec_rec(6, 1, 3) +
        srec_rec(8, 0x10000, 3))
    out("srec", "s37.srec", srec_rec(3, 0x08020000, 4, payload) +
        srec_rec(3, 0x90000000, 4, payload[:8]) + srec_rec(7, 0x08020101, 4))


def elf(phdrs, be=False, entry=0x08020101):
    e = ">" if be else "<"
    nph = len(phdrs)
    data_off = 52 + 32 * nph
    blobs, ph = b"", b""
    for ptype, paddr, data, memsz in phdrs:
        off = data_off + len(blobs)
        ph += struct.pack(e + "8I", ptype, off, paddr, paddr, len(data), memsz, 5, 4)
        blobs += data
    ident = b"\x7fELF" + bytes([1, 2 if be else 1, 1]) + bytes(9)
    hdr = ident + struct.pack(e + "HHIIIIIHHHHHH", 2, 40, 1, entry, 52, 0, 0x05000000, 52, 32,
                              nph, 40, 0, 0)
    return hdr + ph + blobs


def elf_seeds():
    code = bytes(range(64))
    out("elf", "two_load.elf", elf([(1, 0x08020000, code, 64), (1, 0x08020040, code[:16], 32),
                                    (1, 0x20000000, b"", 256), (4, 0, b"note", 4)]))
    out("elf", "big_endian.elf", elf([(1, 0x90000000, code, 64)], be=True))
    out("elf", "truncated.elf", elf([(1, 0x08020000, code, 64)])[:60])


def dfuse(targets, vid=0x0483, pid=0xDF11):
    body = b""
    for alt, name, elements in targets:
        el = b"".join(struct.pack("<II", a, len(d)) + d for a, d in elements)
        body += (b"Target" + bytes([alt]) + struct.pack("<I", 1) +
                 name.encode().ljust(255, b"\0") + struct.pack("<II", len(el), len(elements)) + el)
    img = b"DfuSe\x01" + struct.pack("<IB", 11 + len(body), len(targets)) + body
    sfx = struct.pack("<HHHH", 0xFFFF, pid, vid, 0x011A) + b"UFD\x10"
    crc = zlib.crc32(img + sfx) ^ 0xFFFFFFFF
    return img + sfx + struct.pack("<I", crc)


def dfuse_seeds():
    d = bytes(range(100))
    out("dfuse", "two_targets.dfu", dfuse([(0, "Internal Flash", [(0x08020000, d)]),
                                           (1, "QSPI Flash", [(0x90000000, d), (0x90001000, d)])]))
    out("dfuse", "one_target.dfu", dfuse([(0, "Internal Flash", [(0x08040000, d[:10])])]))
    good = bytearray(dfuse([(0, "x", [(0, d[:4])])]))
    good[20] ^= 1
    out("dfuse", "bad_crc.dfu", bytes(good))


def layout_seeds():
    for i, s in enumerate([
            "@Internal Flash  /0x08000000/01*128Ka,15*128Kg",
            "@QSPI Flash /0x90000000/512*128Kg,510*128Kg,2*128Ka",
            "@Internal Flash   /0x08000000/16*128Kg",
            "@Option Bytes   /0x5200201C/01*128 e",
            "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
            "@Two /0x08000000/4*16Kg/0x20000000/1*64Ke",
            "@   /0x08000000/1*1Kg/",
            "@X/0xF0000000/2*1024Mg"]):
        out("layout", "layout%d.txt" % i, s)


def plan_seeds():
    def rec(addr, length, fill):
        return struct.pack("<IHBB", addr, length, fill, 0)
    out("plan", "ok.bin", b"@Internal Flash  /0x08000000/01*128Ka,15*128Kg\n" +
        rec(0x08020000, 4000, 1) + rec(0x08021000, 100, 2))
    out("plan", "two.bin", b"@Q /0x90000000/16*4Kg,2*4Ka/0x08000000/4*16Kg\n" +
        rec(0x90000000, 5000, 7) + rec(0x08004000, 300, 9))
    out("plan", "bad.bin", b"@I /0x08000000/1*128Ka,1*128Kg\n" + rec(0x08000000, 10, 1) +
        rec(0x30000000, 10, 1) + rec(0x0803FFF0, 64, 3))


if __name__ == "__main__":
    hex_seeds()
    srec_seeds()
    elf_seeds()
    dfuse_seeds()
    layout_seeds()
    plan_seeds()
