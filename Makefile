# SPDX-License-Identifier: MIT
# Short commands. Each target installs the Debian packages it needs first
# (scripts/install-deps.sh is idempotent and quiet when nothing is missing).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

.PHONY: all deps build firmware test demo bench fuzz soak format lint clean

all: build

deps:
	@./scripts/install-deps.sh

build/host/CMakeCache.txt: | deps
	cmake --preset host >/dev/null

build/arm/CMakeCache.txt: | deps
	cmake --preset arm >/dev/null

# Host side: build/host/qdfu, build/host/qdfu-sim and the tests.
build: deps build/host/CMakeCache.txt
	cmake --build --preset host -j $(JOBS)

# Every board's bootloader into build/<board>/ (.elf, .hex, .bin).
firmware: deps build/arm/CMakeCache.txt
	cmake --build --preset arm -j $(JOBS)

test: build firmware
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

clean:
	rm -rf build
