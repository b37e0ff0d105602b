#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The web flasher in a real browser: Debian's chromium, headless, run as
the command of `qdfu-sim --time real`, loads the page from `qdfu web` with
?image=...&autostart=1 and flashes the simulated board over WebUSB.

  web_test.py --sim QDFU_SIM --qdfu QDFU --web WEB_DIR --work DIR CASE

CASE: flash (App-CM7.hex into an stm32h745i-disco, state files checked byte
by byte), reflash (the same twice: the second skips every page), bin (its
internal-flash part as a .bin with &address=), refused (an image outside the memory map: refused, state files
unchanged), rom (the board in ST's ROM DFU mode: through the RAM flasher),
webdfu_daisy (our page tests/web/webdfu/, not qdfu's, replays the Daisy web
programmer's WebUSB requests against a daisy-seed: a QSPI application
written at 0x90040000 and started in place).
--page DIR serves DIR instead of --web (webdfu_daisy: tests/web/webdfu);
--query EXTRA is appended to the page's query (e.g. &startoffset=0x50000).
--screenshots DIR also saves the page before, during and after the flash
(docs/web.md; with --image a bigger image, e.g. scripts/make_demo_app.py's).

Headless Chromium has no device chooser: the device is granted by a managed
policy (WebUsbAllowDevicesForUrls) this test writes into
/etc/chromium/policies/managed/ and removes again. Chromium runs with
--no-sandbox when run as root (its sandbox refuses root). Exit 77 (skip)
with the reason when chromium is missing or the policy cannot be written.

Headless Chromium here sometimes starts and never runs the page (no
console event, no request to the server, the device untouched; about 1
launch in 10, cause not found). The driver restarts it (a fresh profile, at
most READY_TRIES times) when the page has printed nothing in READY_S
seconds; what the page does once it runs is never retried, and every
restart is printed. A restart only works when the previous browser is gone
entirely: each Chromium runs in its own process group, killed as a whole
(a helper left alive made the next browser see no device).
"""
import argparse
import base64
import hashlib
import json
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
POLICY_DIR = "/etc/chromium/policies/managed"
CHROMIUM = "/usr/bin/chromium"
DEADLINE_S = 90
READY_S = 20  # the page's first qdfu-web: line, else Chromium is restarted
READY_TRIES = 3
INT_BASE, QSPI_BASE = 0x08000000, 0x90000000


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


# ------------------------------------------------------------ the browser


class Cdp:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fd 3: our
    commands, fd 4: its answers and events, each message ending in NUL)."""

    def __init__(self, args, log):
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()

        def fds():
            os.dup2(cmd_r, 3)
            os.dup2(res_w, 4)

        # its own process group: close() ends every process it started (a
        # helper left running holds the profile and the USB device, and the
        # next Chromium then hands its page to it or sees no device)
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdout=log, stderr=log, start_new_session=True)
        os.close(cmd_r)
        os.close(res_w)
        self.w, self.r = cmd_w, res_r
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while b"\0" not in self.buf:
            if end is not None:
                left = end - time.monotonic()
                if left <= 0 or not select.select([self.r], [], [], left)[0]:
                    raise TimeoutError("no DevTools message in %.0f s" % timeout)
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=READY_S):
        want = self.send(method, params, session)
        while True:
            m = self.read(timeout)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close")
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()


def chromium_args(profile):
    args = [CHROMIUM, "--headless", "--remote-debugging-pipe", "--user-data-dir=" + profile,
            "--no-first-run", "--no-default-browser-check", "--disable-gpu",
            "--disable-dev-shm-usage", "--window-size=1000,1300", "--enable-logging=stderr",
            "--v=0", "about:blank"]
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium's sandbox refuses to run as root
    return args


def drive(a):
    """Inside qdfu-sim: run chromium on the URL, follow the console until the
    page's last line; print the qdfu-web: lines; exit 0 on 'done ok'."""
    log = open(os.path.join(a.work, "chromium.log"), "wb")
    for attempt in range(1, READY_TRIES + 1):
        cdp, sess, first = start_page(a, log)
        if first is not None:
            break
        print("driver: the page printed nothing in %d s (attempt %d): restarting Chromium" %
              (READY_S, attempt), flush=True)
    if first is None:
        print("driver: failed (test) Chromium never ran the page", flush=True)
        sys.exit(1)
    result = None
    try:
        shots = {"before": None, "during": None, "after": None}
        t0 = time.monotonic()
        while result is None:
            if time.monotonic() - t0 > DEADLINE_S:
                result = "failed (test) no result from the page in %d s" % DEADLINE_S
                break
            if first is not None:
                m, first = first, None
            else:
                try:
                    m = cdp.events.pop(0) if cdp.events else cdp.read(DEADLINE_S)
                except TimeoutError:
                    continue
            if m.get("method") != "Runtime.consoleAPICalled":
                continue
            text = " ".join(str(x.get("value", "")) for x in m["params"]["args"])
            if not text.startswith("qdfu-web: "):
                continue
            print(text, flush=True)
            line = text[len("qdfu-web: "):]
            if a.screenshots:
                if line.startswith("plan ") and not shots["before"]:
                    shots["before"] = shot(cdp, sess, a.screenshots, "before")
                if line.startswith("write ") and not line.startswith("write 0/") and \
                        "(100%)" not in line and not shots["during"]:
                    shots["during"] = shot(cdp, sess, a.screenshots, "during")
            if line == "done ok" or line.startswith("failed "):
                result = line
        if a.screenshots:
            time.sleep(0.5)
            shot(cdp, sess, a.screenshots, "after")
    finally:
        cdp.close()
        # the browser profile is ~100 MB of caches: not kept
        shutil.rmtree(a.profile, ignore_errors=True)
    print("driver: " + result, flush=True)
    sys.exit(0 if result == "done ok" else 1)


