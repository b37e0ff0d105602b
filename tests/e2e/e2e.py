#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests: Debian's real dfu-util and pyusb against qdfu-sim.

Usage: e2e.py --sim PATH --work DIR CASE
Each CASE is one ctest. Fixtures (application images, .dfu files) are made
here; nothing is copied from elsewhere.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
IFLASH = 0x08000000
APP = 0x08020000


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Env:
    def __init__(self, sim, work):
        self.sim = sim
        self.work = work
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        self.state = os.path.join(work, "state")
        os.makedirs(self.state)
        self.log = os.path.join(work, "sim.log")

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, cmd, board="stm32h745i-disco", enter="dfu", extra=(), timeout=300, check_rc=None,
            envvars=None):
        """Run cmd (list, or a shell string) under qdfu-sim; returns (rc, output)."""
        if isinstance(cmd, str):
            cmd = ["sh", "-c", cmd]
        argv = [self.sim, "--board", board, "--state", self.state, "--enter", enter,
                "--log", self.log] + list(extra) + ["--"] + cmd
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout, cwd=self.work,
                           env=dict(os.environ, **(envvars or {})))
        out = p.stdout.decode(errors="replace")
        if check_rc is not None and p.returncode != check_rc:
            raise Fail("%s exited %d, expected %d:\n%s" % (" ".join(cmd), p.returncode, check_rc,
                                                          out[-3000:]))
        return p.returncode, out

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def internal(self):
        with open(os.path.join(self.state, "internal.bin"), "rb") as f:
            return f.read()

    def seed_internal(self, size=2 * 1024 * 1024, patches=()):
        data = bytearray(b"\xff" * size)
        for off, blob in patches:
            data[off:off + len(blob)] = blob
        with open(os.path.join(self.state, "internal.bin"), "wb") as f:
            f.write(data)
        return bytes(data)


def app_image(size, vtor=APP, seed=1, sp=0x24080000):
    """An application: a Cortex-M vector table, then pseudo-random code."""
    rnd = random.Random(seed)
    body = bytearray(rnd.getrandbits(8) for _ in range(size))
    vt = struct.pack("<II", sp, vtor + 0x401) + b"".join(
        struct.pack("<I", vtor + 0x501) for _ in range(14))
    body[:len(vt)] = vt
    return bytes(body)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def dfuse_file(targets, vid=0x0483, pid=0xDF11):
    """A DfuSe (.dfu) file: targets = [(alt, [(address, bytes), ...]), ...]."""
    body = b""
    for alt, elements in targets:
        elems = b"".join(struct.pack("<II", a, len(d)) + d for a, d in elements)
        name = b"qdfu-e2e".ljust(255, b"\0")
        body += b"Target" + struct.pack("<BI", alt, 1) + name + struct.pack("<II", len(elems),
                                                                             len(elements)) + elems
    prefix = b"DfuSe" + struct.pack("<BIB", 1, 11 + len(body), len(targets))
    data = prefix + body
    suffix = struct.pack("<HHHH", 0xFFFF, pid, vid, 0x011A) + b"UFD" + bytes([16])
    data += suffix
    crc = zlib.crc32(data) ^ 0xFFFFFFFF  # DFU suffix CRC: no final XOR
    return data + struct.pack("<I", crc)


def dfu_list(out):
    return re.findall(r'Found DFU: \[([0-9a-f]{4}):([0-9a-f]{4})\].*?path="([^"]+)", alt=(\d+), '
                      r'name="([^"]*)", serial="([^"]*)"', out)


# ---------------------------------------------------------------- cases

def case_list(env):
    rc, out = env.run(["dfu-util", "-l"], check_rc=0)
    found = dfu_list(out)
    check(found, "dfu-util -l found no DFU device:\n" + out)
    alts = {int(a): (vid, pid, name, serial) for vid, pid, path, a, name, serial in found}
    check(alts[0][0:2] == ("0483", "df11"), "VID:PID %s:%s" % alts[0][0:2])
    check(alts[0][2] == "@Internal Flash  /0x08020000/15*128Kg/0x08000000/01*128Ka",
          "alt 0 name %r" % alts[0][2])
    check(re.fullmatch(r"[0-9A-F]{24}", alts[0][3]), "serial %r" % alts[0][3])
    for alt, (_, _, name, _) in alts.items():
        check(len(name) <= 126 and ", " not in name and not name.endswith("/"),
              "alt %d layout breaks client limits: %r" % (alt, name))
    if 1 in alts:
        check(alts[1][2].startswith("@QSPI Flash"), "alt 1 name %r" % alts[1][2])
        check("/0x90000000/" in alts[1][2], "alt 1 address: %r" % alts[1][2])
    # INFO flags as qdfu reports them: dual flash on the DISCO board (two
    # MT25QL512 dies), not on the Portenta; no block protection on a fresh
    # chip model (issue 19 item 4: the flags come from the probe)
    qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
    for board, dual in (("stm32h745i-disco", True), ("portenta-h7", False)):
        rc, out = env.run([qdfu, "list", "--json"], board=board, check_rc=0)
        info = json.loads(out)["result"]["devices"][0]["qdfu"]
        check(info["dual_flash"] is dual, "%s: INFO dual_flash %r" % (board, info))
        check(info["protection_found"] is False and info["protection_cleared"] is False,
              "%s: INFO protection flags %r" % (board, info))


def case_leave_roundtrip(env):
    app = app_image(300 * 1024)
    write(env.path("app.bin"), app)
    rc, out = env.run(["dfu-util", "-a", "0", "-s", "0x%08x:leave" % APP, "-D", "app.bin"],
                      check_rc=0)
    check("Transitioning to dfuMANIFEST state" in out or "Submitting leave request" in out,
          "no leave in dfu-util's output:\n" + out[-2000:])
    # a functional descriptor after each alt setting: dfu-util takes the first
    check("Device returned transfer size 4096" in out, "dfu-util's transfer size:\n" + out[-2000:])
    check("start application at 0x%08x" % APP in env.log_text(),
          "the bootloader did not start the application after leave:\n" + env.log_text()[-2000:])
    mem = env.internal()
    check(mem[APP - IFLASH:APP - IFLASH + len(app)] == app, "internal.bin does not hold the image")
    rc, out = env.run(["dfu-util", "-a", "0", "-s", "0x%08x:%d" % (APP, len(app)), "-U", "up.bin"],
                      check_rc=0)
    check(read(env.path("up.bin")) == app, "uploaded bytes differ from the download")
    # a 2+ MB image (checklist 38) through both banks, read back identical
    big = app_image(1536 * 1024, seed=7)
    write(env.path("big.bin"), big)
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x" % APP, "-D", "big.bin"], check_rc=0)
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x:%d" % (APP, len(big)), "-U", "big-up.bin"],
            check_rc=0)
    check(read(env.path("big-up.bin")) == big, "1.5 MiB readback differs")


def case_dfu_file(env):
    a = app_image(3000, seed=3)
    b = app_image(5000, seed=4)
    q = app_image(7000, seed=10)
    # two elements for alt 0 (the second at an address that is not
    # flash-word aligned) and one for alt 1 (QSPI): dfu-util switches alt
    # in dfuDNLOAD-IDLE and leaves with the pointer at the last chunk
    targets = [(0, [(0x08040000, a), (0x08060010, b)]), (1, [(0x90100000, q)])]
    write(env.path("multi.dfu"), dfuse_file(targets))
    rc, out = env.run(["dfu-util", "-D", "multi.dfu"], check_rc=0)
    mem = env.internal()
    check(mem[0x40000:0x40000 + len(a)] == a, "element 1 not written")
    check(mem[0x60010:0x60010 + len(b)] == b, "element 2 not written")
    check(mem[0x60000:0x60010] == b"\xff" * 16, "bytes before element 2 were touched")
    env.run(["dfu-util", "-a", "1", "-s", "0x90100000:%d" % len(q), "-U", "q.bin"], check_rc=0)
    check(read(env.path("q.bin")) == q, "the alt 1 element was not written")
    # the same file with :leave starts the application learned from the
    # vector tables written (the lowest: 0x08040000), not the pointer
    env.run(["dfu-util", "-s", ":leave", "-D", "multi.dfu"], check_rc=0)
    check("start application at 0x08040000" in env.log_text(),
          ".dfu leave: " + env.log_text()[-600:])


