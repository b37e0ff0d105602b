/* SPDX-License-Identifier: MIT */
/*
 * SFDP images generated from a part descriptor (JESD216 layout as in the
 * shared facts): header, parameter headers, the BFPT of the part's revision
 * and, above 16 MiB, the 4-byte address instruction table; for the parts
 * with hybrid sectors (S25FS-S) a sector map with configuration detection.
 */
#include <string.h>

#include "nor/nor_cmds.h"
#include "nor/sfdp_fields.h"
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
	if (minor >= BFPT_MINOR_F)
		return BFPT_DW_REVF;
	if (minor >= BFPT_MINOR_D)
		return BFPT_DW_REVD;
	if (minor >= BFPT_MINOR_A)
		return BFPT_DW_REVA;
	return BFPT_DW_REV0;
}

/* One 16-bit fast-read setting (DW3/4): wait states, mode clocks, opcode. */
static uint32_t read_setting(uint32_t wait, uint32_t mode, uint8_t op)
{
	return SFDP_PUT(BFPT_READ_WAIT, wait) | SFDP_PUT(BFPT_READ_MODE, mode) |
	       SFDP_PUT(BFPT_READ_OP, op);
}

/* DW1..DW9: the original JESD216 table. */
static void bfpt_basic(const struct nor_part *p, uint32_t *dw)
{
	bool big = p->size > 16u * 1024u * 1024u;
	uint32_t multi = p->octal ? 0u : 1u; /* OPI parts: no dual / quad in SPI */
	/* DW1: 4 KiB erase, 64-byte buffer, volatile SR WREN 0x06, reads */
	dw[BFPT_DW(1)] =
	    SFDP_PUT(BFPT_DW1_RESERVED, 0x1FFu) | SFDP_PUT(BFPT_DW1_ERASE_4K, BFPT_ERASE_4K_YES) |
	    SFDP_PUT(BFPT_DW1_WRITE_GRAN, 1) | SFDP_PUT(BFPT_DW1_VSR_WREN, 1) |
	    SFDP_PUT(BFPT_DW1_ERASE_4K_OP, NOR_OP_BE_4K) | SFDP_PUT(BFPT_DW1_READ_1_1_2, multi) |
	    SFDP_PUT(BFPT_DW1_READ_1_2_2, multi) | SFDP_PUT(BFPT_DW1_READ_1_4_4, multi) |
	    SFDP_PUT(BFPT_DW1_READ_1_1_4, multi) |
	    SFDP_PUT(BFPT_DW1_ADDR_BYTES, big ? BFPT_ADDR_3_OR_4 : BFPT_ADDR_3);
	dw[BFPT_DW(2)] = p->size * 8u - 1u; /* density in bits - 1 */
	/* DW3: 1-4-4 (mode clocks 2) and 1-1-4 (8 dummy) */
	uint32_t eb_mode = 2, eb_wait = p->eb_clocks > 2 ? p->eb_clocks - 2u : 0;
	dw[BFPT_DW(3)] = (read_setting(eb_wait, eb_mode, NOR_OP_READ_1_4_4) << BFPT_DW3_1_4_4) |
	                 (read_setting(8, 0, NOR_OP_READ_1_1_4) << BFPT_DW3_1_1_4);
	/* DW4: 1-1-2 (8 dummy) and 1-2-2 (4 mode clocks) */
	dw[BFPT_DW(4)] = (read_setting(8, 0, NOR_OP_READ_1_1_2) << BFPT_DW4_1_1_2) |
	                 (read_setting(0, 4, NOR_OP_READ_1_2_2) << BFPT_DW4_1_2_2);
	/* DW5..7: no 2-2-2, no 4-4-4 */
	dw[BFPT_DW(5)] &= ~(SFDP_PUT(BFPT_DW5_2_2_2, 1) | SFDP_PUT(BFPT_DW5_4_4_4, 1));
	dw[BFPT_DW(6)] = 0xFFFFu;
	dw[BFPT_DW(7)] = 0xFFFFu;
	/* DW8, DW9: erase types */
	for (unsigned i = 0; i < BFPT_ERASE_TYPES; i++) {
		uint32_t et = p->erase[i].log2 ? SFDP_PUT(BFPT_ERASE_SIZE, p->erase[i].log2) |
		                                     SFDP_PUT(BFPT_ERASE_OP, p->erase[i].opcode)
		                               : 0;
		uint32_t *d = &dw[BFPT_DW(8) + i / 2u];
		if (i % 2u == 0)
			*d = 0;
		*d |= et << (BFPT_ERASE_HALF * (i % 2u));
	}
}

