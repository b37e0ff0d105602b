#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages qdfu needs. Idempotent: installs only what is
# missing; does nothing when all is present.
#   install-deps.sh        everything to build, test and run the demo (default)
#   install-deps.sh tool   only what `make install` needs (the host tool,
#                          libqdfu and, with umockdev, qdfu-sim)
#   install-deps.sh deb    what `make deb` needs on top (Debian packaging tools)
#   install-deps.sh web    what `make web` needs (clang for wasm32-wasi: lld,
#                          wasi-libc, the wasm32 compiler-rt builtins)
set -eu

# clang, lld, wasi-libc and the wasm32 builtins: the web flasher's qdfu.wasm
# (docs/web.md), installed with the tool and served by `qdfu web`
TOOL="build-essential cmake pkg-config libusb-1.0-0-dev libumockdev-dev libglib2.0-dev
clang lld wasi-libc libclang-rt-14-dev-wasm32"
ALL="$TOOL ninja-build
libcmocka-dev
umockdev libumockdev0
dfu-util python3 python3-usb tmux fwupd
gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
qemu-system-arm
clang-format cppcheck pmccabe
nodejs chromium"
DEB="$TOOL umockdev debhelper lintian fakeroot dpkg-dev"
# The web flasher (docs/web.md): libqdfu for wasm32-wasi. `make test` also
# runs the page in Debian's chromium (ALL) and its wasm unit test in nodejs.
WEB="cmake clang lld wasi-libc libclang-rt-14-dev-wasm32"

case ${1:-all} in
all) PKGS=$ALL ;;
tool) PKGS=$TOOL ;;
deb) PKGS=$DEB ;;
web) PKGS=$WEB ;;
*)
    echo "usage: $0 [all|tool|deb|web]" >&2
    exit 2
    ;;
esac

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps: need root (or sudo) to install:$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
