#!/bin/sh
# SPDX-License-Identifier: MIT
# Zero install end to end through qdfu-sim --rom (ST's ROM DFU bootloader
# model, sim/rom). One test per invocation:
#   QDFU=... QDFU_SIM=... FLASHERS=<repo>/build E2E_WORK=DIR rom_e2e.sh NAME
set -u
name=$1
: "${QDFU:?QDFU must point to build/host/qdfu}"
: "${QDFU_SIM:?QDFU_SIM must point to build/host/qdfu-sim}"
BOARD=${E2E_BOARD:-stm32h745i-disco}
FLASHER=${FLASHERS:-build}/$BOARD/qdfu-flasher-$BOARD.bin
# where the board's flasher runs, and the ROM ID the model serves by default
# (include/qdfu_flasher.h, sim/rom/rom_family.c): set per board by CMake
LOAD=${E2E_LOAD:-0x24040000}
ROM_ID=${E2E_ROM_ID:-0x91}
work=${E2E_WORK:-/tmp/qdfu-e2e-rom}/$name
rm -rf "$work"
mkdir -p "$work"

skip() {
    echo "SKIP [$name]: $*"
    exit 77
}

fail() {
    echo "FAIL [$name]: $*"
    exit 1
}

# sim STATE_DIR [sim options] -- command...: the board in ROM DFU mode
sim() {
    state=$1
    shift
    "$QDFU_SIM" --board "$BOARD" --state "$state" --log "$work/sim.log" "$@"
}

# expect STATUS LOGFILE command...: run, check the exit status.
expect() {
    want=$1
    log=$2
    shift 2
    "$@" >"$log" 2>&1
    got=$?
    [ "$got" = "$want" ] || { cat "$log"; fail "exit $got, expected $want: $*"; }
}

need_flasher() {
    [ -f "$FLASHER" ] || skip "no $FLASHER (make firmware builds it)"
}

# A small image with a vector table at its start: SP in AXI SRAM, a Thumb
# reset handler inside it; then pseudo-random bytes. gen_image FILE BYTES BASE
gen_image() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
path, n, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
x, out = 12345, bytearray()
while len(out) < n:
    x = (x * 1103515245 + 12345) % 2147483648
    out.append((x >> 16) & 0xFF)
out[0:8] = struct.pack("<II", 0x24080000, base + 0x201)
open(path, "wb").write(bytes(out))
PY
}

# The bytes of FILE from OFFSET (decimal), LEN bytes.
slice() {
    dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null
}

