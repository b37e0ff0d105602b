#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the include arrows go one way (docs/architecture.md):

    host tool (host/) and simulator (sim/)  ->  firmware/  ->  include/

- a file in include/ includes only include/ headers (and the C library);
- a file in firmware/ includes only firmware/ and include/ headers;
- a file in host/ never includes sim/ (the tool must build without it).

Every quoted #include is resolved the way the build resolves it (the
including file's folder, then the layer's include roots); a header that
resolves outside the allowed roots, or not at all, is reported with the
file and line. Exit status 1 on any finding. Registered as a ctest
(lint_layers) and run by scripts/lint.sh.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

# layer -> (folders searched for quoted includes, folders a header may come from)
LAYERS = {
    "include": (["include"], ["include"]),
    "firmware": (["firmware", "include"], ["firmware", "include"]),
    "host": (["host/lib", "include", "host/cli", "host/include"], ["host", "include"]),
}


def tracked_sources(root):
    """Files tracked (or added) in git, or every file when not a checkout."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others",
                              "--exclude-standard", "*.c", "*.h"],
                             capture_output=True, text=True, check=True).stdout
        return [f for f in out.splitlines() if f]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for d, _, files in os.walk(root):
            found += [os.path.relpath(os.path.join(d, f), root)
                      for f in files if f.endswith((".c", ".h"))]
        return found


def resolve(root, src, name, search):
    for base in [os.path.dirname(src)] + search:
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.exists(os.path.join(root, cand)):
            return cand
    return None


def check(root):
    problems = []
    for src in tracked_sources(root):
        layer = src.split("/", 1)[0]
        if layer not in LAYERS or not os.path.exists(os.path.join(root, src)):
            continue
        search, allowed = LAYERS[layer]
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                name = m.group(1)
                got = resolve(root, src, name, search)
                if got is None:
                    problems.append(f"{src}:{lineno}: \"{name}\" is not found in "
                                    f"{' or '.join(allowed)}: a {layer}/ file may include "
                                    f"only headers of {' and '.join(allowed)}")
                elif not any(got == a or got.startswith(a + "/") for a in allowed):
                    problems.append(f"{src}:{lineno}: \"{name}\" resolves to {got}: a {layer}/ "
                                    f"file may include only headers of {' and '.join(allowed)}")
    return problems


def self_test():
    """The check must be able to fail: a scratch tree with one firmware file
    that reaches into sim/ and one that reaches into host/ gives two findings,
    and the same tree without them gives none."""
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        for d in ("firmware/mem", "sim/clock", "host/lib", "include"):
            os.makedirs(os.path.join(t, d))
        files = {
            "sim/clock/vclock.h": "",
            "host/lib/qh_err.h": "",
            "include/qdfu_proto.h": "",
            "firmware/mem/mem.h": '#include "qdfu_proto.h"\n',
            "firmware/mem/ok.c": '#include "mem/mem.h"\n',
            "firmware/mem/bad_sim.c": '#include "../../sim/clock/vclock.h"\n',
            "firmware/mem/bad_host.c": '#include "qh_err.h"\n',
        }
        for name, text in files.items():
            with open(os.path.join(t, name), "w") as f:
                f.write(text)
        found = check(t)
        bad = sorted(p.split(":")[0] for p in found)
        if bad != ["firmware/mem/bad_host.c", "firmware/mem/bad_sim.c"]:
            print("self-test failed: findings were", found)
            return 1
        os.remove(os.path.join(t, "firmware/mem/bad_sim.c"))
        os.remove(os.path.join(t, "firmware/mem/bad_host.c"))
        if check(t):
            print("self-test failed: a clean tree has findings")
            return 1
    print("self-test ok: a firmware file including sim/ or host/ headers is reported")
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = os.path.abspath(argv[1]) if len(argv) > 1 else ROOT
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the layering (docs/architecture.md)")
        return 1
    print("layers ok: include/ <- firmware/ <- sim/, host/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
