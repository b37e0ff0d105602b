/* SPDX-License-Identifier: MIT */
/*
 * JESD216 SFDP decoding: header, parameter headers, the newest BFPT (any
 * revision, 9..23 DWORDs used), the 4-byte address instruction table and
 * the sector map (non-uniform detection). Pure: reads through a callback,
 * every decoded value sanity-limited, optional tables may fail.
 * One function per BFPT field, in the order JESD216 lays them out; the
 * field positions are in sfdp_fields.h. Each decoded erase type keeps its
 * BFPT index (struct nor_erase.type) for DW10, the 4BAIT and the sector map
 * (the shape of Linux drivers/mtd/spi-nor/sfdp.c and Zephyr jesd216.c).
 */
#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "nor/nor.h"
#include "nor/nor_cmds.h"
#include "nor/sfdp_fields.h"

#define SFDP_MAX_HDRS    8u
#define SFDP_MAX_ADDR    0x10000u /* a sane SFDP space is far smaller */
#define SMPT_MAX_DW      64u
#define MIN_SIZE         (64u * 1024u)
#define MAX_SIZE         (256u * 1024u * 1024u) /* the H7 QUADSPI window */
#define DENSITY_MIN_POW2 19u                    /* 2^19 bits = 64 KiB */
#define DENSITY_MAX_POW2 31u                    /* 2^31 bits = 256 MiB */
#define ERASE_MIN_LOG2   8u
#define ERASE_MAX_LOG2   26u
#define PAGE_MIN_LOG2    2u
#define PAGE_MAX_LOG2    8u /* clamp to 256: some parts declare 512 but wrap at 256 */
#define PAGE_DEFAULT     256u
/* times for an erase type that neither the BFPT nor an earlier layer gives */
#define ERASE_4K_TYP_MS  50u
#define ERASE_4K_MAX_MS  500u
#define ERASE_BIG_TYP_MS 200u
#define ERASE_BIG_MAX_MS 3000u

QDFU_STATIC_ASSERT(NOR_MAX_ERASE_TYPES == BFPT_ERASE_TYPES, "BFPT defines four erase types");

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

/* An opcode byte left blank (0x00 or erased 0xFF) says "none". */
static bool op_unset(uint32_t op)
{
	return op == 0x00u || op == 0xFFu;
}

/* A JESD216 time field: typical = (count + 1) * unit, the unit chosen by
 * the two bits above the count. */
static uint32_t time_field(uint32_t field, const uint32_t units[4])
{
	return (SFDP_GET(field, BFPT_TIME_COUNT) + 1u) * units[SFDP_GET(field, BFPT_TIME_UNIT)];
}

/* A maximum multiplier field M: maximum = typical * 2 * (M + 1). */
static uint32_t max_factor(uint32_t m)
{
	return 2u * (m + 1u);
}

/* ------------------------------------------------------------ BFPT fields */

/* DW1: address bytes (00 3-only, 01 3-or-4 booting in 3, 10 4-only) and
 * whether the 1-1-4 fast read exists. */
static void bfpt_dw1_modes(const uint32_t *dw, struct nor_params *p)
{
	uint32_t d = dw[BFPT_DW(1)];
	p->addr_bytes = SFDP_GET(d, BFPT_DW1_ADDR_BYTES) == BFPT_ADDR_4 ? 4 : 3;
	p->quad_read = SFDP_GET(d, BFPT_DW1_READ_1_1_4) != 0;
}

/* DW3 bits 15:0 (JESD216 "1-4-4 Fast Read"): wait states (bits 4:0), mode
 * clocks (bits 7:5), opcode (bits 15:8), valid when DW1 bit 21 says the
 * read exists. Only the standard 0xEB is taken (its 4-byte form 0xEC is
 * what the 4BAIT can confirm), with at most 31 clocks between the address
 * and the data (the QUADSPI's DCYC plus one alternate byte). */
static void bfpt_dw3_quad_io(const uint32_t *dw, struct nor_params *p)
{
	bool has = SFDP_GET(dw[BFPT_DW(1)], BFPT_DW1_READ_1_4_4) != 0;
	uint32_t half = dw[BFPT_DW(3)] >> BFPT_DW3_1_4_4;
	uint32_t op = SFDP_GET(half, BFPT_READ_OP), mode = SFDP_GET(half, BFPT_READ_MODE),
	         wait = SFDP_GET(half, BFPT_READ_WAIT);
	bool sane = has && op == NOR_OP_READ_1_4_4 && mode + wait >= 1u && mode + wait <= 31u;
	p->read144_op = sane ? (uint8_t)op : 0;
	p->read144_mode = sane ? (uint8_t)mode : 0;
	p->read144_wait = sane ? (uint8_t)wait : 0;
}

