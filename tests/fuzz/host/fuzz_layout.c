/* SPDX-License-Identifier: MIT */
/* Fuzz target: DfuSe layout-string parser and lint, plus the map lookup. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "qh_layout.h"
#include "qh_memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), msg[512];
	struct qh_layout l;
	struct qh_memmap *m = calloc(1, sizeof(*m));
	struct qh_error e = {0};

	if (!s || !m) {
		free(s);
		free(m);
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	if (qh_layout_parse(s, &l, &e) == 0 && qh_memmap_add(m, 0, &l, 0, &e) == 0) {
		for (unsigned z = 0; z < l.nzones; z++) {
			uint32_t pb, ps;
			uint8_t attr;
			uint64_t last = l.z[z].base + l.z[z].size - 1;
			/* every zone's first and last byte must be found in a page holding them */
			if (qh_memmap_find(m, l.z[z].base, &pb, &ps, &attr) < 0 ||
			    qh_memmap_find(m, (uint32_t)last, &pb, &ps, &attr) < 0 || pb > last ||
			    (uint64_t)pb + ps <= last)
				abort();
		}
	}
	(void)qh_layout_lint(s, msg, sizeof(msg));
	free(s);
	free(m);
	return 0;
}
