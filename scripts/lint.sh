#!/bin/sh
# SPDX-License-Identifier: MIT
# Static checks: cppcheck over every C source, clang-format conformance, and
# the include layering (scripts/check_layers.py).
# Exit status 1 on any finding. Used by `make lint` and registered as ctests.
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
rc=0
if [ "$what" = all ] || [ "$what" = cppcheck ]; then
	# One run per program (the target firmware, the host-side simulator
	# world, the host tool): cppcheck's whole-program analysis would
	# otherwise mix the two implementations of port.h.
	check() {
		cppcheck --std=c11 --enable=warning,style,performance,portability \
			--inline-suppr --error-exitcode=1 -q \
			--suppress=missingIncludeSystem --suppress=unusedFunction \
			--suppress=constParameterCallback --suppress=constParameterPointer \
			--suppress=constVariablePointer \
			-I firmware -I include -I . -I host/lib "$@" 2>&1 || rc=1
	}
	core="firmware/common firmware/usb firmware/dfu firmware/mem firmware/nor firmware/boot firmware/bootloader firmware/boards"
	# shellcheck disable=SC2086
	check -D__GNUC__ -DQDFU_BOARD_SYMBOL=board_stm32h745i_disco -DQDFU_BOARD_NAME=\"stm32h745i-disco\" $core firmware/port/stm32h7
	# shellcheck disable=SC2086
	check -D__GNUC__ -DQDFU_HOST_MMIO $core sim
	check -D__GNUC__ host
fi
if [ "$what" = all ] || [ "$what" = format ]; then
	# one clang-format process for every file (fast); the files it would
	# change are named in its diagnostics
	bad=$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run 2>&1 |
		sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u)
	if [ -n "$bad" ]; then
		echo "clang-format would change (run 'make format'):"
		echo "$bad" | sed 's/^/  /'
		rc=1
	fi
fi
if [ "$what" = all ] || [ "$what" = layers ]; then
	/usr/bin/python3 scripts/check_layers.py || rc=1
fi
exit $rc