/* DW2: density. Bit 31 clear: bits 30:0 are the size in bits minus one;
 * set: the size is 2^N bits. Sane: a power of two, 64 KiB..256 MiB. */
static int bfpt_dw2_density(const uint32_t *dw, struct nor_params *p)
{
	uint32_t d = dw[BFPT_DW(2)], v = SFDP_GET(d, BFPT_DW2_DENSITY);
	uint64_t bits;
	if (SFDP_GET(d, BFPT_DW2_POW2)) {
		if (v < DENSITY_MIN_POW2 || v > DENSITY_MAX_POW2)
			return QDFU_E_CORRUPT;
		bits = (uint64_t)1 << v;
	} else {
		bits = (uint64_t)v + 1u;
	}
	uint64_t bytes = bits / 8u;
	if (bytes < MIN_SIZE || bytes > MAX_SIZE || (bytes & (bytes - 1u)))
		return QDFU_E_CORRUPT;
	p->size = (uint32_t)bytes;
	return QDFU_OK;
}

/* DW8, DW9: erase types 1..4 (index t = 0..3), one 16-bit half each: size
 * 2^N bytes (0 = absent) and opcode. Sizes outside 256 B..64 MiB or larger
 * than the chip, and blank opcodes, are skipped. Returns the count. */
static unsigned bfpt_dw8_erase_types(const uint32_t *dw, uint32_t chip_size, struct nor_erase *e)
{
	unsigned ne = 0;
	for (unsigned t = 0; t < BFPT_ERASE_TYPES; t++) {
		uint32_t half = dw[BFPT_DW(8) + t / 2u] >> (BFPT_ERASE_HALF * (t % 2u));
		uint32_t exp = SFDP_GET(half, BFPT_ERASE_SIZE), op = SFDP_GET(half, BFPT_ERASE_OP);
		if (exp < ERASE_MIN_LOG2 || exp > ERASE_MAX_LOG2 || (1u << exp) > chip_size ||
		    op_unset(op))
			continue;
		e[ne] =
		    (struct nor_erase){.size = 1u << exp, .op = (uint8_t)op, .type = (uint8_t)t};
		ne++;
	}
	return ne;
}

/* DW1 bits 1:0 and 15:8: the 4 KiB erase, a last resort when DW8/9 give
 * nothing usable. It has no BFPT erase type (no DW10 time, no sector map). */
static unsigned bfpt_dw1_erase_4k(const uint32_t *dw, struct nor_erase *e)
{
	uint32_t d = dw[BFPT_DW(1)], op = SFDP_GET(d, BFPT_DW1_ERASE_4K_OP);
	if (SFDP_GET(d, BFPT_DW1_ERASE_4K) != BFPT_ERASE_4K_YES || op == 0)
		return 0;
	e[0] = (struct nor_erase){.size = 4096, .op = (uint8_t)op, .type = NOR_ERASE_TYPE_NONE};
	return 1;
}

/* DW10 (JESD216A+): the typical time of erase type t is the 7-bit field at
 * 4 + 7t (count 4:0, unit 6:5: 1 ms, 16 ms, 128 ms, 1 s); the maximum is
 * typical * 2 * (M + 1), M in bits 3:0, shared by all types. */
static void bfpt_dw10_erase_times(const uint32_t *dw, unsigned n, struct nor_erase *e, unsigned ne)
{
	static const uint32_t unit_ms[4] = {1, 16, 128, 1000};
	if (n < 10)
		return;
	uint32_t d = dw[BFPT_DW(10)], mult = max_factor(SFDP_GET(d, BFPT_DW10_MULT));
	for (unsigned k = 0; k < ne; k++) {
		if (e[k].type >= BFPT_ERASE_TYPES)
			continue;
		uint32_t f =
		    sfdp_bits(d, BFPT_DW10_TYPE0 + BFPT_DW10_TYPE_W * e[k].type, BFPT_DW10_TYPE_W);
		e[k].typ_ms = time_field(f, unit_ms);
		e[k].max_ms = e[k].typ_ms * mult;
	}
}