def case_mass_erase(env):
    marker = b"QDFU-BOOTLOADER-SECTOR" * 4
    env.seed_internal(patches=[(0x100, marker), (0x20000, b"\x12" * 4096),
                               (0x180000, b"\x34" * 64)])
    rc, out = env.run(["dfu-util", "-a", "0", "-s", ":mass-erase:force"])
    check(rc == 0, "mass erase failed (%d):\n%s" % (rc, out[-2000:]))
    mem = env.internal()
    check(mem[0x100:0x100 + len(marker)] == marker, "mass erase touched the bootloader sector")
    check(mem[0x20000:] == b"\xff" * (len(mem) - 0x20000), "mass erase left data behind")


def case_bootloader_sector_refused(env):
    marker = b"BOOT" * 64
    before = env.seed_internal(patches=[(0, marker)])
    write(env.path("evil.bin"), b"\x00" * 1024)
    rc, out = env.run(["dfu-util", "-a", "0", "-s", "0x08000000", "-D", "evil.bin"])
    check(rc != 0, "a write into the bootloader sector succeeded:\n" + out)
    # forced past dfu-util's own check: the device refuses it (exit 74)
    rc, out = env.run(["dfu-util", "-a", "0", "-s", "0x08000000:force", "-D", "evil.bin"])
    check(rc == 74, "forced write into the bootloader: exit %d, expected 74:\n%s" % (rc, out[-1500:]))
    check(env.internal()[:0x20000] == before[:0x20000], "the bootloader sector changed")


def case_unmapped_address(env):
    # dfu-util's own check against our layout string refuses it (64) ...
    rc, out = env.run(["dfu-util", "-a", "0", "-s", "0xA0000000:16", "-U", "x.bin"])
    check(rc == 64, "unmapped address: exit %d, expected dfu-util's 64:\n%s" % (rc, out[-1500:]))
    # ... and forced through, the device answers errTARGET: exit 74
    rc, out = env.run(["dfu-util", "-a", "0", "-s", "0xA0000000:16:force", "-U", "y.bin"])
    check(rc == 74, "unmapped address: exit %d, expected 74:\n%s" % (rc, out[-1500:]))
    check("SET_ADDRESS not correctly executed" in out, "no SET_ADDRESS error:\n" + out[-800:])


def case_pydfu_session(env):
    app = app_image(20000, seed=5)
    write(env.path("app.bin"), app)
    env.run([PY, os.path.join(HERE, "pyusb_client.py"), "pydfu", "app.bin", "0x%08x" % APP],
            check_rc=0)
    check(env.internal()[APP - IFLASH:APP - IFLASH + len(app)] == app, "pydfu image not stored")
    check("start application at 0x%08x" % APP in env.log_text(), "pydfu leave did not boot")


def busy_clients(env, timing):
    """Every client's busy handling against real erases (sectors that hold
    data) with the chip models at datasheet-typical or -maximum times
    (docs/decisions/busy-reporting.md): dfu-util 0.11 (GETSTATUS loop with
    sleeps), pydfu (two GETSTATUS, no sleep), fwupd (sleep loop, each
    GETSTATUS under 1.5 s), dfu-util 0.7 (two GETSTATUS then ABORT)."""
    extra = ("--timing", timing)
    old = app_image(150000, seed=31)
    write(env.path("old.bin"), old)
    sessions = [
        ("dfu-util", "dfu-util -a 0 -s 0x%08x -D %%s" % APP),
        ("pydfu", "%s %s pydfu %%s 0x%08x" % (PY, os.path.join(HERE, "pyusb_client.py"), APP)),
        ("fwupd", "%s %s fwupd %%s 0x%08x" % (PY, os.path.join(HERE, "pyusb_client.py"), APP)),
        ("dfu-util 0.7", "%s %s dfuutil07 %%s 0x%08x" %
         (PY, os.path.join(HERE, "pyusb_client.py"), APP)),
    ]
    for i, (who, cmd) in enumerate(sessions):
        env.run(cmd % "old.bin", extra=extra, check_rc=0)  # sectors now hold data
        new = app_image(150000, seed=40 + i)
        write(env.path("new.bin"), new)
        rc, out = env.run(cmd % "new.bin", extra=extra)
        check(rc == 0, "%s at %s timing: exit %d:\n%s" % (who, timing, rc, out[-1500:]))
        got = env.internal()[APP - IFLASH:APP - IFLASH + len(new)]
        check(got == new, "%s at %s timing: image not stored" % (who, timing))
        print("%s at %s timing: ok" % (who, timing))


def case_busy_typ(env):
    busy_clients(env, "typ")


def case_busy_max(env):
    busy_clients(env, "max")


def case_cubeprog_session(env):
    """CubeProgrammer's published pattern (pyusb_client.py cubeprog): connect,
    read, write with no erase over an image already there, verify by
    upload, start (issue 21 item 3)."""
    old = app_image(40000, seed=8)
    write(env.path("old.bin"), old)
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x:leave" % APP, "-D", "old.bin"], check_rc=0)
    app = app_image(40000, seed=9)
    write(env.path("app.bin"), app)
    env.run([PY, os.path.join(HERE, "pyusb_client.py"), "cubeprog", "app.bin", "0x%08x" % APP],
            check_rc=0)
    check(env.internal()[APP - IFLASH:APP - IFLASH + len(app)] == app, "image not stored")
    check("start application at 0x%08x" % APP in env.log_text(), "leave did not boot")


def case_iap_reflash(env):
    """A client that never erases re-flashes a changed image (issue 21,
    docs/decisions/auto-erase.md), in internal flash and in QSPI, with the
    three addressing styles; each run replaces the previous image."""
    client = os.path.join(HERE, "pyusb_client.py")
    for where, base in (("internal", APP), ("qspi", QSPI + 0x20000)):
        old = app_image(150000, vtor=base, seed=61)
        write(env.path("old.bin"), old)
        env.run(["dfu-util", "-a", "0" if base < QSPI else "1", "-s", "0x%08x:leave" % base,
                 "-D", "old.bin"], check_rc=0)
        for i, style in enumerate(("stride", "addr1024", "addr2048")):
            new = app_image(150000 - 7000 * i, vtor=base, seed=70 + i)
            write(env.path("new.bin"), new)
            rc, out = env.run([PY, client, "iap", "new.bin", "0x%08x" % base, style])
            check(rc == 0, "%s %s: a re-flash without erase failed:\n%s" %
                  (where, style, out[-1200:]))
            check("start application at 0x%08x" % base in env.log_text(),
                  "%s %s: the re-flashed image did not start" % (where, style))


