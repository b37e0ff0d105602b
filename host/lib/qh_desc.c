/* SPDX-License-Identifier: MIT */
#include "qh_desc.h"

#include <string.h>

#include "qdfu_h7_ram.h"
#include "qh_crc32.h"

#define VTOR_ALIGN QDFU_H7_VTOR_ALIGN

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

int qh_plan_touches(const struct qh_plan *p, uint32_t addr, uint32_t len)
{
	uint64_t end = (uint64_t)addr + len;

	for (size_t i = 0; i < p->npage; i++)
		if (p->page[i].addr < end && addr < (uint64_t)p->page[i].addr + p->page[i].size)
			return 1;
	for (size_t i = 0; i < p->nchunk; i++)
		if (p->chunk[i].addr < end && addr < (uint64_t)p->chunk[i].addr + p->chunk[i].len)
			return 1;
	return 0;
}

static int sp_ok(uint32_t sp)
{
	return qdfu_h7_sp_ok(sp);
}

static int in_pages(const struct qh_plan *p, uint32_t a)
{
	for (size_t i = 0; i < p->npage; i++)
		if (a >= p->page[i].addr && a - p->page[i].addr < p->page[i].size)
			return 1;
	return 0;
}

uint32_t qh_desc_find_vtor(const struct qh_plan *p, uint16_t xfer)
{
	uint32_t best = 0;

	if (xfer == 0)
		xfer = 1024;
	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *c = &p->chunk[i];
		for (uint64_t off = 0; off + 8 <= c->len; off += xfer) {
			uint32_t a = c->addr + (uint32_t)off;
			uint32_t reset = le32(c->data + off + 4), rb, rs;
			/* the reset handler in flash being written, or in RAM: a RAM
			 * application the bootloader copies there (firmware/boot/ram_app.h) */
			int target =
			    in_pages(p, reset & ~1u) || qdfu_h7_ram_block(reset & ~1u, &rb, &rs);
			if (a % VTOR_ALIGN || !sp_ok(le32(c->data + off)) || !(reset & 1u) ||
			    !target)
				continue;
			if (!best || a < best)
				best = a;
			break;
		}
	}
	return best;
}

/* CRC-32 of pages [first, last] as they will be after flashing. */
static uint32_t run_crc(const struct qh_plan *p, size_t first, size_t last)
{
	uint32_t crc = 0xFFFFFFFFu;
	uint8_t buf[1024];

	for (size_t i = first; i <= last; i++) {
		const struct qh_page *pg = &p->page[i];
		for (uint32_t pos = 0; pos < pg->size; pos += (uint32_t)sizeof(buf)) {
			uint32_t a = pg->addr + pos;
			uint32_t n =
			    pg->size - pos < sizeof(buf) ? pg->size - pos : (uint32_t)sizeof(buf);
			memset(buf, 0xFF, n);
			for (size_t k = 0; k < p->nchunk; k++) {
				const struct qh_chunk *c = &p->chunk[k];
				uint64_t lo = c->addr > a ? c->addr : a;
				uint64_t ce = (uint64_t)c->addr + c->len, be = (uint64_t)a + n;
				uint64_t hi = ce < be ? ce : be;
				if (lo < hi)
					memcpy(buf + (lo - a), c->data + (lo - c->addr),
					       (size_t)(hi - lo));
			}
			crc = qh_crc32_update(crc, buf, n);
		}
	}
	return crc ^ 0xFFFFFFFFu;
}

int qh_desc_build(const struct qh_plan *p, uint32_t vtor, struct qh_desc *out, struct qh_error *e)
{
	uint8_t *b = out->bytes;
	unsigned n = 0;

	if (!vtor)
		return qh_fail(e, QH_E_UNSUPPORTED, "the image has no vector table");
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->npage;) {
		size_t j = i;
		while (j + 1 < p->npage &&
		       p->page[j + 1].addr == p->page[j].addr + p->page[j].size &&
		       p->page[j + 1].region == p->page[i].region)
			j++;
		if (n == QDFU_IMG_MAX_RANGES)
			return qh_fail(e, QH_E_MAP,
			               "the image occupies more than %u separate runs of pages; an "
			               "image descriptor lists at most %u",
			               QDFU_IMG_MAX_RANGES, QDFU_IMG_MAX_RANGES);
		uint8_t *r = b + QDFU_IMG_HDR_SIZE + n * QDFU_IMG_RANGE_SIZE;
		put32(r, p->page[i].addr);
		put32(r + 4, p->page[j].addr + p->page[j].size - p->page[i].addr);
		put32(r + 8, run_crc(p, i, j));
		n++;
		i = j + 1;
	}
	out->len = QDFU_IMG_HDR_SIZE + n * QDFU_IMG_RANGE_SIZE + 4u;
	put32(b + QDFU_IMG_OFF_MAGIC, QDFU_IMG_MAGIC);
	put16(b + QDFU_IMG_OFF_VERSION, QDFU_IMG_VERSION);
	put16(b + QDFU_IMG_OFF_HDR_SIZE, QDFU_IMG_HDR_SIZE);
	put32(b + QDFU_IMG_OFF_TOTAL, (uint32_t)out->len);
	put32(b + QDFU_IMG_OFF_VTOR, vtor);
	put16(b + QDFU_IMG_OFF_NRANGES, (uint16_t)n);
	b[QDFU_IMG_OFF_HASH] = QDFU_IMG_HASH_CRC32;
	b[QDFU_IMG_OFF_SIG_ALG] = QDFU_IMG_SIG_NONE;
	put32(b + out->len - 4u, qh_crc32(b, out->len - 4u));
	out->vtor = vtor;
	out->nranges = n;
	return QH_OK;
}
