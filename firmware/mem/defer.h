/* SPDX-License-Identifier: MIT */
/*
 * Deferred erase bookkeeping (docs/decisions/deferred-erase.md). In a
 * region whose backend can erase parts of a page (NOR: erase_unit), a
 * client's page erase is only remembered ("pending"); the page is erased
 * when data for it arrives and differs from what is stored, and then only
 * the units that do not already hold the right data. For the page being
 * written, `covered` records which 4 KiB granules were found to hold the
 * new data already. A region whose smallest erase is its page (internal
 * flash) is deferred the same way when it has a staging buffer for the
 * right part of a page (mem_region.stage). Pure data: the engine (mem.c) does the flash work.
 */
#ifndef QDFU_MEM_DEFER_H
#define QDFU_MEM_DEFER_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/region.h"

#define MEM_DEFER_PAGES 1024u
#define MEM_DEFER_GRAN  4096u /* coverage granule: one DFU block */
#define MEM_DEFER_NONE  0xFFFFFFFFu
/* pages other than cur with granules found right ahead of the engine (a
 * block dismissed during an erase: mem_dismiss) */
#define MEM_DEFER_AHEAD 16u

struct mem_defer {
	struct mem_region *r; /* NULL: no region defers */
	uint32_t base;        /* address of page 0 (first segment) */
	uint32_t page, npages, unit;
	uint8_t pending[MEM_DEFER_PAGES / 8u];
	uint32_t cur;     /* page whose coverage is known, or MEM_DEFER_NONE */
	uint32_t covered; /* granules of cur that hold the right data */
	struct {
		uint32_t idx, bits;
	} ahead[MEM_DEFER_AHEAD]; /* the same for other pending pages */
	unsigned nahead;
};

/* Take r's first segment if its backend can erase units of a page and the
 * numbers fit the bookkeeping; or, for a region with a staging buffer
 * (r->stage) whose pages are all of one size, every page (the unit is then
 * the page itself). Otherwise nothing is deferred. */
void mem_defer_init(struct mem_defer *d, struct mem_region *r);
/* Index of the deferrable page holding addr, or MEM_DEFER_NONE. */
uint32_t mem_defer_index(const struct mem_defer *d, const struct mem_region *r, uint32_t addr);
bool mem_defer_is_pending(const struct mem_defer *d, uint32_t idx);
void mem_defer_set_pending(struct mem_defer *d, uint32_t idx, bool on);
/* Any page pending: index of one, else MEM_DEFER_NONE. */
uint32_t mem_defer_any(const struct mem_defer *d);
/* Coverage of page idx: cur's, and what was found right ahead of it. */
uint32_t mem_defer_coverage(const struct mem_defer *d, uint32_t idx);
/* Mark [addr, addr + len) of page idx as holding the right data; only
 * whole granules count. Makes idx the current page. */
void mem_defer_cover(struct mem_defer *d, uint32_t idx, uint32_t addr, uint32_t len);
/* Mark [addr, addr + len) of pending page idx as holding the right data
 * without making it the current page (cur is left as it is). False when
 * the table of such pages is full: nothing is recorded. */
bool mem_defer_cover_ahead(struct mem_defer *d, uint32_t idx, uint32_t addr, uint32_t len);
/* Address of page idx. */
uint32_t mem_defer_page_addr(const struct mem_defer *d, uint32_t idx);

#endif
