#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Update speed against the physical ceiling, reported (never asserted).

Every USB transfer and flash operation runs on the simulator's virtual clock
(USB bus time per transaction at the enumerated speed, QSPI bus time per
command at the programmed clock, datasheet chip times at `--timing typ` or
`max`), so "device s" is what the update takes on a board with a host that
adds no latency of its own. The ceiling next to each row is computed from the
same constants (bench/sim/constants.c prints them):

  qdfu      max(USB time of the bytes that must move, device work): the
            device work is reading every page once (skip decision), erasing
            the pages that change and are not blank, programming what
            changes and reading it back once (verify);
  dfu-util  max(its own protocol, the device work above): the protocol is
  pydfu     every byte, a SET_ADDRESS per chunk, an erase command per page and
            two GETSTATUS per request; dfu-util and fwupd also sleep the
            reported poll after each dfuDNBUSY, at least 1 ms (the floor
            every client tolerates, docs/decisions/poll-floor.md). The table's
            last columns give the ceiling without that floor. (Before round
            4 the device work was counted in series with the protocol: the
            firmware now overlaps them, so that was no ceiling any more.)
  causal    for the in-order clients (dfu-util, pydfu, fwupd, ROM-style: an
            erase command per page first, then the data in address order):
            the ceiling above, and no sooner than a device that erases only
            changed pages can finish when a page's erase and programming
            wait for that page's data to arrive (causal(): each bank's work
            walked in address order on the protocol's clock). For qdfu it is
            the ceiling: qdfu sends only what changed, knowing it first.

  ROM-style the same firmware with `qdfu-sim --rom-style` (fixed 104 ms poll,
            erase on command, nothing skipped), driven by dfu-util; its
            ceiling is dfu-util's.

Usage: bench.py BUILD_DIR [--set quick|full] [--timing typ|max|both]
                [--only SUBSTRING] [--markdown FILE] [--bin DIR] [--no-rom]
                [--logs DIR] [--boards A,B] [--journal]
                [--change-at random|first|last]
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"
CLIENT = os.path.join(ROOT, "tests", "e2e", "pyusb_client.py")
MIB = 1024 * 1024
IFLASH, QSPI = 0x08000000, 0x90000000
APP = 0x08020000

# name: (board, extra qdfu-sim args, chip override, USB speed)
BOARDS = {
    "H745I-DISCO dual MT25QL512": ("stm32h745i-disco", (), None, "fs"),
    "WeAct H750 W25Q64JV": ("weact-h750", (), None, "fs"),
    "Daisy Seed IS25LP064A": ("daisy-seed", (), None, "fs"),
    "WeAct H750 W25Q256JV (32 MiB)": ("weact-h750", (), "W25Q256JV", "fs"),
    "H747I-DISCO HS (DWC2)": ("stm32h747i-disco", ("--usb", "dwc2"), None, "hs"),
    "H735G-DK MX25LM51245G (OPI DTR)": ("stm32h735g-dk", (), None, "fs"),
    "H7B3I-DK HS (DWC2) MX25LM51245G (OPI DTR)": ("stm32h7b3i-dk", ("--usb", "dwc2"), None,
                                                  "hs"),
    "WeAct H7B0 W25Q64JV (OCTOSPI)": ("weact-h7b0", (), None, "fs"),
    "WeAct H723 W25Q64JV (OCTOSPI)": ("weact-h723", (), None, "fs"),
}
CASES = ("fresh", "unchanged", "1% changed", "all changed")
CLIENTS = ("qdfu", "dfu-util", "pydfu")
# Clients that sleep the reported bwPollTimeout after every dfuDNBUSY, and
# the smallest poll the firmware reports (dfu_poll_timeout_ms): 1 ms, never
# 0, because fwupd 1.7.0 - 1.8.12 (Debian 12's own) turns a 0 into 5 ms and
# later versions keep their previous value (docs/decisions/poll-floor.md).
SLEEPERS = ("dfu-util", "fwupd")
POLL_FLOOR_S = 0.001
ROM = "dfu-util, ROM-style"  # the same firmware with qdfu-sim --rom-style
BOTH = "internal 2 banks"  # 0x08020000 to the end: 1.875 MiB over both banks


