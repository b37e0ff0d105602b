#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every qdfu command's --json output, parsed with a JSON parser.

Checks the one schema of docs/cli.md ("Machine output") for success and
error alike, that file names with non-ASCII characters come back as they
were given (UTF-8), and that --json-progress streams JSON lines ending with
the result object. Device commands run against qdfu-sim.

    QDFU=build/host/qdfu QDFU_SIM=build/host/qdfu-sim json_check.py WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

from hexfile import ihex

QDFU = os.environ["QDFU"]
SIM = os.environ["QDFU_SIM"]
BOARD = os.environ.get("E2E_BOARD", "portenta-h7")
WORK = sys.argv[1]
KEYS = {"version", "event", "command", "ok", "exit", "error", "result"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, want_exit, sim=None, name=None):
    """Run qdfu (under qdfu-sim when sim is a state dir); return the object."""
    cmd = [QDFU] + args
    if sim:
        cmd = [SIM, "--board", BOARD, "--state", sim] + sim_opts.get(sim, []) + ["--"] + cmd
    p = subprocess.run(cmd, capture_output=True, timeout=300)
    label = name or " ".join(args[:2])
    check(p.returncode == want_exit,
          f"{label}: exit {p.returncode}, want {want_exit}; stderr: {p.stderr.decode(errors='replace')}")
    text = p.stdout.decode("utf-8")  # must be valid UTF-8
    lines = [l for l in text.split("\n") if l]
    try:
        objs = [json.loads(l) for l in lines]
    except ValueError as e:
        check(False, f"{label}: not JSON ({e}): {text!r}")
        return None
    check(len(objs) >= 1, f"{label}: no JSON object")
    if not objs:
        return None
    o = objs[-1]
    check(set(o) == KEYS, f"{label}: keys {sorted(o)}")
    check(o.get("version") == 1 and o.get("event") == "result", f"{label}: version/event {o}")
    check(o.get("exit") == p.returncode, f"{label}: exit field {o.get('exit')}")
    check(o.get("ok") == (p.returncode == 0), f"{label}: ok field")
    err = o.get("error")
    if p.returncode == 0:
        check(err is None, f"{label}: error on success: {err}")
        check(isinstance(o.get("result"), dict), f"{label}: result missing")
    else:
        check(isinstance(err, dict) and set(err) == {"code", "message", "hint"},
              f"{label}: error object {err}")
        check(isinstance(err.get("message"), str) and err["message"],
              f"{label}: empty error message")
    o["_events"] = objs[:-1]
    return o


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
sim_opts = {}
data = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(6000))
app = os.path.join(WORK, "blink-ö.hex")  # a non-ASCII file name
with open(app, "w") as f:
    f.write(ihex(0x08020000, data))
other = os.path.join(WORK, "other-ü.hex")
with open(other, "w") as f:
    f.write(ihex(0x08020000, bytes(reversed(data))))
bad = os.path.join(WORK, "bad.hex")
with open(bad, "w") as f:
    f.write(":0400000001020304F1\n:00000001FF\n")
st = os.path.join(WORK, "state")

# Offline commands.
o = run(["--version", "--json"], 0, name="version")
check(o and o["result"].get("qdfu"), "version: result.qdfu")
o = run(["info", "--json", app], 0)
check(o and o["result"]["files"][0]["file"] == app, "info: non-ASCII file name changed")
o = run(["info", "--json", bad], 3, name="info bad")
check(o and o["error"]["code"] == "format", f"info bad: code {o and o['error']}")
o = run(["pack", "--json", app, "-o", os.path.join(WORK, "ä.dfu")], 0)
check(o and o["result"]["output"].endswith("ä.dfu"), "pack: output name")
run(["flash", "--json", "--bogus", app], 2, name="usage error")
run(["read", "--json", "90000000", "16", "-o", "x.bin"], 2, name="address without 0x")
run(["list", "--json", "--device", "ffff:fffe"], 0, name="list none")
run(["flash", "--json", app, "--device", "ffff:fffe"], 5, name="no device")

# Through the simulator.
o = run(["list", "--json"], 0, st)
check(o and len(o["result"]["devices"]) == 1, "list: one device")
check(o and o["result"]["devices"][0].get("qdfu_guid") is True,
      "list: qdfu recognised by its MS OS 2.0 interface GUID")
o = run(["flash", "--json", app, "--no-reset"], 0, st)
check(o and o["result"]["devices"][0]["ok"] is True, "flash: device ok")
o = run(["verify", "--json", app], 0, st)
o = run(["verify", "--json", other], 8, st, name="verify other image")
check(o and "different image" in (o["error"]["hint"] or ""), "verify: hint names another image")
out = os.path.join(WORK, "read-é.bin")
o = run(["read", "--json", "0x08020000", "6000", "-o", out], 0, st)
check(o and o["result"]["output"] == out, "read: non-ASCII output name")
check(open(out, "rb").read() == data, "read: data")
run(["erase", "--json", "0x08020000", "16"], 0, st)
run(["erase", "--json", "--all"], 0, st, name="erase all")
run(["reset", "--json"], 0, st)
o = run(["flash", "--json-progress", app, "--no-reset", "--no-skip"], 0, st, name="json-progress")
ev = o["_events"] if o else []
check(len(ev) >= 2 and all(e.get("event") == "progress" and e.get("version") == 1 for e in ev),
      f"json-progress: events {ev[:3]}")
check({e["phase"] for e in ev} >= {"erase", "write", "verify"}, "json-progress: phases")
# Ambiguous selection: the error lists both devices (serial and path).
sim_opts[st + "2"] = ["--devices", "2"]
o = run(["flash", "--json", app], 2, st + "2", name="ambiguous")
msg = o["error"]["message"] if o else ""
check("path 1-1" in msg and "path 1-2" in msg and msg.count("serial") == 2,
      f"ambiguous: {msg}")

# The text summary says how long it took and where the application was
# started; without a terminal, progress is timestamped start/done lines; the
# verbose plan says the device decides which touched pages are erased.
p = subprocess.run([SIM, "--board", BOARD, "--state", st, "--", QDFU, "flash", "-v", app],
                   capture_output=True, text=True, timeout=300)
check(p.returncode == 0, f"text flash: {p.stdout} {p.stderr}")
check(re.search(r": flash ok in \d+\.\d s.*; application started at 0x08020000$", p.stdout,
                re.M), f"text flash: summary line: {p.stdout}")
check(re.search(r"^\[\d\d:\d\d:\d\d\] \S+: verify done \(6000 bytes in \d+\.\d s, ", p.stderr,
                re.M), f"text flash: timestamped lines: {p.stderr}")
check("erased only if it does not already hold the data" in p.stderr and
      "check page 0x08020000" in p.stderr and
      ("pages: 0 erased, 0 already erased, 1 unchanged" in p.stdout or
       "nothing erased or written" in p.stdout),
      f"verbose plan vs what was done: {p.stderr} {p.stdout}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("all JSON outputs valid")
