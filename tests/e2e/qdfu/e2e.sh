#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end tests of qdfu through qdfu-sim (the real firmware core on chip
# models, exposed over virtual USB). One test per invocation:
#   QDFU=build/host/qdfu QDFU_SIM=build/host/qdfu-sim E2E_WORK=DIR e2e.sh NAME
# NAME: two_regions | elf_srec_same | bad_files_refused | all_four | dfu_util_pack |
#       commands | skip_unchanged | crc_requests | leave | own_usb_id
set -u
here=$(cd "$(dirname "$0")" && pwd)
name=$1
: "${QDFU:?QDFU must point to build/host/qdfu}"
: "${QDFU_SIM:?QDFU_SIM must point to build/host/qdfu-sim}"
# The two-memory test runs on the STM32H745I-DISCO (dual 64 MiB QSPI, the
# design's reference board); the others on a Portenta H7 (2 MiB internal,
# 16 MiB QSPI), whose small state files keep every simulator run short.
# E2E_BOARD overrides both.
case $name in
two_regions) BOARD=${E2E_BOARD:-stm32h745i-disco} ;;
*) BOARD=${E2E_BOARD:-portenta-h7} ;;
esac
work=${E2E_WORK:-/tmp/qdfu-e2e}/$name
rm -rf "$work"
mkdir -p "$work"
fx=$work/fx
"$here/make_fixtures.sh" "$fx" >/dev/null || { echo "FAIL: cannot build fixtures"; exit 1; }

# Does the simulated board present QSPI flash (alt 1)? Without it (no chip
# model yet) the tests use the internal-flash-only build of the program and
# the test that needs both memories is skipped (exit 77).
if "$QDFU_SIM" --board "$BOARD" -- "$QDFU" list 2>/dev/null | grep -q "alt 1 .*QSPI"; then
    APP=app
    HAVE_QSPI=1
else
    APP=app_int
    HAVE_QSPI=0
fi

skip() {
    echo "SKIP [$name]: $*"
    exit 77
}

fail() {
    echo "FAIL [$name]: $*"
    exit 1
}

# sim STATE_DIR [sim options] -- command...
sim() {
    state=$1
    shift
    "$QDFU_SIM" --board "$BOARD" --state "$state" "$@"
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

# Bytes of FILE from OFFSET (decimal), LEN bytes, into OUT.
slice() {
    dd if="$1" of="$4" bs=1 skip="$2" count="$3" 2>/dev/null
}

readback_matches() {
    # qdfu read both regions in one session, compare with the ELF's sections.
    state=$1
    tlen=$(wc -c <"$fx/text.bin")
    qlen=$(wc -c <"$fx/qspi.bin")
    if [ "$HAVE_QSPI" = 1 ]; then
        expect 0 "$work/read.log" sim "$state" -- sh -c \
            "'$QDFU' read 0x08020000 $tlen -o '$work/rt.bin' && '$QDFU' read 0x90000000 $qlen -o '$work/rq.bin'"
        cmp "$work/rq.bin" "$fx/qspi.bin" || fail "QSPI flash differs after read back"
    else
        expect 0 "$work/read.log" sim "$state" -- "$QDFU" read 0x08020000 "$tlen" -o "$work/rt.bin"
    fi
    cmp "$work/rt.bin" "$fx/text.bin" || fail "internal flash differs after read back"
}

case $name in
two_regions)
    # One HEX with segments in internal flash and QSPI, one command, read back identical.
    [ "$HAVE_QSPI" = 1 ] || skip "the simulated board has no QSPI flash model yet"
    expect 0 "$work/flash.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset
    grep -q "flash ok" "$work/flash.log" || fail "no success line: $(cat "$work/flash.log")"
    readback_matches "$work/s"
    # The internal flash image file holds the app at 0x08020000 too.
    slice "$work/s/internal.bin" 131072 "$(wc -c <"$fx/text.bin")" "$work/int_slice.bin"
    cmp "$work/int_slice.bin" "$fx/text.bin" || fail "internal.bin differs at 0x08020000"
    # verify by read-back as well as by device CRC
    expect 0 "$work/v1.log" sim "$work/s" -- "$QDFU" verify "$fx/$APP.hex" --verify=read
    expect 0 "$work/v2.log" sim "$work/s" -- "$QDFU" verify "$fx/$APP.elf"
    ;;