/* DW10: erase times; units 1, 16, 128, 1000 ms; one multiplier. */
static uint32_t bfpt_dw10(const struct nor_part *p)
{
	static const uint32_t eu[] = {1, 16, 128, 1000};
	uint32_t fields = 0, m = 0;
	for (unsigned i = 0; i < BFPT_ERASE_TYPES; i++) {
		if (!p->erase[i].log2)
			continue;
		uint32_t c, u, enc = enc_time(p->erase[i].typ_ms, eu, 4, 32, &c, &u);
		uint32_t mi = mult_for(enc, p->erase[i].max_ms);
		if (mi > m)
			m = mi;
		uint32_t f = SFDP_PUT(BFPT_TIME_COUNT, c) | SFDP_PUT(BFPT_TIME_UNIT, u);
		fields |= f << (BFPT_DW10_TYPE0 + BFPT_DW10_TYPE_W * i);
	}
	return SFDP_PUT(BFPT_DW10_MULT, m) | fields;
}

/* DW11: page program, chip erase, page size 256. */
static uint32_t bfpt_dw11(const struct nor_part *p)
{
	static const uint32_t pu[] = {8, 64};
	static const uint32_t cu[] = {16, 256, 4000, 64000};
	uint32_t pc, pui, cc, cui;
	uint32_t penc = enc_time(p->pp_typ_us, pu, 2, 32, &pc, &pui);
	uint32_t cenc = enc_time(p->chip_typ_ms, cu, 4, 32, &cc, &cui);
	uint32_t pm = mult_for(penc, p->pp_max_us), cm = mult_for(cenc, p->chip_max_ms);
	uint32_t mm = pm > cm ? pm : cm;
	return SFDP_PUT(BFPT_DW11_MULT, mm) | SFDP_PUT(BFPT_DW11_PAGE, 8) |
	       SFDP_PUT(BFPT_DW11_PP_COUNT, pc) | SFDP_PUT(BFPT_DW11_PP_UNIT, pui) |
	       SFDP_PUT(BFPT_DW11_BYTE1, 3) /* first byte 4 x 1 us */ |
	       SFDP_PUT(BFPT_DW11_CHIP,
	                SFDP_PUT(BFPT_TIME_COUNT, cc) | SFDP_PUT(BFPT_TIME_UNIT, cui)) |
	       SFDP_PUT(BFPT_DW11_RESERVED, 1);
}

/* DW16: 4-byte entry/exit, soft reset 0x66/0x99. */
static uint32_t bfpt_dw16(const struct nor_part *p)
{
	bool big = p->size > 16u * 1024u * 1024u;
	uint32_t enter = 0, exit = 0;
	if (big) {
		enter = (p->b7_needs_wren ? BFPT_4B_ENTER_WREN_B7 : BFPT_4B_ENTER_B7) |
		        BFPT_4B_ENTER_DEDICATED;
		exit = p->b7_needs_wren ? BFPT_4B_EXIT_WREN_E9 : BFPT_4B_EXIT_E9;
	}
	return SFDP_PUT(BFPT_DW16_4B_ENTER, enter) | SFDP_PUT(BFPT_DW16_4B_EXIT, exit) |
	       SFDP_PUT(BFPT_DW16_SOFT_RESET, BFPT_SOFT_RESET_66_99) |
	       SFDP_PUT(BFPT_DW16_SR1_VOLATILE, 0x08u);
}

