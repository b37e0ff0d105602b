/* SPDX-License-Identifier: MIT */
/*
 * SFDP images generated from a part descriptor (JESD216 layout as in the
 * shared facts): header, parameter headers, the BFPT of the part's revision
 * and, above 16 MiB, the 4-byte address instruction table. No sector map
 * table: none of the modelled parts has a non-uniform layout.
 */
#include <string.h>

#include "sim/nor/nor_parts.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Encode a typical time as (count + 1) * unit with count < limit, picking
 * the smallest unit that fits (rounding up). Returns the encoded time. */
static uint32_t enc_time(uint32_t t, const uint32_t *units, unsigned nunits, uint32_t limit,
                         uint32_t *count, uint32_t *unit_idx)
{
	for (unsigned u = 0; u < nunits; u++) {
		uint32_t n = (t + units[u] - 1u) / units[u];
		if (n == 0)
			n = 1;
		if (n <= limit) {
			*count = n - 1u;
			*unit_idx = u;
			return n * units[u];
		}
	}
	*count = limit - 1u;
	*unit_idx = nunits - 1u;
	return limit * units[nunits - 1u];
}

/* Smallest M (0..15) with enc * 2 * (M + 1) >= max. */
static uint32_t mult_for(uint32_t enc, uint32_t max)
{
	for (uint32_t m = 0; m < 16; m++)
		if ((uint64_t)enc * 2u * (m + 1u) >= max)
			return m;
	return 15;
}

static unsigned bfpt_dwords(uint8_t minor)
{
	if (minor >= 10)
		return 23;
	if (minor >= 8)
		return 20;
	if (minor >= 5)
		return 16;
	return 9;
}

static void build_bfpt(const struct nor_part *p, uint32_t *dw, unsigned n)
{
	bool big = p->size > 16u * 1024u * 1024u;
	for (unsigned i = 0; i < n; i++)
		dw[i] = 0xFFFFFFFFu;
	/* DW1: 4 KiB erase (01), 64-byte buffer, volatile SR WREN 0x06 */
	uint32_t d = 0xFF800000u | 0x1u | 0x4u | 0x10u | (0x20u << 8) | (1u << 16) | (1u << 20) |
	             (1u << 21) | (1u << 22);
	d |= (big ? 1u : 0u) << 17; /* 3-or-4-byte, booting in 3 */
	dw[0] = d;
	dw[1] = p->size * 8u - 1u; /* density in bits - 1 */
	/* DW3: 1-4-4 (EB) and 1-1-4 (6B, 8 dummy); mode clocks 2 for EB */
	uint32_t eb_mode = 2, eb_wait = p->eb_clocks > 2 ? p->eb_clocks - 2u : 0;
	dw[2] = (eb_wait | (eb_mode << 5) | (0xEBu << 8)) | ((8u | (0x6Bu << 8)) << 16);
	/* DW4: 1-1-2 (3B, 8 dummy) and 1-2-2 (BB, 4 mode clocks) */
	dw[3] = (8u | (0x3Bu << 8)) | (((4u << 5) | (0xBBu << 8)) << 16);
	dw[4] = 0xFFFFFFEEu; /* no 2-2-2, no 4-4-4 */
	dw[5] = 0x0000FFFFu;
	dw[6] = 0x0000FFFFu;
	uint32_t et[4];
	for (unsigned i = 0; i < 4; i++)
		et[i] = p->erase[i].log2
		            ? (uint32_t)p->erase[i].log2 | ((uint32_t)p->erase[i].opcode << 8)
		            : 0;
	dw[7] = et[0] | (et[1] << 16);
	dw[8] = et[2] | (et[3] << 16);
	if (n <= 9)
		return;
	/* DW10: erase times; units 1, 16, 128, 1000 ms; one multiplier */
	static const uint32_t eu[] = {1, 16, 128, 1000};
	uint32_t fields = 0, m = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (!p->erase[i].log2)
			continue;
		uint32_t c, u, enc = enc_time(p->erase[i].typ_ms, eu, 4, 32, &c, &u);
		uint32_t mi = mult_for(enc, p->erase[i].max_ms);
		if (mi > m)
			m = mi;
		fields |= (c | (u << 5)) << (4 + 7 * i);
	}
	dw[9] = m | fields;
	/* DW11: page program, chip erase, page size 256 */
	static const uint32_t pu[] = {8, 64};
	static const uint32_t cu[] = {16, 256, 4000, 64000};
	uint32_t pc, pui, cc, cui;
	uint32_t penc = enc_time(p->pp_typ_us, pu, 2, 32, &pc, &pui);
	uint32_t cenc = enc_time(p->chip_typ_ms, cu, 4, 32, &cc, &cui);
	uint32_t pm = mult_for(penc, p->pp_max_us), cm = mult_for(cenc, p->chip_max_ms);
	uint32_t mm = pm > cm ? pm : cm;
	dw[10] = mm | (8u << 4) | (pc << 8) | (pui << 13) | (3u << 14) /* first byte 4x1us */ |
	         /* additional byte count 0 */ (cc << 24) | (cui << 29) | 0x80000000u;
	/* DW12/13: no suspend/resume */
	dw[11] = 0x80000000u;
	dw[12] = 0;
	/* DW14: deep power-down 0xB9 / 0xAB; busy poll WIP (+ flag status on Micron) */
	uint32_t poll = (1u << 2) | (p->vendor == NOR_V_MICRON ? 1u << 3 : 0);
	dw[13] = (0xB9u << 23) | (0xABu << 15) | (0x1u << 8) | poll;
	/* DW15: QER, no 4-4-4 */
	dw[14] = (uint32_t)p->qer << 20;
	/* DW16: 4-byte entry/exit, soft reset 0x66/0x99 */
	uint32_t enter = 0, exit = 0;
	if (big) {
		enter =
		    (p->b7_needs_wren ? 1u << 1 : 1u << 0) | (1u << 5); /* + dedicated opcodes */
		exit = p->b7_needs_wren ? 1u << 1 : 1u << 0;
	}
	dw[15] = (enter << 24) | (exit << 14) | (1u << 12) | 0x08u;
	/* DW17..23 (JESD216D/F): 1-1-8 / 1-8-8 and xSPI details: not supported */
	for (unsigned i = 16; i < n; i++)
		dw[i] = 0;
}

