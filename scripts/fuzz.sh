#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds every fuzz target of tests/fuzz/ with clang + libFuzzer + ASan/UBSan
# (a configuration separate from the gcc host preset) into build/fuzz/ (the
# firmware targets: build/fuzz-fw/, by CMake) and
# runs each for FUZZ_SECONDS (default 30) starting from its seed corpus,
# printing executions, executions per second and coverage per target.
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

# The firmware targets (tests/fuzz/firmware) are built by CMake with clang:
# the whole core carries libFuzzer's coverage (QDFU_LIBFUZZER), the models
# do not (tests/fuzz/firmware/coverage-ignore.txt).
FW=build/fuzz-fw
build_firmware_targets() {
    cmake -S . -B "$FW" -DCMAKE_C_COMPILER="$CC" -DQDFU_LIBFUZZER=ON -DQDFU_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" >"$OUT/fw-configure.log" 2>&1 ||
        { echo "fuzz.sh: configuring $FW failed; see $OUT/fw-configure.log" >&2; exit 1; }
    cmake --build "$FW" --target "$@" -j2 >"$OUT/fw-build.log" 2>&1 ||
        { echo "fuzz.sh: building $* failed; see $OUT/fw-build.log" >&2; exit 1; }
}

# Run the firmware target $FW/tests/fuzz_NAME for SECONDS_EACH from the
# seed corpus (tests/fuzz/firmware/corpus: real client traces and
# regression inputs) plus what earlier runs found (fuzz-out/NAME); print
# executions, executions per second, coverage and the DFU states and
# requests reached. Further arguments go to libFuzzer.
run_core_target() {
    name=$1
    shift
    mkdir -p "fuzz-out/$name" "fuzz-out/$name-crashes"
    echo "fuzz.sh: $name for ${SECONDS_EACH}s"
    if ! "$FW/tests/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=30 -print_final_stats=1 \
        "$@" -artifact_prefix="fuzz-out/$name-crashes/" "fuzz-out/$name" \
        tests/fuzz/firmware/corpus >"$OUT/$name.log" 2>&1; then
        echo "fuzz.sh: $name FAILED; see $OUT/$name.log and fuzz-out/$name-crashes/" >&2
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$name.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$name.log")
    cov=$(grep -E '^#[0-9]+' "$OUT/$name.log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
    echo "fuzz.sh: $name: ${runs:-?} executions, ${rate:-?} exec/s, ${cov:-cov ?}"
    grep -E "^fuzz_$name: .*(pairs reached|inputs,)" "$OUT/$name.log" | sed 's/^/fuzz.sh: /'
}

# The firmware's request path (USB core + DFU class + memory engine) on the
# mocked port, and the USB wire of the STM32H7 DWC2 driver on its register
# model with the whole bootloader above it: stateful sequences of host
# operations (tests/fuzz/firmware/fuzz_ops.h). Skipped when specific parser
# targets were named.
fw=""
for t in dfu_requests dwc2_wire; do
    if [ -z "${*:-}" ] || echo " $* " | grep -q " $t "; then
        fw="$fw fuzz_$t"
    fi
done
if [ -n "$fw" ]; then
    # shellcheck disable=SC2086
    build_firmware_targets $fw
    for t in $fw; do
        run_core_target "${t#fuzz_}" -max_len=4096 -rss_limit_mb=4096
    done
fi
exit $status