static void build_bfpt(const struct nor_part *p, uint32_t *dw, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		dw[i] = 0xFFFFFFFFu;
	bfpt_basic(p, dw);
	if (n <= BFPT_DW_REV0)
		return;
	dw[BFPT_DW(10)] = bfpt_dw10(p);
	dw[BFPT_DW(11)] = bfpt_dw11(p);
	/* DW12/13: no suspend/resume */
	dw[BFPT_DW(12)] = SFDP_PUT(BFPT_DW12_NO_SUSPEND, 1);
	dw[BFPT_DW(13)] = 0;
	/* DW14: deep power-down 0xB9 / 0xAB; busy poll WIP (+ flag status on Micron) */
	dw[BFPT_DW(14)] = SFDP_PUT(BFPT_DW14_DPD_ENTER, NOR_OP_DP) |
	                  SFDP_PUT(BFPT_DW14_DPD_EXIT, NOR_OP_RES) |
	                  SFDP_PUT(BFPT_DW14_EXIT_DELAY, 1) | SFDP_PUT(BFPT_DW14_POLL_WIP, 1) |
	                  SFDP_PUT(BFPT_DW14_POLL_FSR, p->vendor == NOR_V_MICRON);
	/* DW15: QER, no 4-4-4 */
	dw[BFPT_DW(15)] = SFDP_PUT(BFPT_DW15_QER, p->qer);
	dw[BFPT_DW(16)] = bfpt_dw16(p);
	/* DW17..23 (JESD216D/F): 1-1-8 / 1-8-8 and xSPI details: not supported */
	for (unsigned i = BFPT_DW_REVA; i < n; i++)
		dw[i] = 0;
}

/* One parameter header at ph. */
static void put_phdr(uint8_t *ph, uint16_t id, uint8_t minor, uint8_t dwords, uint32_t ptr)
{
	ph[SFDP_PH_ID_LSB] = (uint8_t)id;
	ph[SFDP_PH_MINOR] = minor;
	ph[SFDP_PH_MAJOR] = SFDP_MAJOR;
	ph[SFDP_PH_DWORDS] = dwords;
	ph[SFDP_PH_PTR] = (uint8_t)ptr;
	ph[SFDP_PH_PTR + 1] = (uint8_t)(ptr >> 8);
	ph[SFDP_PH_PTR + 2] = (uint8_t)(ptr >> 16);
	ph[SFDP_PH_ID_MSB] = (uint8_t)(id >> 8);
}

/* 4BAIT: 13, 0C, 6C, EC reads, 12 and 34/3E programs, erase types. */
static void put_4bait(const struct nor_part *p, uint8_t *at)
{
	uint32_t sup = FOURBAIT_READ | FOURBAIT_FAST_READ | FOURBAIT_PP;
	if (!p->octal) {
		sup |= FOURBAIT_READ_1_1_4 | FOURBAIT_READ_1_4_4;
		sup |= p->vendor == NOR_V_MACRONIX ? FOURBAIT_PP_1_4_4 : FOURBAIT_PP_1_1_4;
	}
	uint32_t ops = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (p->erase[i].log2) {
			sup |= 1u << (FOURBAIT_ERASE_TYPE0 + i);
			ops |= (uint32_t)nor_erase_op_4b(p->erase[i].opcode)
			       << (FOURBAIT_ERASE_OP * i);
		}
	}
	put32(at, sup);
	put32(at + 4, ops);
}

#define SMPT_PARAM_LEN (8u * 4096u) /* S25FS-S: 8 x 4 KiB parameter sectors */
#define SMPT_SECTOR    (256u * 1024u)
#define SMPT_DW        16u

static uint32_t smpt_cmd(uint8_t mask, bool last)
{
	return SFDP_PUT(SMPT_LAST, last) | SFDP_PUT(SMPT_CMD_OP, NOR_MODEL_OP_RDAR) |
	       SFDP_PUT(SMPT_CMD_LATENCY, SMPT_LATENCY_VAR) | SFDP_PUT(SMPT_CMD_ADDR_LEN, 1) |
	       SFDP_PUT(SMPT_CMD_MASK, mask);
}

static uint32_t smpt_region(uint32_t size, uint32_t types)
{
	return SFDP_PUT(SMPT_REGION_SIZE, size / 256u - 1u) | SFDP_PUT(SMPT_REGION_TYPES, types);
}

