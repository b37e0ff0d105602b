/* SPDX-License-Identifier: MIT */
/*
 * The replay side of the firmware fuzz targets (built without libFuzzer):
 * run LLVMFuzzerTestOneInput on every file named on the command line, and
 * the generator of their seeded random runs.
 */
#ifndef QDFU_TESTS_FUZZ_CORE_REPLAY_FILES_H
#define QDFU_TESTS_FUZZ_CORE_REPLAY_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seeded random runs' generator (xorshift32; state never 0). */
static inline uint32_t replay_xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* 0 when every file was run, 2 when one could not be opened. Files longer
 * than cap are cut to cap bytes, as libFuzzer's -max_len would. */
static inline int replay_files(int argc, char **argv, uint8_t *buf, size_t cap)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			fprintf(stderr, "%s: cannot open %s\n", argv[0], argv[i]);
			return 2;
		}
		size_t n = fread(buf, 1, cap, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}

#endif
