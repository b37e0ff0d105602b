/* SPDX-License-Identifier: MIT */
/* Fuzz target: DfuSe file parser; a parsed file written again must parse the same. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "qh_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_dfuse_file *f = calloc(2, sizeof(*f));
	struct qh_error e = {0};
	uint8_t *out;
	size_t len;

	if (!f)
		return 0;
	if (qh_parse_dfuse(data, size, "fuzz", &f[0], &e) == 0 &&
	    qh_write_dfuse(&f[0], &out, &len, &e) == 0) {
		if (qh_parse_dfuse(out, len, "again", &f[1], &e) != 0 ||
		    f[1].ntargets != f[0].ntargets)
			abort();
		for (unsigned i = 0; i < f[0].ntargets; i++)
			fuzz_check_same(&f[0].t[i].img, &f[1].t[i].img);
		free(out);
	}
	qh_dfuse_free(&f[0]);
	qh_dfuse_free(&f[1]);
	free(f);
	return 0;
}