/* DW11 (JESD216A+): page size 2^N (bits 7:4) and page program time
 * (count 12:8, unit bit 13: 8 / 64 us), maximum with the multiplier of
 * bits 3:0. */
static void bfpt_dw11_page_program(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	if (n < 11)
		return;
	uint32_t d = dw[BFPT_DW(11)], pg = SFDP_GET(d, BFPT_DW11_PAGE);
	p->page = (pg >= PAGE_MIN_LOG2 && pg <= PAGE_MAX_LOG2) ? 1u << pg : PAGE_DEFAULT;
	uint32_t unit_us = SFDP_GET(d, BFPT_DW11_PP_UNIT) ? 64u : 8u;
	p->pp_typ_us = (SFDP_GET(d, BFPT_DW11_PP_COUNT) + 1u) * unit_us;
	p->pp_max_us = p->pp_typ_us * max_factor(SFDP_GET(d, BFPT_DW11_MULT));
}

/* DW11 bits 30:24: chip erase time (count 28:24, unit 30:29: 16 ms,
 * 256 ms, 4 s, 64 s). JESD216 does not say whether DW11's program
 * multiplier or DW10's erase multiplier gives its maximum: the larger. */
static void bfpt_dw11_chip_erase(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	static const uint32_t unit_ms[4] = {16, 256, 4000, 64000};
	if (n < 11)
		return;
	uint32_t m = QDFU_MAX(SFDP_GET(dw[BFPT_DW(10)], BFPT_DW10_MULT),
	                      SFDP_GET(dw[BFPT_DW(11)], BFPT_DW11_MULT));
	p->chip_typ_ms = time_field(SFDP_GET(dw[BFPT_DW(11)], BFPT_DW11_CHIP), unit_ms);
	p->chip_max_ms = p->chip_typ_ms * max_factor(m);
}

/* DW14 bit 3: busy polling through the flag status register (Micron). */
static void bfpt_dw14_status_poll(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	if (n >= 14 && SFDP_GET(dw[BFPT_DW(14)], BFPT_DW14_POLL_FSR))
		p->fsr = true;
}

/* DW15 bits 22:20: quad enable requirement. */
static void bfpt_dw15_qer(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	if (n < 15)
		return;
	uint32_t qer = SFDP_GET(dw[BFPT_DW(15)], BFPT_DW15_QER);
	if (qer <= BFPT_QER_MAX)
		p->qer = (uint8_t)qer;
}

/* DW16 bits 31:24: how to enter 4-byte addressing: dedicated opcodes
 * (bit 29), 0xB7 after WREN (bit 25). */
static void bfpt_dw16_4byte(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	if (n < 16)
		return;
	uint32_t enter = SFDP_GET(dw[BFPT_DW(16)], BFPT_DW16_4B_ENTER);
	if (enter & BFPT_4B_ENTER_DEDICATED) {
		p->op4_read = true;
		p->op4_pp = true;
		p->op4_quad_read = p->quad_read;
		p->op4_quad_io_read = p->read144_op != 0;
	}
	if (enter & BFPT_4B_ENTER_WREN_B7)
		p->b7_wren = true;
}

/* ------------------------------------------------------------ erase list */

/* Ascending by size (stable), one entry per size (the lower BFPT type). */
static unsigned erase_sort_unique(struct nor_erase *e, unsigned ne)
{
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
	return w;
}

/* An erase type without a BFPT time keeps an earlier layer's time for its
 * size, else a conservative default. */
static void erase_fill_times(struct nor_erase *e, unsigned ne, const struct nor_params *p)
{
	for (unsigned i = 0; i < ne; i++) {
		if (e[i].typ_ms)
			continue;
		for (unsigned k = 0; k < p->nerase; k++)
			if (p->erase[k].size == e[i].size) {
				e[i].typ_ms = p->erase[k].typ_ms;
				e[i].max_ms = p->erase[k].max_ms;
			}
		if (e[i].typ_ms == 0) {
			bool small = e[i].size <= 4096u;
			e[i].typ_ms = small ? ERASE_4K_TYP_MS : ERASE_BIG_TYP_MS;
			e[i].max_ms = small ? ERASE_4K_MAX_MS : ERASE_BIG_MAX_MS;
		}
	}
}