# Wait (up to ~5 s) until dfu-util lists a device whose line matches PATTERN.
wait_listed() {
    i=0
    while [ $i -lt 50 ]; do
        dfu-util -l 2>/dev/null | grep -q "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

command -v dfu-util >/dev/null || skip "dfu-util not installed"

# App-CM7.hex: the e2e test program linked where a probe user links it
# (vector table and code at 0x08000000, data in QSPI at 0x90000000).
make_app() {
    fx=$work/fx
    command -v arm-none-eabi-gcc >/dev/null || skip "arm-none-eabi-gcc not installed"
    "$here/../qdfu/make_fixtures.sh" "$fx" >/dev/null || fail "cannot build fixtures"
    sed 's/0x08020000/0x08000000/' "$here/../qdfu/app.ld" >"$fx/app0.ld"
    arm-none-eabi-gcc -mcpu=cortex-m7 -mthumb -Os -nostdlib -ffreestanding -I"$fx" \
        -T "$fx/app0.ld" -Wl,--build-id=none "$here/../qdfu/app.c" -o "$fx/App-CM7.elf" ||
        fail "cannot link App-CM7.elf"
    arm-none-eabi-objcopy -O ihex "$fx/App-CM7.elf" "$fx/App-CM7.hex"
    arm-none-eabi-objcopy -O binary --only-section=.text "$fx/App-CM7.elf" "$fx/text0.bin"
    APP=$fx/App-CM7.hex
}

# For a board whose internal flash is smaller than App-CM7's code (the
# 128 KiB of an H7B0, whose applications live in external flash): the same
# shape from generated data, 8 KiB at 0x08000000 (a vector table) and 64 KiB
# at 0x90000000, as one Intel HEX file.
make_small_app() {
    fx=$work/fx
    mkdir -p "$fx"
    gen_image "$fx/text0.bin" 8192 0x08000000
    gen_image "$fx/qspi.bin" 65536 0x90000000
    /usr/bin/python3 - "$fx/text0.bin" "$fx/qspi.bin" "$fx/App-small.hex" <<'PY'
import sys
def rec(t, a, d):
    b = bytes([len(d), a >> 8, a & 0xFF, t]) + d
    return ":" + (b + bytes([(-sum(b)) & 0xFF])).hex().upper() + "\n"
out = ""
for path, base in ((sys.argv[1], 0x08000000), (sys.argv[2], 0x90000000)):
    data = open(path, "rb").read()
    for off in range(0, len(data), 16):
        a = base + off
        if off % 0x10000 == 0:
            out += rec(4, 0, (a >> 16).to_bytes(2, "big"))
        out += rec(0, a & 0xFFFF, data[off:off + 16])
open(sys.argv[3], "w").write(out + ":00000001FF\n")
PY
    APP=$fx/App-small.hex
}

# Read internal flash and QSPI back through the flasher and compare.
readback() {
    tlen=$(wc -c <"$fx/text0.bin")
    qlen=$(wc -c <"$fx/qspi.bin")
    expect 0 "$work/read.log" sim "$work/s" --rom -- sh -c \
        "'$QDFU' read 0x08000000 $tlen -o '$work/rt.bin' --board $BOARD &&
         '$QDFU' read 0x90000000 $qlen -o '$work/rq.bin' --board $BOARD"
    cmp "$work/rt.bin" "$fx/text0.bin" || fail "internal flash differs at 0x08000000"
    cmp "$work/rq.bin" "$fx/qspi.bin" || fail "QSPI flash differs"
}

# Nothing changed: both state files as before (or still absent).
unchanged() {
    for f in internal.bin qspi0.bin qspi1.bin; do
        if [ -f "$work/before/$f" ]; then
            cmp -s "$work/before/$f" "$work/s/$f" || fail "$f changed: $1"
        fi
    done
}

here=$(cd "$(dirname "$0")" && pwd)

case $name in
rom_identity)
    # What clients see: ST's identity, not qdfu's; the serial shared by many
    # boards; the two layouts; qdfu classifies it as the ROM.
    expect 0 "$work/l.log" sim "$work/s" --rom -- sh -c "dfu-util -l; '$QDFU' list --json"
    grep -q 'ver=0200.*alt=0, name="@Internal Flash   /0x08000000/16\*128Kg", serial="200364500000"' \
        "$work/l.log" || fail "alt 0: $(cat "$work/l.log")"
    grep -q 'alt=1, name="@Option Bytes   /0x5200201C/01\*128 e"' "$work/l.log" ||
        fail "alt 1: $(cat "$work/l.log")"
    grep -q '"kind":"st-rom"' "$work/l.log" || fail "qdfu kind: $(cat "$work/l.log")"
    grep -q '"product":"DFU in FS Mode"' "$work/l.log" || fail "product: $(cat "$work/l.log")"
    grep -q "bootloader ID 0x91" "$work/sim.log" || fail "sim log: $(cat "$work/sim.log")"
    ;;
rom_dfu_util_flasher)
    # By hand with plain dfu-util: load the flasher into RAM through the ROM
    # and start it; it enumerates as itself; then write internal flash at
    # 0x08000000 and QSPI flash through it (docs/zero-install.md).
    need_flasher
    gen_image "$work/int.bin" 70000 0x08000000
    gen_image "$work/qspi.bin" 50000 0x90000000
    expect 0 "$work/du.log" sim "$work/s" --rom -- sh -c "
        dfu-util -a 0 -s $LOAD:leave:force -D '$FLASHER' || exit 1
        i=0; until dfu-util -l 2>/dev/null | grep -q 'alt=1, name=\"@QSPI Flash'; do
            i=\$((i + 1)); [ \$i -lt 50 ] || exit 2; sleep 0.1; done
        dfu-util -l
        dfu-util -a 1 -s 0x90000000 -D '$work/qspi.bin' || exit 3
        dfu-util -a 0 -s 0x08000000:leave -D '$work/int.bin' || exit 4"
    grep -q 'ver=0100.*name="@Internal Flash  /0x08000000/16\*128Kg"' "$work/du.log" ||
        fail "the flasher's alt 0 (all of internal flash writable): $(cat "$work/du.log")"
    grep -q "ROM started the qdfu flasher for $BOARD at 0x24040000" "$work/sim.log" ||
        fail "sim log: $(cat "$work/sim.log")"
    grep -q "start application at 0x08000000" "$work/sim.log" ||
        fail "no application start: $(cat "$work/sim.log")"
    slice "$work/s/internal.bin" 0 70000 >"$work/int_back.bin"
    cmp "$work/int_back.bin" "$work/int.bin" || fail "internal flash differs at 0x08000000"
    ;;
