# SPDX-License-Identifier: MIT
# Short commands. Each target installs the Debian packages it needs first
# (scripts/install-deps.sh is idempotent and quiet when nothing is missing).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=
# BOARD_FILE=path/to/my_board.c adds an out-of-tree board description to
# `make build` (qdfu-sim --board my_board) and `make firmware`
# (build/my_board/qdfu-my_board.*); it stays configured until BOARD_FILE= (empty).
# See docs/porting.md.
board_file_arg = -DQDFU_BOARD_FILE=$(if $(BOARD_FILE),$(abspath $(BOARD_FILE)),)

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build firmware test demo bench fuzz soak format lint clean release install deb web

all: build

deps:
	@./scripts/install-deps.sh

build/host/CMakeCache.txt: | deps
	cmake --preset host >/dev/null

build/arm/CMakeCache.txt: | deps
	cmake --preset arm >/dev/null

# Host side: build/host/qdfu, build/host/qdfu-sim and the tests.
build: deps build/host/CMakeCache.txt
	$(if $(filter undefined,$(origin BOARD_FILE)),,cmake --preset host $(board_file_arg) >/dev/null)
	cmake --build --preset host -j $(JOBS)

# Every board's bootloader into build/<board>/ (.elf, .hex, .bin), each board
# description checked first.
firmware: deps build/arm/CMakeCache.txt
	$(if $(filter undefined,$(origin BOARD_FILE)),,cmake --preset arm $(board_file_arg) >/dev/null)
	cmake --build --preset arm -j $(JOBS)

# The web flasher into build/web/ (docs/web.md): libqdfu compiled to
# WebAssembly (qdfu.wasm), the page, and the flasher images `make firmware`
# built (for boards in ST's ROM DFU mode). Serve it with `qdfu web`.
web: deps build/host/CMakeCache.txt
	cmake --build --preset host --target web
	rm -rf build/web
	cp -r build/host/web build/web
	mkdir -p build/web/flashers
	for f in build/*/qdfu-flasher-*.bin; do [ ! -f "$$f" ] || cp "$$f" build/web/flashers/; done

# The Debian packages too (make deb, about 20 s): host_deb installs them into
# a scratch root and runs them.
test: build firmware deb
	ctest --test-dir build/host --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build firmware
	./scripts/demo.sh

bench: deps
	cmake --preset host-release >/dev/null
	cmake --build --preset host-release -j $(JOBS)
	./bench/run.sh

fuzz: build
	./scripts/fuzz.sh

# 10,000 power cuts at random moments of updates by every client, on the
# real firmware and chip models (tests/reliability; make test runs 504).
SOAK_CUTS ?= 10000
SOAK_SEED ?= 1
soak: build
	./build/host/tests/rel_campaign --cuts $(SOAK_CUTS) --seed $(SOAK_SEED) --table

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

lint: build
	./scripts/lint.sh

# For users: optimised, no sanitizers, no tests, warnings not fatal
# (build/release); `make install PREFIX=/usr DESTDIR=/tmp/root` stages it.
release:
	@./scripts/install-deps.sh tool
	cmake --preset release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build --preset release -j $(JOBS)

install: release
	DESTDIR=$(DESTDIR) cmake --install build/release

# Debian packages (qdfu, libqdfu1, libqdfu-dev) built with dpkg-buildpackage
# from a copy of the tree in build/deb/, then checked with lintian.
deb:
	@./scripts/install-deps.sh deb
	./scripts/make-deb.sh

clean:
	rm -rf build