def case_nor_protect(env):
    """Chips that start with every block-protect bit set (qdfu-sim
    --nor-protect; issue 19 item 4): qdfu list -v says the bootloader found
    and cleared the protection, and an update through it lands on the chips
    (Winbond clears volatile, Micron non-volatile, dual flash)."""
    qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
    for board, dual in (("weact-h750", False), ("stm32h745i-disco", True)):
        rc, out = env.run([qdfu, "list", "-v"], board=board, extra=("--nor-protect",),
                          check_rc=0)
        check("block protection was set at start-up; the bootloader cleared it" in out,
              "%s: qdfu list -v does not report the protection:\n%s" % (board, out[-1500:]))
        rc, out = env.run([qdfu, "list", "-v"], board=board, check_rc=0)
        check("block protection" not in out,
              "%s: protection reported on fresh chips:\n%s" % (board, out[-1500:]))
        qspi_roundtrip(env, board, 70000, 0x30001, extra=("--nor-protect",), dual=dual)
        shutil.rmtree(env.state)
        os.makedirs(env.state)


def case_xip_handover(env):
    """An application in QSPI starts with the flash memory-mapped in the
    fastest safe mode (issue 19 item 5; docs/decisions/xip-handover.md):
    1-4-4 on the Daisy Seed's IS25LP064A and on the DISCO's two MT25QL512
    (4-byte 0xEC), octal DTR (8DTRD 0xEE11, 20 dummy cycles at the 100 MHz
    bus) on the ST discovery boards' MX25LM51245G, and its first fetch
    through the window reads its vector table."""
    for board, base, want in (
            ("daisy-seed", QSPI + 0x40000, "external flash 9d 60 17: 1-4-4 (0xeb, 3-byte address, "
             "6 clocks before data)"),
            ("stm32h745i-disco", QSPI + 0x100000, "external flash 20 ba 20: 1-4-4 (0xec, "
             "4-byte address, 10 clocks before data)"),
            ("stm32h735g-dk", QSPI + 0x100000, "external flash c2 85 3a: 8D-8D-8D (0xee, "
             "4-byte address, 20 clocks before data)"),
            ("stm32h7b3i-dk", QSPI + 0x100000, "external flash c2 85 3a: 8D-8D-8D (0xee, "
             "4-byte address, 20 clocks before data)")):
        app = app_image(20000, vtor=base, seed=5)
        write(env.path("xip.bin"), app)
        env.run(["dfu-util", "-a", "1", "-s", "0x%08x:leave" % base, "-D", "xip.bin"],
                board=board, check_rc=0)
        log = env.log_text()
        check("start application at 0x%08x" % base in log,
              "%s: the application did not start:\n%s" % (board, log[-1500:]))
        sp, reset = struct.unpack("<II", app[:8])
        check(want in log, "%s: hand-over not as expected:\n%s" % (board, log[-1500:]))
        check("first fetch SP 0x%08x reset 0x%08x" % (sp, reset) in log,
              "%s: the first fetch through the window differs:\n%s" % (board, log[-1500:]))
        shutil.rmtree(env.state)
        os.makedirs(env.state)


def case_interrupted(env):
    app = app_image(1024 * 1024, seed=8)
    write(env.path("app.bin"), app)
    # a complete update first: it boots
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x:leave" % APP, "-D", "app.bin"], check_rc=0)
    env.run(["true"], enter="auto", check_rc=0)
    check("start application at 0x%08x" % APP in env.log_text(), "complete update did not boot")
    # without :leave, dfu-util never says the update is complete: an ABORT
    # does not commit (docs/decisions/image-descriptor.md), the board waits
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x" % APP, "-D", "app.bin"], check_rc=0)
    env.run(["true"], enter="auto", check_rc=0)
    check("staying in DFU: the last update was interrupted" in env.log_text(),
          "dfu-util without :leave committed the update:\n" + env.log_text()[-1500:])
    # a client that dies mid-transfer (pyusb, no ABORT, no leave)
    env.run([PY, os.path.join(HERE, "pyusb_client.py"), "die", "app.bin", "0x%08x" % APP],
            check_rc=137)
    env.run(["true"], enter="auto", check_rc=0)
    check("staying in DFU: the last update was interrupted" in env.log_text(),
          "interrupted update: the boot decision was:\n" + env.log_text()[-1500:])
    # dfu-util killed by a signal while it writes
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x" % APP, "-D", "app.bin"], check_rc=0)
    script = ("dfu-util -a 0 -s 0x%08x -D app.bin >dl.log 2>&1 & pid=$!; "
              "while ! grep -q 'Download.*[1-9][0-9]%%' dl.log 2>/dev/null; do "
              "kill -0 $pid 2>/dev/null || exit 3; done; kill -9 $pid; wait $pid; exit 0") % APP
    env.run(script, check_rc=0)
    env.run(["true"], enter="auto", check_rc=0)
    # the log is per run; a device that stays in DFU enumerates after
    # logging its decision, so look at the whole run, not its last lines
    text = env.log_text()
    check("the last update was interrupted" in text and "start application" not in text,
          "killed dfu-util: the device would boot:\n" + text[-1500:])
    # and a complete update afterwards boots again
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x:leave" % APP, "-D", "app.bin"], check_rc=0)
    env.run(["true"], enter="auto", check_rc=0)
    check("start application at 0x%08x" % APP in env.log_text().splitlines()[-1],
          "the update after the interrupted one did not boot")


QSPI = 0x90000000

# ------------------------------------------------------------- fwupd
# Debian's fwupd 2.0, no daemon: fwupdtool with the dfu plugin, in real time
# (its USB timeouts and sleeps are wall-clock).
FWUPDTOOL = shutil.which("fwupdtool")
MAKE_CAB = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "fwupd", "make-cab.py")
SKIP = 77  # ctest SKIP_RETURN_CODE


def fwupd_dirs(env):
    """fwupd's state, cache and lock directories in the work directory."""
    root = env.path("fwupd")
    dirs = {"FWUPD_LOCALSTATEDIR": "var", "STATE_DIRECTORY": "var/lib/fwupd",
            "CACHE_DIRECTORY": "var/cache/fwupd", "LOCALCONF_DIRECTORY": "var/etc/fwupd",
            "FWUPD_LOCALSTATEDIR_QUIRKS": "quirks.d", "FWUPD_LOCKDIR": "lock"}
    dirs = {k: os.path.join(root, v) for k, v in dirs.items()}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    return dirs


def fwupdtool(env, args, check_rc=None, extra=()):
    """fwupdtool ARGS (a shell string) under qdfu-sim --time real."""
    cmd = "fwupdtool --plugins dfu --no-reboot-check " + args
    return env.run(cmd, extra=("--time", "real") + tuple(extra), check_rc=check_rc,
                   envvars=fwupd_dirs(env))


def fwupd_device(env):
    """The board as fwupdtool get-devices --json lists it."""
    fwupdtool(env, "get-devices --json >devices.json 2>fwupd.err", check_rc=0)
    devs = [d for d in json.loads(read(env.path("devices.json"))).get("Devices", [])
            if d.get("Plugin") == "dfu"]
    check(len(devs) == 1, "fwupd lists %d dfu devices:\n%s" % (len(devs),
                                                                read(env.path("fwupd.err"))[-2000:]))
    return devs[0]


def state_files(env):
    return {n: read(os.path.join(env.state, n)) for n in sorted(os.listdir(env.state))}


def qspi_upload(env, addr, size, name="q-up.bin"):
    if os.path.exists(env.path(name)):
        os.unlink(env.path(name))
    env.run(["dfu-util", "-a", "1", "-s", "0x%08x:%d" % (addr, size), "-U", name], check_rc=0)
    return read(env.path(name))


