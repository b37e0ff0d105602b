#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: update time against the physical ceiling (bench/bench.py, docs/performance.md;
# BENCH_ARGS="--set full --timing both" for every combination) and firmware size.
set -eu
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
/usr/bin/python3 bench/bench.py build/host-release ${BENCH_ARGS:-}
if ls build/*/qdfu-*.elf >/dev/null 2>&1; then
	echo
	echo "Bootloader image sizes (text = flash, data+bss = RAM), arm-none-eabi-gcc -Os:"
	arm-none-eabi-size build/*/qdfu-*.elf
fi
# Compiled benchmarks (bench/<area>/, e.g. libqdfu's parser throughput).
for b in build/host-release/bench/*; do
	[ -x "$b" ] && [ -f "$b" ] || continue
	echo
	echo "== $(basename "$b")"
	"$b"
done
