/* SPDX-License-Identifier: MIT */
#include "qh_memmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEMS 8

int qh_memmap_add(struct qh_memmap *m, uint8_t alt, const struct qh_layout *l, int excluded,
                  struct qh_error *e)
{
	for (unsigned z = 0; z < l->nzones; z++) {
		struct qh_region *r;
		if (m->n == QH_MAP_MAX_REGIONS)
			return qh_fail(e, QH_E_UNSUPPORTED, "too many memory regions");
		r = &m->r[m->n++];
		memset(r, 0, sizeof(*r));
		r->alt = alt;
		snprintf(r->name, sizeof(r->name), "%s", l->name);
		r->excluded = excluded;
		r->zone = l->z[z];
	}
	return QH_OK;
}

static int zone_page(const struct qh_layout_zone *z, uint32_t addr, uint32_t *pbase,
                     uint32_t *psize, uint8_t *attr)
{
	uint64_t base = z->base;

	if (addr < z->base || addr >= (uint64_t)z->base + z->size)
		return 0;
	for (unsigned g = 0; g < z->ngroups; g++) {
		uint64_t span = (uint64_t)z->g[g].count * z->g[g].size;
		if (addr < base + span) {
			uint64_t idx = (addr - base) / z->g[g].size;
			*pbase = (uint32_t)(base + idx * z->g[g].size);
			*psize = z->g[g].size;
			*attr = z->g[g].attr;
			return 1;
		}
		base += span;
	}
	return 0;
}

int qh_memmap_find(const struct qh_memmap *m, uint32_t addr, uint32_t *page_base,
                   uint32_t *page_size, uint8_t *attr)
{
	for (unsigned i = 0; i < m->n; i++)
		if (zone_page(&m->r[i].zone, addr, page_base, page_size, attr))
			return (int)i;
	return -1;
}

/* Start of the first region above addr, or 2^32. */
static uint64_t next_region_start(const struct qh_memmap *m, uint32_t addr)
{
	uint64_t best = 0x100000000ull;

	for (unsigned i = 0; i < m->n; i++)
		if (m->r[i].zone.base > addr && m->r[i].zone.base < best)
			best = m->r[i].zone.base;
	return best;
}

struct planner {
	const struct qh_memmap *m;
	struct qh_plan *p;
	struct qh_error *e;
	unsigned problems;
	char msg[QH_ERR_MSG_LEN - 160];
	size_t chunk_cap, page_cap;
};

static void problem(struct planner *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct planner *pl, const char *fmt, ...)
{
	size_t used = strlen(pl->msg), room = sizeof(pl->msg) - used;
	va_list ap;
	int n;

	pl->problems++;
	if (pl->problems > MAX_PROBLEMS) {
		if (pl->problems == MAX_PROBLEMS + 1)
			snprintf(pl->msg + used, room, "\n  ... and more");
		return;
	}
	n = snprintf(pl->msg + used, room, "%s  ", used ? "\n" : "");
	if (n < 0 || (size_t)n >= room)
		return;
	va_start(ap, fmt);
	vsnprintf(pl->msg + used + n, room - (size_t)n, fmt, ap);
	va_end(ap);
}

static int add_chunk(struct planner *pl, unsigned region, uint32_t addr, uint32_t len,
                     const uint8_t *data)
{
	struct qh_plan *p = pl->p;
	struct qh_chunk *last = p->nchunk ? &p->chunk[p->nchunk - 1] : NULL;

	p->bytes += len;
	if (last && last->region == region && (uint64_t)last->addr + last->len == addr &&
	    last->data + last->len == data) {
		last->len += len;
		return QH_OK;
	}
	if (p->nchunk == pl->chunk_cap) {
		size_t cap = pl->chunk_cap ? pl->chunk_cap * 2 : 16;
		struct qh_chunk *c = realloc(p->chunk, cap * sizeof(*c));
		if (!c)
			return qh_fail(pl->e, QH_E_NOMEM, "out of memory");
		p->chunk = c;
		pl->chunk_cap = cap;
	}
	p->chunk[p->nchunk++] = (struct qh_chunk){region, addr, len, data};
	return QH_OK;
}

static int add_page(struct planner *pl, unsigned region, uint32_t addr, uint32_t size,
                    uint32_t covered)
{
	struct qh_plan *p = pl->p;

	if (p->npage && p->page[p->npage - 1].addr == addr) {
		p->page[p->npage - 1].covered += covered; /* two segments in one page */
		return QH_OK;
	}
	if (p->npage == pl->page_cap) {
		size_t cap = pl->page_cap ? pl->page_cap * 2 : 16;
		struct qh_page *c = realloc(p->page, cap * sizeof(*c));
		if (!c)
			return qh_fail(pl->e, QH_E_NOMEM, "out of memory");
		p->page = c;
		pl->page_cap = cap;
	}
	p->page[p->npage++] = (struct qh_page){region, addr, size, covered, 0};
	p->erase_bytes += size;
	return QH_OK;
}