def fwupd_image(env):
    """What a product ships: its application at 0x08020000 and data in QSPI,
    packed by qdfu into one DfuSe file (two targets: alt 0 and alt 1)."""
    app = app_image(96 * 1024, seed=31)
    data = bytes(random.Random(32).getrandbits(8) for _ in range(40000))
    write(env.path("app.bin"), app)
    write(env.path("data.bin"), data)
    qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
    subprocess.run([qdfu, "pack", "app.bin@0x%08x" % APP, "data.bin@0x%08x" % QSPI, "-o",
                    "firmware.dfu", "--layout", "@Internal Flash  /0x08020000/15*128Kg",
                    "--layout", "@QSPI Flash/0x90000000/512*128Kg"],
                   cwd=env.work, check=True, stdout=subprocess.DEVNULL)
    return app, data


def check_installed(env, app, data):
    check(env.internal()[APP - IFLASH:APP - IFLASH + len(app)] == app,
          "internal.bin does not hold the application")
    log = env.log_text()
    check(" ctrl a1 02 " in log, "fwupd did not read the image back (verify)")
    check("start application at 0x%08x" % APP in log,
          "the board did not start the application after fwupd:\n" + log[-1500:])
    check(qspi_upload(env, QSPI, len(data)) == data, "the QSPI data differs")
    env.run(["true"], enter="auto", check_rc=0)
    check("start application at 0x%08x" % APP in env.log_text(),
          "the next boot does not start the application:\n" + env.log_text()[-800:])


def case_fwupd_list(env):
    dev = fwupd_device(env)
    flags = dev.get("Flags", [])
    check("updatable" in flags and "is-bootloader" in flags, "fwupd's flags: %s" % flags)
    check(dev.get("Protocols") == ["com.st.dfuse"], "protocols: %s" % dev.get("Protocols"))
    check(re.fullmatch(r"[0-9A-F]{24}", dev.get("Serial", "")), "serial %r" % dev.get("Serial"))
    # both memories are targets and the transfer size is the descriptor's
    rc, out = fwupdtool(env, "get-devices -vv", check_rc=0)
    check("failed to parse interface data" not in out, "fwupd missed a functional descriptor")
    check(out.count("FuDfuTargetStm:") == 2, "fwupd does not see two alt settings")
    check("using DFU transfer size 0x1000" in out, "fwupd's transfer size is not 4096")
    check(re.search(r"Addr:0x08020000, Size:0x20000, Caps:0x7", out),
          "fwupd does not see 0x08020000 writable:\n" + out[-3000:])


def case_fwupd_install_blob(env):
    app, data = fwupd_image(env)
    dev_id = fwupd_device(env)["DeviceId"]
    rc, out = fwupdtool(env, "install-blob firmware.dfu %s" % dev_id)
    check(rc == 0, "fwupdtool install-blob failed (%d):\n%s" % (rc, out[-3000:]))
    check_installed(env, app, data)


def case_fwupd_cab(env):
    """A cabinet archive with metainfo, as a vendor ships it through fwupd's
    firmware service: made by examples/fwupd/make-cab.py."""
    app, data = fwupd_image(env)

    def make_cab(name, instance_id):
        subprocess.run([PY, MAKE_CAB, "--image", "firmware.dfu", "--instance-id", instance_id,
                        "--version", "1.1", "--id", "org.example.qdfu.e2e.firmware", "--name",
                        "qdfu e2e board", "--vendor", "qdfu", "-o", name],
                       cwd=env.work, check=True, stdout=subprocess.DEVNULL)

    # a cabinet for another product: no device takes it, nothing changes
    make_cab("other.cab", "USB\\VID_1209&PID_0001")
    fwupd_device(env)  # the board's state files exist from here on
    before = state_files(env)
    rc, out = fwupdtool(env, "install other.cab")
    check(rc != 0, "fwupd installed a cabinet made for another device:\n" + out[-2000:])
    check(state_files(env) == before, "the board changed after a refused cabinet")
    make_cab("board.cab", "USB\\VID_0483&PID_DF11")
    rc, out = fwupdtool(env, "install board.cab")
    check(rc == 0, "fwupdtool install board.cab failed (%d):\n%s" % (rc, out[-3000:]))
    check_installed(env, app, data)


def case_fwupd_refused(env):
    """Images fwupd must refuse leave the board as it was. (A DfuSe file
    whose suffix names another VID:PID is not among them: fwupd 2.0 compares
    the suffix only with a device's runtime IDs, and a board in DFU mode has
    none -- fu_dfu_device_download(); cabinets are matched by GUID, see
    case_fwupd_cab.)"""
    good = app_image(20000, seed=33)
    write(env.path("good.bin"), good)
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x:leave" % APP, "-D", "good.bin"], check_rc=0)
    dev_id = fwupd_device(env)["DeviceId"]
    blob = app_image(64 * 1024, seed=34)
    cases = [
        ("past the internal flash", [(0, [(0x08200000, blob)])], 0x0483, 0xDF11,
         "no memory sector"),
        ("the bootloader's sector", [(0, [(IFLASH, blob)])], 0x0483, 0xDF11, "not writable"),
        ("unmapped", [(1, [(0xA0000000, blob)])], 0x0483, 0xDF11, "no memory sector"),
    ]
    for what, targets, vid, pid, why in cases:
        write(env.path("bad.dfu"), dfuse_file(targets, vid=vid, pid=pid))
        before = state_files(env)
        rc, out = fwupdtool(env, "install-blob bad.dfu %s" % dev_id)
        check(rc != 0, "%s: fwupd installed it:\n%s" % (what, out[-2000:]))
        check(why in out, "%s: fwupd's reason is not %r:\n%s" % (what, why, out[-2000:]))
        check(state_files(env) == before, "%s: the board changed" % what)
    env.run(["true"], enter="auto", check_rc=0)
    check("start application at 0x%08x" % APP in env.log_text(),
          "after the refusals the board does not start its application")


def case_power_cut(env):
    """qdfu-sim --power-cut with real clients: after each cut the board stays
    in DFU (saying why) or starts exactly the old or the new image; a fresh
    update then boots; the state files are whole (no .tmp left behind)."""
    qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
    board = "portenta-h7"  # one QSPI chip: qspi0.bin holds the data as written
    images = []
    for seed in (31, 32):
        code = bytearray(app_image(40000, seed=seed))
        data = bytes(random.Random(seed).getrandbits(8) for _ in range(30000))
        write(env.path("code%d.bin" % seed), code)
        write(env.path("data%d.bin" % seed), data)
        images.append(seed)

    def args(seed):
        return ["code%d.bin@0x%08x" % (seed, APP), "data%d.bin@0x%08x" % (seed, QSPI + 0x100000)]

    def holds(seed):
        code = read(env.path("code%d.bin" % seed))
        data = read(env.path("data%d.bin" % seed))
        mem = env.internal()
        q = read(os.path.join(env.state, "qspi0.bin"))
        return (mem[APP - IFLASH:APP - IFLASH + len(code)] == code and
                q[0x100000:0x100000 + len(data)] == data)

    old, new = images
    env.run([qdfu, "flash"] + args(old), board=board, check_rc=0)
    # how long an update takes, to cut inside it
    env.run([qdfu, "flash", "--no-skip"] + args(new), board=board, check_rc=0)
    last = env.log_text().strip().splitlines()[-1]
    span = float(last.split()[0])
    outcomes = {"dfu": 0, "new": 0, "old": 0}
    clients = [[qdfu, "flash", "--no-skip"] + args(new),
               "dfu-util -a 1 -s 0x%08x -D data%d.bin && "
               "dfu-util -a 0 -s 0x%08x:leave -D code%d.bin" % (QSPI + 0x100000, new, APP, new)]
    for i in range(6):
        env.run([qdfu, "flash"] + args(old), board=board, check_rc=0)
        env.run(clients[i % 2], board=board,
                extra=("--power-cut", "random:%d:%.3f" % (i, span)))
        check(re.search(r"power cut [0-9.]+ s after the first enumeration: ", env.log_text()),
              "no power cut in the log:\n" + env.log_text()[-800:])
        check(not [f for f in os.listdir(env.state) if f.endswith(".tmp")],
              "a state file was left half written")
        env.run(["true"], board=board, enter="auto", check_rc=0)
        text = env.log_text()
        if "staying in DFU: " in text:
            outcomes["dfu"] += 1
        else:
            check("start application at 0x%08x" % APP in text, "no boot decision:\n" + text)
            ok_new, ok_old = holds(new), holds(old)
            check(ok_new or ok_old, "cut %d: started an image that is neither old nor new" % i)
            outcomes["new" if ok_new else "old"] += 1
        env.run([qdfu, "flash"] + args(new), board=board, check_rc=0)
        env.run(["true"], board=board, enter="auto", check_rc=0)
        check("start application at 0x%08x" % APP in env.log_text() and holds(new),
              "cut %d: the fresh update did not boot" % i)
    print("power cuts: %s" % outcomes)