rom_flash_through_rom)
    # The ROM itself writes internal flash (erase + write, dfu-util's DfuSe
    # path) and leaves to the application.
    gen_image "$work/int.bin" 5000 0x08000000
    expect 0 "$work/du.log" sim "$work/s" --rom -- \
        dfu-util -a 0 -s 0x08000000:leave -D "$work/int.bin"
    grep -q "ROM jumped to the application at 0x08000000" "$work/sim.log" ||
        fail "sim log: $(cat "$work/sim.log")"
    slice "$work/s/internal.bin" 0 5000 >"$work/int_back.bin"
    cmp "$work/int_back.bin" "$work/int.bin" || fail "internal flash differs"
    ;;
rom_v90_leave)
    # Bootloader V9.0: the leave does nothing useful; the board drops off
    # the bus and stays in the ROM (ST community 148238).
    need_flasher
    expect 0 "$work/du.log" sim "$work/s" --rom=0x90 -- sh -c "
        dfu-util -a 0 -s $LOAD:leave:force -D '$FLASHER' || exit 1
        i=0; while dfu-util -l 2>/dev/null | grep -q Found; do
            i=\$((i + 1)); [ \$i -lt 50 ] || exit 2; sleep 0.1; done
        sleep 2; if dfu-util -l 2>/dev/null | grep -q Found; then exit 3; fi"
    grep -q "bootloader V9.0: the jump does not happen" "$work/sim.log" ||
        fail "sim log: $(cat "$work/sim.log")"
    ;;
rom_ram_crash)
    # Writing into the RAM the ROM itself uses crashes it (AN2606: only the
    # RAM the bootloader does not use is writable).
    # 0x24002000: inside the ROM's RAM on every line (AN2606: 16 KiB from
    # 0x24000000 on H72x/H73x and H7A3/B3/B0, more on H74x/H75x)
    gen_image "$work/x.bin" 2048 0x24000000
    sim "$work/s" --rom -- dfu-util -a 0 -s 0x24002000:force -D "$work/x.bin" >"$work/du.log" 2>&1
    grep -q "overwrote the ROM bootloader's own RAM" "$work/sim.log" ||
        fail "sim log: $(cat "$work/sim.log")"
    ;;
qdfu_zero_install)
    # The user's case: App-CM7.hex linked at 0x08000000 with data in QSPI,
    # a board in ROM DFU mode, one command (E2E_SMALL_APP=1: make_small_app).
    need_flasher
    if [ -n "${E2E_SMALL_APP:-}" ]; then make_small_app; else make_app; fi
    expect 0 "$work/f.log" sim "$work/s" --rom -- "$QDFU" flash "$APP" --board "$BOARD"
    grep -q "flash ok" "$work/f.log" || fail "no success line: $(cat "$work/f.log")"
    grep -q "loading the qdfu flasher for $BOARD into RAM at $LOAD" "$work/f.log" ||
        fail "no flasher line: $(cat "$work/f.log")"
    grep -q "ROM bootloader (ID $ROM_ID)" "$work/f.log" || fail "ROM ID: $(cat "$work/f.log")"
    grep -q "start application at 0x08000000" "$work/sim.log" ||
        fail "the application did not start: $(cat "$work/sim.log")"
    readback
    # again: nothing to write, still ok
    expect 0 "$work/f2.log" sim "$work/s" --rom -- "$QDFU" flash "$APP" --board "$BOARD"
    grep -Eq "already in place|0 page\(s\) erased" "$work/f2.log" ||
        fail "second run: $(cat "$work/f2.log")"
    ;;
rom_dwc2_zero_install)
    # The same user case with the ROM and the flasher on the STM32H7 DWC2
    # driver and its register model (--usb dwc2): the flasher takes over a
    # USB core the ROM left enumerated. Any hardware rule the driver breaks
    # on the model (the log says "hardware rule broken") fails the test.
    need_flasher
    make_app
    expect 0 "$work/f.log" sim "$work/s" --rom --usb dwc2 -- "$QDFU" flash "$APP" --board "$BOARD"
    grep -q "flash ok" "$work/f.log" || fail "no success line: $(cat "$work/f.log")"
    grep -q "start application at 0x08000000" "$work/sim.log" ||
        fail "the application did not start: $(cat "$work/sim.log")"
    expect 0 "$work/l.log" sim "$work/s" --rom --usb dwc2 -- sh -c "
        dfu-util -a 0 -s $LOAD:leave:force -D '$FLASHER' || exit 1
        i=0; until dfu-util -l 2>/dev/null | grep -q 'alt=1, name=\"@QSPI Flash'; do
            i=\$((i + 1)); [ \$i -lt 50 ] || exit 2; sleep 0.1; done
        dfu-util -l"
    grep -q 'name="@QSPI Flash' "$work/l.log" || fail "flasher not listed: $(cat "$work/l.log")"
    if grep -q "hardware rule broken" "$work/sim.log"; then
        fail "$(grep "hardware rule broken" "$work/sim.log" | head -3)"
    fi
    readback
    ;;
