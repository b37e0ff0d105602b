#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages qdfu needs to build, test and run the demo.
# Idempotent: installs only what is missing; does nothing when all is present.
set -eu

PKGS="build-essential cmake pkg-config ninja-build
libusb-1.0-0-dev libcmocka-dev
umockdev libumockdev-dev libumockdev0 libglib2.0-dev
dfu-util python3 python3-usb fwupd
gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
qemu-system-arm
clang clang-format cppcheck pmccabe"

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