def case_sigkill_state(env):
    """The state files follow every flash operation (sim/state/state_file.h):
    a qdfu-sim killed with SIGKILL mid-download, with no chance to save,
    leaves in them every block the device had reported written."""
    board = "portenta-h7"  # one QSPI chip: qspi0.bin holds the data as written
    at = 0x20000
    old = bytes(random.Random(41).getrandbits(8) for _ in range(64 * 1024))
    new = bytes(random.Random(42).getrandbits(8) for _ in range(24 * 1024))
    write(env.path("old.bin"), old)
    write(env.path("new.bin"), new)
    env.run(["dfu-util", "-a", "1", "-s", "0x%08x" % (QSPI + at), "-D", "old.bin"], board=board,
            check_rc=0)
    check(read(os.path.join(env.state, "qspi0.bin"))[at:at + len(old)] == old,
          "the first download is not in qspi0.bin")
    rc, out = env.run([PY, os.path.join(HERE, "pyusb_client.py"), "killsim", "new.bin",
                       "0x%08x" % (QSPI + at)], board=board)
    m = re.search(r"killsim: (\d+) blocks of (\d+) bytes written", out)
    check(rc == -signal.SIGKILL and m, "the simulator was not killed (rc %d):\n%s" % (rc, out))
    done = int(m.group(1)) * int(m.group(2))
    q = read(os.path.join(env.state, "qspi0.bin"))
    for off in range(0, done, 256):
        check(q[at + off:at + off + 256] == new[off:off + 256],
              "qspi0.bin lacks the page at +0x%x the device had reported written "
              "(%d bytes reported):\n%s" % (off, done, out[-800:]))
    # and the next run starts from exactly that
    env.run(["dfu-util", "-a", "1", "-s", "0x%08x:%d" % (QSPI + at, done), "-U", "back.bin"],
            board=board, check_rc=0)
    check(read(env.path("back.bin")) == new[:done], "the next run reads other contents")
    print("SIGKILL after %d bytes: every reported block is in the state file" % done)


def qspi_roundtrip(env, board, size, offset, extra=(), dual=False, seed=11):
    """Write random data at QSPI + offset with dfu-util, read it back, and
    check the raw chip contents (even / odd bytes per chip in dual mode)."""
    rnd = random.Random(seed)
    data = bytes(rnd.getrandbits(8) for _ in range(size))
    write(env.path("q.bin"), data)
    addr = QSPI + offset
    env.run(["dfu-util", "-a", "1", "-s", "0x%08x" % addr, "-D", "q.bin"], board=board,
            extra=extra, check_rc=0)
    up = env.path("up.bin")
    if os.path.exists(up):
        os.unlink(up)
    env.run(["dfu-util", "-a", "1", "-s", "0x%08x:%d" % (addr, size), "-U", "up.bin"],
            board=board, extra=extra, check_rc=0)
    check(read(up) == data, "%s: uploaded data differs from what was written" % board)
    check(qspi_chips(env, board, offset, size, dual) == data,
          "%s: the raw chip contents (qspi0.bin%s) do not hold the data" %
          (board, " / qspi1.bin: even / odd bytes" if dual else ""))


