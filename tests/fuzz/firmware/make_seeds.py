#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Seed corpus of the firmware fuzz targets (tests/fuzz/firmware/fuzz_ops.h
input language) from real client traces, so that fuzzing starts deep.

  make_seeds.py TRACE_DIR OUT_DIR

TRACE_DIR holds dfu-util 0.11 request traces (one request per "DFU IN" /
"DFU OUT" line with its bReq, wValue, wLength; DfuSe command bytes in the
DNLOAD line; a [ms] time stamp per line). Each trace becomes one input:
the requests in order, the host's sleeps as "let time pass", a bus reset
where a client session starts. Data blocks keep their block number and
length; their contents are a pattern (the state machine does not look at
them). Besides the traces, a few sessions of other clients (pydfu, fwupd,
qdfu's vendor CRC, a leave that reboots, power cuts mid-erase/mid-write)
are written by hand below. Each seed is written for configuration bytes 0
(erased memories) and 3 (an old image in place, deferred erase).
"""
import os
import re
import struct
import sys

(GETSTATUS, GETSTATE, CLRSTATUS, ABORT, DNLOAD, SET_ADDRESS, ERASE, MASS_ERASE, UNPROTECT,
 COMMAND, LEAVE, UPLOAD, SET_ALT, BUS_RESET, PASS_TIME, POWER_CUT, INFO, CRC_START, CRC_RESULT,
 RAW, POLL_IDLE, DETACH) = range(22)

REQ = re.compile(r"^\[\s*(\d+)\] DFU (IN|OUT)\s+bReq=(\d+) wValue=(\d+) wIndex=(\d+) "
                 r"wLength=(\d+)")
CMD = re.compile(r"DNLOAD wBlockNum=0 wLength=(\d+) \[([0-9a-f ]*)\]")
ALT = re.compile(r"^\[\s*(\d+)\] SET_INTERFACE intf \d+ alt (\d+)")
START = re.compile(r"^\[\s*(\d+)\] === fakeusb start")


def addr(a):
    """fuzz_ops.h fz_addr: selector with the top bit set, then the raw u32."""
    return bytes([0x80]) + struct.pack("<I", a)


def ms(t):
    """fuzz_ops.h fz_ms: 0-99 ms, then 20 ms steps."""
    t = max(0, t)
    return bytes([PASS_TIME, t if t < 100 else min(255, 100 + (t - 100) // 20)])


def command(data, length):
    if length == 5 and data[0] == 0x21:
        return bytes([SET_ADDRESS]) + addr(struct.unpack("<I", bytes(data[1:5]))[0])
    if length == 5 and data[0] == 0x41:
        return bytes([ERASE]) + addr(struct.unpack("<I", bytes(data[1:5]))[0])
    if length == 1 and data[0] == 0x41:
        return bytes([MASS_ERASE])
    if length == 1 and data[0] == 0x92:
        return bytes([UNPROTECT])
    return bytes([COMMAND, length]) + bytes(data[:length]).ljust(length, b"\0")


def request(lines, i, m):
    """The op for the request at lines[i] (m: its REQ match)."""
    d, req, value, length = m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(6))
    if d == "IN":
        if req == 3:
            return bytes([GETSTATUS])
        if req == 5:
            return bytes([GETSTATE])
        if req == 2:
            return bytes([UPLOAD]) + struct.pack("<HH", value, length)
        return b""
    if req == 1 and length == 0:
        return bytes([LEAVE, value & 3])
    if req == 1 and value == 0:
        c = CMD.search(lines[i + 1]) if i + 1 < len(lines) else None
        data = [int(x, 16) for x in c.group(2).split()] if c else [0]
        return command(data, length)
    if req == 1:
        return bytes([DNLOAD]) + struct.pack("<HHB", value, length, 1 + value % 250)
    return bytes({4: [CLRSTATUS], 6: [ABORT], 0: [DETACH, 0, 0]}.get(req, []))


def from_trace(path):
    lines = open(path, errors="replace").read().splitlines()
    out, last = bytearray(), None
    for i, line in enumerate(lines):
        m = REQ.match(line) or ALT.match(line) or START.match(line)
        if not m:
            continue
        t = int(m.group(1))
        if last is not None and t > last:
            out += ms(t - last)
        last = t
        if m.re is START:
            out += bytes([BUS_RESET])
        elif m.re is ALT:
            out += bytes([SET_ALT, int(m.group(2))])
        else:
            out += request(lines, i, m)
    return bytes(out)


def session(base, blocks, size=2048, leave=True, cut_after=None):
    """A DfuSe download as pydfu/dfu-util send it: erase each page, set the
    address, data blocks, each polled until idle; then a leave."""
    s = bytearray([BUS_RESET, SET_ALT, 0 if base < 0x90000000 else 1])
    s += bytes([ERASE]) + addr(base) + bytes([POLL_IDLE])
    s += bytes([SET_ADDRESS]) + addr(base) + bytes([POLL_IDLE])
    for b in range(blocks):
        if cut_after is not None and b == cut_after:
            s += bytes([DNLOAD]) + struct.pack("<HHB", b + 2, size, 7) + bytes([GETSTATUS])
            return bytes(s + bytes([POWER_CUT, 1]))
        s += bytes([DNLOAD]) + struct.pack("<HHB", b + 2, size, 7) + bytes([POLL_IDLE])
    s += bytes([ABORT, GETSTATUS])
    if leave:
        s += bytes([SET_ADDRESS]) + addr(base) + bytes([POLL_IDLE, LEAVE, 0, GETSTATUS,
                                                         GETSTATUS, PASS_TIME, 200])
    return bytes(s)


def handmade():
    app, qspi = 0x08020000, 0x90000000
    yield "pydfu_internal_leave", session(app, 4)
    yield "dfuutil_qspi_leave", session(qspi, 6, leave=True)
    yield "cut_mid_write", session(app, 3, cut_after=2)
    yield "cut_mid_erase", bytes([SET_ALT, 0, ERASE]) + addr(app) + bytes(
        [GETSTATUS, PASS_TIME, 130, POWER_CUT, 1, GETSTATUS])
    yield "fwupd_verify", session(qspi, 3, leave=False) + bytes(
        [SET_ADDRESS]) + addr(qspi) + bytes([POLL_IDLE, ABORT]) + bytes(
        [UPLOAD]) + struct.pack("<HH", 2, 2048) + bytes([UPLOAD]) + struct.pack(
        "<HH", 3, 2048) + bytes([ABORT, LEAVE, 2, GETSTATUS, GETSTATUS, PASS_TIME, 200])
    yield "qdfu_crc", bytes([INFO, CRC_START]) + addr(qspi) + struct.pack(
        "<I", 0x10000) + bytes([CRC_RESULT, PASS_TIME, 20, CRC_RESULT, CRC_RESULT])
    # CRC_TABLE / CRC_TABLE_RESULT (docs/protocol.md) through RAW setups: the
    # malformed ones (no entries, too many, wrong wLength, direction or
    # interface), a table whose pattern data is out of range, results of any
    # length, and a table dropped by a CRC_START
    def raw(rt, req, value, length, index=0, seed=0):
        return bytes([RAW, rt, req]) + struct.pack("<HHH", value, index, length) + bytes([seed])
    yield "qdfu_crc_table", (
        bytes([INFO]) + raw(0x41, 0x54, 0, 8) + raw(0x41, 0x54, 257, 8) +
        raw(0x41, 0x54, 4, 12) + raw(0xC1, 0x54, 4, 8) + raw(0x41, 0x54, 4, 8, index=1) +
        raw(0xC1, 0x55, 0, 11) + raw(0xC1, 0x55, 0, 1037) + raw(0x41, 0x55, 0, 12) +
        raw(0x41, 0x54, 256, 8) + raw(0xC1, 0x55, 0, 1036) + raw(0x41, 0x54, 3, 8, seed=9) +
        raw(0xC1, 0x55, 0, 12) + bytes([CRC_START]) + addr(qspi) + struct.pack("<I", 0x20000) +
        raw(0x41, 0x54, 2, 8, seed=0) + bytes([CRC_RESULT, PASS_TIME, 20]) +
        raw(0xC1, 0x55, 0, 20) + bytes([CRC_START]) + addr(qspi) + struct.pack("<I", 0x4000) +
        bytes([PASS_TIME, 5]) + raw(0xC1, 0x55, 0, 16) + bytes([CRC_RESULT]))
    yield "mass_erase_alt1", bytes([SET_ALT, 1, MASS_ERASE, GETSTATUS, GETSTATUS, POLL_IDLE,
                                    ABORT, SET_ALT, 0, MASS_ERASE, POLL_IDLE])
    yield "errors_clrstatus", bytes([DNLOAD]) + struct.pack("<HHB", 2, 64, 3) + bytes(
        [GETSTATUS, CLRSTATUS, UPLOAD, 1, 0, 64, 0, CLRSTATUS, COMMAND, 3, 0x21, 1, 2,
         GETSTATUS, CLRSTATUS, DETACH, 0, 0, GETSTATE, CLRSTATUS, ERASE]) + addr(
        0x08000000) + bytes([POLL_IDLE, CLRSTATUS, GETSTATE])
    yield "unprotect", bytes([UNPROTECT, GETSTATUS, GETSTATUS, PASS_TIME, 200, GETSTATE])


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    seeds = []
    for name in sorted(os.listdir(src)):
        if name.endswith(".log"):
            ops = from_trace(os.path.join(src, name))
            if ops:
                seeds.append(("trace_" + name[:-4], ops))
    seeds += list(handmade())
    for name, ops in seeds:
        for config in (0, 3):
            with open(os.path.join(dst, "%s_c%d" % (name, config)), "wb") as f:
                f.write(bytes([config]) + ops)
    print("%d seeds in %s" % (2 * len(seeds), dst))


if __name__ == "__main__":
    main()