def board_file(board):
    """qspi chip, dual, clock and internal sectors from firmware/boards."""
    path = os.path.join(ROOT, "firmware", "boards", board.replace("-", "_") + ".c")
    src = open(path).read()
    get = lambda k: re.search(r"\.%s\s*=\s*([^,]+)," % k, src).group(1).strip()
    has = lambda k, v: re.search(r"\.%s\s*=\s*%s" % (k, v), src) is not None
    octal = has("bus", "BOARD_BUS_OCTOSPI") and "QSPI_BK2_IO3] = PIN(" in src
    dtr = octal and has("xip", "BOARD_XIP_FASTEST") and has("qspi_dqs", "PIN\\(")
    return {"chip": get("qspi_chip").strip('"'), "dual": get("qspi_dual") == "true",
            "clock": int(get("qspi_clock_hz").rstrip("u")),
            # bus clocks per byte of an array read as the firmware runs it:
            # octal DTR 8 lines x 2 edges (0.5); an octal chip in SPI 1-1-1
            # (8: it has no quad read); else 1-1-4 (2)
            "read_cpb": 0.5 if dtr else 8.0 if octal else 2.0,
            "iflash": int(get("iflash_banks")) * int(get("iflash_sectors")) *
            product(get("iflash_sector_size")),
            # the erase unit and the line's figures (8 KiB on H7A3/B3/B0;
            # no .family: H74X, the zero value)
            "iflash_sector": product(get("iflash_sector_size")),
            "line": "h7ab" if has("family", "BOARD_FAMILY_H7AB") else "h74x"}


def product(expr):
    """A board file's "8u * 1024u" as a number."""
    n = 1
    for f in re.findall(r"\d+", expr):
        n *= int(f)
    return n


# ------------------------------------------------------------ ceilings