uint32_t nor_sfdp_build(const struct nor_part *p, uint8_t *buf, uint32_t cap)
{
	bool big = p->size > 16u * 1024u * 1024u;
	unsigned nbfpt = bfpt_dwords(p->sfdp_minor), nph = big ? 2 : 1;
	uint32_t bfpt_ptr = 0x30, fourb_ptr = bfpt_ptr + nbfpt * 4u;
	uint32_t len = fourb_ptr + (big ? 8u : 0u);
	if (cap < len)
		return 0;
	memset(buf, 0xFF, len);
	put32(buf, 0x50444653u);
	buf[4] = p->sfdp_minor;
	buf[5] = 1;
	buf[6] = (uint8_t)(nph - 1u);
	buf[7] = 0xFF;
	uint8_t *ph = buf + 8;
	ph[0] = 0x00;
	ph[1] = p->sfdp_minor;
	ph[2] = 1;
	ph[3] = (uint8_t)nbfpt;
	ph[4] = (uint8_t)bfpt_ptr;
	ph[5] = (uint8_t)(bfpt_ptr >> 8);
	ph[6] = (uint8_t)(bfpt_ptr >> 16);
	ph[7] = 0xFF;
	if (big) {
		ph += 8;
		ph[0] = 0x84;
		ph[1] = 0;
		ph[2] = 1;
		ph[3] = 2;
		ph[4] = (uint8_t)fourb_ptr;
		ph[5] = (uint8_t)(fourb_ptr >> 8);
		ph[6] = (uint8_t)(fourb_ptr >> 16);
		ph[7] = 0xFF;
	}
	uint32_t dw[23];
	build_bfpt(p, dw, nbfpt);
	for (unsigned i = 0; i < nbfpt; i++)
		put32(buf + bfpt_ptr + 4u * i, dw[i]);
	if (big) {
		/* 4BAIT: 13, 0C, 6C, EC reads, 12 and 34/3E programs, erase types */
		uint32_t sup = (1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) | (1u << 6);
		sup |= p->vendor == NOR_V_MACRONIX ? (1u << 8) : (1u << 7);
		uint32_t ops = 0;
		static const uint8_t map4[3] = {0x21, 0x5C, 0xDC};
		for (unsigned i = 0; i < 3; i++) {
			if (p->erase[i].log2) {
				sup |= 1u << (9 + i);
				ops |= (uint32_t)map4[i] << (8 * i);
			}
		}
		put32(buf + fourb_ptr, sup);
		put32(buf + fourb_ptr + 4, ops);
	}
	return len;
}
