# SPDX-License-Identifier: MIT
"""Intel HEX text for the host tests' fixtures (no toolchain needed)."""


def ihex(addr, data):
    """Intel HEX of data at addr: type 04 records at every 64 KiB, 16-byte
    type 00 records, a type 01 end record."""
    lines = []

    def rec(kind, a, payload):
        b = bytes([len(payload), (a >> 8) & 0xFF, a & 0xFF, kind]) + payload
        lines.append(":" + (b + bytes([(-sum(b)) & 0xFF])).hex().upper())

    for off in range(0, len(data), 16):
        a = addr + off
        if off == 0 or (a & 0xFFFF) == 0:
            rec(4, 0, bytes([(a >> 24) & 0xFF, (a >> 16) & 0xFF]))
        rec(0, a & 0xFFFF, data[off:off + 16])
    rec(1, 0, b"")
    return "\n".join(lines) + "\n"
