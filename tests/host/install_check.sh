#!/bin/sh
# SPDX-License-Identifier: MIT
# `make install` as a user gets it, checked from the outside:
#   install_check.sh BUILD_DIR SOURCE_DIR WORK
# installs BUILD_DIR into WORK/root (DESTDIR), checks every installed file,
# that libqdfu exports only qdfu.h's functions, runs the installed qdfu
# (--version, and `list` under the installed qdfu-sim), then builds
# examples/libqdfu against the installed library through pkg-config (shared
# and static) and flashes a simulated board with it; the installed qdfu
# verifies what it wrote.
set -u
build=$1
src=$2
work=$3
fail() {
    echo "FAIL: $*"
    exit 1
}
rm -rf "$work"
mkdir -p "$work"
root=$work/root
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
DESTDIR=$root cmake --install "$build" >"$work/install.log" 2>&1 || fail "install: $(cat "$work/install.log")"
p=$root$prefix
for f in bin/qdfu bin/qdfu-sim libexec/qdfu/qdfu-sim libexec/qdfu/qdfu-sim-dwc2 \
    libexec/qdfu/libqdfu-vtime.so include/qdfu.h lib/pkgconfig/qdfu.pc lib/libqdfu.a \
    lib/libqdfu.so lib/libqdfu.so.1 share/man/man1/qdfu.1 share/man/man1/qdfu-sim.1 \
    lib/udev/rules.d/70-qdfu.rules share/bash-completion/completions/qdfu \
    libexec/qdfu/libqdfu-epoll.so share/qdfu/web/index.html share/qdfu/web/qdfu.wasm; do
    [ -e "$p/$f" ] || fail "not installed: $prefix/$f"
done
objdump -p "$p/lib/libqdfu.so.1" | grep -q 'SONAME *libqdfu.so.1' || fail "soname"
extra=$(nm -D --defined-only "$p/lib/libqdfu.so.1" | awk '{print $3}' | grep -v '^qdfu_')
[ -z "$extra" ] || fail "libqdfu exports more than qdfu.h: $extra"

"$p/bin/qdfu" --version >"$work/v.log" 2>&1 || fail "qdfu --version: $(cat "$work/v.log")"
grep -q "^qdfu [0-9.]* (git " "$work/v.log" || fail "version: $(cat "$work/v.log")"
"$p/bin/qdfu-sim" --board portenta-h7 --state "$work/s" -- "$p/bin/qdfu" list >"$work/l.log" 2>&1 ||
    fail "installed qdfu-sim + qdfu list: $(cat "$work/l.log")"
grep -q "qdfu bootloader" "$work/l.log" || fail "list: $(cat "$work/l.log")"
# the web flasher (docs/web.md): the installed `qdfu web` serves the installed page
/usr/bin/python3 "$src/tests/web/served_check.py" "$p/bin/qdfu" >"$work/web.log" 2>&1 ||
    { echo "FAIL: $(cat "$work/web.log")"; exit 1; }

# The example, outside the tree, through pkg-config (the .pc names the
# configured prefix: point it at the staging root).
cp "$src/examples/libqdfu/flash.c" "$src/examples/libqdfu/Makefile" "$work/"
PKG_CONFIG="pkg-config --define-variable=prefix=$p"
export PKG_CONFIG_PATH="$p/lib/pkgconfig"
make -C "$work" PKG_CONFIG="$PKG_CONFIG" CFLAGS="-O2 -Wall -Wextra -Werror" >"$work/make.log" 2>&1 ||
    fail "example build: $(cat "$work/make.log")"
head -c 6000 /dev/urandom >"$work/app.bin"
"$p/bin/qdfu-sim" --board portenta-h7 --state "$work/s" -- env LD_LIBRARY_PATH="$p/lib" \
    "$work/flash" "$work/app.bin@0x08020000" >"$work/flash.log" 2>&1 || fail "example: $(cat "$work/flash.log")"
grep -q "flashed: 6000 bytes written" "$work/flash.log" || fail "example: $(cat "$work/flash.log")"
"$p/bin/qdfu-sim" --board portenta-h7 --state "$work/s" -- "$p/bin/qdfu" verify \
    "$work/app.bin@0x08020000" >"$work/verify.log" 2>&1 || fail "verify after the example: $(cat "$work/verify.log")"
# statically linked, the same program refuses a file that is not there
mv "$work/flash" "$work/flash.shared"
make -C "$work" PKG_CONFIG="$PKG_CONFIG" STATIC=1 >"$work/make2.log" 2>&1 ||
    fail "static example build: $(cat "$work/make2.log")"
"$work/flash" "$work/missing.hex" >"$work/missing.log" 2>&1 && fail "missing file accepted"
grep -q "missing.hex" "$work/missing.log" || fail "message: $(cat "$work/missing.log")"
echo "install ok: $prefix"