def qspi_chips(env, board, offset, size, dual):
    """size bytes at QSPI + offset as the chips hold them (--state files):
    in dual-flash mode even bytes in chip 0, odd bytes in chip 1."""
    q0 = read(os.path.join(env.state, "qspi0.bin"))
    if not dual:
        check(not os.path.exists(os.path.join(env.state, "qspi1.bin")),
              "%s: qspi1.bin exists on a single-flash board" % board)
        return q0[offset:offset + size]
    q1 = read(os.path.join(env.state, "qspi1.bin"))
    inter = bytearray(size + 2)
    lo = offset & ~1
    n = (size + (offset - lo) + 1) // 2
    inter[0:2 * n:2] = q0[lo // 2:lo // 2 + n]
    inter[1:2 * n:2] = q1[lo // 2:lo // 2 + n]
    return bytes(inter[offset - lo:offset - lo + size])


def qspi_reflash(env, board, page):
    """Deferred erase end to end (docs/decisions/deferred-erase.md): dfu-util
    re-flashes QSPI over an older, longer image with pages unchanged, one
    4 KiB block changed (the first half of a dual-flash 8 KiB unit kept
    aside), every page changed, and an image ending mid-page: the read-back
    must be the new image followed by erased bytes up to the end of the last
    page it touched."""
    rnd = random.Random(77)
    span = 512 * 1024
    old = bytes(rnd.getrandbits(8) for _ in range(span))
    write(env.path("old.bin"), old)
    new = bytearray(old[:300 * 1024 + 1000])      # shorter: ends mid-page
    new[128 * 1024 + 3 * 4096 + 5] ^= 0x5A          # one block of page 1 changed
    for i in range(256 * 1024, 300 * 1024):         # page 2 changed throughout
        new[i] ^= 0xFF
    write(env.path("new.bin"), bytes(new))
    dl = ["dfu-util", "-a", "1", "-s", "0x%08x" % QSPI, "-D"]
    env.run(dl + ["old.bin"], board=board, check_rc=0)
    env.run(dl + ["new.bin"], board=board, check_rc=0)
    up = env.path("up.bin")
    if os.path.exists(up):
        os.unlink(up)
    env.run(["dfu-util", "-a", "1", "-s", "0x%08x:%d" % (QSPI, span), "-U", "up.bin"],
            board=board, check_rc=0)
    back = read(up)
    end = (len(new) + page - 1) // page * page
    check(back[:len(new)] == bytes(new), "%s: re-flashed image differs" % board)
    check(back[len(new):end] == b"\xff" * (end - len(new)),
          "%s: the rest of the last page is not erased" % board)
    check(back[end:] == old[end:], "%s: pages after the image changed" % board)


def case_qspi_reflash_single(env):
    qspi_reflash(env, "weact-h750", 64 * 1024)


def case_qspi_reflash_dual(env):
    qspi_reflash(env, "stm32h745i-disco", 128 * 1024)  # two chips: 2 x 64 KiB


def make_qspi_case(board):
    def case(env):
        rc, out = env.run(["dfu-util", "-l"], board=board, check_rc=0)
        alts = [a for a in dfu_list(out) if a[3] == "1"]
        check(alts and alts[0][4].startswith("@QSPI Flash/0x90000000/"),
              "%s: no QSPI alt setting:\n%s" % (board, out[-2000:]))
        dual = "dual" in TRAITS
        qspi_roundtrip(env, board, 2 * 1024 * 1024 + 12345, 0x12345, dual=dual)
        if "small" not in TRAITS:
            iflash_roundtrip(env, board, 40000 + 7, 0x20000 + 0x1239)
    return case


def iflash_roundtrip(env, board, size, offset, seed=12):
    """Write random data at 0x08000000 + offset (neither end on a flash
    word: 32 bytes, 16 on the H7A3/B0/B3) with dfu-util, read it back, and
    check the model's array (internal.bin)."""
    rnd = random.Random(seed)
    data = bytes(rnd.getrandbits(8) for _ in range(size))
    write(env.path("i.bin"), data)
    addr = 0x08000000 + offset
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x" % addr, "-D", "i.bin"], board=board,
            check_rc=0)
    up = env.path("iup.bin")
    if os.path.exists(up):
        os.unlink(up)
    env.run(["dfu-util", "-a", "0", "-s", "0x%08x:%d" % (addr, size), "-U", "iup.bin"],
            board=board, check_rc=0)
    check(read(up) == data, "%s: internal flash: uploaded data differs" % board)
    arr = read(os.path.join(env.state, "internal.bin"))
    check(arr[offset:offset + size] == data,
          "%s: the internal flash model (internal.bin) does not hold the data" % board)


def case_qspi_big_chip(env):
    # a chip over 16 MiB on a single-flash board, written above 16 MiB
    qspi_roundtrip(env, "weact-h750", 1024 * 1024 + 77, 20 * 1024 * 1024 + 0x321,
                   extra=("--flash", "W25Q256JV"))


def case_qspi_big_dual(env):
    # two MX25L51245G: 128 MiB in all, written above 32 MiB (16 MiB per chip)
    qspi_roundtrip(env, "stm32h750b-dk", 512 * 1024 + 3, 40 * 1024 * 1024 + 0x1001,
                   extra=("--flash", "MX25L51245G"), dual=True)


def case_qspi_no_sfdp(env):
    # the GIGA R1's JEDEC ID (1F 89 01) on a chip without SFDP (AT25QF128A,
    # as third-party tables list it): the driver's JEDEC-ID table path
    qspi_roundtrip(env, "giga-r1", 256 * 1024 + 5, 0x20003, extra=("--flash", "AT25QF128A"))


def case_examples_boot(env):
    """The example applications built by arm-none-eabi-gcc (make firmware):
    flashed with qdfu, each starts where it was linked."""
    root = os.path.dirname(os.path.dirname(HERE))
    qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
    for name, vtor in (("blink-qspi", 0x90000000), ("blink-internal", 0x08020000),
                       ("App-CM7", 0x08020000)):
        hexf = os.path.join(root, "build", "examples", name + ".hex")
        check(os.path.exists(hexf), "%s is missing: run 'make firmware' first" % hexf)
        env.run([qdfu, "flash", hexf], extra=("--time", "virtual"), check_rc=0)
        env.run(["true"], enter="auto", check_rc=0)
        check("start application at 0x%08x" % vtor in env.log_text(),
              "%s: the bootloader did not start it at 0x%08x:\n%s" % (name, vtor,
                                                                       env.log_text()[-800:]))




def make_dwc2_case(board):
    """The whole flow through the STM32H7 port's own DWC2 driver on the DWC2
    register model (qdfu-sim --usb dwc2): enumeration at the speed the
    board's PHY allows, dfu-util download / upload on both memories, leave,
    and not one hardware rule broken on the way."""
    extra = ("--usb", "dwc2")
    hs = "ulpi" in TRAITS

    def case(env):
        plain_run = env.run

        def run(cmd, board=board, extra=extra, check_rc=0, **kw):
            # the log is per run: look at every run's log and output
            rc, out = plain_run(cmd, board=board, extra=extra, check_rc=check_rc, **kw)
            for text in (out, env.log_text()):
                check("hardware rule broken" not in text,
                      "%s: the firmware broke a hardware rule:\n%s" % (board, text[-1500:]))
            return rc, out
        env.run = run  # qspi_roundtrip's runs are checked too

        client = os.path.join(HERE, "pyusb_client.py")
        qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
        rc, out = run("dfu-util -l && %s %s speed - 0 && %s list --json" % (PY, client, qdfu))
        alts = {int(a[3]): a[4] for a in dfu_list(out)}
        check(alts.get(0, "").startswith("@Internal Flash") and
              alts.get(1, "").startswith("@QSPI Flash/0x90000000/"),
              "%s: alt settings through DWC2:\n%s" % (board, out[-2000:]))
        # libusb reads the speed the kernel saw: 3 = high, 2 = full
        check("libusb speed %d" % (3 if hs else 2) in out,
              "%s: expected %s speed:\n%s" % (board, "high" if hs else "full", out[-500:]))
        check('"speed_mbps":%d' % (480 if hs else 12) in out,
              "%s: qdfu list does not report the speed:\n%s" % (board, out[-800:]))
        if hs:
            # a high-speed device describes its full-speed self (USB 2.0 9.6.2, 9.6.4)
            bcd = re.search(r"device bcdUSB ([0-9a-f]{4})", out)
            check(bcd and ("qualifier: len 10 type 6 bcdUSB %s mps0 64 configs 1" % bcd.group(1))
                  in out and
                  "other-speed: type 7" in out and "same-interfaces True" in out,
                  "%s: DEVICE_QUALIFIER / OTHER_SPEED_CONFIGURATION:\n%s" % (board, out[-600:]))
        else:
            check("qualifier: error stall" in out and "other-speed: error stall" in out,
                  "%s: a full-speed device must stall DEVICE_QUALIFIER:\n%s" % (board, out[-600:]))
        log = env.log_text()
        check("usb: the STM32H7 DWC2 driver on the register model" in log,
              "%s: qdfu-sim did not run the DWC2 driver:\n%s" % (board, log[:600]))
        check(" at %s speed" % ("high" if hs else "full") in log,
              "%s: enumeration speed:\n%s" % (board, log[:1500]))
        if "small" in TRAITS:
            # applications live in QSPI: one linked there, started on leave
            app, base = app_image(200 * 1024, vtor=QSPI, seed=21), QSPI
            alt = 1
        else:
            app, base = app_image(300 * 1024, seed=21), APP
            alt = 0
        write(env.path("app.bin"), app)
        run(["dfu-util", "-a", str(alt), "-s", "0x%08x" % base, "-D", "app.bin"])
        if alt == 0:
            mem = env.internal()
            check(mem[base - IFLASH:base - IFLASH + len(app)] == app,
                  "%s: internal.bin does not hold the image" % board)
        run(["dfu-util", "-a", str(alt), "-s", "0x%08x:%d" % (base, len(app)), "-U",
             "app-up.bin"])
        check(read(env.path("app-up.bin")) == app, "%s: upload differs from download" % board)
        if alt == 0:
            qspi_roundtrip(env, board, 256 * 1024 + 33, 0x300011, extra=extra,
                           dual="dual" in TRAITS)
        # the same image again with :leave: unchanged data, then the start
        run(["dfu-util", "-a", str(alt), "-s", "0x%08x:leave" % base, "-D", "app.bin"])
        check("start application at 0x%08x" % base in env.log_text(),
              "%s: leave through DWC2 did not start the application:\n%s" %
              (board, env.log_text()[-1500:]))
        if hs:
            # pydfu's request sequence (no alt selected) at high speed
            run([PY, client, "pydfu", "app.bin", "0x%08x" % base])
            # behind a full-speed hub the ULPI board runs at full speed and,
            # being high-speed capable, still has a qualifier (USB 2.0 9.6.2)
            fs = extra + ("--host-speed", "full")
            rc, out = run("%s %s speed - 0" % (PY, client), extra=fs)
            check("libusb speed 2" in out and "qualifier: len 10 type 6" in out and
                  "same-interfaces True" in out,
                  "%s behind a full-speed hub:\n%s" % (board, out[-600:]))
            check(" at full speed" in env.log_text(), "%s: not enumerated at full speed" % board)
            small = app[:20000]
            write(env.path("small.bin"), small)
            run(["dfu-util", "-a", str(alt), "-s", "0x%08x" % base, "-D", "small.bin"], extra=fs)
            run(["dfu-util", "-a", str(alt), "-s", "0x%08x:%d" % (base, len(small)), "-U",
                 "small-up.bin"], extra=fs)
            check(read(env.path("small-up.bin")) == small,
                  "%s behind a full-speed hub: upload differs" % board)
    return case


def ihex(data, base):
    """Intel HEX: extended linear address records and 16-byte data records."""
    def rec(kind, addr, payload):
        body = bytes([len(payload), addr >> 8, addr & 0xFF, kind]) + payload
        return ":%s%02X\n" % (body.hex().upper(), -sum(body) & 0xFF)
    out, upper = [], None
    for off in range(0, len(data), 16):
        a = base + off
        if a >> 16 != upper:
            upper = a >> 16
            out.append(rec(4, 0, struct.pack(">H", upper)))
        out.append(rec(0, a & 0xFFFF, data[off:off + 16]))
    out.append(rec(1, 0, b""))
    return "".join(out).encode()


def guide_commands(board):
    """The qdfu and dfu-util lines of docs/boards/<board>.md, section
    "## Updating", first code block, comments removed."""
    root = os.path.dirname(os.path.dirname(HERE))
    with open(os.path.join(root, "docs", "boards", board + ".md")) as f:
        text = f.read()
    check("## Updating" in text, "%s: the guide has no '## Updating' section" % board)
    block = text.split("## Updating", 1)[1].split("```")[1]
    lines = [ln.split("#")[0].split() for ln in block.splitlines()]
    return [ln for ln in lines if ln and ln[0] in ("qdfu", "dfu-util")]


def make_guide_case(board):
    """A board guide's update commands, as written, against qdfu-sim: each
    one writes the application where the guide says and starts it; on an
    STM32H750 board what the guide says is refused (internal flash after the
    bootloader's only sector) is refused, and nothing is written."""
    def case(env):
        cmds = guide_commands(board)
        check(cmds, "%s: no qdfu or dfu-util command in the guide's Updating section" % board)
        addrs = re.findall(r"-s (0x[0-9a-fA-F]+)", " ".join(" ".join(c) for c in cmds))
        check(addrs, "%s: no dfu-util -s ADDRESS in the guide" % board)
        base = int(addrs[0], 16)
        app = app_image(150 * 1024 + 7, vtor=base, seed=31)
        write(env.path("app-qspi.bin"), app)
        write(env.path("app-qspi.hex"), ihex(app, base))
        qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
        for cmd in cmds:
            argv = [qdfu if a == "qdfu" else a for a in cmd]
            env.run(argv, board=board, extra=("--time", "virtual"), check_rc=0)
            check("start application at 0x%08x" % base in env.log_text(),
                  "%s: '%s' did not start the application at 0x%08x:\n%s" %
                  (board, " ".join(cmd), base, env.log_text()[-800:]))
        check(base >= QSPI and qspi_chips(env, board, base - QSPI, len(app),
                                          "dual" in TRAITS) == app,
              "%s: the QSPI flash does not hold the application" % board)
        if "small" not in TRAITS:
            return
        write(env.path("app-internal.bin"), app_image(20000, vtor=APP, seed=32))
        before = env.internal()
        rc, out = env.run(["dfu-util", "-a", "0", "-s", "0x%08x:leave" % APP, "-D",
                           "app-internal.bin"], board=board)
        check(rc != 0 and "is not writeable" in out,
              "%s: a dfu-util write to 0x%08x was not refused:\n%s" % (board, APP, out[-800:]))
        rc, out = env.run([qdfu, "flash", "app-internal.bin@0x%08x" % APP], board=board)
        check(rc != 0 and "nothing was erased or written" in out,
              "%s: qdfu flash of an image at 0x%08x was not refused:\n%s" %
              (board, APP, out[-800:]))
        check(env.internal() == before, "%s: the internal flash changed" % board)
    return case


# The Arduino IDE's upload of a sketch (arduino/ArduinoCore-mbed): boards.txt
# gives <board>.upload.vid/pid (the bootloader's IDs), upload.interface=0 and
# upload.address_m7=0x08040000; platform.txt's tools.dfu-util.upload.pattern
# makes them one dfu-util command line, run here as the IDE runs it. dfu-util
# itself considers any DFU-mode device when given run-time IDs only (its man
# page, --device), so the IDs are checked as the IDE's board discovery sees
# them (<board>.upload_port.N.vid/pid): in the device list.
ARDUINO = {"portenta-h7": ("0x2341", "0x035b"), "giga-r1": ("0x2341", "0x0366")}
SKETCH = 0x08040000


def make_arduino_case(board):
    def case(env):
        vid, pid = ARDUINO[board]
        rc, out = env.run(["dfu-util", "-l"], board=board, check_rc=0)
        check("Found DFU: [%s:%s]" % (vid[2:], pid[2:]) in out,
              "%s: the bootloader does not present %s:%s:\n%s" % (board, vid, pid, out[-1500:]))
        write(env.path("sketch.ino.bin"), app_image(90 * 1024 + 5, vtor=SKETCH, seed=41))
        cmd = ["dfu-util", "--device", "%s:%s" % (vid, pid), "-D", env.path("sketch.ino.bin"),
               "-a0", "--dfuse-address=0x%08x:leave" % SKETCH]
        rc, out = env.run(cmd, board=board, check_rc=0)
        check("start application at 0x%08x" % SKETCH in env.log_text(),
              "%s: the sketch was not started at 0x%08x:\n%s\n%s" %
              (board, SKETCH, out[-1500:], env.log_text()[-800:]))
        got = env.internal()[SKETCH - IFLASH:SKETCH - IFLASH + 90 * 1024 + 5]
        check(got == read(env.path("sketch.ino.bin")),
              "%s: internal flash at 0x%08x does not hold the sketch" % (board, SKETCH))
    return case


def daisy_sram_app(size, seed=51, base=0x24000000):
    """A libDaisy BOOT_SRAM application (core/STM32H750IB_sram.lds): the
    vector table first, linked at AXI SRAM 0x24000000, stack at the end of
    DTCM (_estack = 0x20020000); stored at 0x90040000."""
    return app_image(size, vtor=base, seed=seed, sp=0x20020000)


def case_daisy_boot_sram(env):
    """libDaisy's `make program-dfu` for APP_TYPE = BOOT_SRAM (core/Makefile:
    dfu-util -a 0 -s 0x90040000:leave -D app.bin -d ,0483:df11) under
    qdfu-sim: the bootloader copies the image to AXI SRAM and starts it
    there; the simulator's RAM model compares every copied byte with the
    QSPI flash and the start address with the copy's destination."""
    write(env.path("app.bin"), daisy_sram_app(200 * 1024 + 12))
    cmd = ["dfu-util", "-a", "0", "-s", "0x90040000:leave", "-D", env.path("app.bin"),
           "-d", ",0483:df11"]
    rc, out = env.run(cmd, board="daisy-seed", check_rc=0)
    log = env.log_text()
    check("RAM application: copied 524288 bytes from 0x90040000 to RAM at 0x24000000" in log,
          "no copy to RAM in the boot log:\n%s\n%s" % (out[-1500:], log[-1200:]))
    check("start application at 0x24000000" in log,
          "not started in RAM at 0x24000000:\n%s" % log[-1200:])
    check("hardware rule broken" not in log, "the RAM model saw a bad start:\n%s" % log[-1200:])
    # linked to DTCM, where the bootloader's data and stack are: refused, stays in DFU
    write(env.path("bad.bin"), daisy_sram_app(4096, base=0x20000000))
    cmd[-3] = env.path("bad.bin")
    rc, out = env.run(cmd, board="daisy-seed", check_rc=0)
    log = env.log_text()
    check("overwrite the bootloader's own RAM" in log and "start application" not in log,
          "an image linked over the bootloader's RAM was not refused:\n%s" % log[-1200:])
    # qdfu flash writes a descriptor: the copy is the image's range (whole 64 KiB pages)
    qdfu = os.path.join(os.path.dirname(env.sim), "qdfu")
    write(env.path("app.hex"), ihex(daisy_sram_app(130 * 1024, seed=52), 0x90040000))
    env.run([qdfu, "flash", env.path("app.hex")], board="daisy-seed", check_rc=0)
    env.run(["true"], board="daisy-seed", enter="auto", check_rc=0)
    log = env.log_text()
    check("copied 196608 bytes from 0x90040000 to RAM at 0x24000000" in log and
          "start application at 0x24000000" in log and "hardware rule broken" not in log,
          "qdfu flash of a BOOT_SRAM image: not copied by its descriptor:\n%s" % log[-1200:])


def webdfu(env, image, board="daisy-seed"):
    client = os.path.join(HERE, "pyusb_client.py")
    write(env.path("web.bin"), image)
    return env.run([PY, client, "webdfu", env.path("web.bin"), "0"], board=board, check_rc=0)


def case_webdfu_daisy(env):
    """The Daisy web programmer's request sequence (pyusb_client.py webdfu,
    after electro-smith/Programmer and devanlai/webdfu) against the Daisy
    Seed: it picks alt 0 (name holds 0x08000000), starts at its first
    writable segment + 0x40000 = 0x90040000, erases, writes and leaves; the
    bootloader starts a BOOT_QSPI application in place and copies a
    BOOT_SRAM one to RAM. The same requests over WebUSB in a real browser:
    ctest web_chromium_webdfu_daisy (tests/web/webdfu/)."""
    qspi_app = app_image(150 * 1024 + 3, vtor=0x90040000, seed=61)
    rc, out = webdfu(env, qspi_app)
    check("at 0x90040000 through alt 0" in out, "webdfu did not pick alt 0 / 0x90040000:\n" + out)
    q = read(os.path.join(env.state, "qspi0.bin"))
    check(q[0x40000:0x40000 + len(qspi_app)] == qspi_app, "QSPI does not hold the application")
    log = env.log_text()
    check("start application at 0x90040000" in log, "not started in place:\n" + log[-1200:])
    rc, out = webdfu(env, daisy_sram_app(100 * 1024 + 1, seed=62))
    log = env.log_text()
    check("RAM application: copied" in log and "start application at 0x24000000" in log,
          "BOOT_SRAM application through webdfu not started in RAM:\n" + log[-1200:])
    check("hardware rule broken" not in log, "a model rule broken:\n" + log[-1200:])


def strict_zones(string):
    """Our own reading of a layout (facts dfuse-protocol.md): [(addr, bytes)]."""
    parts = string.split("/")
    zones = []
    for i in range(1, len(parts) - 1, 2):
        total = 0
        for entry in parts[i + 1].split(","):
            m = re.fullmatch(r"(\d+)\*(\d+)([ BKM])([a-g])", entry)
            check(m, "layout entry %r of %r" % (entry, string))
            total += int(m.group(1)) * int(m.group(2)) * {" ": 1, "B": 1, "K": 1024,
                                                          "M": 1 << 20}[m.group(3)]
        zones.append((int(parts[i], 16), total))
    return zones


def case_webdfu_layouts(env):
    """Every board's layout strings, parsed by webdfu's rules
    (dfuse.parseMemoryDescriptor), give the memories our own reading gives;
    the web programmer finds an alt with 0x08000000 on every board, and on
    the Daisy Seed its first writable segment is the QSPI (0x90000000)."""
    client = os.path.join(HERE, "pyusb_client.py")
    for board in ("daisy-seed", "giga-r1", "portenta-h7", "stm32h745i-disco",
                  "stm32h747i-disco", "stm32h750b-dk", "weact-h750"):
        rc, out = env.run([PY, client, "webdfu-layouts", "-", "0"], board=board, check_rc=0)
        alts = json.loads(out.strip().splitlines()[-1])
        check(any("0x08000000" in a["string"] for a in alts), "%s: no alt names 0x08000000" % board)
        for a in alts:
            segs = a["parsed"]["segments"]
            check(a["parsed"]["name"], "%s alt %d: no name" % (board, a["alt"]))
            for addr, size in strict_zones(a["string"]):
                got = sum(s["end"] - s["start"] for s in segs if addr <= s["start"] < addr + size)
                check(got == size, "%s alt %d: webdfu reads %d bytes at 0x%08x, the layout says %d"
                      % (board, a["alt"], got, addr, size))
        if board == "daisy-seed":
            first = [s for s in alts[0]["parsed"]["segments"] if s["writable"]][0]
            check(alts[0]["alt"] == 0 and first["start"] == 0x90000000,
                  "daisy-seed: alt 0's first writable segment is not the QSPI: %r" % alts[0])


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}
# What the board's description says of it (--traits FILE, written by the
# build's board check, cmake/QdfuBoardCheck.cmake): "dual" two chips on one
# QUADSPI, "ulpi" high speed through a ULPI PHY, "small" the bootloader's
# sector is all the internal flash (STM32H750).
TRAITS = set()


