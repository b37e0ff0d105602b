#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Where a session's device time goes, from a qdfu-sim --log (bench.py --logs).

Each control request is charged the time from the previous request's end to
its own end (bus time, NAKs while the device holds it, and the host's sleep
before it); GETSTATUS and CRC results go to the request they poll for. The
check phase is what comes before the first data block, verify what comes
after the last one.

Usage: trace.py LOG [LOG...]
"""
import re
import sys

NAMES = {
    (0xc1, 0x51): "INFO",
    (0x41, 0x52): "CRC",
    (0xc1, 0x53): "CRC",
    (0x41, 0x54): "CRC table",
    (0xc1, 0x55): "CRC table",
    (0x21, 0x06): "ABORT",
    (0x01, 0x0b): "SET_INTERFACE",
    (0xa1, 0x05): "GETSTATE",
    (0x21, 0x04): "CLRSTATUS",
    (0xa1, 0x02): "UPLOAD",
}


def parse(path):
    rows = []
    for line in open(path):
        m = re.match(r"^(\d+\.\d+) \S+ ctrl (\w\w) (\w\w) (\w{4}) (\w{4}) (\w{4}) -> (\S+)", line)
        if m:
            t, rt, rq, val, _idx, ln, res = m.groups()
            rows.append((float(t), int(rt, 16), int(rq, 16), int(val, 16), int(ln, 16), res))
        elif " enumerated " in line:
            rows.append((float(line.split()[0]), None, None, 0, 0, "enumerated"))
    return rows


def classify(rows):
    start = next(i for i, r in enumerate(rows) if r[1] is None)
    data = [i for i, r in enumerate(rows) if r[1] == 0x21 and r[2] == 1 and r[3] >= 2 and r[4]]
    first, last = (data[0], data[-1]) if data else (len(rows), len(rows))
    out = {}
    prev_t, owner = rows[start][0], "other"
    counts = {}
    for i in range(start + 1, len(rows)):
        t, rt, rq, val, ln, _res = rows[i]
        if rt == 0xa1 and rq == 0x03:
            name = owner  # polls for the request before
        elif (rt, rq) in NAMES:
            name = NAMES[(rt, rq)]
        elif rt == 0x21 and rq == 0x01:
            name = "DNLOAD data" if val >= 2 and ln else \
                "DfuSe command" if ln else "leave"
        elif rt is not None and rt & 0x60 == 0:
            name = "standard"
        else:
            name = "other"
        if rt in (0x41,) or (rt == 0x21 and rq == 0x01):
            owner = name
        elif rt == 0xc1 and rq == 0x51:
            owner = name
        phase = "check" if i < first else "write" if i <= last else "after"
        key = (phase, name)
        out[key] = out.get(key, 0.0) + (t - prev_t)
        if not (rt == 0xa1 and rq == 0x03) and (rt, rq) != (0xc1, 0x53) and \
                (rt, rq) != (0xc1, 0x55):
            counts[key] = counts.get(key, 0) + 1
        prev_t = t
    return out, counts, rows[-1][0] - rows[start][0]


def main():
    for path in sys.argv[1:]:
        out, counts, total = classify(parse(path))
        print("%s: %.4f s" % (path, total))
        for (phase, name), s in sorted(out.items(), key=lambda kv: -kv[1]):
            print("  %-6s %-14s %8.4f s  %5d requests" % (phase, name, s,
                                                        counts.get((phase, name), 0)))


if __name__ == "__main__":
    main()