def first_line(cdp):
    """The page's first qdfu-web: console event within READY_S, or None."""
    end = time.monotonic() + READY_S
    while time.monotonic() < end:
        m = cdp.events.pop(0) if cdp.events else cdp.read(max(0.1, end - time.monotonic()))
        if m.get("method") != "Runtime.consoleAPICalled":
            continue
        text = " ".join(str(x.get("value", "")) for x in m["params"]["args"])
        if text.startswith("qdfu-web: "):
            return m
    return None


def start_page(a, log):
    """Chromium on a fresh profile, the page loaded: (cdp, session, its first
    qdfu-web: event), the event None (and Chromium closed) when the page
    said nothing in READY_S."""
    start_page.n = getattr(start_page, "n", 0) + 1
    profile = os.path.join(a.work, "profile-%d-%d" % (os.getpid(), start_page.n))
    cdp = Cdp(chromium_args(profile), log)
    a.profile = profile
    try:
        targets = cdp.call("Target.getTargets")["targetInfos"]
        page = [t for t in targets if t["type"] == "page"][0]
        sess = cdp.call("Target.attachToTarget", {"targetId": page["targetId"],
                                                  "flatten": True})["sessionId"]
        cdp.call("Runtime.enable", session=sess)
        cdp.call("Page.enable", session=sess)
        cdp.call("Page.navigate", {"url": a.drive}, session=sess)
        first = first_line(cdp)
    except (TimeoutError, EOFError, IndexError, RuntimeError):
        first = None
    if first is None:
        cdp.close()
        shutil.rmtree(profile, ignore_errors=True)
        return None, None, None
    return cdp, sess, first


