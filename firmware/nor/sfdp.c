/* SPDX-License-Identifier: MIT */
/*
 * JESD216 SFDP decoding: header, parameter headers, the newest BFPT (any
 * revision, 9..23 DWORDs used), the 4-byte address instruction table and
 * the sector map (non-uniform detection). Pure: reads through a callback,
 * every decoded value sanity-limited, optional tables may fail.
 */
#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "nor/nor.h"

#define SFDP_SIGNATURE 0x50444653u
#define SFDP_MAX_HDRS  8u
#define SFDP_MAX_ADDR  0x10000u /* a sane SFDP space is far smaller */
#define BFPT_MAX_DW    23u
#define SMPT_MAX_DW    64u
#define ID_BFPT        0xFF00u
#define ID_4BAIT       0xFF84u
#define ID_SMPT        0xFF81u
#define MIN_SIZE       (64u * 1024u)
#define MAX_SIZE       (256u * 1024u * 1024u) /* the H7 QUADSPI window */

struct phdr {
	uint16_t id;
	uint8_t minor, major, len; /* len in DWORDs */
	uint32_t ptr;
};

static int read_table(nor_sfdp_read_fn rd, void *ctx, const struct phdr *h, uint32_t *dw,
                      unsigned maxdw, unsigned *ndw)
{
	unsigned n = QDFU_MIN((unsigned)h->len, maxdw);
	uint8_t b[4 * SMPT_MAX_DW];
	if (n == 0 || h->ptr % 4u || h->ptr + 4u * h->len > SFDP_MAX_ADDR)
		return QDFU_E_CORRUPT;
	if (rd(ctx, h->ptr, b, 4u * n))
		return QDFU_E_CORRUPT;
	for (unsigned i = 0; i < n; i++)
		dw[i] = qdfu_get_le32(&b[4 * i]);
	*ndw = n;
	return QDFU_OK;
}

static uint32_t ms_unit_time(uint32_t field, const uint32_t *units)
{
	return ((field & 0x1Fu) + 1u) * units[(field >> 5) & 3u];
}