elf_srec_same)
    # ELF and S-record of the same program give the same memory.
    expect 0 "$work/e.log" sim "$work/elf" -- "$QDFU" flash "$fx/$APP.elf" --no-reset
    expect 0 "$work/s.log" sim "$work/srec" -- "$QDFU" flash "$fx/$APP.srec" --no-reset
    for f in "$work/elf"/*.bin; do
        b=$(basename "$f")
        cmp "$f" "$work/srec/$b" || fail "$b differs between the ELF and the S-record flash"
    done
    readback_matches "$work/elf"
    ;;
bad_files_refused)
    # A bad file is refused with a clear message and nothing on the device changes.
    expect 0 "$work/good.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset
    cp -r "$work/s" "$work/before"
    expect 3 "$work/b1.log" sim "$work/s" -- "$QDFU" flash "$fx/bad_checksum.hex"
    grep -q "bad_checksum.hex:3: checksum error" "$work/b1.log" || fail "message: $(cat "$work/b1.log")"
    expect 4 "$work/b2.log" sim "$work/s" -- "$QDFU" flash "$fx/outside.hex"
    grep -q "0x30000000-0x3000001D.*not in any memory region" "$work/b2.log" ||
        fail "message: $(cat "$work/b2.log")"
    expect 4 "$work/b3.log" sim "$work/s" -- "$QDFU" flash "$fx/bootsector.hex"
    grep -q "0x08000000-0x0800001D.*read-only" "$work/b3.log" || fail "message: $(cat "$work/b3.log")"
    # mixed: a good file plus a bad one: still nothing written
    expect 4 "$work/b4.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" "$fx/outside.hex"
    for f in "$work/before"/*.bin; do
        cmp "$f" "$work/s/$(basename "$f")" || fail "$(basename "$f") changed after a refused flash"
    done
    ;;
all_four)
    # --all with four simulated boards at once.
    expect 0 "$work/all.log" sim "$work/s" --devices 4 -- "$QDFU" flash "$fx/$APP.hex" --all --no-reset
    grep -q "4 of 4 devices succeeded" "$work/all.log" || fail "summary: $(cat "$work/all.log")"
    tlen=$(wc -c <"$fx/text.bin")
    for i in 0 1 2 3; do
        slice "$work/s/$i/internal.bin" 131072 "$tlen" "$work/int$i.bin"
        cmp "$work/int$i.bin" "$fx/text.bin" || fail "board $i: internal flash differs"
    done
    # four distinct serial numbers
    expect 0 "$work/list.log" sim "$work/s" --devices 4 -- "$QDFU" list --json
    n=$(tr ',' '\n' <"$work/list.log" | grep '"serial"' | sort -u | wc -l)
    [ "$n" = 4 ] || fail "expected 4 distinct serials, got $n: $(cat "$work/list.log")"
    # without --all, several devices are a usage error
    expect 2 "$work/amb.log" sim "$work/s" --devices 4 -- "$QDFU" flash "$fx/$APP.hex"
    # selection by --path (device 1 is on 1-2) and by --serial (device 2's)
    expect 0 "$work/l3.log" sim "$work/s" --devices 4 -- "$QDFU" list --path 1-3 --json
    serial=$(tr ',' '\n' <"$work/l3.log" | sed -n 's/^"serial":"\(.*\)"$/\1/p')
    [ -n "$serial" ] || fail "no serial for path 1-3: $(cat "$work/l3.log")"
    expect 0 "$work/sel.log" sim "$work/s" --devices 4 -- sh -c \
        "'$QDFU' erase --all --path 1-2 && '$QDFU' erase --all --serial '$serial'"
    for i in 0 1 2 3; do
        slice "$work/s/$i/internal.bin" 131072 "$tlen" "$work/int$i.bin"
        if [ $i = 1 ] || [ $i = 2 ]; then
            tr -d '\377' <"$work/int$i.bin" | wc -c | grep -qx 0 || fail "board $i not erased"
        else
            cmp "$work/int$i.bin" "$fx/text.bin" || fail "board $i changed by another's erase"
        fi
    done
    ;;
dfu_util_pack)
    # A .dfu made by qdfu pack is accepted by Debian's dfu-util.
    command -v dfu-util >/dev/null || fail "dfu-util not installed"
    expect 0 "$work/pack.log" "$QDFU" pack "$fx/$APP.hex" -o "$work/app.dfu"
    grep -q "wrote" "$work/pack.log" || fail "pack: $(cat "$work/pack.log")"
    expect 0 "$work/du.log" sim "$work/s" -- dfu-util -D "$work/app.dfu"
    readback_matches "$work/s"
    ;;
commands)
    # erase (range and --all), info with a device, --json, reset.
    # the device's layout strings are within every client's parser limits
    expect 0 "$work/lv.log" sim "$work/s" -- "$QDFU" list --verbose
    grep -q '"@Internal Flash' "$work/lv.log" || fail "list -v: $(cat "$work/lv.log")"
    # INFO says why the device is in DFU mode (qdfu-sim enters it as if the
    # button were held)
    grep -q 'in DFU mode: DFU requested' "$work/lv.log" || fail "list -v why: $(cat "$work/lv.log")"
    if grep -q "warning:" "$work/lv.log"; then fail "layout limits: $(cat "$work/lv.log")"; fi
    expect 0 "$work/f.log" sim "$work/s" -- sh -c "'$QDFU' flash '$fx/$APP.hex' --no-reset --json >'$work/f.json'"
    grep -q '"ok":true' "$work/f.json" || fail "json: $(cat "$work/f.json")"
    # every --json output is one valid JSON document
    expect 0 "$work/l.log" sim "$work/s" -- sh -c "'$QDFU' list --json >'$work/l.json'"
    expect 0 "$work/i.log" sim "$work/s" -- sh -c "'$QDFU' info --json '$fx/$APP.hex' >'$work/i.json'"
    expect 4 "$work/x.log" sim "$work/s" -- sh -c "'$QDFU' flash --json '$fx/bootsector.hex' >'$work/x.json'"
    for j in f l i x; do
        /usr/bin/python3 -m json.tool "$work/$j.json" >/dev/null || fail "invalid JSON: $(cat "$work/$j.json")"
    done
    grep -q '"exit":4' "$work/x.json" || fail "json error: $(cat "$work/x.json")"
    # the functional descriptor was found (it follows the last alt setting)
    grep -q '"bcd_dfu":"0x011a","transfer_size":[1-9]' "$work/l.json" ||
        fail "functional descriptor: $(cat "$work/l.json")"
    grep -q '"kind":"qdfu"' "$work/l.json" || fail "kind: $(cat "$work/l.json")"
    expect 0 "$work/info.log" sim "$work/s" -- "$QDFU" info "$fx/$APP.hex"
    grep -q "0x08020000-0x0804232F -> alt 0 'Internal Flash'" "$work/info.log" ||
        fail "info: $(cat "$work/info.log")"
    # two internal sectors, plus QSPI sectors (their size depends on the chip)
    pages=$(sed -n 's/^ *\([0-9]*\) page(s) to erase.*/\1/p' "$work/info.log")
    [ -n "$pages" ] && [ "$pages" -ge $((2 + HAVE_QSPI)) ] || fail "info: $(cat "$work/info.log")"
    if [ "$HAVE_QSPI" = 1 ]; then
        grep -q "0x90000000-0x90011173 -> alt 1 'QSPI Flash'" "$work/info.log" ||
            fail "info: $(cat "$work/info.log")"
    fi
    # verify against different data: mismatch (exit 8), by device CRC and by read-back
    expect 8 "$work/vm1.log" sim "$work/s" -- "$QDFU" verify "$fx/outside.bin@0x08020000"
    grep -q "verify failed: 0x08020000-0x0802001D" "$work/vm1.log" || fail "$(cat "$work/vm1.log")"
    expect 8 "$work/vm2.log" sim "$work/s" -- "$QDFU" verify "$fx/outside.bin@0x08020000" \
        --verify=read
    grep -q "verify failed at 0x0802000" "$work/vm2.log" || fail "$(cat "$work/vm2.log")"
    # erase the first application sector only; the second one keeps its data
    expect 0 "$work/er.log" sim "$work/s" -- sh -c \
        "'$QDFU' erase 0x08020000 0x100 && '$QDFU' read 0x08020000 0x40000 -o '$work/after.bin'"
    head -c 131072 "$work/after.bin" | tr -d '\377' | wc -c | grep -qx 0 ||
        fail "sector 0x08020000 not erased"
    second=$(($(wc -c <"$fx/text.bin") - 131072))
    tail -c 131072 "$work/after.bin" | head -c "$second" >"$work/second.bin"
    tail -c +131073 "$fx/text.bin" >"$work/want_second.bin"
    cmp "$work/second.bin" "$work/want_second.bin" || fail "sector 0x08040000 changed by erase"
    # erase --all keeps the bootloader's sector and erases the rest
    head -c 131072 "$work/s/internal.bin" >"$work/boot_before.bin"
    expect 0 "$work/ea.log" sim "$work/s" -- "$QDFU" erase --all
    head -c 131072 "$work/s/internal.bin" | cmp - "$work/boot_before.bin" ||
        fail "mass erase changed the bootloader sector"
    tail -c +131073 "$work/s/internal.bin" | tr -d '\377' | wc -c | grep -qx 0 ||
        fail "mass erase left data behind"
    # an erase of the bootloader sector is refused
    expect 4 "$work/eb.log" sim "$work/s" -- "$QDFU" erase 0x08000000 16
    grep -q "read-only" "$work/eb.log" || fail "erase message: $(cat "$work/eb.log")"
    expect 0 "$work/rs.log" sim "$work/s" -- "$QDFU" reset
    ;;
