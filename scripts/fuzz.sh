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
    [ "$t" = dfu_requests ] && continue # built below from the firmware core
    bin="$OUT/fuzz_$t"
    # shellcheck disable=SC2086
    "$CC" -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=all -Ihost/lib -Itests/fuzz \
        $LIB_SOURCES "tests/fuzz/fuzz_$t.c" -lpthread -o "$bin"
    mkdir -p "fuzz-out/$t" "fuzz-out/$t-crashes"
    echo "fuzz.sh: $t for ${SECONDS_EACH}s"
    if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
        -artifact_prefix="fuzz-out/$t-crashes/" "fuzz-out/$t" "tests/fuzz/corpus/$t" \
        >"$OUT/$t.log" 2>&1; then
        echo "fuzz.sh: $t FAILED; see $OUT/$t.log and fuzz-out/$t-crashes/" >&2
        status=1
    else
        tail -n 1 "$OUT/$t.log"
    fi
done

# The firmware's request path (USB core + DFU class + memory engine) on the
# mocked port: arbitrary control-request sequences; the bootloader sector
# must never change. Skipped when specific parser targets were named.
if [ -z "${*:-}" ] || echo " $* " | grep -q " dfu_requests "; then
    bin="$OUT/fuzz_dfu_requests"
    core=$(ls firmware/common/*.c firmware/usb/*.c firmware/dfu/*.c firmware/mem/*.c \
        firmware/boot/*.c firmware/app/*.c firmware/boards/*.c 2>/dev/null |
        grep -v region_qspi.c)
    # shellcheck disable=SC2086
    "$CC" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -DQDFU_LIBFUZZER -Ifirmware -Ifirmware/port/host -Isim -Itests/core \
        tests/fuzz_core/fuzz_dfu_requests.c tests/core/mock_port.c tests/core/ram_qspi.c \
        firmware/port/host/iflash_host.c sim/common/h7_iflash.c sim/common/vclock.c $core \
        -o "$bin"
    mkdir -p fuzz-out/dfu_requests fuzz-out/dfu_requests-crashes
    echo "fuzz.sh: dfu_requests for ${SECONDS_EACH}s"
    if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=30 \
        -artifact_prefix="fuzz-out/dfu_requests-crashes/" fuzz-out/dfu_requests \
        >"$OUT/dfu_requests.log" 2>&1; then
        echo "fuzz.sh: dfu_requests FAILED; see $OUT/dfu_requests.log" >&2
        status=1
    else
        tail -n 1 "$OUT/dfu_requests.log"
    fi
fi
exit $status