def case_for(name):
    if name in CASES:
        return CASES[name]
    if name.startswith("qspi_board:"):
        return make_qspi_case(name.split(":", 1)[1])
    if name.startswith("dwc2:"):
        return make_dwc2_case(name.split(":", 1)[1])
    if name.startswith("guide:"):
        return make_guide_case(name.split(":", 1)[1])
    if name.startswith("arduino:"):
        return make_arduino_case(name.split(":", 1)[1])
    raise SystemExit("unknown case " + name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--traits", help="the board's traits file (board cases)")
    ap.add_argument("case", help="|".join(sorted(CASES)) + "|qspi_board:BOARD|dwc2:BOARD|guide:BOARD|arduino:BOARD")
    a = ap.parse_args()
    if a.case.startswith("fwupd_") and not FWUPDTOOL:
        print("SKIP %s: fwupdtool not found (Debian's fwupd: scripts/install-deps.sh)" % a.case)
        return SKIP
    if ":" in a.case and not a.case.startswith("arduino:"):
        if not a.traits or not os.path.exists(a.traits):
            print("FAIL %s: --traits FILE (the board check's output) is missing: build first" %
                  a.case)
            return 1
        with open(a.traits) as f:
            TRAITS.update(f.read().split())
    env = Env(os.path.abspath(a.sim), os.path.abspath(a.work))
    try:
        case_for(a.case)(env)
    except Fail as e:
        print("FAIL %s: %s" % (a.case, e))
        return 1
    print("PASS %s" % a.case)
    # a passed case leaves nothing (its state files are up to 128 MiB);
    # QDFU_KEEP_E2E=1 keeps them for a look
    if not os.environ.get("QDFU_KEEP_E2E"):
        shutil.rmtree(env.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