qdfu_refusals)
    # Clear messages, nothing changed: no board named; an image that does
    # not fit; a flasher for another board; unknown ROM version; V9.0.
    need_flasher
    make_app
    expect 0 "$work/seed.log" sim "$work/s" --rom -- "$QDFU" flash "$APP" --board "$BOARD" --no-reset
    cp -r "$work/s" "$work/before"
    # no --board: the ROM cannot say which board it is
    expect 4 "$work/r1.log" sim "$work/s" --rom -- "$QDFU" flash "$APP"
    grep -q "add --board NAME" "$work/r1.log" || fail "no board: $(cat "$work/r1.log")"
    unchanged "no --board"
    # an image beyond the internal flash (an H745 has 2 MiB)
    printf 'too far' >"$work/far.bin"
    expect 4 "$work/r2.log" sim "$work/s" --rom -- \
        "$QDFU" flash "$work/far.bin@0x08200000" --board "$BOARD"
    grep -q "0x08200000-0x08200006 is neither in this board's internal flash (2048 KiB)" \
        "$work/r2.log" || fail "too far: $(cat "$work/r2.log")"
    unchanged "image too far"
    # the H750's flasher on an H745 (same ROM family, 128 KiB vs 2 MiB)
    other=${FLASHERS:-build}/stm32h750b-dk/qdfu-flasher-stm32h750b-dk.bin
    if [ -f "$other" ]; then
        expect 7 "$work/r3.log" sim "$work/s" --rom -- \
            "$QDFU" flash "$APP" --flasher "$other"
        grep -q "this MCU has 2048 KiB of internal flash, but stm32h750b-dk's has 128 KiB" \
            "$work/r3.log" || fail "wrong board: $(cat "$work/r3.log")"
        unchanged "wrong board"
    fi
    # a bootloader ID qdfu does not know
    expect 7 "$work/r4.log" sim "$work/s" --rom=0xA5 -- "$QDFU" flash "$APP" --board "$BOARD"
    grep -q "unknown ST ROM bootloader version 0xA5" "$work/r4.log" ||
        fail "unknown ROM: $(cat "$work/r4.log")"
    unchanged "unknown ROM"
    # V9.0: refused before anything is loaded, with what to do instead
    expect 7 "$work/r5.log" sim "$work/s" --rom=0x90 -- "$QDFU" flash "$APP" --board "$BOARD"
    grep -q "V9.0 (early revision V), which cannot start code from RAM" "$work/r5.log" ||
        fail "V9.0: $(cat "$work/r5.log")"
    grep -q "qdfu install --board NAME" "$work/r5.log" || fail "V9.0 hint: $(cat "$work/r5.log")"
    unchanged "V9.0"
    # a board name qdfu has no flasher for
    expect 3 "$work/r6.log" sim "$work/s" --rom -- "$QDFU" flash "$APP" --board no-such-board
    grep -q "no qdfu-flasher-no-such-board.bin found" "$work/r6.log" ||
        fail "unknown board: $(cat "$work/r6.log")"
    unchanged "unknown board"
    ;;
qdfu_install)
    # The resident bootloader through the ROM; then it runs (BOOT0 low).
    bl=${FLASHERS:-build}/$BOARD/qdfu-$BOARD.bin
    [ -f "$bl" ] || skip "no $bl (make firmware builds it)"
    expect 0 "$work/i.log" sim "$work/s" --rom -- "$QDFU" install --board "$BOARD"
    grep -q "qdfu bootloader installed and started" "$work/i.log" || fail "$(cat "$work/i.log")"
    grep -q "start application at 0x08000000" "$work/sim.log" || fail "$(cat "$work/sim.log")"
    slice "$work/s/internal.bin" 0 "$(wc -c <"$bl")" >"$work/bl_back.bin"
    cmp "$work/bl_back.bin" "$bl" || fail "internal flash does not hold the bootloader"
    # a running qdfu bootloader cannot replace itself: clear refusal
    expect 7 "$work/i2.log" sim "$work/s" -- "$QDFU" install --board "$BOARD"
    grep -q "cannot replace itself" "$work/i2.log" || fail "$(cat "$work/i2.log")"
    # without --board: usage error
    expect 2 "$work/i3.log" sim "$work/s" --rom -- "$QDFU" install
    grep -q "install needs --board NAME" "$work/i3.log" || fail "$(cat "$work/i3.log")"
    ;;