class Model:
    def __init__(self, consts, bi, chip, speed, timing):
        self.c = consts
        self.dual = bi["dual"]
        self.chip = consts["chips"][chip or bi["chip"]]
        # the bus clock the firmware programs: kernel clock (every line's
        # plan gives 200 MHz: HCLK3 on H74x, PLL2R on the OCTOSPI lines;
        # h7_system checks it) over the prescaler that stays <= the board's
        # qspi_clock_hz
        div = max(1, -(-consts["qspi_kernel_hz"] // bi["clock"]))
        self.qspi_hz = consts["qspi_kernel_hz"] / div
        self.read_cpb = bi["read_cpb"] if not chip else 2.0
        self.usb = consts["usb"][speed]
        self.t = "max" if timing == "max" else "typ"
        # the internal flash figures of the board's line (qdfu-bench-constants)
        self.iflash = consts["iflash"][bi["line"]]
        # the CRC unit (qdfu's device checks): AHB cycles per 32-bit word
        u = consts["crc_unit"]
        self.crc_s_per_byte = u["cycles_per_word"] / 4.0 / u["ahb_hz"]

    def ctrl(self, nbytes):
        """Seconds of bus time of one control transfer moving nbytes."""
        u = self.usb
        pk = max(1, math.ceil(nbytes / u["mps"]))
        return (u["ctrl_bt"] + nbytes + u["packet_bt"] * (pk - 1)) * u["byte_ns"] * 1e-9

    def gs(self):
        return self.ctrl(6)

    # QSPI NOR, per layout page of `size` bytes (both chips' bytes)
    def nor_read(self, nbytes):
        per_chip = nbytes / (2 if self.dual else 1)
        return per_chip * self.read_cpb / self.qspi_hz

    def nor_erase(self, size):
        per_chip = size // (2 if self.dual else 1)
        e = [x for x in self.chip["erase"] if x["size"] <= per_chip][-1]
        return (per_chip // e["size"]) * e[self.t + "_ms"] / 1000.0

    def nor_program(self, nbytes):
        """The chips' page-program time plus the page data on the bus (the
        data cannot move while a program runs). Every benchmarked board
        programs on the lines it reads with (1-1-4, or octal DTR), so the
        read's clocks per byte stand for the program's."""
        per_chip = nbytes / (2 if self.dual else 1)
        return (math.ceil(per_chip / 256) * self.chip["pp_%s_us" % self.t] * 1e-6 +
                per_chip * self.read_cpb / self.qspi_hz)

    def if_erase(self, size):
        f = self.iflash
        return math.ceil(size / f["sector"]) * f["erase_%s_us" % self.t] * 1e-6

    def crc(self, nbytes):
        """The CRC unit's time for nbytes (4 AHB cycles a word)."""
        return nbytes * self.crc_s_per_byte

    def if_program(self, nbytes):
        f = self.iflash
        return math.ceil(nbytes / f["word"]) * f["program_%s_us" % self.t] * 1e-6


def device_ops(m, internal, client=None):
    """(read, erase, program) of the memory: seconds for n bytes. Internal
    flash reads are not charged (AXI reads are ~100x faster than QSPI),
    except where `qdfu` checks them: its skip decision and its verify are
    CRCs, and the CRC unit takes 4 AHB cycles a word (5.2 ms a MiB). On
    NOR the unit keeps up with the bus, which stays the bound."""
    if internal:
        return (m.crc if client == "qdfu" else (lambda n: 0.0)), m.if_erase, m.if_program
    return m.nor_read, m.nor_erase, m.nor_program


def protocol(m, client, floor=True, xfer=4096):
    """The in-order clients' requests as the ceilings count them, seconds:
    (erase command, a chunk's SET_ADDRESS, a chunk's DNLOAD), each with its
    two GETSTATUS. A client that sleeps bwPollTimeout after each dfuDNBUSY
    (dfu-util, fwupd) pays the smallest poll a device may report,
    POLL_FLOOR_S, once per request (floor=False leaves it out)."""
    sleep = POLL_FLOOR_S if client in SLEEPERS and floor else 0.0
    cmd = m.ctrl(5) + 2 * m.gs() + sleep
    return cmd, cmd, m.ctrl(xfer) + 2 * m.gs() + sleep


def ceiling(m, internal, pages, client, xfer=4096, floor=True, parallel=True):
    """pages: list of (size, changed, blank_before[, bank]). floor=False
    leaves out the sleeping clients' poll floor (the bare protocol and
    device work). Internal flash of a dual-bank part has a controller per
    bank: with `parallel` the device work of the two banks overlaps (the
    busier bank counts), else it adds up (one operation at a time)."""
    usb, dev, _ = ceiling_terms(m, internal, pages, client, xfer, floor, parallel)
    # The device works while the client talks and sleeps (pipelined
    # reception, deferred erase), so neither side can finish sooner than
    # its own total.
    return max(usb, dev)


def ceiling_terms(m, internal, pages, client, xfer=4096, floor=True, parallel=True):
    """ceiling()'s two totals, (protocol, device work), and the busiest
    bank's work without the reads of the skip decision."""
    read, erase, program = device_ops(m, internal, client)
    total = sum(p[0] for p in pages)
    work = {}
    moved = 0
    for p in pages:
        size, changed, blank = p[:3]
        bank = p[3] if len(p) > 3 else 0
        if changed:
            work[bank] = work.get(bank, 0.0) + (0 if blank else erase(size)) + \
                program(size) + read(size)
            moved += size
    busiest = (max(work.values()) if parallel else sum(work.values())) if work else 0.0
    dev = read(total) + busiest
    blocks = lambda n: math.ceil(n / xfer)
    if client == "qdfu":
        usb = blocks(moved) * (m.ctrl(xfer) + 2 * m.gs()) + len(pages) * 2 * m.ctrl(12)
        return usb, dev, busiest
    # every byte, a SET_ADDRESS per chunk, an erase command per page
    cmd, addr, dnload = protocol(m, client, floor, xfer)
    usb = blocks(total) * (addr + dnload) + len(pages) * cmd
    return usb, dev, busiest


# Clients that send an erase command for every page first and then every
# chunk in address order (dfu-util 0.9+, fwupd's dfu plugin, the bench's
# pydfu in tests/e2e/pyusb_client.py; ROM-style rows are dfu-util).
IN_ORDER = ("dfu-util", "pydfu", "fwupd")


def causal(m, internal, pages, client, xfer=4096, floor=True, parallel=True):
    """The ceiling of an in-order client with causality: the device cannot
    know that a page changed before data for it arrives, so its erase and
    programming wait for that data. For `qdfu` (and any other client) this
    is ceiling(): qdfu learns what changed from the CRC table before it
    sends and sends only that.

    Assumptions, each of which keeps this a lower bound:
    - The device erases only pages whose data changes (issue 13 item 2,
      docs/decisions/deferred-erase.md). A device that erased on command
      could start earlier but would erase every page (ROM-style rows compare
      against this ceiling all the same: it is what dfu-util allows).
    - One clock: t = 0 is the first request the ceiling counts (the first
      erase command). sim_time() starts a little earlier, at the end of
      enumeration: the client's descriptor reads in between are not counted
      here, so the arrivals are if anything early. The walk over the
      requests ends at the protocol total (asserted).
    - A block "arrives" when its DNLOAD starts: after the erase commands,
      every earlier chunk and this chunk's SET_ADDRESS. A page's erase
      starts no sooner than its first block's arrival (a page whose first
      block is unchanged could only start later: earlier is still a bound),
      a block's program no sooner than its own arrival and the end of the
      bank's previous work, its read-back right after.
    - A timeline per internal-flash bank with `parallel` (one controller per
      bank), else one; NOR is one timeline (both chips of a pair work on
      the same page).
    - The skip decision's reads of every page are not in the walk: a device
      could read stored data ahead of its arrival. They stay in the
      non-causal device work, which this ceiling never goes under."""
    base = ceiling(m, internal, pages, client, xfer, floor, parallel)
    if client not in IN_ORDER:
        return base
    usb, dev, busiest = ceiling_terms(m, internal, pages, client, xfer, floor, parallel)
    read, erase, program = device_ops(m, internal)
    cmd, addr, dnload = protocol(m, client, floor, xfer)
    t = len(pages) * cmd  # the erase commands, all sent first
    free = {}  # bank -> when its previous work ends
    for p in pages:
        size, changed, blank = p[:3]
        bank = p[3] if len(p) > 3 and parallel else 0
        nblk = math.ceil(size / xfer)
        if changed:
            end = max(t + addr, free.get(bank, 0.0)) + (0 if blank else erase(size))
            for b in range(nblk):
                n = min(xfer, size - b * xfer)
                end = max(end, t + b * (addr + dnload) + addr) + program(n) + read(n)
            free[bank] = end
        t += nblk * (addr + dnload)
    last = max(free.values()) if free else 0.0
    # the arrivals are on the protocol's clock, and the walk did at least
    # the busiest bank's work: else this is no bound of the same model
    assert abs(t - usb) < 1e-9, (t, usb)
    assert last >= busiest - 1e-9, (last, busiest)
    c = max(usb, dev, last)
    assert c >= base - 1e-12, (c, base)
    return c


# ------------------------------------------------------------ running

def sim_time(log):
    """Device time of the job: from the end of the first enumeration (boot,
    bus resets and descriptors are not the update) to the last log line."""
    lines = [l for l in open(log) if re.match(r"^\d+\.\d+ ", l)]
    t = [float(l.split()[0]) for l in lines]
    first = next((i for i, l in enumerate(lines) if " enumerated " in l), 0)
    return (t[-1] - t[first]) if t else 0.0


def run(sim, state, cmd, board, extra, timing, keep=None):
    log = os.path.join(state, "bench.log")
    t0 = time.monotonic()
    if timing == "max":
        extra = list(extra) + ["--timing", "max"]
    p = subprocess.run([sim, "--board", board, "--state", state, "--log", log] +
                       list(extra) + ["--", "sh", "-c", cmd],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.monotonic() - t0
    if keep:
        shutil.copy(log, keep)
    if p.returncode:
        out = p.stdout.decode(errors="replace")
        sys.stderr.write(out[-3000:])  # the client's and the simulator's last words
        raise RuntimeError(out[-400:])
    return sim_time(log), wall


def patch(path, off, data):
    """Write data at off into a state file, keeping the rest (a journal a
    previous session left at the chip's end)."""
    mode = "r+b" if os.path.exists(path) else "wb"
    with open(path, mode) as f:
        f.seek(0, 2)
        if f.tell() < off:
            f.write(b"\xff" * (off - f.tell()))
        f.seek(off)
        f.write(data)


def seed(state, base, data, bi, chip_size):
    """Write data at base straight into the state files (the memories as a
    previous flash left them)."""
    if base < QSPI:
        img = bytearray(b"\xff" * bi["iflash"])
        img[base - IFLASH:base - IFLASH + len(data)] = data
        open(os.path.join(state, "internal.bin"), "wb").write(img)
        return
    off = base - QSPI
    if not bi["dual"]:
        patch(os.path.join(state, "qspi0.bin"), off, data)
        return
    for chip in (0, 1):
        patch(os.path.join(state, "qspi%d.bin" % chip), off // 2, data[chip::2])


def seed_journal(sim, state, board, extra):
    """A boot journal as a previous qdfu update leaves it (OPEN, COMMITTED):
    a 4 KiB flash into QSPI with its leave. Without it the first session on
    the chip erases a journal unit first (a 4 KiB erase per chip)."""
    tiny = os.path.join(state, "journal-seed.bin")
    open(tiny, "wb").write(bytes(range(256)) * 16)
    run(sim, state, "$QDFU flash %s@0x%08x >/dev/null" % (tiny, QSPI), board, extra, "typ")
    os.unlink(tiny)
    for f in os.listdir(state):
        if f.endswith(".log"):
            os.unlink(os.path.join(state, f))


def commands(client, base, path, page):
    alt = 0 if base < QSPI else 1
    if client == "qdfu":
        return "%s flash %s@0x%08x --no-reset >/dev/null" % ("$QDFU", path, base)
    if client in ("dfu-util", ROM):
        return "dfu-util -a %d -s 0x%08x -D %s >/dev/null" % (alt, base, path)
    return "%s %s pydfu %s 0x%08x %d >/dev/null" % (PY, CLIENT, path, base, page)


def bench(a, consts):
    work = tempfile.mkdtemp(prefix="qdfu-bench-")
    os.environ["QDFU"] = os.path.join(a.bin, "qdfu")
    sim = os.path.join(a.bin, "qdfu-sim")
    rnd = random.Random(1)
    rows = []
    plan = []
    tail = []  # rows added later: after the rest, so the rest keep their random data
    for bname, (board, extra, chip, speed) in BOARDS.items():
        if a.boards and not any(x in bname for x in a.boards.split(",")):
            continue
        bi = board_file(board)
        part = consts["chips"][chip or bi["chip"]]
        total = part["size"] * (2 if bi["dual"] else 1)
        big = min(8 * MIB, total - part["erase"][-1]["size"] * (2 if bi["dual"] else 1))
        label8 = "QSPI 8 MiB" if big == 8 * MIB else "QSPI %d KiB" % (big // 1024)
        if a.set == "quick" and "W25Q256" in bname:
            sizes = [(label8, QSPI, big, ("qdfu",))]
        elif a.set == "quick" and ("Daisy" in bname or "HS" in bname):
            sizes = [("QSPI 1 MiB", QSPI, MIB, ("qdfu", "dfu-util"))]
        else:
            sizes = [("QSPI 1 MiB", QSPI, MIB, CLIENTS),
                     (label8, QSPI, big, CLIENTS if a.set == "full" else ("qdfu",))]
            if bi["iflash"] >= 2 * MIB:
                sizes.insert(0, ("internal 1 MiB", APP, MIB, CLIENTS))
            if bi["iflash"] >= 2 * MIB and board == "stm32h745i-disco":
                # both banks: everything after the bootloader's sector (7
                # sectors in bank 1, 8 in bank 2)
                sizes.insert(1, (BOTH, APP, bi["iflash"] - (APP - IFLASH),
                                 ("qdfu", "dfu-util")))
        if bi["iflash"] >= 2 * MIB and speed == "hs":
            # both banks at high speed, where programming, not USB, is the
            # bound: the two banks' programs overlap or not
            # (docs/decisions/parallel-banks.md, "Programs of both banks")
            for client in ("qdfu", "dfu-util"):
                for case in CASES:
                    for timing in a.timings:
                        tail.append((bname, board, extra, chip, speed, bi, BOTH, APP,
                                     bi["iflash"] - (APP - IFLASH), client, case, timing))
        if a.rom:  # ROM-style rows for the 1 MiB images (8 MiB takes minutes)
            sizes = [(i, b, z, c + (ROM,) if z <= MIB else c) for i, b, z, c in sizes]
        for iname, base, size, clients in sizes:
            for client in clients:
                for case in CASES:
                    for timing in a.timings:
                        plan.append((bname, board, extra, chip, speed, bi, iname, base, size,
                                     client, case, timing))
    for (bname, board, extra, chip, speed, bi, iname, base, size, client, case,
         timing) in plan + tail:
        name = " / ".join((bname, iname, client, case, timing))
        if a.only and a.only not in name:
            continue
        internal = base < QSPI
        # the ceiling's unit: an internal sector (8 KiB on H7A3/B3/B0), else
        # the layout page (dual chips: 128 KiB)
        page = bi["iflash_sector"] if internal else 128 * 1024 if bi["dual"] else 64 * 1024
        new = bytes(rnd.getrandbits(8) for _ in range(size))
        pages = []
        old = None
        where = ()
        if case == "unchanged":
            old = new
        elif case == "all changed":
            old = bytes(rnd.getrandbits(8) for _ in range(size))
        elif case == "1% changed":
            n = len(new) // page
            k = max(1, round(n / 100))
            old = bytearray(new)
            where = rnd.sample(range(n), k)  # drawn always: later rows keep their data
            if a.change_at == "first":
                where = range(k)
            elif a.change_at == "last":
                where = range(n - k, n)
            where = sorted(where)
            for p in where:
                old[p * page + 17] ^= 0x5A
            old = bytes(old)
        for off in range(0, size, page):
            changed = old is None or old[off:off + page] != new[off:off + page]
            bank = 1 if internal and base + off - IFLASH >= bi["iflash"] // 2 else 0
            pages.append((page, changed, old is None, bank))
        state = tempfile.mkdtemp(prefix="s", dir=work)
        img = os.path.join(state, "img.bin")
        open(img, "wb").write(new)
        ex = list(extra) + (["--flash", chip] if chip else [])
        if a.journal and old is not None:
            seed_journal(sim, state, board, ex)
        if old is not None:
            seed(state, base, old, bi, None)
        m = Model(consts, bi, chip, speed, timing)
        proto = "dfu-util" if client == ROM else client
        ceil = ceiling(m, internal, pages, proto)
        cause = causal(m, internal, pages, proto)
        bare = ceiling(m, internal, pages, proto, floor=False)
        serial = ceiling(m, internal, pages, proto, parallel=False)
        if client == ROM:
            ex.append("--rom-style")
        try:
            keep = None
            if a.logs:
                os.makedirs(a.logs, exist_ok=True)
                keep = os.path.join(a.logs, re.sub(r"[^A-Za-z0-9.]+", "_", name) + ".log")
            dev, wall = run(sim, state, commands(client, base, img, page), board, ex, timing,
                            keep)
        except RuntimeError as e:
            print("%s: not measured (%s)" % (name, str(e).strip().splitlines()[-1]))
            continue
        finally:
            shutil.rmtree(state, ignore_errors=True)  # simulated chips: up to 128 MiB
        rows.append((bname, iname, client, case, timing, size, dev, ceil, cause, bare, wall))
        print("%-78s %8.2f s  ceiling %6.2f s  %5.2fx  causal %6.2f s  %5.2fx%s%s" %
              (name, dev, ceil, dev / ceil, cause, dev / cause,
               "  (banks one at a time: ceiling %.2f s)" % serial if serial > ceil + 1e-9
               else "",
               # which pages changed (1-based), so a reader sees the position
               "  [page %s of %d]" % (",".join(str(p + 1) for p in where), len(pages))
               if where else ""), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return rows


def bench_fwupd(a, consts, rows):
    """One fwupdtool row (bench_fwupd_in); its scratch folder goes after."""
    if not shutil.which("fwupdtool"):
        print("fwupd: not measured (fwupdtool not installed)")
        return
    work = tempfile.mkdtemp(prefix="qdfu-bench-fwupd-")
    try:
        bench_fwupd_in(a, consts, rows, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_fwupd_in(a, consts, rows, work):
    """Debian's fwupdtool (no daemon) writing 1 MiB into fresh internal
    flash of the STM32H745I-DISCO, then reading everything back to verify
    (docs/fwupd.md): one row next to the others, its ceiling the dfu-util
    write ceiling (fwupd's read-back is on top of it)."""
    sim = os.path.join(a.bin, "qdfu-sim")
    board = "stm32h745i-disco"
    data = bytes(random.Random(7).getrandbits(8) for _ in range(MIB))
    img = os.path.join(work, "img.bin")
    open(img, "wb").write(data)
    dfu = os.path.join(work, "img.dfu")
    subprocess.run([os.path.join(a.bin, "qdfu"), "pack", "%s@0x%08x" % (img, APP), "-o", dfu],
                   check=True, stdout=subprocess.DEVNULL)
    for var, sub in (("FWUPD_LOCALSTATEDIR", "var"), ("STATE_DIRECTORY", "var/lib/fwupd"),
                     ("CACHE_DIRECTORY", "var/cache/fwupd"),
                     ("LOCALCONF_DIRECTORY", "var/etc/fwupd"), ("FWUPD_LOCKDIR", "lock")):
        os.environ[var] = os.path.join(work, "fwupd", sub)
        os.makedirs(os.environ[var], exist_ok=True)
    tool = "fwupdtool --plugins dfu --no-reboot-check"
    state = os.path.join(work, "state")
    os.makedirs(state)
    p = subprocess.run([sim, "--board", board, "--state", state, "--", "sh", "-c",
                        tool + " get-devices --json 2>/dev/null"], stdout=subprocess.PIPE)
    try:
        dev_id = json.loads(p.stdout)["Devices"][0]["DeviceId"]
    except (ValueError, KeyError, IndexError):
        print("fwupd: not measured (fwupdtool did not list the board)")
        return
    bi = board_file(board)
    m = Model(consts, bi, None, "fs", "typ")
    pages = [(bi["iflash_sector"], True, True)] * (MIB // bi["iflash_sector"])
    ceil = ceiling(m, True, pages, "fwupd")
    cause = causal(m, True, pages, "fwupd")
    bare = ceiling(m, True, pages, "fwupd", floor=False)
    try:
        dev, wall = run(sim, state, "%s install-blob %s %s >/dev/null 2>&1" % (tool, dfu, dev_id),
                        board, [], "typ")
    except RuntimeError as e:
        print("fwupd: not measured (%s)" % str(e).strip().splitlines()[-1])
        return
    rows.append(("STM32H745I-DISCO", "internal 1 MiB", "fwupdtool (+ read-back)", "fresh", "typ",
                 MIB, dev, ceil, cause, bare, wall))
    print("%-78s %8.2f s  ceiling %6.2f s  %5.2fx  causal %6.2f s  %5.2fx" %
          ("fwupdtool / internal 1 MiB / fresh / typ", dev, ceil, dev / ceil, cause,
           dev / cause), flush=True)


def table(rows):
    """"ceiling s" counts a sleeping client's 1 ms poll floor per request;
    "causal s" is that ceiling with causality for the in-order clients
    (causal(); the same number for qdfu); the last two columns are the
    ceiling without the poll floor (equal for clients that do not sleep)."""
    out = ["| board | image | client | case | timing | device s | kB/s | ceiling s | ratio |"
           " causal s | ratio | no-floor ceiling s | ratio |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    # a ceiling under 5 ms is "nothing to do" (internal flash reads are
    # not charged): its ratio says nothing and is shown as "-"
    ratio = lambda dev, c: "%.2fx" % (dev / c) if c >= 0.005 else "-"
    for b, i, c, case, t, size, dev, ceil, cause, bare, wall in rows:
        out.append("| %s | %s | %s | %s | %s | %.2f | %.0f | %.2f | %s | %.2f | %s | %.2f | %s |" %
                   (b, i, c, case, t, dev, size / 1024.0 / dev if dev else 0, ceil,
                    ratio(dev, ceil), cause, ratio(dev, cause), bare, ratio(dev, bare)))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/host-release")
    ap.add_argument("--set", choices=("quick", "full"), default="quick")
    ap.add_argument("--timing", choices=("typ", "max", "both"), default="typ")
    ap.add_argument("--only", default="")
    ap.add_argument("--boards", default="", help="comma-separated parts of board names")
    ap.add_argument("--markdown")
    ap.add_argument("--bin", help="qdfu-sim and qdfu from here (default: BUILD_DIR)")
    ap.add_argument("--logs", help="keep each row's qdfu-sim --log (one line per request) here")
    ap.add_argument("--journal", action="store_true",
                    help="over an old image: a boot journal as a previous qdfu update left it")
    ap.add_argument("--no-rom", dest="rom", action="store_false",
                    help="leave out the ROM-style comparison rows")
    ap.add_argument("--change-at", choices=("random", "first", "last"), default="random",
                    help="1%% changed: where the changed pages are in the image (default "
                    "random: the same images as before this option)")
    a = ap.parse_args()
    a.build = os.path.join(ROOT, a.build) if not os.path.isabs(a.build) else a.build
    a.bin = os.path.abspath(a.bin) if a.bin else a.build
    a.timings = ("typ", "max") if a.timing == "both" else (a.timing,)
    tool = os.path.join(a.build, "bench-tools", "qdfu-bench-constants")
    consts = json.loads(subprocess.run([tool], stdout=subprocess.PIPE, check=True).stdout)
    rows = bench(a, consts)
    if not a.only or "fwupd" in a.only:
        bench_fwupd(a, consts, rows)
    md = table(rows)
    print()
    print(md)
    if a.markdown:
        open(a.markdown, "w").write(md + "\n")


if __name__ == "__main__":
    main()
