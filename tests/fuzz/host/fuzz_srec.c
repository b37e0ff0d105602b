/* SPDX-License-Identifier: MIT */
/* Fuzz target: S-record parser; whatever parses must survive write + reparse unchanged. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "qh_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_image a, b;
	struct qh_error e = {0};
	uint8_t *text;
	size_t len;

	qh_image_init(&a);
	if (qh_parse_srec(data, size, "fuzz", &a, &e) == 0 &&
	    qh_write_srec(&a, &text, &len, &e) == 0) {
		qh_image_init(&b);
		if (qh_parse_srec(text, len, "again", &b, &e) != 0)
			abort();
		fuzz_check_same(&a, &b);
		qh_image_free(&b);
		free(text);
	}
	qh_image_free(&a);
	return 0;
}
