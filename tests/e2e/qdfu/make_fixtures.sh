#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the end-to-end test program with arm-none-eabi-gcc and derives its
# other formats with objcopy, into OUTDIR:
#   app.elf app.hex app.srec   the same program three ways
#   text.bin qspi.bin          the bytes of each memory (for comparisons)
#   bad_checksum.hex           app.hex with one checksum digit changed
#   outside.hex                data at 0x30000000 (no region)
#   bootsector.hex             data at 0x08000000 (the bootloader's sector)
#   app_int.*                  the same without the QSPI part
# usage: make_fixtures.sh OUTDIR [QSPI_BLOB_BYTES] [INTERNAL_BLOB_BYTES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
blob=${2:-70000}
iblob=${3:-140000}
mkdir -p "$out"
CC=${ARM_CC:-arm-none-eabi-gcc}
OBJCOPY=${ARM_OBJCOPY:-arm-none-eabi-objcopy}

# Deterministic pseudo-random blobs (LCG) as C initialisers: one for QSPI
# flash, one that makes the internal part span two 128 KiB sectors.
blob() {
    awk -v n="$2" -v name="$1" -v seed="$3" 'BEGIN {
        x = seed; printf "#define %s ", name;
        for (i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648;
            printf "%d,", int(x / 65536) % 256; if (i % 32 == 31) printf "\\\n"; }
        printf "0\n" }'
}
{
    blob QSPI_BLOB "$blob" 12345
    blob INTERNAL_BLOB "$iblob" 777
} >"$out/qspi_blob.h"

"$CC" -mcpu=cortex-m7 -mthumb -Os -nostdlib -ffreestanding -I"$out" \
    -T "$here/app.ld" -Wl,--build-id=none "$here/app.c" -o "$out/app.elf"
"$OBJCOPY" -O ihex "$out/app.elf" "$out/app.hex"
"$OBJCOPY" -O srec "$out/app.elf" "$out/app.srec"
"$OBJCOPY" -O binary --only-section=.text "$out/app.elf" "$out/text.bin"
"$OBJCOPY" -O binary --only-section=.qspi "$out/app.elf" "$out/qspi.bin"

# Broken variants, derived from the real file.
sed '3s/\r$//; 3s/..$/00/' "$out/app.hex" >"$out/bad_checksum.hex"
if cmp -s "$out/app.hex" "$out/bad_checksum.hex"; then
    sed '3s/\r$//; 3s/..$/01/' "$out/app.hex" >"$out/bad_checksum.hex"
fi
printf 'qdfu e2e: outside every region' >"$out/outside.bin"
"$OBJCOPY" -I binary -O ihex --change-addresses 0x30000000 "$out/outside.bin" "$out/outside.hex"
"$OBJCOPY" -I binary -O ihex --change-addresses 0x08000000 "$out/outside.bin" \
    "$out/bootsector.hex"

# Internal-flash-only variants (for simulated boards without a QSPI model).
"$OBJCOPY" --remove-section=.qspi "$out/app.elf" "$out/app_int.elf" 2>/dev/null
"$OBJCOPY" -O ihex "$out/app_int.elf" "$out/app_int.hex"
"$OBJCOPY" -O srec "$out/app_int.elf" "$out/app_int.srec"
