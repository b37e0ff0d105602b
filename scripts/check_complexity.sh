#!/bin/sh
# SPDX-License-Identifier: MIT
# No function in firmware/ or sim/ above cyclomatic complexity 20 (pmccabe's
# modified McCabe number: a switch counts once) or 80 lines, except where a
# comment just above the function says why its shape is essential: a line
# containing "complexity:" within the 6 lines before the function's first
# line. Exit status 1 on any other finding. Registered as a ctest.
#   scripts/check_complexity.sh [MAX_CC [MAX_LINES]]
set -u
cd "$(dirname "$0")/.."
max_cc=${1:-20}
max_lines=${2:-80}
if ! command -v pmccabe >/dev/null 2>&1; then
	echo "SKIPPED: pmccabe is not installed (scripts/install-deps.sh)"
	exit 0
fi
tmp=$(mktemp)
# shellcheck disable=SC2046
pmccabe $(git ls-files 'firmware/*.c' 'sim/*.c') 2>/dev/null |
	awk -v cc="$max_cc" -v ln="$max_lines" '$1 > cc || $5 > ln' >"$tmp"
rc=0
while read -r mcc _tcc _stm first nlines where; do
	file=${where%%(*}
	rest=${where#*(}
	line=${rest%%)*}
	func=${rest#*): }
	from=$((first > 6 ? first - 6 : 1))
	if sed -n "${from},${first}p" "$file" | grep -q 'complexity:'; then
		continue
	fi
	echo "$file:$line: $func has complexity $mcc and $nlines lines (limits $max_cc and $max_lines): split it, or say above it why its shape is essential ('complexity: ...')"
	rc=1
done <"$tmp"
rm -f "$tmp"
[ $rc = 0 ] && echo "complexity ok: every function in firmware/ and sim/ within $max_cc / $max_lines lines"
exit $rc
