#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds every fuzz target of tests/fuzz/ with clang + libFuzzer + ASan/UBSan
# (a configuration separate from the gcc host preset) into build/fuzz/ and
# runs each for FUZZ_SECONDS (default 30) starting from its seed corpus.
# New interesting inputs go to fuzz-out/<target>/ (not committed); crashes
# are reported with the reproducer's path and make the script fail.
#   FUZZ_SECONDS=300 ./scripts/fuzz.sh [target...]
set -eu
cd "$(dirname "$0")/.."

CC=${FUZZ_CC:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-30}
TARGETS=${*:-"ihex srec elf dfuse layout plan"}
OUT=build/fuzz
LIB_SOURCES="host/lib/qh_err.c host/lib/qh_crc32.c host/lib/qh_image.c host/lib/qh_ihex.c
host/lib/qh_srec.c host/lib/qh_elf.c host/lib/qh_dfuse_file.c host/lib/qh_load.c
host/lib/qh_write_text.c host/lib/qh_layout.c host/lib/qh_memmap.c"

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz.sh: $CC not found (install clang: scripts/install-deps.sh)" >&2
    exit 1
fi
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' \
    >"$probe/p.c"
if ! "$CC" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    echo "fuzz.sh: $CC cannot build libFuzzer targets (-fsanitize=fuzzer)" >&2
    rm -rf "$probe"
    exit 1
fi
rm -rf "$probe"

mkdir -p "$OUT"
status=0
for t in $TARGETS; do
    # built below from the firmware core
    [ "$t" = dfu_requests ] || [ "$t" = dwc2_wire ] && continue
    bin="$OUT/fuzz_$t"
    # shellcheck disable=SC2086
    "$CC" -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=all -Ihost/lib -Itests/fuzz/host \
        $LIB_SOURCES "tests/fuzz/host/fuzz_$t.c" -lpthread -o "$bin"
    mkdir -p "fuzz-out/$t" "fuzz-out/$t-crashes"
    echo "fuzz.sh: $t for ${SECONDS_EACH}s"
    if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
        -artifact_prefix="fuzz-out/$t-crashes/" "fuzz-out/$t" "tests/fuzz/host/corpus/$t" \
        >"$OUT/$t.log" 2>&1; then
        echo "fuzz.sh: $t FAILED; see $OUT/$t.log and fuzz-out/$t-crashes/" >&2
        status=1
    else
        tail -n 1 "$OUT/$t.log"
    fi
done

# Run the firmware-side target $OUT/fuzz_NAME for SECONDS_EACH, its corpus
# in fuzz-out/NAME; further arguments go to libFuzzer.
run_core_target() {
    name=$1
    shift
    mkdir -p "fuzz-out/$name" "fuzz-out/$name-crashes"
    echo "fuzz.sh: $name for ${SECONDS_EACH}s"
    if ! "$OUT/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=30 "$@" \
        -artifact_prefix="fuzz-out/$name-crashes/" "fuzz-out/$name" >"$OUT/$name.log" 2>&1; then
        echo "fuzz.sh: $name FAILED; see $OUT/$name.log" >&2
        status=1
    else
        tail -n 1 "$OUT/$name.log"
    fi
}

# The firmware's request path (USB core + DFU class + memory engine) on the
# mocked port: arbitrary control-request sequences; the bootloader sector
# must never change. Skipped when specific parser targets were named.
if [ -z "${*:-}" ] || echo " $* " | grep -q " dfu_requests "; then
    bin="$OUT/fuzz_dfu_requests"
    core=$(ls firmware/common/*.c firmware/usb/*.c firmware/dfu/*.c firmware/mem/*.c \
        firmware/boot/*.c firmware/bootloader/*.c firmware/boards/*.c 2>/dev/null |
        grep -v region_qspi.c)
    # shellcheck disable=SC2086
    "$CC" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -DQDFU_LIBFUZZER -Ifirmware -Iinclude -I. -Itests/firmware/core \
        tests/fuzz/firmware/fuzz_dfu_requests.c tests/firmware/core/mock_port.c tests/firmware/core/ram_qspi.c \
        sim/port/iflash.c sim/h7/h7_iflash.c sim/clock/vclock.c sim/state/state_file.c $core \
        -o "$bin"
    run_core_target dfu_requests -max_len=4096
fi
# The USB wire of the STM32H7 DWC2 driver on its register model, with the
# whole bootloader above it: an adversarial host (abandoned transfers, bus
# resets, SETUP mid-transfer); no model rule broken, the device recovers.
if [ -z "${*:-}" ] || echo " $* " | grep -q " dwc2_wire "; then
    bin="$OUT/fuzz_dwc2_wire"
    core=$(ls firmware/common/*.c firmware/usb/*.c firmware/dfu/*.c firmware/mem/*.c \
        firmware/nor/*.c firmware/boot/*.c firmware/bootloader/*.c firmware/boards/*.c 2>/dev/null ||
        true)
    port=""
    for f in sim/port/*.c; do
        [ "$f" = sim/port/usb_model.c ] || port="$port $f"
    done
    h7="firmware/port/stm32h7/usb_dwc2.c firmware/port/stm32h7/clock.c
        firmware/port/stm32h7/power.c firmware/port/stm32h7/gpio.c
        firmware/port/stm32h7/regwait.c"
    models=$(ls sim/clock/*.c sim/nor/*.c sim/h7/*.c sim/state/*.c)
    # shellcheck disable=SC2086
    "$CC" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -DQDFU_LIBFUZZER -DQDFU_HOST_MMIO=1 -Ifirmware -Iinclude -I. \
        -Ifirmware/port/stm32h7 \
        tests/fuzz/firmware/fuzz_dwc2_wire.c sim/port/dwc2/usb_dwc2_bridge.c \
        sim/vusb/vusb_ctrl.c $port $h7 $models $core -lm -o "$bin"
    run_core_target dwc2_wire -max_len=8192 -rss_limit_mb=4096
fi
exit $status
