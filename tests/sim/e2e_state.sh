#!/bin/sh
# SPDX-License-Identifier: MIT
# End to end: --state DIR keeps the internal flash across runs. Run 1
# downloads an image with dfu-util; DIR/internal.bin holds it at its
# offset; run 2 uploads it back from the saved state.
# Usage: e2e_state.sh QDFU_SIM WORKDIR
set -eu
SIM=$1
DIR=$2
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
fail() { echo "FAIL: $*"; exit 1; }
head -c 6000 /dev/urandom >img.bin
"$SIM" --state st -- dfu-util -a 0 -s 0x08020000 -D img.bin >run1.txt 2>&1 ||
	{ cat run1.txt; fail "download"; }
[ -f st/internal.bin ] || fail "no st/internal.bin"
# 0x20000 = 0x08020000 - 0x08000000
cmp -n 6000 -i 131072:0 st/internal.bin img.bin || fail "internal.bin does not hold the image"
"$SIM" --state st -- dfu-util -a 0 -s 0x08020000:6000 -U back.bin >run2.txt 2>&1 ||
	{ cat run2.txt; fail "upload"; }
cmp back.bin img.bin || fail "uploaded data differs"
echo PASS