static int bfpt_erase(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	struct nor_erase e[NOR_MAX_ERASE_TYPES];
	memset(e, 0, sizeof(e));
	unsigned ne = bfpt_dw8_erase_types(dw, p->size, e);
	if (ne == 0)
		ne = bfpt_dw1_erase_4k(dw, e);
	if (ne == 0)
		return QDFU_E_CORRUPT;
	bfpt_dw10_erase_times(dw, n, e, ne);
	ne = erase_sort_unique(e, ne);
	erase_fill_times(e, ne, p);
	memset(p->erase, 0, sizeof(p->erase));
	memcpy(p->erase, e, sizeof(e[0]) * ne);
	p->nerase = (uint8_t)ne;
	return QDFU_OK;
}

static int decode_bfpt(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	int rc = bfpt_dw2_density(dw, p);
	if (rc == QDFU_OK)
		rc = bfpt_erase(dw, n, p);
	if (rc)
		return rc;
	bfpt_dw1_modes(dw, p);
	bfpt_dw3_quad_io(dw, p);
	bfpt_dw11_page_program(dw, n, p);
	bfpt_dw11_chip_erase(dw, n, p);
	bfpt_dw14_status_poll(dw, n, p);
	bfpt_dw15_qer(dw, n, p);
	bfpt_dw16_4byte(dw, n, p);
	return QDFU_OK;
}

/* ------------------------------------------------------------ optional tables */

/* 4BAIT: which 4-byte opcodes exist (DW1) and the 4-byte opcode of each
 * BFPT erase type (DW2 byte t). An erase type whose support bit is clear
 * or whose opcode is blank has none, and nothing later invents one (Linux
 * drivers/mtd/spi-nor/sfdp.c spi_nor_parse_4bait() masks such types). */
static void decode_4bait(const uint32_t *dw, unsigned n, struct nor_params *p)
{
	if (n < FOURBAIT_DWORDS)
		return;
	uint32_t sup = dw[0];
	const uint32_t reads = FOURBAIT_READ | FOURBAIT_FAST_READ;
	p->op4_read = (sup & reads) == reads;
	p->op4_quad_read = (sup & FOURBAIT_READ_1_1_4) != 0;
	p->op4_quad_io_read = (sup & FOURBAIT_READ_1_4_4) != 0;
	p->op4_pp = (sup & FOURBAIT_PP) != 0;
	p->op4_quad_pp = (sup & FOURBAIT_PP_1_1_4) != 0;
	p->op4_erase = false;
	p->has_4bait = true;
	for (unsigned k = 0; k < p->nerase; k++) {
		struct nor_erase *e = &p->erase[k];
		unsigned t = e->type;
		uint32_t op = t < BFPT_ERASE_TYPES ? (dw[1] >> (FOURBAIT_ERASE_OP * t)) & 0xFFu : 0;
		bool ok = t < BFPT_ERASE_TYPES && (sup & (1u << (FOURBAIT_ERASE_TYPE0 + t))) &&
		          !op_unset(op);
		e->op4 = ok ? (uint8_t)op : 0;
		p->op4_erase = p->op4_erase || ok;
	}
}

/* How the sector map's configuration detection commands are run. */
struct smpt_detect {
	nor_sfdp_reg_fn reg;
	void *ctx;
};

/* Dummy clocks of a detection command: its read latency, or for "variable"
 * (0xF) 8, the register read latency of the part that uses it (S25FS512S:
 * RDAR 65h has 8 by default, as the Linux MTD discussion of the S25FS-S
 * sector map found; Linux takes its current read dummy, which reads wrong
 * bytes there). */
static uint8_t smpt_cmd_dummy(uint32_t d)
{
	uint32_t lat = SFDP_GET(d, SMPT_CMD_LATENCY);
	return (uint8_t)(lat == SMPT_LATENCY_VAR ? 8u : lat);
}

/* The configuration ID: one bit per detection command, the first command's
 * bit the most significant, set when the byte read has any bit of the
 * command's mask (JESD216 sector map table; Linux sfdp.c
 * spi_nor_get_map_in_use()). Address length "current" is 3: the probe
 * runs in 3-byte mode. *start: the first map descriptor. */
