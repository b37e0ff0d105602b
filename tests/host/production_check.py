#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`qdfu flash --production` against qdfu-sim boards.

Three boards: three PASS lines (one per serial), then the summary; with
--json one "board" event per board and the result; a board that refuses
the image gets a FAIL line and exit 9; Ctrl-C (SIGINT) stops a station
that waits for more boards, with the summary and exit 0.

    QDFU=build/host/qdfu QDFU_SIM=build/host/qdfu-sim production_check.py WORKDIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from hexfile import ihex

QDFU = os.environ["QDFU"]
SIM = os.environ["QDFU_SIM"]
WORK = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def sim(state, devices, args, timeout=300):
    cmd = [SIM, "--board", "portenta-h7", "--devices", str(devices), "--state",
           os.path.join(WORK, state), "--"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
app = os.path.join(WORK, "app.hex")
with open(app, "w") as f:
    f.write(ihex(0x08020000, bytes((i * 5) & 0xFF for i in range(5000))))
boot = os.path.join(WORK, "boot.hex")
with open(boot, "w") as f:
    f.write(ihex(0x08000000, b"\x00" * 64))

p = sim("text", 3, [QDFU, "flash", "--production", "--count", "3", app])
passes = [l for l in p.stdout.splitlines() if l.startswith("PASS ")]
check(p.returncode == 0, f"text: exit {p.returncode}: {p.stdout} {p.stderr}")
check(len(passes) == 3 and len({l.split()[1] for l in passes}) == 3,
      f"text: three PASS lines with distinct serials: {p.stdout}")
check("3 passed, 0 failed" in p.stdout, f"text: summary: {p.stdout}")

p = sim("json", 3, [QDFU, "flash", "--production", "--count", "3", "--json", app])
try:
    objs = [json.loads(l) for l in p.stdout.splitlines() if l]
except ValueError as e:
    objs = []
    check(False, f"json: not JSON lines ({e}): {p.stdout}")
boards = [o for o in objs if o.get("event") == "board"]
check(len(boards) == 3 and all(b["ok"] and b["error"] is None for b in boards),
      f"json: board events: {boards}")
check(objs and objs[-1].get("event") == "result" and objs[-1]["result"] == {"passed": 3, "failed": 0},
      f"json: result: {objs[-1:]}")

p = sim("fail", 1, [QDFU, "flash", "--production", "--count", "1", boot])
check(p.returncode == 9, f"fail: exit {p.returncode}, want 9: {p.stdout} {p.stderr}")
check(any(l.startswith("FAIL ") and "read-only" in l for l in p.stdout.splitlines()),
      f"fail: FAIL line naming the cause: {p.stdout}")

# Ctrl-C stops a station waiting for the next board.
cmd = [SIM, "--board", "portenta-h7", "--state", os.path.join(WORK, "int"), "--", "sh", "-c",
       'echo "pid $$"; exec "$0" flash --production "$1"', QDFU, app]
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
pid, out, deadline = None, [], time.time() + 120
while time.time() < deadline:
    line = proc.stdout.readline()
    if not line:
        break
    out.append(line)
    if line.startswith("pid "):
        pid = int(line.split()[1])
    if line.startswith("PASS "):
        time.sleep(0.5)
        os.kill(pid, signal.SIGINT)
        break
try:
    rest, err = proc.communicate(timeout=60)
except subprocess.TimeoutExpired:
    proc.kill()
    rest, err = proc.communicate()
    check(False, "SIGINT did not stop the station")
text = "".join(out) + rest
check(proc.returncode == 0, f"SIGINT: exit {proc.returncode}: {text} {err}")
check("1 passed, 0 failed" in text, f"SIGINT: summary: {text}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("production mode ok")
