/* SPDX-License-Identifier: MIT */
/* Fuzz target: ELF32 program-header loader. */
#include "fuzz_common.h"
#include "qh_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_image img;
	struct qh_error e = {0};

	qh_image_init(&img);
	if (qh_parse_elf(data, size, "fuzz", &img, &e) == 0)
		fuzz_check_sorted(&img);
	qh_image_free(&img);
	return 0;
}