static int smpt_config_id(const uint32_t *dw, unsigned n, const struct smpt_detect *det,
                          uint32_t *id, unsigned *start)
{
	static const uint8_t addr_bytes[4] = {0, 3, 4, 3};
	unsigned i = 0;
	*id = 0;
	while (i + 1u < n && !SFDP_GET(dw[i], SMPT_MAP)) {
		uint32_t d = dw[i];
		uint8_t v = 0;
		if (!det->reg || det->reg(det->ctx, (uint8_t)SFDP_GET(d, SMPT_CMD_OP),
		                          addr_bytes[SFDP_GET(d, SMPT_CMD_ADDR_LEN)], dw[i + 1u],
		                          smpt_cmd_dummy(d), &v) != QDFU_OK)
			return QDFU_E_UNSUPPORTED;
		*id = *id << 1 | ((v & SFDP_GET(d, SMPT_CMD_MASK)) != 0);
		i += SMPT_CMD_DWORDS;
	}
	*start = i;
	return QDFU_OK;
}

/* Sector map: walk the map descriptors from start (only the one for
 * config when want_id); *common is the AND of every region's erase-type
 * mask, *differ whether two regions differ, *found whether a map counted. */
struct smpt_sum {
	uint32_t common;
	bool differ, found;
};

static int smpt_walk(const uint32_t *dw, unsigned n, unsigned start, const uint32_t *want_id,
                     struct smpt_sum *sum)
{
	uint32_t first = 0;
	bool any = false;
	unsigned i = start;
	sum->common = 0xFu;
	sum->differ = sum->found = false;
	while (i < n) {
		uint32_t d = dw[i];
		if (!SFDP_GET(d, SMPT_MAP)) { /* configuration detection command */
			i += SMPT_CMD_DWORDS;
			if (SFDP_GET(d, SMPT_LAST))
				break;
			continue;
		}
		unsigned regions = SFDP_GET(d, SMPT_REGIONS) + 1u;
		if (i + 1u + regions > n)
			return QDFU_E_CORRUPT;
		if (want_id && SFDP_GET(d, SMPT_MAP_ID) != *want_id) {
			i += 1u + regions;
			if (SFDP_GET(d, SMPT_LAST))
				break;
			continue;
		}
		sum->found = true;
		for (unsigned r = 0; r < regions; r++) {
			uint32_t m = SFDP_GET(dw[i + 1u + r], SMPT_REGION_TYPES);
			sum->differ = sum->differ || (any && m != first);
			first = any ? first : m;
			any = true;
			sum->common &= m;
		}
		i += 1u + regions;
		if (SFDP_GET(d, SMPT_LAST))
			break;
	}
	return QDFU_OK;
}

/* The map of the configuration the chip is in (detection commands run);
 * when detection fails or no map has that ID, every configuration's map
 * (the safe AND). The erase types are restricted to those every region
 * supports (a safe uniform layout); none in common is an error. */
static int decode_smpt(const uint32_t *dw, unsigned n, const struct smpt_detect *det,
                       struct nor_params *p)
{
	struct smpt_sum sum;
	uint32_t id;
	unsigned start;
	int rc = smpt_config_id(dw, n, det, &id, &start);
	if (rc == QDFU_OK)
		rc = smpt_walk(dw, n, start, &id, &sum);
	if (rc || !sum.found)
		rc = smpt_walk(dw, n, 0, NULL, &sum);
	if (rc)
		return rc;
	/* one region may still lack a BFPT erase type (S25FS-S uniform: no
	 * 4 KiB erase), so the common types are kept in any case */
	uint32_t common = sum.common;
	p->nonuniform = sum.differ;
	unsigned w = 0;
	for (unsigned k = 0; k < p->nerase; k++)
		if (p->erase[k].type < BFPT_ERASE_TYPES && (common & (1u << p->erase[k].type)))
			p->erase[w++] = p->erase[k];
	if (w == 0)
		return QDFU_E_UNSUPPORTED;
	for (unsigned k = w; k < NOR_MAX_ERASE_TYPES; k++)
		memset(&p->erase[k], 0, sizeof(p->erase[k]));
	p->nerase = (uint8_t)w;
	return QDFU_OK;
}

/* ------------------------------------------------------------ headers */

