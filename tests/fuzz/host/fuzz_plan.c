/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the image-vs-memory-map checker. Input: a layout string up to
 * the first newline, then 8-byte records (u32 address, u16 length, u16
 * fill) building an image. Properties of an accepted plan: every byte is
 * written exactly once, each chunk stays in one region in writeable pages,
 * and the page list is ascending without duplicates.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "qh_memmap.h"

static void check_plan(const struct qh_memmap *m, const struct qh_image *img,
                       const struct qh_plan *p)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *c = &p->chunk[i];
		uint32_t pb, ps;
		uint8_t attr;
		int r1 = qh_memmap_find(m, c->addr, &pb, &ps, &attr);
		int r2 = qh_memmap_find(m, c->addr + c->len - 1, &pb, &ps, &attr);
		if (c->len == 0 || r1 < 0 || r1 != r2 || (unsigned)r1 != c->region)
			abort();
		for (uint64_t a = c->addr; a < (uint64_t)c->addr + c->len; a = (uint64_t)pb + ps) {
			if (qh_memmap_find(m, (uint32_t)a, &pb, &ps, &attr) < 0 ||
			    !(attr & QH_ATTR_WRITE))
				abort();
		}
		sum += c->len;
	}
	if (sum != qh_image_bytes(img) || sum != p->bytes)
		abort();
	for (size_t i = 1; i < p->npage; i++)
		if (p->page[i].addr <= p->page[i - 1].addr)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct qh_memmap *m = calloc(1, sizeof(*m));
	struct qh_layout l;
	struct qh_image img;
	struct qh_plan p;
	struct qh_error e = {0};
	char layout[256];
	size_t llen, pos;
	static uint8_t fill[65536];

	if (!m || !nl || (size_t)(nl - data) >= sizeof(layout)) {
		free(m);
		return 0;
	}
	llen = (size_t)(nl - data);
	memcpy(layout, data, llen);
	layout[llen] = '\0';
	if (qh_layout_parse(layout, &l, NULL) != 0 || qh_memmap_add(m, 0, &l, 0, NULL) != 0) {
		free(m);
		return 0;
	}
	qh_image_init(&img);
	for (pos = llen + 1; pos + 8 <= size; pos += 8) {
		uint32_t addr = (uint32_t)data[pos] | (uint32_t)data[pos + 1] << 8 |
		                (uint32_t)data[pos + 2] << 16 | (uint32_t)data[pos + 3] << 24;
		uint16_t len = (uint16_t)(data[pos + 4] | data[pos + 5] << 8);
		memset(fill, data[pos + 6], len);
		if (qh_image_add(&img, addr, fill, len, "fuzz", NULL) != 0)
			break;
	}
	fuzz_check_sorted(&img);
	if (img.n && qh_plan_build(m, &img, &p, &e) == 0) {
		check_plan(m, &img, &p);
		qh_plan_free(&p);
	}
	qh_image_free(&img);
	free(m);
	return 0;
}
