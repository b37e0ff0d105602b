#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian packages of `make deb`, unpacked into a scratch root (dpkg -x:
# no root, no container): the packaged qdfu prints its version and, under
# the packaged qdfu-sim, lists the simulated board. Skips (77) when
# build/deb/ holds no package (`make deb` builds them and runs this).
#   deb_check.sh SOURCE_DIR WORK
set -u
src=$1
work=$2
set -- "$src"/build/deb/qdfu_*.deb
[ -e "$1" ] || {
    echo "SKIP: no package in build/deb (run make deb)"
    exit 77
}
rm -rf "$work"
mkdir -p "$work/root"
for d in "$src"/build/deb/*.deb; do
    case $d in *dbgsym*) continue ;; esac
    dpkg -x "$d" "$work/root" || { echo "FAIL: dpkg -x $d"; exit 1; }
done
r=$work/root
"$r/usr/bin/qdfu" --version >"$work/v.log" 2>&1 || { echo "FAIL: $(cat "$work/v.log")"; exit 1; }
grep -q "^qdfu [0-9.]* (git " "$work/v.log" || { echo "FAIL: version: $(cat "$work/v.log")"; exit 1; }
"$r/usr/bin/qdfu-sim" --board portenta-h7 --state "$work/s" -- "$r/usr/bin/qdfu" list >"$work/l.log" 2>&1 ||
    { echo "FAIL: qdfu list: $(cat "$work/l.log")"; exit 1; }
grep -q "qdfu bootloader" "$work/l.log" || { echo "FAIL: list: $(cat "$work/l.log")"; exit 1; }
# the web flasher (docs/web.md): the installed `qdfu web` serves the installed page
/usr/bin/python3 "$src/tests/web/served_check.py" "$r/usr/bin/qdfu" >"$work/web.log" 2>&1 ||
    { echo "FAIL: $(cat "$work/web.log")"; exit 1; }
[ -e "$r/usr/include/qdfu.h" ] && ls "$r"/usr/lib/*/libqdfu.so.1 >/dev/null ||
    { echo "FAIL: library files missing"; exit 1; }
cat "$work/v.log"
echo "package ok"