/* The SFDP header and up to SFDP_MAX_HDRS parameter headers. */
static int read_headers(nor_sfdp_read_fn rd, void *ctx, struct phdr *ph, unsigned *nread)
{
	uint8_t h[SFDP_HDR_LEN];
	if (rd(ctx, 0, h, sizeof(h)) || qdfu_get_le32(h) != SFDP_SIGNATURE)
		return QDFU_E_UNSUPPORTED;
	if (h[SFDP_HDR_MAJOR] != SFDP_MAJOR)
		return QDFU_E_CORRUPT;
	unsigned nph = qdfu_min_u32((uint32_t)h[SFDP_HDR_NPH] + 1u, SFDP_MAX_HDRS);
	*nread = 0;
	for (unsigned i = 0; i < nph; i++) {
		uint8_t b[SFDP_PH_LEN];
		if (rd(ctx, SFDP_HDR_LEN + SFDP_PH_LEN * i, b, sizeof(b)))
			break;
		ph[i].id = (uint16_t)(b[SFDP_PH_ID_LSB] | (b[SFDP_PH_ID_MSB] << 8));
		ph[i].minor = b[SFDP_PH_MINOR];
		ph[i].major = b[SFDP_PH_MAJOR];
		ph[i].len = b[SFDP_PH_DWORDS];
		ph[i].ptr = (uint32_t)b[SFDP_PH_PTR] | ((uint32_t)b[SFDP_PH_PTR + 1] << 8) |
		            ((uint32_t)b[SFDP_PH_PTR + 2] << 16);
		(*nread)++;
	}
	/* the first header must be the BFPT */
	if (*nread == 0 || ph[0].id != SFDP_ID_BFPT)
		return QDFU_E_CORRUPT;
	return QDFU_OK;
}

/* The newest major-1 BFPT of at least 9 DWORDs, -1 if none. */
static int newest_bfpt(const struct phdr *ph, unsigned nread)
{
	int best = -1;
	for (unsigned i = 0; i < nread; i++)
		if (ph[i].id == SFDP_ID_BFPT && ph[i].major == SFDP_MAJOR &&
		    ph[i].len >= BFPT_DW_REV0 && (best < 0 || ph[i].minor > ph[best].minor))
			best = (int)i;
	return best;
}

/* Optional tables: a failure to read one leaves the BFPT result standing;
 * a sector map with no erase type in common is an error. */
static int optional_tables(nor_sfdp_read_fn rd, const struct smpt_detect *det, void *ctx,
                           const struct phdr *ph, unsigned nread, struct nor_params *p)
{
	uint32_t dw[SMPT_MAX_DW];
	unsigned n;
	for (unsigned i = 0; i < nread; i++) {
		if (ph[i].major != SFDP_MAJOR)
			continue;
		if (ph[i].id == SFDP_ID_4BAIT &&
		    read_table(rd, ctx, &ph[i], dw, FOURBAIT_DWORDS, &n) == QDFU_OK) {
			decode_4bait(dw, n, p);
		} else if (ph[i].id == SFDP_ID_SMPT &&
		           read_table(rd, ctx, &ph[i], dw, SMPT_MAX_DW, &n) == QDFU_OK) {
			int rc = decode_smpt(dw, n, det, p);
			if (rc)
				return rc;
		}
	}
	return QDFU_OK;
}

int nor_sfdp_parse(nor_sfdp_read_fn rd, void *ctx, struct nor_params *out)
{
	return nor_sfdp_parse_detect(rd, NULL, ctx, out);
}

int nor_sfdp_parse_detect(nor_sfdp_read_fn rd, nor_sfdp_reg_fn reg, void *ctx,
                          struct nor_params *out)
{
	const struct smpt_detect det = {reg, ctx};
	struct phdr ph[SFDP_MAX_HDRS];
	unsigned nread, n;
	memset(ph, 0, sizeof(ph));
	int rc = read_headers(rd, ctx, ph, &nread);
	if (rc)
		return rc;
	int best = newest_bfpt(ph, nread);
	if (best < 0)
		return QDFU_E_CORRUPT;
	struct nor_params p = *out;
	uint32_t dw[BFPT_DW_REVF];
	rc = read_table(rd, ctx, &ph[best], dw, BFPT_DW_REVF, &n);
	if (rc)
		return rc;
	if (n < BFPT_DW_REV0)
		return QDFU_E_CORRUPT;
	if ((rc = decode_bfpt(dw, n, &p)))
		return rc;
	p.sfdp_minor = ph[best].minor;
	if ((rc = optional_tables(rd, &det, ctx, ph, nread, &p)))
		return rc;
	*out = p;
	return QDFU_OK;
}
