/* SPDX-License-Identifier: MIT */
#include "mem/region.h"

#include "common/compiler.h"
#include "common/err.h"

bool mem_region_page(const struct mem_region *r, uint32_t addr, uint32_t *page_base,
                     uint32_t *page_size, uint8_t *attr)
{
	if (addr < r->base || addr - r->base >= r->size)
		return false;
	uint32_t off = addr - r->base, start = 0;
	for (unsigned i = 0; i < r->nseg; i++) {
		uint32_t span = r->seg[i].count * r->seg[i].page_size;
		if (off < start + span) {
			uint32_t in = (off - start) / r->seg[i].page_size;
			if (page_base)
				*page_base = r->base + start + in * r->seg[i].page_size;
			if (page_size)
				*page_size = r->seg[i].page_size;
			if (attr)
				*attr = r->seg[i].attr;
			return true;
		}
		start += span;
	}
	return false;
}

uint8_t mem_region_attr_range(const struct mem_region *r, uint32_t addr, uint32_t len)
{
	uint8_t acc = MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE;
	if (len == 0)
		return 0;
	if (addr < r->base || addr - r->base >= r->size || len > r->size - (addr - r->base))
		return 0;
	uint32_t a = addr, end = addr + (len - 1u);
	for (;;) {
		uint32_t pb, ps;
		uint8_t at;
		if (!mem_region_page(r, a, &pb, &ps, &at))
			return 0;
		acc &= at;
		if (end - pb < ps) /* last byte is in this page */
			break;
		a = pb + ps;
	}
	return acc;
}

/* ---------------------------------------------------------- layout string */

struct sbuf {
	char *p;
	uint32_t len, cap;
	bool overflow;
};

static void put_c(struct sbuf *b, char c)
{
	if (b->len + 1u < b->cap)
		b->p[b->len++] = c;
	else
		b->overflow = true;
}

static void put_s(struct sbuf *b, const char *s)
{
	while (*s)
		put_c(b, *s++);
}

static void put_dec(struct sbuf *b, uint32_t v, unsigned min_digits)
{
	char tmp[10];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n < min_digits)
		tmp[n++] = '0';
	while (n)
		put_c(b, tmp[--n]);
}

static void put_hex32(struct sbuf *b, uint32_t v)
{
	static const char hex[] = "0123456789ABCDEF";
	put_s(b, "0x");
	for (int sh = 28; sh >= 0; sh -= 4)
		put_c(b, hex[(v >> sh) & 0xFu]);
}

/* DfuSe type letter: 'a' + (attr - 1) for the 7 combinations of r/e/w. */
static char type_letter(uint8_t attr)
{
	return (char)('a' + (attr & 7u) - 1);
}

/* Express a page size with a unit so that the number is <= 999. */
static bool size_unit(uint32_t size, uint32_t *num, char *unit)
{
	if (size % (1024u * 1024u) == 0 && size / (1024u * 1024u) <= 999u) {
		*num = size / (1024u * 1024u);
		*unit = 'M';
	} else if (size % 1024u == 0 && size / 1024u <= 999u) {
		*num = size / 1024u;
		*unit = 'K';
	} else if (size <= 999u) {
		*num = size;
		*unit = ' ';
	} else {
		return false;
	}
	return true;
}

#define LAYOUT_MAX_CHARS 126u /* dfu-util reads strings into 255 bytes */
#define LAYOUT_MAX_COUNT 999u /* fwupd's parser */

/* One zone: "/0xADDR/NN*SSSut,..." for segments [from, to). */
static int put_zone(struct sbuf *b, const struct mem_region *r, uint32_t addr, unsigned from,
                    unsigned to)
{
	put_c(b, '/');
	put_hex32(b, addr);
	put_c(b, '/');
	for (unsigned i = from; i < to; i++) {
		const struct mem_segment *s = &r->seg[i];
		uint32_t num;
		char unit;
		if (s->page_size == 0 || (s->page_size & (s->page_size - 1u)) != 0 ||
		    !size_unit(s->page_size, &num, &unit) || (s->attr & 7u) == 0)
			return QDFU_E_PARAM;
		/* runs longer than 999 pages are split into equal entries
		 * (1024 pages -> 512,512) */
		uint32_t parts = (s->count + LAYOUT_MAX_COUNT - 1u) / LAYOUT_MAX_COUNT;
		for (uint32_t left = s->count; left; parts--) {
			uint32_t n = (left + parts - 1u) / parts;
			if (b->p[b->len - 1u] != '/')
				put_c(b, ',');
			put_dec(b, n, 2);
			put_c(b, '*');
			put_dec(b, num, 1);
			put_c(b, unit);
			put_c(b, type_letter(s->attr));
			left -= n;
		}
	}
	return QDFU_OK;
}

/* fwupd 2.0 looks an address up in the sectors in the order of the string
 * and takes the first whose range holds it, end INCLUDED
 * (plugins/dfu/fu-dfu-target.c, fu_dfu_target_get_sector_for_addr): the
 * first writable page after read-only ones would be taken for the read-only
 * page before it ("memory sector at 0x8020000 is not writable"). Leading
 * read-only segments (the bootloader's sector) therefore come last, in a
 * zone of their own: "@Internal Flash  /0x08020000/15*128Kg/0x08000000/01*128Ka".
 * dfu-util, pydfu and libqdfu look zones up by address, in any order. */
static int put_zones(struct sbuf *b, const struct mem_region *r)
{
	unsigned lead = 0;
	uint32_t lead_span = 0;
	for (; lead < r->nseg && !(r->seg[lead].attr & MEM_ATTR_WRITE); lead++)
		lead_span += r->seg[lead].count * r->seg[lead].page_size;
	if (lead == r->nseg) { /* nothing writable: one zone */
		lead = 0;
		lead_span = 0;
	}
	int rc = put_zone(b, r, r->base + lead_span, lead, r->nseg);
	if (rc == QDFU_OK && lead)
		rc = put_zone(b, r, r->base, 0, lead);
	return rc;
}

int mem_region_layout2(const struct mem_region *first, const struct mem_region *r, char *buf,
                       uint32_t cap)
{
	struct sbuf b = {buf, 0, cap, false};
	if (!buf || cap == 0 || r->nseg == 0 || first->nseg == 0)
		return QDFU_E_PARAM;
	put_c(&b, '@');
	put_s(&b, r->name);
	int rc = put_zones(&b, first);
	if (rc == QDFU_OK)
		rc = put_zones(&b, r);
	if (rc != QDFU_OK || b.overflow || b.len > LAYOUT_MAX_CHARS)
		return QDFU_E_PARAM;
	buf[b.len] = '\0';
	return (int)b.len;
}

int mem_region_layout(const struct mem_region *r, char *buf, uint32_t cap)
{
	struct sbuf b = {buf, 0, cap, false};
	if (!buf || cap == 0 || r->nseg == 0)
		return QDFU_E_PARAM;
	put_c(&b, '@');
	put_s(&b, r->name);
	int rc = put_zones(&b, r);
	if (rc != QDFU_OK || b.overflow || b.len > LAYOUT_MAX_CHARS)
		return QDFU_E_PARAM;
	buf[b.len] = '\0';
	return (int)b.len;
}