static int decode_bfpt(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	/* density */
	uint32_t d = dw[1];
	uint64_t bits;
	if (d & 0x80000000u) {
		uint32_t e = d & 0x7FFFFFFFu;
		if (e < 19u || e > 31u)
			return QDFU_E_CORRUPT;
		bits = (uint64_t)1 << e;
	} else {
		bits = (uint64_t)d + 1u;
	}
	uint64_t bytes = bits / 8u;
	if (bytes < MIN_SIZE || bytes > MAX_SIZE || (bytes & (bytes - 1u)))
		return QDFU_E_CORRUPT;
	p->size = (uint32_t)bytes;

	/* erase types (DW8/9), with DW1's 4 KiB opcode as a last resort */
	struct nor_erase e[4];
	unsigned ne = 0;
	memset(e, 0, sizeof(e));
	for (unsigned i = 0; i < 4; i++) {
		uint32_t half = (dw[7 + i / 2] >> (16 * (i % 2))) & 0xFFFFu;
		uint8_t exp = (uint8_t)half, op = (uint8_t)(half >> 8);
		if (exp < 8u || exp > 26u || (1u << exp) > p->size || op == 0 || op == 0xFF)
			continue;
		e[ne].size = 1u << exp;
		e[ne].op = op;
		e[ne].typ_ms = 0; /* filled from DW10 below, index kept in max_ms */
		e[ne].max_ms = i;
		ne++;
	}
	if (ne == 0 && (dw[0] & 3u) == 1u && ((dw[0] >> 8) & 0xFFu) != 0) {
		e[0].size = 4096;
		e[0].op = (uint8_t)(dw[0] >> 8);
		e[0].max_ms = 0xFF;
		ne = 1;
	}
	if (ne == 0)
		return QDFU_E_CORRUPT;
	/* DW10 (JESD216A+): typical times and the max multiplier */
	static const uint32_t eu[4] = {1, 16, 128, 1000};
	for (unsigned k = 0; k < ne; k++) {
		unsigned idx = e[k].max_ms;
		e[k].typ_ms = 0;
		e[k].max_ms = 0;
		if (n >= 10 && idx < 4) {
			uint32_t f = (dw[9] >> (4 + 7 * idx)) & 0x7Fu;
			uint32_t typ = ms_unit_time(f, eu);
			e[k].typ_ms = typ;
			e[k].max_ms = typ * 2u * ((dw[9] & 0xFu) + 1u);
		}
	}
	/* sort ascending by size, drop duplicates of a size */
	for (unsigned i = 1; i < ne; i++)
		for (unsigned j = i; j > 0 && e[j].size < e[j - 1].size; j--) {
			struct nor_erase t = e[j];
			e[j] = e[j - 1];
			e[j - 1] = t;
		}
	unsigned w = 0;
	for (unsigned i = 0; i < ne; i++)
		if (w == 0 || e[i].size != e[w - 1].size)
			e[w++] = e[i];
	ne = w;
	for (unsigned i = 0; i < ne; i++) {
		if (e[i].typ_ms == 0) { /* keep the earlier layers' times */
			for (unsigned k = 0; k < p->nerase; k++)
				if (p->erase[k].size == e[i].size) {
					e[i].typ_ms = p->erase[k].typ_ms;
					e[i].max_ms = p->erase[k].max_ms;
				}
			if (e[i].typ_ms == 0) {
				e[i].typ_ms = e[i].size <= 4096 ? 50 : 200;
				e[i].max_ms = e[i].size <= 4096 ? 500 : 3000;
			}
		}
	}
	memset(p->erase, 0, sizeof(p->erase));
	memcpy(p->erase, e, sizeof(e[0]) * ne);
	p->nerase = (uint8_t)ne;

	uint32_t ab = (dw[0] >> 17) & 3u;
	p->addr_bytes = ab == 2u ? 4 : 3;
	p->quad_read = (dw[0] >> 22) & 1u;

	if (n >= 11) {
		uint32_t d11 = dw[10];
		uint32_t pg = (d11 >> 4) & 0xFu;
		/* clamp to 256: some parts declare 512 but wrap at 256 */
		p->page = (pg >= 2 && pg <= 8) ? 1u << pg : 256u;
		uint32_t mult = 2u * ((d11 & 0xFu) + 1u);
		uint32_t pt = (((d11 >> 8) & 0x1Fu) + 1u) * ((d11 >> 13) & 1u ? 64u : 8u);
		p->pp_typ_us = pt;
		p->pp_max_us = pt * mult;
		static const uint32_t cu[4] = {16, 256, 4000, 64000};
		uint32_t ct = ms_unit_time((d11 >> 24) & 0x7Fu, cu);
		p->chip_typ_ms = ct;
		p->chip_max_ms = ct * mult;
	}
	if (n >= 14) {
		if (dw[13] & (1u << 3))
			p->fsr = true;
	}
	if (n >= 15) {
		uint32_t qer = (dw[14] >> 20) & 7u;
		if (qer <= 6u)
			p->qer = (uint8_t)qer;
	}
	if (n >= 16) {
		uint32_t enter = dw[15] >> 24;
		if (enter & (1u << 5)) {
			p->op4_read = true;
			p->op4_pp = true;
		}
		if (enter & (1u << 1))
			p->b7_wren = true;
	}
	return QDFU_OK;
}

/* 4BAIT: which 4-byte opcodes exist and the erase opcodes. */
static void decode_4bait(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	if (n < 2)
		return;
	p->op4_read = (dw[0] & 0x3u) == 0x3u;
	p->op4_pp = dw[0] & (1u << 6);
	bool all = p->nerase > 0;
	for (unsigned k = 0; k < p->nerase; k++)
		p->erase[k].op4 = 0;
	/* match BFPT erase types to 4BAIT ones by the 3->4-byte opcode map;
	 * an opcode 0 (or unsupported bit) is skipped */
	static const uint8_t o3[] = {0x20, 0x52, 0xD8, 0x21, 0x5C, 0xDC};
	static const uint8_t o4[] = {0x21, 0x5C, 0xDC, 0x21, 0x5C, 0xDC};
	for (unsigned t = 0; t < 4; t++) {
		uint8_t op = (uint8_t)(dw[1] >> (8 * t));
		if (!(dw[0] & (1u << (9 + t))) || op == 0 || op == 0xFF)
			continue;
		for (unsigned k = 0; k < p->nerase; k++)
			for (unsigned m = 0; m < 3; m++)
				if (p->erase[k].op == o3[m] && op == o4[m])
					p->erase[k].op4 = op;
	}
	for (unsigned k = 0; k < p->nerase; k++)
		if (!p->erase[k].op4)
			all = false;
	p->op4_erase = all;
}

/* Sector map: walk the map descriptors; the erase types usable everywhere
 * are the AND of every region's mask. Non-uniform maps are restricted to
 * those (a safe uniform layout); none in common is an error. */