static void region_desc(const struct qh_region *r, char *buf, size_t len)
{
	snprintf(buf, len, "'%s' (alt %u, 0x%08X-0x%08llX)", r->name, r->alt,
	         (unsigned)r->zone.base, (unsigned long long)(r->zone.base + r->zone.size - 1));
}

/* Bytes [a, end) fall in no region. prev is the region the segment was in
 * just before a (-1 if none): then the data runs past that region's end. */
static uint64_t unmapped_run(struct planner *pl, uint64_t a, uint64_t end, int prev)
{
	uint64_t stop = next_region_start(pl->m, (uint32_t)a);

	if (stop > end)
		stop = end;
	if (prev >= 0) {
		char rd[200];
		region_desc(&pl->m->r[prev], rd, sizeof(rd));
		problem(pl,
		        "0x%08llX-0x%08llX: the data runs %llu bytes past the end of %s: the image "
		        "is too large for that memory",
		        (unsigned long long)a, (unsigned long long)stop - 1,
		        (unsigned long long)(stop - a), rd);
	} else {
		problem(pl,
		        "0x%08llX-0x%08llX (%llu bytes): not in any memory region of the device "
		        "(check the link address of the program)",
		        (unsigned long long)a, (unsigned long long)stop - 1,
		        (unsigned long long)(stop - a));
	}
	return stop;
}

static int plan_segment(struct planner *pl, const struct qh_seg *s)
{
	uint64_t a = s->addr, end = (uint64_t)s->addr + s->len;
	int prev = -1;

	while (a < end) {
		uint32_t pbase, psize;
		uint8_t attr;
		int ri = qh_memmap_find(pl->m, (uint32_t)a, &pbase, &psize, &attr);
		const struct qh_region *r;
		uint64_t pend, stop;
		char rd[200];

		if (ri < 0) {
			a = unmapped_run(pl, a, end, prev);
			prev = -1;
			continue;
		}
		r = &pl->m->r[ri];
		pend = (uint64_t)pbase + psize;
		stop = pend < end ? pend : end;
		region_desc(r, rd, sizeof(rd));
		if (r->excluded) {
			uint64_t zend = r->zone.base + r->zone.size;
			stop = zend < end ? zend : end;
			problem(pl, "0x%08llX-0x%08llX: falls in %s, which qdfu never writes",
			        (unsigned long long)a, (unsigned long long)stop - 1, rd);
		} else if (!(attr & QH_ATTR_WRITE)) {
			problem(pl,
			        "0x%08llX-0x%08llX: page 0x%08X (%u bytes) of %s is read-only "
			        "(type '%s'); on qdfu this is the bootloader's own sector or the "
			        "boot journal: link the application elsewhere",
			        (unsigned long long)a, (unsigned long long)stop - 1,
			        (unsigned)pbase, (unsigned)psize, rd, qh_attr_str(attr));
		} else {
			int rc = add_chunk(pl, (unsigned)ri, (uint32_t)a, (uint32_t)(stop - a),
			                   s->data + (a - s->addr));
			if (rc == 0 && (attr & QH_ATTR_ERASE))
				rc = add_page(pl, (unsigned)ri, pbase, psize, (uint32_t)(stop - a));
			if (rc)
				return rc;
		}
		prev = ri;
		a = stop;
	}
	return QH_OK;
}

int qh_plan_build(const struct qh_memmap *m, const struct qh_image *img, struct qh_plan *p,
                  struct qh_error *e)
{
	struct planner pl = {.m = m, .p = p, .e = e};

	memset(p, 0, sizeof(*p));
	if (m->n == 0)
		return qh_fail(e, QH_E_MAP, "the device has no memory map (no DfuSe layout)");
	for (size_t i = 0; i < img->n; i++) {
		int rc = plan_segment(&pl, &img->seg[i]);
		if (rc) {
			qh_plan_free(p);
			return rc;
		}
	}
	for (size_t i = 0; i < p->npage; i++)
		p->partial_pages += p->page[i].covered < p->page[i].size;
	if (pl.problems) {
		qh_plan_free(p);
		qh_fail(e, QH_E_MAP,
		        "the image does not fit the device's memory (nothing was "
		        "erased or written):\n%s",
		        pl.msg);
		return QH_E_MAP;
	}
	return QH_OK;
}

void qh_plan_free(struct qh_plan *p)
{
	free(p->chunk);
	free(p->page);
	memset(p, 0, sizeof(*p));
}
