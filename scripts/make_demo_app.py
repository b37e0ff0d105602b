#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Make a demo application image: an Intel HEX with code (a Cortex-M7 vector
table + code) at 0x08020000 and a data table in QSPI at 0x90000000.
With --bin PREFIX also writes PREFIX-int.bin and PREFIX-qspi.bin; with
--base 0x08000000 the code goes there instead (linked as for a probe: the
zero-install demo)."""
import random
import struct
import sys

INT, QSPI = 0x08020000, 0x90000000


def image(INT=INT):
    rnd = random.Random(2026)
    code = bytearray(rnd.getrandbits(8) for _ in range(96 * 1024))
    vt = struct.pack("<II", 0x24080000, INT + 0x401) + b"".join(
        struct.pack("<I", INT + 0x501) for _ in range(14))
    code[:len(vt)] = vt
    data = bytes(rnd.getrandbits(8) for _ in range(256 * 1024))
    return [(INT, bytes(code)), (QSPI, data)]


def ihex(segments, INT=INT):
    out = []

    def rec(t, addr, payload):
        b = bytes([len(payload), (addr >> 8) & 0xFF, addr & 0xFF, t]) + payload
        out.append(":" + b.hex().upper() + "%02X" % ((-sum(b)) & 0xFF))

    for base, data in segments:
        upper = None
        for off in range(0, len(data), 32):
            a = base + off
            if a >> 16 != upper:
                upper = a >> 16
                rec(4, 0, struct.pack(">H", upper))
            rec(0, a & 0xFFFF, data[off:off + 32])
    rec(5, 0, struct.pack(">I", INT + 0x401))
    rec(1, 0, b"")
    return "\n".join(out) + "\n"


def main():
    base = INT
    if "--base" in sys.argv:
        base = int(sys.argv[sys.argv.index("--base") + 1], 0)
    segs = image(base)
    with open(sys.argv[1], "w") as f:
        f.write(ihex(segs, base))
    if "--bin" in sys.argv:
        prefix = sys.argv[sys.argv.index("--bin") + 1]
        with open(prefix + "-int.bin", "wb") as f:
            f.write(segs[0][1])
        with open(prefix + "-qspi.bin", "wb") as f:
            f.write(segs[1][1])


if __name__ == "__main__":
    main()
