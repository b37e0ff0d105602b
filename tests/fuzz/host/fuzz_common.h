/* SPDX-License-Identifier: MIT */
/* Shared checks for the fuzz targets: a violated property aborts (a crash
 * for libFuzzer, a failed test for the corpus replay). */
#ifndef QDFU_FUZZ_COMMON_H
#define QDFU_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qh_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Segments sorted, non-empty, neither overlapping nor touching. */
static inline void fuzz_check_sorted(const struct qh_image *img)
{
	for (size_t i = 0; i < img->n; i++) {
		if (img->seg[i].len == 0)
			abort();
		if (i && (uint64_t)img->seg[i - 1].addr + img->seg[i - 1].len >= img->seg[i].addr)
			abort();
	}
}

static inline void fuzz_check_same(const struct qh_image *a, const struct qh_image *b)
{
	fuzz_check_sorted(a);
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++)
		if (a->seg[i].addr != b->seg[i].addr || a->seg[i].len != b->seg[i].len ||
		    memcmp(a->seg[i].data, b->seg[i].data, a->seg[i].len) != 0)
			abort();
}

#endif
