#!/bin/sh
# SPDX-License-Identifier: MIT
# The main job, on a simulated STM32H745I-DISCO, twice:
#  1. zero install: a fresh board in ST's ROM DFU mode (BOOT0 high), nothing
#     of qdfu on it; `qdfu flash App-CM7.hex --board ...` with the image
#     linked at 0x08000000 (docs/zero-install.md);
#  2. the resident bootloader: flash an application whose code is in internal
#     flash and whose data is in QSPI over USB, read it back, verify it, and
#     show where the bootloader starts it.
set -eu
cd "$(dirname "$0")/.."
B=build/host
SIM=$B/qdfu-sim
QDFU=$B/qdfu
OUT=build/demo
BOARD=${QDFU_DEMO_BOARD:-stm32h745i-disco}
rm -rf "$OUT"
mkdir -p "$OUT/state"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Boards the simulator knows"
$SIM --list-boards

FLASHER=build/$BOARD/qdfu-flasher-$BOARD.bin
if [ -x "$QDFU" ] && [ -f "$FLASHER" ]; then
	mkdir -p "$OUT/zero"
	HEX0=$OUT/App-CM7-0x08000000.hex
	/usr/bin/python3 scripts/make_demo_app.py "$HEX0" --base 0x08000000
	say "Scene 1, zero install: a fresh board in ST's ROM DFU mode (qdfu-sim --rom)"
	$SIM --board "$BOARD" --rom --state "$OUT/zero" -- dfu-util -l | grep 'Found DFU'
	say "qdfu flash $HEX0 --board $BOARD (code at 0x08000000, data in QSPI)"
	$SIM --board "$BOARD" --rom --state "$OUT/zero" --log "$OUT/zero.log" -- \
		$QDFU flash "$HEX0" --board "$BOARD"
	grep -E 'ROM|start application' "$OUT/zero.log"
	say "Scene 2, the resident bootloader: qdfu install --board $BOARD through the ROM"
	$SIM --board "$BOARD" --rom --state "$OUT/state" -- $QDFU install --board "$BOARD"
fi

say "The bootloader as USB clients see it (dfu-util -l)"
$SIM --board "$BOARD" --state "$OUT/state" -- dfu-util -l | grep 'Found DFU'

# The application: the example App-CM7 image when the arm build has it,
# otherwise one made here (a vector table + code at 0x08020000, data at
# 0x90000000).
HEX=build/examples/App-CM7.hex
if [ ! -f "$HEX" ]; then
	HEX=$OUT/App-CM7.hex
	/usr/bin/python3 scripts/make_demo_app.py "$HEX"
fi

if [ -x "$QDFU" ]; then
	say "qdfu info $HEX"
	$QDFU info "$HEX"
	say "Flash it over USB: qdfu flash $HEX"
	$SIM --board "$BOARD" --state "$OUT/state" --log "$OUT/flash.log" -- $QDFU flash "$HEX"
	say "Read it back and verify: qdfu verify $HEX"
	$SIM --board "$BOARD" --state "$OUT/state" -- $QDFU verify "$HEX"
else
	say "Flash it over USB with dfu-util (internal flash, then QSPI, then leave)"
	/usr/bin/python3 scripts/make_demo_app.py "$HEX" --bin "$OUT/app"
	$SIM --board "$BOARD" --state "$OUT/state" --log "$OUT/flash.log" -- sh -c "
		dfu-util -a 1 -s 0x90000000 -D $OUT/app-qspi.bin &&
		dfu-util -a 0 -s 0x08020000:leave -D $OUT/app-int.bin" | grep -E 'Download|Transitioning|Erase' || true
	say "Read it back and verify"
	$SIM --board "$BOARD" --state "$OUT/state" -- sh -c "
		dfu-util -a 0 -s 0x08020000:$(stat -c %s "$OUT/app-int.bin") -U $OUT/back-int.bin >/dev/null &&
		dfu-util -a 1 -s 0x90000000:$(stat -c %s "$OUT/app-qspi.bin") -U $OUT/back-qspi.bin >/dev/null"
	cmp "$OUT/app-int.bin" "$OUT/back-int.bin"
	cmp "$OUT/app-qspi.bin" "$OUT/back-qspi.bin"
	echo "verified: internal flash and QSPI hold exactly the image"
fi

say "Power cycle without the button: where does the bootloader go?"
$SIM --board "$BOARD" --state "$OUT/state" --enter auto --log "$OUT/boot.log" -- true
grep -E 'start application|staying in DFU' "$OUT/boot.log"

say "Memories of the simulated board are in $OUT/state/"
ls -l "$OUT/state"