def shot(cdp, sess, outdir, name):
    data = cdp.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                    session=sess)["data"]
    path = os.path.join(outdir, "web-%s.png" % name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
    return path


# ------------------------------------------------------------- the test


class Policy:
    """WebUsbAllowDevicesForUrls for the page's origin (Chromium's managed
    policy: the device is granted without a chooser), removed again."""

    def __init__(self, origin, ids):
        self.path = os.path.join(POLICY_DIR, "qdfu-web-test-%d.json" % os.getpid())
        pol = {"WebUsbAllowDevicesForUrls": [{
            "devices": [{"vendor_id": v, "product_id": p} for v, p in ids],
            "urls": [origin]}]}
        try:
            os.makedirs(POLICY_DIR, exist_ok=True)
            with open(self.path, "w") as f:
                json.dump(pol, f)
        except OSError as e:
            skip("cannot write the Chromium policy %s (%s): run as root" % (self.path, e))

    def remove(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass


def start_server(a, www):
    srv = subprocess.Popen([a.qdfu, "web", "--port", "0", "--root", www],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = srv.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        srv.kill()
        fail("qdfu web printed %r, not its URL" % url)
    return srv, url


def www_dir(a, image_path):
    www = os.path.join(a.work, "www")
    shutil.copytree(a.page or a.web, www)
    shutil.copy(image_path, os.path.join(www, os.path.basename(image_path)))
    return www


def state_files(state):
    out = {}
    for name in sorted(os.listdir(state)) if os.path.isdir(state) else []:
        if name.endswith(".bin"):
            with open(os.path.join(state, name), "rb") as f:
                out[name] = f.read()
    return out


def hex_segments(path):
    """Intel HEX, read independently of libqdfu: [(address, bytes)]."""
    segs, upper = [], 0
    for line in open(path):
        line = line.strip()
        if not line.startswith(":"):
            continue
        b = bytes.fromhex(line[1:])
        n, addr, typ = b[0], (b[1] << 8) | b[2], b[3]
        if typ == 0:
            segs.append(((upper << 16) + addr, b[4:4 + n]))
        elif typ == 4:
            upper = (b[4] << 8) | b[5]
        elif typ == 2:
            upper = ((b[4] << 8) | b[5]) >> 12
    return segs


def merge(segs):
    """Adjacent records into contiguous segments."""
    out = []
    for addr, data in sorted(segs):
        if out and out[-1][0] + len(out[-1][1]) == addr:
            out[-1] = (out[-1][0], out[-1][1] + data)
        else:
            out.append((addr, bytes(data)))
    return out


def check_image_in_state(state, segs):
    files = state_files(state)
    internal = files.get("internal.bin")
    q0, q1 = files.get("qspi0.bin"), files.get("qspi1.bin")
    for addr, data in segs:
        if INT_BASE <= addr < INT_BASE + len(internal or b""):
            got = internal[addr - INT_BASE:addr - INT_BASE + len(data)]
        elif addr >= QSPI_BASE and q0 is not None:
            off = addr - QSPI_BASE
            if q1 is not None:  # dual flash: even bytes in chip 0, odd in chip 1
                got = bytes(((q0, q1)[(off + i) & 1])[(off + i) >> 1] for i in range(len(data)))
            else:
                got = q0[off:off + len(data)]
        else:
            fail("0x%08X is in no state file" % addr)
        if got != data:
            fail("state differs from the image at 0x%08X" % addr)


def run_sim(a, url, extra, board):
    cmd = [a.sim, "--board", board, "--state", os.path.join(a.work, "state"), "--time", "real",
           "--log", os.path.join(a.work, "sim.log")] + extra + [
           "--", sys.executable, os.path.abspath(__file__), "--work", a.work, "--drive", url]
    if a.screenshots:
        cmd += ["--screenshots", a.screenshots]
    print("run: " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=DEADLINE_S + 60)
    print(p.stdout, flush=True)
    return p.returncode, p.stdout


def make_far_image(path):
    """A small Intel HEX at 0x30000000 (SRAM, outside every memory)."""
    data = bytes(range(256))
    lines = [":020000043000CA"]
    for off in range(0, len(data), 16):
        b = bytes([16, 0, off, 0]) + data[off:off + 16]
        lines.append(":" + b.hex().upper() + "%02X" % ((-sum(b)) & 0xFF))
    lines.append(":00000001FF")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def case(a):
    if not os.access(CHROMIUM, os.X_OK):
        skip("no %s (scripts/install-deps.sh installs Debian's chromium)" % CHROMIUM)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    if a.case == "webdfu_daisy":
        return case_webdfu_daisy(a)
    board, extra = "stm32h745i-disco", []
    app = a.image or os.path.join(ROOT, "build", "examples", "App-CM7.hex")
    if a.case == "refused":
        app = os.path.join(a.work, "far.hex")
        make_far_image(app)
    elif not os.path.exists(app):
        fail("%s is missing: run 'make firmware' first" % app)
    if a.case == "bin":
        # the internal-flash part of App-CM7 as a raw binary with &address=
        segs = [sg for sg in merge(hex_segments(app)) if sg[0] < QSPI_BASE]
        app = os.path.join(a.work, "app-internal.bin")
        with open(app, "wb") as f:
            f.write(segs[0][1])
        bin_addr = segs[0][0]
        with open(os.path.join(a.work, "bin-address"), "w") as f:
            f.write("%x" % bin_addr)
    www = www_dir(a, app)
    query = "index.html?image=%s&autostart=1" % os.path.basename(app)
    if a.case == "bin":
        query += "&address=0x%08X" % bin_addr
    if a.case == "rom":
        flasher = os.path.join(ROOT, "build", board, "qdfu-flasher-%s.bin" % board)
        if not os.path.exists(flasher):
            fail("%s is missing: run 'make firmware' first" % flasher)
        os.makedirs(os.path.join(www, "flashers"), exist_ok=True)
        shutil.copy(flasher, os.path.join(www, "flashers"))
        extra, query = ["--rom"], query + "&board=" + board
    # the state before: files created by one run of the board
    subprocess.run([a.sim, "--board", board, "--state", os.path.join(a.work, "state")] + extra +
                   ["--", "true"], check=True)
    before = state_files(os.path.join(a.work, "state"))
    rc, lines = page_run(a, www, query, extra, board)
    after = state_files(os.path.join(a.work, "state"))
    last = lines[-1] if lines else "(no qdfu-web: line)"
    if a.case == "refused":
        if rc == 0 or not last.startswith("qdfu-web: failed ") or "0x30000000" not in last:
            fail("the page did not refuse the image outside the memory map: " + last)
        if before != after:
            fail("the state files changed although the image was refused")
        print("ok: refused with nothing changed: " + last)
        return
    check_flashed(a, rc, last, app if a.case != "bin" else None, bin_segs(a, app))
    if a.case == "reflash":
        # the same image again: every page already holds it (device CRC),
        # nothing is erased or written, and it is verified and started again
        rc, lines = page_run(a, www, query, extra, board)
        check_flashed(a, rc, lines[-1] if lines else "", app, None)
        result = [l for l in lines if "written and verified" in l]
        if not result or " 0 page(s) erased" not in result[0] or \
                " 0 bytes written" not in result[0] or "unchanged page(s) skipped" not in result[0]:
            fail("the second flash of the same image was not skipped: %s" % result)
        print("ok: the second flash skipped every page: " + result[0])


DAISY_APP = 0x90040000  # where the Daisy programmer writes (start + 0x40000)


def qspi_app(size, seed=71):
    """A BOOT_QSPI application linked at 0x90040000: a Cortex-M vector table
    (stack in AXI SRAM, handlers in the image), then pseudo-random bytes."""
    rnd = random.Random(seed)
    body = bytearray(rnd.getrandbits(8) for _ in range(size))
    vt = struct.pack("<II", 0x24080000, DAISY_APP + 0x401) + \
        b"".join(struct.pack("<I", DAISY_APP + 0x501) for _ in range(14))
    body[:len(vt)] = vt
    return bytes(body)


def case_webdfu_daisy(a):
    """Our page (tests/web/webdfu/) sends the Daisy web programmer's requests
    (pyusb_client.py webdfu is the same sequence with pyusb): the image must
    land in the QSPI at 0x90040000 and the bootloader must start it there.
    Fails when alt 0's layout does not list the QSPI first (the programmer
    then writes the internal flash) or the start address is wrong."""
    a.page = a.page or os.path.join(HERE, "webdfu")
    board, app = "daisy-seed", os.path.join(a.work, "daisy-app.bin")
    data = qspi_app(150 * 1024 + 3)
    with open(app, "wb") as f:
        f.write(data)
    www = www_dir(a, app)
    subprocess.run([a.sim, "--board", board, "--state", os.path.join(a.work, "state"), "--",
                    "true"], check=True)
    rc, lines = page_run(a, www, "index.html?image=daisy-app.bin" + (a.query or ""), [], board)
    last = lines[-1] if lines else "(no qdfu-web: line)"
    if rc != 0 or last != "qdfu-web: done ok":
        fail("the Daisy programmer's requests did not complete (exit %d): %s" % (rc, last))
    check_image_in_state(os.path.join(a.work, "state"), [(DAISY_APP, data)])
    log = open(os.path.join(a.work, "sim.log")).read()
    if "start application at 0x%08x" % DAISY_APP not in log:
        fail("the application was not started at 0x%08x:\n%s" % (DAISY_APP, log[-800:]))
    print("ok: %d bytes at 0x%08X through the Daisy programmer's requests, started in place"
          % (len(data), DAISY_APP))


def page_run(a, www, query, extra, board):
    srv, url = start_server(a, www)
    policy = Policy(url.rstrip("/"), [(0x0483, 0xDF11)])
    try:
        rc, out = run_sim(a, url + query, extra, board)
    finally:
        policy.remove()
        srv.send_signal(signal.SIGTERM)
        srv.wait()
    return rc, [l for l in out.splitlines() if l.startswith("qdfu-web: ")]


def bin_segs(a, path):
    if a.case != "bin":
        return None
    addr = int(open(os.path.join(a.work, "bin-address")).read(), 16)
    return [(addr, open(path, "rb").read())]


def check_flashed(a, rc, last, app, segs):
    if rc != 0 or last != "qdfu-web: done ok":
        fail("the page did not flash (exit %d): %s" % (rc, last))
    check_image_in_state(os.path.join(a.work, "state"), segs or hex_segments(app))
    app = app or "the binary"
    log = open(os.path.join(a.work, "sim.log")).read()
    if "start application at 0x08" not in log:
        fail("the application was not started:\n" + log[-600:])
    print("ok: %s flashed through the page, state files match byte by byte" %
          os.path.basename(app))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim")
    p.add_argument("--qdfu")
    p.add_argument("--web")
    p.add_argument("--work", required=True)
    p.add_argument("--drive", help=argparse.SUPPRESS)
    p.add_argument("--screenshots")
    p.add_argument("--image", help="flash this Intel HEX instead of App-CM7.hex")
    p.add_argument("--page", help="serve this page directory instead of --web")
    p.add_argument("--query", help="append this to the page's query")
    p.add_argument("case", nargs="?")
    a = p.parse_args()
    if a.drive:
        drive(a)
    if a.screenshots:
        a.screenshots = os.path.abspath(a.screenshots)
        os.makedirs(a.screenshots, exist_ok=True)
    case(a)
    # passed: the board's memories (128 MiB of QSPI state) are not kept
    shutil.rmtree(os.path.join(a.work, "state"), ignore_errors=True)


if __name__ == "__main__":
    main()
