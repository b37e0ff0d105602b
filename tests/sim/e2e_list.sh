#!/bin/sh
# SPDX-License-Identifier: MIT
# End to end: `qdfu-sim --devices N -- dfu-util -l` lists N qdfu devices,
# each on its own path with its own serial, and the log has the lines the
# docs promise. Usage: e2e_list.sh QDFU_SIM N WORKDIR
set -eu
SIM=$1
N=$2
DIR=$3
rm -rf "$DIR"
mkdir -p "$DIR"
"$SIM" --devices "$N" --log "$DIR/log.txt" -- dfu-util -l >"$DIR/out.txt" 2>"$DIR/err.txt" || {
	echo "qdfu-sim failed"; cat "$DIR/out.txt" "$DIR/err.txt"; exit 1; }
cat "$DIR/out.txt"
fail() { echo "FAIL: $*"; exit 1; }
found=$(grep -c '^Found DFU: \[0483:df11\].*alt=0, name="@Internal Flash ' "$DIR/out.txt" || true)
[ "$found" -eq "$N" ] || fail "expected $N devices with alt 0, found $found"
serials=$(grep '^Found DFU: \[0483:df11\].*alt=0,' "$DIR/out.txt" |
	sed -n 's/.*serial="\([0-9A-F]\{24\}\)".*/\1/p' | sort -u | wc -l)
[ "$serials" -eq "$N" ] || fail "expected $N distinct 24-digit serials, got $serials"
paths=$(grep '^Found DFU: \[0483:df11\].*alt=0,' "$DIR/out.txt" |
	sed -n 's/.*path="\(1-[0-9]*\)".*/\1/p' | sort -u | wc -l)
[ "$paths" -eq "$N" ] || fail "expected $N distinct paths, got $paths"
i=1
while [ "$i" -le "$N" ]; do
	grep -Eq "^[0-9]+\.[0-9]{6} 1-$i enumerated 0483:df11 devnum [0-9]+ serial [0-9A-F]{24} at full speed$" \
		"$DIR/log.txt" || fail "no 'enumerated' log line for 1-$i"
	grep -Eq "^[0-9]+\.[0-9]{6} 1-$i staying in DFU: .+" "$DIR/log.txt" ||
		fail "no 'staying in DFU' log line for 1-$i"
	grep -Eq "^[0-9]+\.[0-9]{6} 1-$i ctrl 80 06 0100 0000 0012 -> 18$" "$DIR/log.txt" ||
		fail "no GET_DESCRIPTOR log line for 1-$i"
	i=$((i + 1))
done
echo "PASS: $N device(s)"