skip_unchanged)
    # With the device CRC, pages already holding the image are neither erased
    # nor written; a changed page is.
    expect 0 "$work/1.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset
    expect 0 "$work/2.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset --json
    grep -q '"pages_erased":0,"pages_unchanged":[1-9][0-9]*,"bytes_written":0' "$work/2.log" ||
        fail "second flash: $(cat "$work/2.log")"
    # change one byte of the second application sector (0x08040000) behind qdfu's back
    printf '\125' | dd of="$work/s/internal.bin" bs=1 seek=$((0x41000)) conv=notrunc 2>/dev/null
    expect 0 "$work/3.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset --json
    grep -q '"pages_erased":1,' "$work/3.log" || fail "third flash: $(cat "$work/3.log")"
    readback_matches "$work/s"
    expect 0 "$work/4.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset --no-skip --json
    grep -q '"pages_unchanged":0,' "$work/4.log" || fail "--no-skip: $(cat "$work/4.log")"
    ;;
crc_requests)
    # The check asks the device's CRCs in tables (CRC_TABLE, bRequest 0x54),
    # not one CRC_START (0x52) per page (issue 13 item 4). The two CRC_START
    # left are the image descriptor's (body, then the rest of its unit).
    expect 0 "$work/1.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex" --no-reset
    expect 0 "$work/2.log" sim "$work/s" --log "$work/2.trace" -- "$QDFU" flash "$fx/$APP.hex" --no-reset --json
    grep -q '"pages_erased":0,"pages_unchanged":[1-9][0-9]*,"bytes_written":0' "$work/2.log" ||
        fail "second flash: $(cat "$work/2.log")"
    starts=$(grep -c 'ctrl 41 52 ' "$work/2.trace")
    tables=$(grep -c 'ctrl 41 54 ' "$work/2.trace")
    [ "$starts" -le 2 ] && [ "$tables" -ge 1 ] ||
        fail "unchanged re-flash: $starts CRC_START, $tables CRC_TABLE requests"
    # Opening the device asks only what the kernel did not keep (issue 13):
    # the manufacturer, product and serial strings come from sysfs, the
    # language ID is read once (for the alt names), the MS OS 2.0 GUID is not
    # asked of a device whose strings say qdfu, and with nothing to write no
    # alternate setting is selected.
    after=$(sed -n '/ enumerated /,$p' "$work/2.trace")
    n=$(printf '%s\n' "$after" | grep -c 'ctrl 80 06 030[123] ' || true)
    [ "$n" -eq 0 ] || fail "unchanged re-flash read $n of the strings Linux keeps in sysfs"
    n=$(printf '%s\n' "$after" | grep -c 'ctrl 80 06 0300 ' || true)
    [ "$n" -le 1 ] || fail "unchanged re-flash read the language ID $n times"
    n=$(printf '%s\n' "$after" | grep -c 'ctrl 80 06 0f00 \|ctrl 01 0b ' || true)
    [ "$n" -eq 0 ] || fail "unchanged re-flash: $n BOS or SET_INTERFACE requests"
    # one page changed behind qdfu's back: found by the table, rewritten, verified
    printf '\125' | dd of="$work/s/internal.bin" bs=1 seek=$((0x41000)) conv=notrunc 2>/dev/null
    expect 0 "$work/3.log" sim "$work/s" --log "$work/3.trace" -- "$QDFU" flash "$fx/$APP.hex" --no-reset --json
    grep -q '"pages_erased":1,' "$work/3.log" || fail "third flash: $(cat "$work/3.log")"
    check=$(sed '/ctrl 21 01 0002 /q' "$work/3.trace" | grep -c 'ctrl 41 52 ')
    [ "$check" -le 2 ] || fail "one page changed: $check CRC_START requests before the data"
    readback_matches "$work/s"
    expect 0 "$work/4.log" sim "$work/s" -- "$QDFU" verify "$fx/$APP.hex"
    ;;
