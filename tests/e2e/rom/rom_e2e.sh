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
LOAD=0x24040000
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
    gen_image "$work/x.bin" 2048 0x24000000
    sim "$work/s" --rom -- dfu-util -a 0 -s 0x24010000:force -D "$work/x.bin" >"$work/du.log" 2>&1
    grep -q "overwrote the ROM bootloader's own RAM" "$work/sim.log" ||
        fail "sim log: $(cat "$work/sim.log")"
    ;;
*)
    fail "unknown test"
    ;;
esac
echo "PASS [$name]"
