#!/bin/sh
# SPDX-License-Identifier: MIT
# Issue 11 item 4: while a bank-1 sector is erased or programmed, every
# instruction fetch and data read from bank 1 stalls (~1-2 s per sector), so
# SysTick, the USB interrupt and the main loop must not live there. Every
# board image is checked: the only code and constants at flash addresses are
# the boot vector table and the reset handler (section .boot, startup.c, run
# before any flash operation can start) and linker veneers into ITCM; the
# run-time vector table and the handlers are in ITCM.
#   check_itcm_layout.sh BUILD_DIR   (the images are BUILD_DIR/<board>/qdfu-<board>.elf)
set -u
dir=${1:?build directory}
nm=${NM:-arm-none-eabi-nm}
if ! command -v "$nm" >/dev/null 2>&1; then
	echo "SKIPPED: $nm not installed"
	exit 0
fi
# The simulator trusts H7_CODE_IN_ITCM (port/stm32h7/h7.h) to decide whether
# the CPU stalls during bank-1 operations: the images must agree with it.
hdr="$dir/../firmware/port/stm32h7/h7.h"
if ! grep -q '^#define H7_CODE_IN_ITCM 1' "$hdr" 2>/dev/null; then
	echo "$hdr: H7_CODE_IN_ITCM is not 1; this check expects code in ITCM"
	exit 1
fi
found=0
rc=0
for elf in "$dir"/*/qdfu-*.elf; do
	[ -f "$elf" ] || continue
	found=1
	syms=$("$nm" --defined-only "$elf")
	# code (t/T) and constants (r/R) at bank-1/bank-2 addresses
	bad=$(printf '%s\n' "$syms" |
		awk '$2 ~ /^[TtRr]$/ && $1 >= "08000000" && $1 < "08200000" { print $3 }' |
		grep -v -x -e boot_vectors -e boot_fault -e Reset_Handler -e __boot_vector_start \
			-e '__.*_veneer' || true)
	if [ -n "$bad" ]; then
		echo "$elf: runs from flash (stalls during bank-1 operations):" $bad
		rc=1
	fi
	for f in vector_table main SysTick_Handler h7_usb_irq port_millis bootloader_task \
		usbd_task dfu_task; do
		a=$(printf '%s\n' "$syms" | awk -v f="$f" '$3 == f { print $1 }')
		if [ -z "$a" ]; then
			echo "$elf: $f not found"
			rc=1
		elif [ "$a" \> "0000ffff" ]; then
			echo "$elf: $f at 0x$a, not in ITCM"
			rc=1
		fi
	done
done
if [ "$found" = 0 ]; then
	echo "SKIPPED: no board image under $dir (make firmware)"
	exit 0
fi
[ "$rc" = 0 ] && echo "itcm layout ok: every board image runs from ITCM after Reset_Handler"
exit "$rc"
