#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Throughput and size numbers for qdfu, reported (never asserted).

Every USB transfer and flash operation runs on the simulator's virtual
clock (USB bus time per transaction at the enumerated speed, datasheet-typical flash
times), so "device time" is what the update would take on a board with a
host that adds no latency of its own; "wall" is this machine's real time.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(ROOT, sys.argv[1] if len(sys.argv) > 1 else "build/host-release", "qdfu-sim")


def sim_time(log):
    """Device time of the job: from the end of the first enumeration (boot,
    bus resets and descriptors are not the update) to the last log line."""
    lines = [l for l in open(log) if re.match(r"^\d+\.\d+ ", l)]
    t = [float(l.split()[0]) for l in lines]
    first = next((i for i, l in enumerate(lines) if " enumerated " in l), 0)
    return (t[-1] - t[first]) if t else 0.0


def run(state, cmd, board="stm32h745i-disco", extra=()):
    log = os.path.join(state, "bench.log")
    t0 = time.monotonic()
    p = subprocess.run([SIM, "--board", board, "--state", state, "--log", log] + list(extra) +
                       ["--", "sh", "-c", cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.monotonic() - t0
    if p.returncode:
        raise RuntimeError(p.stdout.decode()[-300:])
    return sim_time(log), wall


def main():
    work = tempfile.mkdtemp(prefix="qdfu-bench-")
    size = 1024 * 1024
    data = bytes(random.Random(1).getrandbits(8) for _ in range(size))
    img = os.path.join(work, "img.bin")
    open(img, "wb").write(data)
    rows = []

    def case(name, board, cmd, nbytes, prepare=None, extra=()):
        state = os.path.join(work, name.replace(" ", "_"))
        os.makedirs(state, exist_ok=True)
        try:
            if prepare:
                prepare(state)
            dev, wall = run(state, cmd, board, extra)
        except RuntimeError as e:
            print("%s: not measured (%s)" % (name, str(e).strip().splitlines()[-1]))
            return
        rows.append((name, nbytes, dev, wall))

    fw = "dfu-util -a 0 -s 0x08020000 -D %s >/dev/null" % img
    case("internal 1 MiB, fresh chip", "stm32h745i-disco", fw, size)

    def programmed(state):  # same image already there: pages not blank
        run(state, fw)
    case("internal 1 MiB, over an old image", "stm32h745i-disco", fw, size, programmed)
    up = "dfu-util -a 0 -s 0x08020000:%d -U %s/up.bin >/dev/null" % (size, work)
    case("internal 1 MiB upload", "stm32h745i-disco", "rm -f %s/up.bin; %s" % (work, up), size)
    qs = "dfu-util -a 1 -s 0x90000000 -D %s >/dev/null" % img
    for board in ("stm32h745i-disco", "weact-h750"):
        case("QSPI 1 MiB %s, fresh" % board, board, qs, size)
        case("QSPI 1 MiB %s, over old" % board, board, qs, size,
             lambda st, b=board: run(st, qs, b))

    # fwupd (Debian's fwupdtool, no daemon): writes, then reads everything
    # back to verify, then leaves (docs/fwupd.md)
    if shutil.which("fwupdtool"):
        dfu = os.path.join(work, "img.dfu")
        subprocess.run([os.path.join(os.path.dirname(SIM), "qdfu"), "pack", "%s@0x08020000" % img,
                        "-o", dfu, "--layout", "@Internal Flash  /0x08020000/15*128Kg"],
                       check=True, stdout=subprocess.DEVNULL)
        for var, sub in (("FWUPD_LOCALSTATEDIR", "var"), ("STATE_DIRECTORY", "var/lib/fwupd"),
                         ("CACHE_DIRECTORY", "var/cache/fwupd"),
                         ("LOCALCONF_DIRECTORY", "var/etc/fwupd"), ("FWUPD_LOCKDIR", "lock")):
            os.environ[var] = os.path.join(work, "fwupd", sub)
            os.makedirs(os.environ[var], exist_ok=True)
        tool = "fwupdtool --plugins dfu --no-reboot-check"
        dev_id = {}

        def find_id(state):  # not part of the measured run
            p = subprocess.run([SIM, "--state", state, "--", "sh", "-c",
                                tool + " get-devices --json 2>/dev/null"], stdout=subprocess.PIPE)
            dev_id["id"] = json.loads(p.stdout)["Devices"][0]["DeviceId"]
        case("internal 1 MiB fresh, fwupdtool (+ verify)", "stm32h745i-disco",
             "%s install-blob %s $(cat %s/id) >/dev/null 2>&1" % (tool, dfu, work), size,
             lambda st: (find_id(st), open(os.path.join(work, "id"), "w").write(dev_id["id"])))
    else:
        print("fwupd: not measured (fwupdtool not installed)")

    # the same through the STM32H7 port's DWC2 driver on the register model
    # (qdfu-sim --usb dwc2): full speed on the H745 (internal PHY), high
    # speed on the H747 (ULPI)
    dwc2 = ("--usb", "dwc2")
    case("internal 1 MiB upload, DWC2 FS (h745)", "stm32h745i-disco",
         "rm -f %s/up.bin; %s" % (work, up), size, extra=dwc2)
    case("internal 1 MiB upload, DWC2 HS (h747)", "stm32h747i-disco",
         "rm -f %s/up.bin; %s" % (work, up), size, extra=dwc2)
    case("internal 1 MiB fresh, DWC2 HS (h747)", "stm32h747i-disco", fw, size, extra=dwc2)

    print("\n%-44s %10s %12s %10s" % ("scenario", "device s", "device kB/s", "wall s"))
    for name, n, dev, wall in rows:
        kbs = n / 1024.0 / dev if dev else float("nan")
        print("%-44s %10.2f %12.1f %10.2f" % (name, dev, kbs, wall))
    fresh = {r[0]: r for r in rows}
    a, b = fresh.get("internal 1 MiB, fresh chip"), fresh.get("internal 1 MiB, over an old image")
    if a and b and a[2]:
        print("\nskipping blank pages: a fresh chip flashes %.1fx faster than a programmed one"
              % (b[2] / a[2]))
    m, f, h = (fresh.get("internal 1 MiB upload"), fresh.get("internal 1 MiB upload, DWC2 FS (h745)"),
               fresh.get("internal 1 MiB upload, DWC2 HS (h747)"))
    if f and h and h[2]:
        print("upload through DWC2: high speed %.1fx faster than full speed (device time)"
              % (f[2] / h[2]))
    if m and f and m[3]:
        print("simulation cost of the DWC2 register model: %.1fx the controller model's wall time"
              % (f[3] / m[3]))
    print("USB full-speed control-transfer ceiling for 4096-byte blocks: ~1115 kB/s "
          "(shared/facts usb-timing); real ROM bootloaders: 4-27 kB/s")


if __name__ == "__main__":
    main()
