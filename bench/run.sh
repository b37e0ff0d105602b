#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every benchmark built by the host-release preset (make bench) and
# prints their numbers.
set -eu
cd "$(dirname "$0")/.."
dir=build/host-release/bench
[ -d "$dir" ] || { echo "bench: build first (make bench)" >&2; exit 1; }
for b in "$dir"/*; do
    [ -x "$b" ] && [ -f "$b" ] || continue
    echo "== $(basename "$b")"
    "$b"
done