own_usb_id)
    # A board built with its own USB identity (CMake -DQDFU_USB_VID=... , what
    # qdfu-sim --usb-id simulates) and strings that do not say "qdfu": qdfu
    # finds it by the MS OS 2.0 interface GUID, and flashes it
    # (docs/decisions/usb-identity.md).
    id="1209:c0de,Acme Widgets,Widget bootloader"
    expect 0 "$work/list.log" sim "$work/s" --usb-id "$id" -- "$QDFU" list
    grep -q '^1209:c0de  qdfu bootloader' "$work/list.log" || fail "not listed as qdfu: $(cat "$work/list.log")"
    grep -q '"Acme Widgets" / "Widget bootloader"' "$work/list.log" || fail "strings: $(cat "$work/list.log")"
    grep -q 'qdfu protocol 1' "$work/list.log" || fail "no qdfu INFO: $(cat "$work/list.log")"
    expect 0 "$work/flash.log" sim "$work/s" --usb-id "$id" -- "$QDFU" flash "$fx/$APP.hex" --no-reset
    grep -q "flash ok" "$work/flash.log" || fail "no success line: $(cat "$work/flash.log")"
    expect 0 "$work/flash-d.log" sim "$work/s" --usb-id "$id" -- "$QDFU" -d 1209:c0de verify "$fx/$APP.hex"
    readback_matches "$work/s"
    ;;
leave)
    # flash with the default leave at the end: exit 0
    expect 0 "$work/leave.log" sim "$work/s" -- "$QDFU" flash "$fx/$APP.hex"
    ;;
*)
    fail "unknown test"
    ;;
esac
# a passed test leaves nothing (state files up to 128 MiB); QDFU_KEEP_E2E=1 keeps them
[ -n "${QDFU_KEEP_E2E:-}" ] || rm -rf "$work"
echo "PASS [$name]"