rom_line_refusals)
    # H72x/H73x, H7A3/B3/B0 (E2E_BOARD): what zero install refuses there,
    # nothing changed each time; then qdfu install (plain DfuSe) works.
    need_flasher
    bl=${FLASHERS:-build}/$BOARD/qdfu-$BOARD.bin
    [ -f "$bl" ] || skip "no $bl (make firmware builds it)"
    gen_image "$work/app.bin" 4096 0x90000000
    # a bootloader ID this line's table does not have
    expect 7 "$work/z.log" sim "$work/s" --rom=0xA5 -- \
        "$QDFU" flash "$work/app.bin@0x90000000" --board "$BOARD"
    grep -q "unknown ST ROM bootloader version 0xA5 on this STM32H7" "$work/z.log" ||
        fail "unknown ID: $(cat "$work/z.log")"
    grep -q "nothing was changed" "$work/z.log" || fail "$(cat "$work/z.log")"
    [ ! -f "$work/s/qspi0.bin" ] || ! tr -d '\377' <"$work/s/qspi0.bin" | grep -q . ||
        fail "the external flash changed"
    # the H74x/H75x flasher (0x24040000-0x2407FFFF) on this line's ROM
    other=${FLASHERS:-build}/stm32h745i-disco/qdfu-flasher-stm32h745i-disco.bin
    if [ -f "$other" ]; then
        expect 7 "$work/o.log" sim "$work/s" --rom -- \
            "$QDFU" flash "$work/app.bin@0x90000000" --flasher "$other"
        grep -q "runs on STM32H74x/H75x, but this ROM is an STM32H7" "$work/o.log" ||
            fail "H74x flasher: $(cat "$work/o.log")"
        # by hand, past qdfu's checks: on an H72x/H73x its RAM runs past
        # AXI SRAM (the model says so and nothing comes up); on an H7A3/B3/B0
        # it is another board's image: either way no flasher
        sim "$work/s" --rom -- dfu-util -a 0 -s 0x24040000:leave:force -D "$other" \
            >"$work/du.log" 2>&1
        grep -Eq "is not all in this MCU.s RAM|it does not come up|hard fault" "$work/sim.log" ||
            fail "H74x flasher by hand: $(cat "$work/sim.log")"
    fi
    # a write into the 16 KiB of AXI SRAM this line's ROM uses (AN2606) crashes it
    gen_image "$work/x.bin" 2048 0x24000000
    sim "$work/s" --rom -- dfu-util -a 0 -s 0x24002000:force -D "$work/x.bin" >"$work/du.log" 2>&1
    grep -q "overwrote the ROM bootloader's own RAM" "$work/sim.log" ||
        fail "ROM RAM: $(cat "$work/sim.log")"
    expect 0 "$work/i.log" sim "$work/s" --rom -- "$QDFU" install --board "$BOARD"
    grep -q "qdfu bootloader installed and started" "$work/i.log" || fail "$(cat "$work/i.log")"
    slice "$work/s/internal.bin" 0 "$(wc -c <"$bl")" >"$work/bl_back.bin"
    cmp "$work/bl_back.bin" "$bl" || fail "internal flash does not hold the bootloader"
    ;;
rom_line_dfu_util)
    # The documented commands by hand on an OCTOSPI line: load the flasher
    # at the line's address through the ROM, and it enumerates.
    need_flasher
    expect 0 "$work/l.log" sim "$work/s" --rom -- sh -c "
        dfu-util -a 0 -s $LOAD:leave:force -D '$FLASHER' || true
        i=0; until dfu-util -l 2>/dev/null | grep -q 'alt=1, name=\"@QSPI Flash'; do
            i=\$((i + 1)); [ \$i -lt 80 ] || exit 2; sleep 0.1; done
        dfu-util -l"
    grep -q 'name="@QSPI Flash' "$work/l.log" || fail "flasher not listed: $(cat "$work/l.log")"
    grep -q "ROM started the qdfu flasher for $BOARD at $LOAD" "$work/sim.log" ||
        fail "sim log: $(cat "$work/sim.log")"
    ;;
*)
    fail "unknown test"
    ;;
esac
# a passed test leaves nothing (state files up to 128 MiB); QDFU_KEEP_E2E=1 keeps them
[ -n "${QDFU_KEEP_E2E:-}" ] || rm -rf "$work"
echo "PASS [$name]"
