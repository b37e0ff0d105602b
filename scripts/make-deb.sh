#!/bin/sh
# SPDX-License-Identifier: MIT
# `make deb`: the Debian packages from the current tree (committed or not),
# built by dpkg-buildpackage in build/deb/src (its outputs land in build/deb/),
# then lintian, which must report no errors.
set -eu
cd "$(dirname "$0")/.."
out=build/deb
rm -rf "$out"
mkdir -p "$out/src"
# the tree as git sees it (tracked and new files, no build outputs)
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$out/src" 2>/dev/null ||
    git ls-files -co --exclude-standard | while read -r f; do
        [ -e "$f" ] && cp --parents "$f" "$out/src"
    done
# `qdfu --version` in the package names the commit it was built from
QDFU_GIT_DESCRIBE=$(git describe --always --dirty --tags 2>/dev/null || echo unknown)
export QDFU_GIT_DESCRIBE
(cd "$out/src" && dpkg-buildpackage -us -uc -b -j2) >"$out/build.log" 2>&1 || {
    tail -40 "$out/build.log"
    echo "make deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
    exit 1
}
ls "$out"/*.deb
# lintian: errors fail the build; warnings are printed
lintian --fail-on error "$out"/*.changes
sh tests/host/deb_check.sh "$PWD" "$out/check"