static uint32_t smpt_map(uint32_t id, unsigned regions, bool last)
{
	return SFDP_PUT(SMPT_LAST, last) | SFDP_PUT(SMPT_MAP, 1) | SFDP_PUT(SMPT_MAP_ID, id) |
	       SFDP_PUT(SMPT_REGIONS, regions - 1u);
}

/* The S25FS-S sector map as the Linux MTD discussion of it quotes the
 * datasheet: three RDAR detection commands, CR3NV[3] (address 4), CR1NV[2]
 * (address 2), CR3NV[1] (address 4), variable latency; maps 1 (parameter
 * sectors at the bottom), 3 (top), 5 (uniform). Erase type 1 = 4 KiB (bit
 * 0), type 3 = 256 KiB (bit 2). */
static void put_smpt(const struct nor_part *p, uint8_t *at)
{
	const uint32_t t4k = 1u << 0, t256k = 1u << 2, rest = p->size - SMPT_SECTOR;
	const uint32_t dw[SMPT_DW] = {smpt_cmd(0x08, false),
	                              0x000004u,
	                              smpt_cmd(0x04, false),
	                              0x000002u,
	                              smpt_cmd(0x02, false),
	                              0x000004u,
	                              smpt_map(1, 3, false),
	                              smpt_region(SMPT_PARAM_LEN, t4k),
	                              smpt_region(SMPT_SECTOR - SMPT_PARAM_LEN, t256k),
	                              smpt_region(rest, t256k),
	                              smpt_map(3, 3, false),
	                              smpt_region(rest, t256k),
	                              smpt_region(SMPT_SECTOR - SMPT_PARAM_LEN, t256k),
	                              smpt_region(SMPT_PARAM_LEN, t4k),
	                              smpt_map(5, 1, true),
	                              smpt_region(p->size, t256k)};
	for (unsigned i = 0; i < SMPT_DW; i++)
		put32(at + 4u * i, dw[i]);
}

uint32_t nor_sfdp_build(const struct nor_part *p, uint8_t *buf, uint32_t cap)
{
	bool big = p->size > 16u * 1024u * 1024u;
	unsigned nbfpt = bfpt_dwords(p->sfdp_minor), nph = big ? 2 : 1;
	uint32_t bfpt_ptr = 0x30, fourb_ptr = bfpt_ptr + nbfpt * 4u;
	uint32_t smpt_ptr = fourb_ptr + (big ? 4u * FOURBAIT_DWORDS : 0u);
	uint32_t len = smpt_ptr + (p->hybrid_sectors ? 4u * SMPT_DW : 0u);
	if (cap < len)
		return 0;
	memset(buf, 0xFF, len);
	put32(buf, SFDP_SIGNATURE);
	buf[SFDP_HDR_MINOR] = p->sfdp_minor;
	buf[SFDP_HDR_MAJOR] = SFDP_MAJOR;
	buf[SFDP_HDR_NPH] = (uint8_t)(nph - 1u);
	buf[SFDP_HDR_ACCESS] = 0xFF;
	put_phdr(buf + SFDP_HDR_LEN, SFDP_ID_BFPT, p->sfdp_minor, (uint8_t)nbfpt, bfpt_ptr);
	if (big)
		put_phdr(buf + SFDP_HDR_LEN + SFDP_PH_LEN, SFDP_ID_4BAIT, 0, FOURBAIT_DWORDS,
		         fourb_ptr);
	uint32_t dw[BFPT_DW_REVF];
	build_bfpt(p, dw, nbfpt);
	for (unsigned i = 0; i < nbfpt; i++)
		put32(buf + bfpt_ptr + 4u * i, dw[i]);
	if (big)
		put_4bait(p, buf + fourb_ptr);
	if (p->hybrid_sectors) {
		put_phdr(buf + SFDP_HDR_LEN + SFDP_PH_LEN * nph, SFDP_ID_SMPT, 0, SMPT_DW,
		         smpt_ptr);
		buf[SFDP_HDR_NPH] = (uint8_t)nph;
		put_smpt(p, buf + smpt_ptr);
	}
	return len;
}
