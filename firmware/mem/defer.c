/* SPDX-License-Identifier: MIT */
#include "mem/defer.h"

#include <string.h>

#include "common/compiler.h"

/* coverage of a page is one 32-bit word: at most 32 granules */
#define MAX_PAGE (32u * MEM_DEFER_GRAN)

QDFU_STATIC_ASSERT(MEM_DEFER_PAGES % 8u == 0, "whole bytes of pending bits");

/* Internal flash: every page one size, and a staging buffer that holds a
 * page (its right granules are kept there while it is erased). */
static void init_staged(struct mem_defer *d, struct mem_region *r)
{
	uint32_t page = r->seg[0].page_size, count = 0;
	bool erasable = false;
	for (unsigned i = 0; i < r->nseg; i++) {
		if (r->seg[i].page_size != page)
			return;
		erasable = erasable || (r->seg[i].attr & MEM_ATTR_ERASE);
		count += r->seg[i].count;
	}
	if (!erasable || page > MAX_PAGE || page % MEM_DEFER_GRAN || r->stage_size < page)
		return;
	d->r = r;
	d->base = r->base;
	d->page = page;
	d->unit = page;
	d->npages = QDFU_MIN(count, MEM_DEFER_PAGES);
}

void mem_defer_init(struct mem_defer *d, struct mem_region *r)
{
	memset(d, 0, sizeof(*d));
	d->cur = MEM_DEFER_NONE;
	if (r && r->stage && r->erase_unit == 0 && r->nseg) {
		init_staged(d, r);
		return;
	}
	if (!r || r->erase_unit == 0 || r->program_unit > 1u || r->nseg == 0)
		return;
	const struct mem_segment *s = &r->seg[0];
	uint32_t unit = r->erase_unit;
	/* a unit holds one or two granules: a partly right unit keeps at
	 * most one granule aside while it is erased (mem.c keep buffer) */
	if (s->page_size > MAX_PAGE || s->page_size % unit || unit % MEM_DEFER_GRAN ||
	    unit > 2u * MEM_DEFER_GRAN || !(s->attr & MEM_ATTR_ERASE))
		return;
	d->r = r;
	d->base = r->base;
	d->page = s->page_size;
	d->unit = unit;
	d->npages = QDFU_MIN(s->count, MEM_DEFER_PAGES);
}

uint32_t mem_defer_index(const struct mem_defer *d, const struct mem_region *r, uint32_t addr)
{
	if (!d->r || r != d->r || addr < d->base)
		return MEM_DEFER_NONE;
	uint32_t idx = (addr - d->base) / d->page;
	return idx < d->npages ? idx : MEM_DEFER_NONE;
}

bool mem_defer_is_pending(const struct mem_defer *d, uint32_t idx)
{
	return idx < d->npages && (d->pending[idx / 8u] & (1u << (idx % 8u)));
}

void mem_defer_set_pending(struct mem_defer *d, uint32_t idx, bool on)
{
	if (idx >= d->npages)
		return;
	if (on)
		d->pending[idx / 8u] |= (uint8_t)(1u << (idx % 8u));
	else
		d->pending[idx / 8u] &= (uint8_t) ~(1u << (idx % 8u));
	if (d->cur == idx) { /* a new erase or a finished page: forget */
		d->cur = MEM_DEFER_NONE;
		d->covered = 0;
	}
	for (unsigned i = 0; i < d->nahead; i++)
		if (d->ahead[i].idx == idx) {
			d->ahead[i] = d->ahead[--d->nahead];
			break;
		}
}

uint32_t mem_defer_any(const struct mem_defer *d)
{
	if (d->cur != MEM_DEFER_NONE && mem_defer_is_pending(d, d->cur))
		return d->cur;
	for (uint32_t i = 0; i < (d->npages + 7u) / 8u; i++)
		if (d->pending[i])
			for (uint32_t b = 0; b < 8u; b++)
				if (d->pending[i] & (1u << b))
					return i * 8u + b;
	return MEM_DEFER_NONE;
}

uint32_t mem_defer_coverage(const struct mem_defer *d, uint32_t idx)
{
	uint32_t bits = idx == d->cur ? d->covered : 0u;
	for (unsigned i = 0; i < d->nahead; i++)
		if (d->ahead[i].idx == idx)
			bits |= d->ahead[i].bits;
	return bits;
}

/* The whole granules of page idx inside [addr, addr + len). */
static uint32_t granules_in(const struct mem_defer *d, uint32_t idx, uint32_t addr, uint32_t len)
{
	uint32_t page = mem_defer_page_addr(d, idx), bits = 0;
	uint32_t from = addr - page, to = from + len;
	for (uint32_t g = 0; g * MEM_DEFER_GRAN < d->page; g++) {
		uint32_t gs = g * MEM_DEFER_GRAN;
		if (gs >= from && gs + MEM_DEFER_GRAN <= to)
			bits |= 1u << g;
	}
	return bits;
}

void mem_defer_cover(struct mem_defer *d, uint32_t idx, uint32_t addr, uint32_t len)
{
	if (idx >= d->npages)
		return;
	if (d->cur != idx) {
		d->cur = idx;
		d->covered = 0;
	}
	d->covered |= granules_in(d, idx, addr, len);
}

bool mem_defer_cover_ahead(struct mem_defer *d, uint32_t idx, uint32_t addr, uint32_t len)
{
	if (idx >= d->npages)
		return false;
	if (idx == d->cur) {
		mem_defer_cover(d, idx, addr, len);
		return true;
	}
	unsigned i = 0;
	while (i < d->nahead && d->ahead[i].idx != idx)
		i++;
	if (i == d->nahead) {
		if (d->nahead == MEM_DEFER_AHEAD)
			return false;
		d->ahead[d->nahead].idx = idx;
		d->ahead[d->nahead++].bits = 0;
	}
	d->ahead[i].bits |= granules_in(d, idx, addr, len);
	return true;
}

uint32_t mem_defer_page_addr(const struct mem_defer *d, uint32_t idx)
{
	return d->base + idx * d->page;
}