static int decode_smpt(const uint32_t *dw, unsigned n, struct nor_params *p,
                       const uint8_t *bfpt_idx)
{
	uint32_t common = 0xFu, first = 0;
	bool any = false, differ = false;
	unsigned i = 0;
	while (i < n) {
		uint32_t d = dw[i];
		if (!(d & 2u)) { /* command descriptor: 2 DWORDs */
			i += 2;
			if (d & 1u)
				break;
			continue;
		}
		unsigned regions = ((d >> 16) & 0xFFu) + 1u;
		if (i + 1u + regions > n)
			return QDFU_E_CORRUPT;
		for (unsigned r = 0; r < regions; r++) {
			uint32_t m = dw[i + 1u + r] & 0xFu;
			if (!any)
				first = m;
			else if (m != first)
				differ = true;
			any = true;
			common &= m;
		}
		i += 1u + regions;
		if (d & 1u)
			break;
	}
	if (!any || !differ)
		return QDFU_OK;
	p->nonuniform = true;
	unsigned w = 0;
	for (unsigned k = 0; k < p->nerase; k++)
		if (bfpt_idx[k] < 4 && (common & (1u << bfpt_idx[k])))
			p->erase[w++] = p->erase[k];
	if (w == 0)
		return QDFU_E_UNSUPPORTED;
	for (unsigned k = w; k < NOR_MAX_ERASE_TYPES; k++)
		memset(&p->erase[k], 0, sizeof(p->erase[k]));
	p->nerase = (uint8_t)w;
	return QDFU_OK;
}

int nor_sfdp_parse(nor_sfdp_read_fn rd, void *ctx, struct nor_params *out)
{
	uint8_t h[8];
	if (rd(ctx, 0, h, 8))
		return QDFU_E_UNSUPPORTED;
	if (qdfu_get_le32(h) != SFDP_SIGNATURE)
		return QDFU_E_UNSUPPORTED;
	if (h[5] != 1)
		return QDFU_E_CORRUPT;
	unsigned nph = qdfu_min_u32((uint32_t)h[6] + 1u, SFDP_MAX_HDRS);
	struct phdr ph[SFDP_MAX_HDRS] = {{0}};
	unsigned nread = 0;
	for (unsigned i = 0; i < nph; i++) {
		uint8_t b[8];
		if (rd(ctx, 8u + 8u * i, b, 8))
			break;
		ph[i].id = (uint16_t)(b[0] | (b[7] << 8));
		ph[i].minor = b[1];
		ph[i].major = b[2];
		ph[i].len = b[3];
		ph[i].ptr = (uint32_t)b[4] | ((uint32_t)b[5] << 8) | ((uint32_t)b[6] << 16);
		nread++;
	}
	/* the first header must be the BFPT; use the newest major-1 BFPT */
	if (nread == 0 || ph[0].id != ID_BFPT)
		return QDFU_E_CORRUPT;
	int best = -1;
	for (unsigned i = 0; i < nread; i++)
		if (ph[i].id == ID_BFPT && ph[i].major == 1 && ph[i].len >= 9 &&
		    (best < 0 || ph[i].minor > ph[best].minor))
			best = (int)i;
	if (best < 0)
		return QDFU_E_CORRUPT;

	struct nor_params p = *out;
	uint32_t dw[SMPT_MAX_DW];
	unsigned n;
	int rc = read_table(rd, ctx, &ph[best], dw, BFPT_MAX_DW, &n);
	if (rc)
		return rc;
	if (n < 9)
		return QDFU_E_CORRUPT;
	/* remember which BFPT erase type each entry came from (sector map) */
	uint8_t idx[4] = {0xFF, 0xFF, 0xFF, 0xFF};
	rc = decode_bfpt(dw, n, &p);
	if (rc)
		return rc;
	for (unsigned k = 0; k < p.nerase; k++)
		for (unsigned t = 0; t < 4; t++) {
			uint32_t half = (dw[7 + t / 2] >> (16 * (t % 2))) & 0xFFFFu;
			if ((half >> 8) == p.erase[k].op &&
			    (1u << (half & 0xFFu)) == p.erase[k].size)
				idx[k] = (uint8_t)t;
		}
	p.sfdp_minor = ph[best].minor;

	/* optional tables: a failure leaves the BFPT result standing */
	for (unsigned i = 0; i < nread; i++) {
		if (ph[i].major != 1)
			continue;
		if (ph[i].id == ID_4BAIT && read_table(rd, ctx, &ph[i], dw, 2, &n) == QDFU_OK) {
			decode_4bait(dw, n, &p);
		} else if (ph[i].id == ID_SMPT &&
		           read_table(rd, ctx, &ph[i], dw, SMPT_MAX_DW, &n) == QDFU_OK) {
			rc = decode_smpt(dw, n, &p, idx);
			if (rc)
				return rc;
		}
	}
	*out = p;
	return QDFU_OK;
}
