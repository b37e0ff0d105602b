#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""qdfu's progress display in a real terminal (tmux), against qdfu-sim.

At 60 and 120 columns: one line per device (also with --all), no line
wider than the terminal, per phase the bytes, rate and elapsed time, a bar
when there is room, and the summary line with the duration and where the
application was left; then a terminal shrunk from 120 to 70 columns while
flashing (SIGWINCH) ends with every progress line fitting the new width.
Skips (77) without tmux.

    QDFU=build/host/qdfu QDFU_SIM=build/host/qdfu-sim tty_check.py WORKDIR
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

QDFU = os.environ["QDFU"]
SIM = os.environ["QDFU_SIM"]
WORK = sys.argv[1]
TMUX = shutil.which("tmux")
if not TMUX:
    print("SKIP: tmux is not installed (scripts/install-deps.sh installs it)")
    sys.exit(77)
SOCK = os.path.join(WORK, "tmux.sock")
failures = []


def check(cond, what, screen=None):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
        if screen is not None:
            print("screen:\n" + "\n".join(f"|{l}|" for l in screen))


def tmux(*args, check_rc=True):
    return subprocess.run([TMUX, "-S", SOCK] + list(args), capture_output=True, text=True,
                          check=check_rc)


def run_in_terminal(name, cols, sim_args, qdfu_args, resize_to=None):
    """Run qdfu under qdfu-sim in a cols-wide tmux window; return the screen."""
    cmd = ([SIM, "--board", "portenta-h7", "--state", os.path.join(WORK, name)] + sim_args +
           ["--", QDFU] + qdfu_args)
    shell = f"{shlex.join(cmd)}; echo QDFU-EXIT=$?; sleep 600"
    # a tmux server that is still exiting (the previous session's) can make
    # new-session fail with "server exited unexpectedly" on a loaded
    # machine: try again with a fresh server a few times
    for attempt in range(4):
        r = tmux("new-session", "-d", "-s", name, "-x", str(cols), "-y", "40", shell,
                 check_rc=False)
        if r.returncode == 0:
            break
        time.sleep(0.5)
        tmux("kill-server", check_rc=False)
    if r.returncode != 0:
        check(False, f"{name}: tmux could not start the terminal: {r.stderr.strip()}")
        return []
    deadline = time.time() + 300
    resized = False
    screen = []
    while time.time() < deadline:
        time.sleep(0.05)
        screen = tmux("capture-pane", "-p", "-t", name).stdout.rstrip("\n").split("\n")
        if resize_to and not resized and any("write" in l for l in screen):
            tmux("resize-window", "-t", name, "-x", str(resize_to))
            resized = True
        if any(l.startswith("QDFU-EXIT=") for l in screen):
            break
    tmux("kill-session", "-t", name, check_rc=False)
    return [l.rstrip() for l in screen if l.strip()]


def progress_lines(screen):
    return [l for l in screen if re.search(r" (check|erase|write|verify|read) +\d+%", l)]


def check_screen(name, screen, cols, devices):
    check(f"QDFU-EXIT=0" in screen, f"{name}: qdfu failed", screen)
    check(not any("\x1b" in l or "[A" in l or "[K" in l for l in screen),
          f"{name}: escape sequences on screen", screen)
    check(all(len(l) <= cols for l in screen), f"{name}: a line wider than {cols}", screen)
    bars = progress_lines(screen)
    check(len(bars) == devices, f"{name}: {len(bars)} progress lines, want {devices}", screen)
    for l in bars:
        check(len(l) < cols, f"{name}: progress line fills the terminal (wraps): {l}", screen)
        check("100%" in l and "done" in l, f"{name}: not finished: {l}", screen)
        check(re.search(r"\d+\.\d/\d+\.\d (KiB|MiB)", l), f"{name}: no bytes: {l}", screen)
        check(re.search(r"/s\b", l), f"{name}: no rate: {l}", screen)
        check(re.search(r"\d+:\d\d done", l), f"{name}: no elapsed time: {l}", screen)
        if cols >= 100:
            check("[####" in l, f"{name}: no bar at {cols} columns: {l}", screen)
    text = "".join(screen)  # the summary line may wrap
    check(re.search(r"flash ok in \d+\.\d s", text), f"{name}: no duration", screen)
    check(re.search(r"left in\s*the\s*bootloader", text), f"{name}: summary lacks where it ended",
          screen)


# a server left by an earlier run that was killed would hold the session names
tmux("kill-server", check_rc=False)
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
big = os.path.join(WORK, "big.bin")
with open(big, "wb") as f:
    f.write(bytes((i * 31 + (i >> 9)) & 0xFF for i in range(1 << 20)))
args = ["flash", big + "@0x90000000", "--no-reset", "--no-skip"]
for cols in (60, 120):
    s = run_in_terminal(f"one{cols}", cols, [], args)
    check_screen(f"one device, {cols} columns", s, cols, 1)
    s = run_in_terminal(f"all{cols}", cols, ["--devices", "2"], args + ["--all"])
    check_screen(f"--all, {cols} columns", s, cols, 2)
# (virtual time: a larger image keeps the write phase long enough to resize in)
huge = os.path.join(WORK, "huge.bin")
with open(huge, "wb") as f:
    f.write(bytes((i * 13 + (i >> 11)) & 0xFF for i in range(6 << 20)))
s = run_in_terminal("resize", 120, [], ["flash", huge + "@0x90000000", "--no-reset", "--no-skip"],
                    resize_to=70)
check_screen("resized from 120 to 70 columns", s, 70, 1)
tmux("kill-server", check_rc=False)
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("terminal output ok at 60, 120 and 120 -> 70 columns")
