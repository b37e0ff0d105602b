/* SPDX-License-Identifier: MIT */
/*
 * A device's memory map (the zones of every alt's layout) and the flash
 * plan: an image checked against the map BEFORE anything is touched, then
 * split into per-region write chunks and the list of pages to erase.
 */
#ifndef QH_MEMMAP_H
#define QH_MEMMAP_H

#include <stdint.h>

#include "qh_err.h"
#include "qh_image.h"
#include "qh_layout.h"

#define QH_MAP_MAX_REGIONS 32

struct qh_region {
	uint8_t alt;
	char name[QH_LAYOUT_NAME_LEN];
	int excluded; /* never written by qdfu (option bytes, OTP) */
	struct qh_layout_zone zone;
};

struct qh_memmap {
	unsigned n;
	struct qh_region r[QH_MAP_MAX_REGIONS];
};

/* Add every zone of l, presented by alternate setting alt. */
int qh_memmap_add(struct qh_memmap *m, uint8_t alt, const struct qh_layout *l, int excluded,
                  struct qh_error *e);
/* Index of the region holding addr (-1 if none); page base, size and
 * attributes of its page. */
int qh_memmap_find(const struct qh_memmap *m, uint32_t addr, uint32_t *page_base,
                   uint32_t *page_size, uint8_t *attr);

struct qh_chunk {
	unsigned region;
	uint32_t addr;
	uint32_t len;
	const uint8_t *data; /* points into the image */
};

struct qh_page {
	unsigned region;
	uint32_t addr;
	uint32_t size;
	uint32_t covered; /* bytes of the page the image writes */
	/* set by qh_op_program: the device's CRC showed the page already holds
	 * what flashing gives it, so nothing was written there and
	 * qh_op_verify's device CRC leaves it out */
	uint8_t proven;
};

struct qh_plan {
	struct qh_chunk *chunk;
	size_t nchunk;
	struct qh_page *page; /* erasable pages the image touches, ascending */
	size_t npage;
	uint64_t bytes;
	uint64_t erase_bytes;
	size_t partial_pages; /* erased pages the image covers only partly */
};

/* Check img against m and build the plan. On QH_E_MAP the message lists
 * every problem (up to a limit): unmapped ranges, read-only pages, data
 * past a region's end, regions qdfu does not write. */
int qh_plan_build(const struct qh_memmap *m, const struct qh_image *img, struct qh_plan *p,
                  struct qh_error *e);
void qh_plan_free(struct qh_plan *p);

#endif
