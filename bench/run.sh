#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: throughput (simulated device time and wall time) and firmware size.
set -eu
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/bench.py build/host-release
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
