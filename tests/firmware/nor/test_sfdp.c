/* SPDX-License-Identifier: MIT */
/*
 * SFDP decoding: every chip model's generated image against the geometry
 * written here from the datasheets (shared facts), and malformed images
 * (bad signature, truncated, absurd density, no erase types, headers
 * pointing outside, sector maps): a sane result or a clear error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "nor/nor.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_parts.h"

#define MIB (1024u * 1024u)

struct img {
	const uint8_t *p;
	uint32_t len;
};

static int img_read(void *ctx, uint32_t addr, uint8_t *buf, uint32_t len)
{
	const struct img *im = ctx;
	if (addr > im->len || len > im->len - addr)
		return -1;
	memcpy(buf, im->p + addr, len);
	return 0;
}

/* Datasheet geometry: size, erase sizes 4/32/64 KiB, quad enable where
 * the BFPT is new enough to carry it (0xFF: not in the table). */
static const struct {
	const char *name;
	uint32_t size;
	uint8_t qer;
	bool four_byte;
} ds[] = {
    {"MT25QL512ABB", 64 * MIB, 0, true}, {"MT25QL128ABA", 16 * MIB, 0, false},
    {"W25Q64JV", 8 * MIB, 0xFF, false},  {"W25Q128JV", 16 * MIB, 4, false},
    {"W25Q256JV", 32 * MIB, 4, true},    {"MX25L12833F", 16 * MIB, 2, false},
    {"MX25L51245G", 64 * MIB, 2, true},  {"IS25LP064A", 8 * MIB, 2, false},
    {"GD25Q128", 16 * MIB, 0xFF, false}, {"AT25SF128A", 16 * MIB, 4, false},
};

static void test_models(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(ds) / sizeof(ds[0]); i++) {
		struct nor_chip *c = nor_chip_create(ds[i].name);
		assert_non_null(c);
		struct img im;
		im.p = nor_chip_sfdp(c, &im.len);
		struct nor_params p;
		nor_params_defaults(&p);
		assert_int_equal(nor_sfdp_parse(img_read, &im, &p), QDFU_OK);
		assert_int_equal(p.size, ds[i].size);
		assert_int_equal(p.nerase, 3);
		assert_int_equal(p.erase[0].size, 4096);
		assert_int_equal(p.erase[0].op, 0x20);
		assert_int_equal(p.erase[1].size, 32768);
		assert_int_equal(p.erase[1].op, 0x52);
		assert_int_equal(p.erase[2].size, 65536);
		assert_int_equal(p.erase[2].op, 0xD8);
		assert_int_equal(p.page, 256);
		assert_int_equal(p.qer, ds[i].qer == 0xFF ? NOR_QER_UNKNOWN : ds[i].qer);
		assert_int_equal(p.op4_erase, ds[i].four_byte);
		if (ds[i].four_byte) {
			assert_int_equal(p.erase[0].op4, 0x21);
			assert_int_equal(p.erase[2].op4, 0xDC);
			assert_true(p.op4_read && p.op4_pp);
		}
		assert_false(p.nonuniform);
		/* times: max never below typ; 4 KiB erase max within 100 ms..10 s */
		for (unsigned k = 0; k < p.nerase; k++)
			assert_true(p.erase[k].max_ms >= p.erase[k].typ_ms &&
			            p.erase[k].typ_ms > 0);
		if (p.sfdp_minor >= 5) {
			assert_true(p.erase[0].max_ms >= 100 && p.erase[0].max_ms <= 10000);
			assert_true(p.pp_max_us >= 500 && p.pp_max_us <= 10000);
		}
		nor_chip_destroy(c);
	}
}

/* A hand-made SFDP: header + BFPT (16 DWORDs) at 0x10, 8 MiB, 4K/64K. */
static uint8_t buf[512];
static uint32_t mk(void)
{
	memset(buf, 0xFF, sizeof(buf));
	const uint8_t hdr[16] = {'S',  'F', 'D', 'P', 6,    1, 0, 0xFF,
	                         0x00, 6,   1,   16,  0x10, 0, 0, 0xFF};
	memcpy(buf, hdr, 16);
	uint32_t dw[16];
	memset(dw, 0xFF, sizeof(dw));
	dw[0] = 0xFFF120E5u;
	dw[1] = 8u * MIB * 8u - 1u;
	dw[7] = 0x520F200Cu; /* 4K 0x20, 32K 0x52 */
	dw[8] = 0x0000D810u; /* 64K 0xD8 */
	dw[9] = 0x00000000u;
	dw[10] = 0x00000080u; /* page 256 */
	dw[14] = 2u << 20;
	for (unsigned i = 0; i < 16; i++)
		for (unsigned b = 0; b < 4; b++)
			buf[0x10 + 4 * i + b] = (uint8_t)(dw[i] >> (8 * b));
	return 0x10 + 64;
}

static void put32(uint32_t off, uint32_t v)
{
	for (unsigned b = 0; b < 4; b++)
		buf[off + b] = (uint8_t)(v >> (8 * b));
}

static int parse(uint32_t len, struct nor_params *p)
{
	struct img im = {buf, len};
	nor_params_defaults(p);
	p->size = 1234u; /* marker: must survive a failed parse */
	return nor_sfdp_parse(img_read, &im, p);
}

static void test_handmade_ok(void **state)
{
	(void)state;
	struct nor_params p;
	assert_int_equal(parse(mk(), &p), QDFU_OK);
	assert_int_equal(p.size, 8 * MIB);
	assert_int_equal(p.nerase, 3);
	assert_int_equal(p.qer, 2);
}

static void test_malformed(void **state)
{
	(void)state;
	struct nor_params p;
	uint32_t len = mk();
	buf[0] = 'X'; /* bad signature */
	assert_int_equal(parse(len, &p), QDFU_E_UNSUPPORTED);
	assert_int_equal(p.size, 1234u);
	mk();
	assert_int_not_equal(parse(12, &p), QDFU_OK); /* truncated in the header */
	assert_int_equal(p.size, 1234u);
	assert_int_not_equal(parse(0x10 + 20, &p), QDFU_OK); /* truncated BFPT */
	assert_int_equal(p.size, 1234u);
	mk();
	put32(0x14, 0x80000040u); /* 2^64 bits */
	assert_int_equal(parse(len, &p), QDFU_E_CORRUPT);
	mk();
	put32(0x14, 1000u); /* 1001 bits */
	assert_int_equal(parse(len, &p), QDFU_E_CORRUPT);
	mk();
	put32(0x14, 0x7FFFFFFFu + 0u); /* 256 MiB: the largest accepted */
	assert_int_equal(parse(len, &p), QDFU_OK);
	mk();
	put32(0x10, 0xFFF120E7u); /* no 4K erase in DW1 */
	put32(0x10 + 28, 0);      /* and no erase types */
	put32(0x10 + 32, 0);
	assert_int_equal(parse(len, &p), QDFU_E_CORRUPT);
	mk();
	put32(0x10 + 28, 0x00FF001Fu); /* absurd exponents only (2^31, 2^0) */
	put32(0x10 + 32, 0);
	assert_int_equal(parse(len, &p), QDFU_OK); /* falls back to DW1's 4 KiB */
	assert_int_equal(p.nerase, 1);
	assert_int_equal(p.erase[0].size, 4096);
	mk();
	buf[12] = 0x00;
	buf[13] = 0xF0; /* BFPT pointer outside the table */
	assert_int_not_equal(parse(len, &p), QDFU_OK);
	assert_int_equal(p.size, 1234u);
	mk();
	buf[11] = 4; /* BFPT shorter than 9 DWORDs */
	assert_int_equal(parse(len, &p), QDFU_E_CORRUPT);
	mk();
	buf[5] = 2; /* major revision 2 */
	assert_int_equal(parse(len, &p), QDFU_E_CORRUPT);
	mk();
	buf[6] = 0xFF; /* 256 headers claimed, only one there */
	assert_int_equal(parse(len, &p), QDFU_OK);
	assert_int_equal(p.size, 8 * MIB);
}

/* Optional table (4BAIT) pointing outside: ignored, BFPT result kept. */
static void test_bad_optional_table(void **state)
{
	(void)state;
	struct nor_params p;
	uint32_t len = mk();
	buf[6] = 1;
	const uint8_t h4[8] = {0x84, 0, 1, 2, 0x00, 0x40, 0x00, 0xFF};
	memcpy(buf + 0x50, h4, 8); /* wrong place: headers are at 8.. */
	memmove(buf + 0x50, buf + 0x50, 0);
	/* put the second header right after the first: move BFPT is at 0x10,
	 * so rebuild with headers at 8 and 16, BFPT at 0x20 */
	uint8_t bfpt[64];
	memcpy(bfpt, buf + 0x10, 64);
	memcpy(buf + 16, h4, 8);
	memcpy(buf + 0x20, bfpt, 64);
	buf[12] = 0x20;
	len = 0x20 + 64;
	assert_int_equal(parse(len, &p), QDFU_OK);
	assert_int_equal(p.size, 8 * MIB);
	assert_false(p.op4_erase);
}

/* Make room for a second parameter header h (its table at 0x60): the BFPT
 * moves from 0x10 to 0x20. */
static void second_header(const uint8_t h[8])
{
	uint8_t bfpt[64];
	memcpy(bfpt, buf + 0x10, 64);
	buf[6] = 1;
	memcpy(buf + 16, h, 8);
	memcpy(buf + 0x20, bfpt, 64);
	buf[12] = 0x20;
}

/* A sector map with two regions supporting erase types m1 and m2. */
static void add_sector_map(uint32_t m1, uint32_t m2)
{
	const uint8_t hs[8] = {0x81, 0, 1, 3, 0x60, 0x00, 0x00, 0xFF};
	second_header(hs);
	put32(0x60, 0x00010003u);                            /* map descriptor, last, 2 regions */
	put32(0x64, ((128u * 1024u / 256u - 1u) << 8) | m1); /* 128 KiB */
	put32(0x68, (((8u * MIB - 128u * 1024u) / 256u - 1u) << 8) | m2);
}

/* Sector map with two regions whose erase types differ: restricted to the
 * types both support; no type in common is a clear error. */
static void sector_map(uint32_t m1, uint32_t m2)
{
	mk();
	add_sector_map(m1, m2);
}

static void test_sector_map(void **state)
{
	(void)state;
	struct nor_params p;
	sector_map(0x3, 0x5); /* 4K+32K / 4K+64K: only 4K in common */
	assert_int_equal(parse(0x70, &p), QDFU_OK);
	assert_true(p.nonuniform);
	assert_int_equal(p.nerase, 1);
	assert_int_equal(p.erase[0].size, 4096);
	sector_map(0x5, 0x5); /* uniform, but no region has type 2 (32 KiB) */
	assert_int_equal(parse(0x70, &p), QDFU_OK);
	assert_false(p.nonuniform);
	assert_int_equal(p.nerase, 2);
	assert_int_equal(p.erase[1].size, 65536);
	sector_map(0x7, 0x7); /* uniform, every type */
	assert_int_equal(parse(0x70, &p), QDFU_OK);
	assert_int_equal(p.nerase, 3);
	sector_map(0x1, 0x4); /* nothing in common */
	assert_int_equal(parse(0x70, &p), QDFU_E_UNSUPPORTED);
	assert_int_equal(p.size, 1234u);
}

/* Erase types listed out of size order (type 1 = 4 KiB, type 2 = 32 KiB,
 * type 0 = 64 KiB): after sorting by size each entry keeps its BFPT type,
 * so DW10 times, the 4BAIT opcodes and the sector map follow the type. */
static void out_of_order(void)
{
	mk();
	put32(0x10 + 28, 0x200CD810u); /* type 0: 64K 0xD8, type 1: 4K 0x20 */
	put32(0x10 + 32, 0x0000520Fu); /* type 2: 32K 0x52 */
	/* DW10: M = 0; type 0 10 x 16 ms, type 1 30 x 1 ms, type 2 6 x 16 ms */
	put32(0x10 + 36, (0x29u << 4) | (0x1Du << 11) | (0x25u << 18));
}

static void test_erase_type_index(void **state)
{
	(void)state;
	struct nor_params p;
	out_of_order();
	assert_int_equal(parse(0x10 + 64, &p), QDFU_OK);
	assert_int_equal(p.nerase, 3);
	const uint32_t size[3] = {4096, 32768, 65536}, typ[3] = {30, 96, 160};
	const uint8_t type[3] = {1, 2, 0};
	for (unsigned k = 0; k < 3; k++) {
		assert_int_equal(p.erase[k].size, size[k]);
		assert_int_equal(p.erase[k].type, type[k]);
		assert_int_equal(p.erase[k].typ_ms, typ[k]);
		assert_int_equal(p.erase[k].max_ms, 2 * typ[k]);
	}
	/* 4BAIT after the BFPT: types 0 and 1 have 4-byte opcodes, type 2 not */
	out_of_order();
	const uint8_t h4[8] = {0x84, 0, 1, 2, 0x60, 0, 0, 0xFF};
	second_header(h4);
	put32(0x60, (1u << 9) | (1u << 10) | 0x53u);
	put32(0x64, 0x000021DCu);
	assert_int_equal(parse(0x68, &p), QDFU_OK);
	assert_int_equal(p.erase[0].op4, 0x21);
	assert_int_equal(p.erase[1].op4, 0);
	assert_int_equal(p.erase[2].op4, 0xDC);
	assert_true(p.op4_erase && p.has_4bait); /* some types have one */
	/* sector map: region 1 types 0 + 1, region 2 type 1: only 4 KiB */
	out_of_order();
	add_sector_map(0x3, 0x2);
	assert_int_equal(parse(0x70, &p), QDFU_OK);
	assert_true(p.nonuniform);
	assert_int_equal(p.nerase, 1);
	assert_int_equal(p.erase[0].size, 4096);
	assert_int_equal(p.erase[0].type, 1);
}

/* A 64 MiB chip whose 4BAIT has no 4-byte form of erase type 1 (32 KiB):
 * the fixups must not invent one (0x5C), the chip would ignore it. */
static void test_4bait_trusted(void **state)
{
	(void)state;
	struct nor_params p;
	out_of_order();
	put32(0x14, 64u * MIB * 8u - 1u);
	put32(0x10 + 28, 0x520F200Cu); /* type 0: 4K 0x20, type 1: 32K 0x52 */
	put32(0x10 + 32, 0x0000D810u); /* type 2: 64K 0xD8 */
	const uint8_t h4[8] = {0x84, 0, 1, 2, 0x60, 0, 0, 0xFF};
	second_header(h4);
	put32(0x60, (1u << 9) | (1u << 11) | 0x53u); /* types 0 and 2 */
	put32(0x64, 0x00DC0021u);
	assert_int_equal(parse(0x68, &p), QDFU_OK);
	const uint8_t id[3] = {0xC2, 0x20, 0x1A};
	nor_vendor_fixup(id, &p);
	assert_int_equal(p.size, 64 * MIB);
	assert_int_equal(p.erase[0].op4, 0x21);
	assert_int_equal(p.erase[1].size, 32768);
	assert_int_equal(p.erase[1].op4, 0); /* not 0x5C */
	assert_int_equal(p.erase[2].op4, 0xDC);
	assert_true(p.op4_read && p.op4_pp && p.op4_erase);
}

/* Chip erase maximum: JESD216 leaves open whether DW11's program multiplier
 * or DW10's erase multiplier applies; the larger of the two is used. */
static void test_chip_erase_max(void **state)
{
	(void)state;
	struct nor_params p;
	static const struct {
		uint32_t dw10_m, dw11_m, factor;
	} cases[] = {{7, 0, 16}, {0, 7, 16}, {1, 2, 6}};
	for (unsigned i = 0; i < 3; i++) {
		mk();
		put32(0x10 + 36, cases[i].dw10_m);
		/* DW11: page 256, chip erase 10 x 4 s */
		put32(0x10 + 40, cases[i].dw11_m | 0x80u | (0x49u << 24));
		assert_int_equal(parse(0x10 + 64, &p), QDFU_OK);
		assert_int_equal(p.chip_typ_ms, 40000u);
		assert_int_equal(p.chip_max_ms, 40000u * cases[i].factor);
	}
}

/* A sector map's configuration detection command run on a chip model. */
static int chip_reg(void *ctx, uint8_t op, uint8_t addr_bytes, uint32_t addr, uint8_t dummy,
                    uint8_t *val)
{
	struct port_qspi_cmd c = {.instruction = op,
	                          .instruction_lines = 1,
	                          .address_lines = addr_bytes ? 1 : 0,
	                          .address_bytes = addr_bytes,
	                          .address = addr,
	                          .dummy_cycles = dummy,
	                          .data_lines = 1,
	                          .data_len = 1};
	return nor_chip_command(ctx, &c, NULL, val) ? QDFU_E_UNSUPPORTED : QDFU_OK;
}

struct img_chip {
	struct img im;
	struct nor_chip *chip;
};

static int img_chip_read(void *ctx, uint32_t addr, uint8_t *buf, uint32_t len)
{
	return img_read(&((struct img_chip *)ctx)->im, addr, buf, len);
}

static int img_chip_reg(void *ctx, uint8_t op, uint8_t ab, uint32_t addr, uint8_t dummy,
                        uint8_t *val)
{
	return chip_reg(((struct img_chip *)ctx)->chip, op, ab, addr, dummy, val);
}

/* Issue 19 item 7: S25FS512S's sector map has three configurations
 * (parameter sectors at the bottom, at the top, uniform 256 KiB). The AND
 * of all of them has no erase type in common, so the chip was rejected
 * whatever its configuration (seen failing before per-configuration
 * detection: QDFU_E_UNSUPPORTED). The detection commands (RDAR 0x65, 8
 * clocks) pick the map in use: uniform gives 256 KiB erases only; a hybrid
 * configuration is still refused (its regions share no erase type). */
static void test_sector_map_detection(void **state)
{
	(void)state;
	struct img_chip ic;
	ic.chip = nor_chip_create("S25FS512S");
	assert_non_null(ic.chip);
	ic.im.p = nor_chip_sfdp(ic.chip, &ic.im.len);
	struct nor_params p;
	nor_params_defaults(&p);
	assert_int_equal(nor_sfdp_parse(img_chip_read, &ic, &p), QDFU_E_UNSUPPORTED);
	nor_params_defaults(&p);
	assert_int_equal(nor_sfdp_parse_detect(img_chip_read, img_chip_reg, &ic, &p), QDFU_OK);
	assert_int_equal(p.size, 64 * MIB);
	assert_int_equal(p.nerase, 1);
	assert_int_equal(p.erase[0].size, 256u * 1024u);
	assert_false(p.nonuniform);
	for (unsigned top = 0; top < 2; top++) {
		nor_chip_set_sector_config(ic.chip, true, top);
		nor_params_defaults(&p);
		assert_int_equal(nor_sfdp_parse_detect(img_chip_read, img_chip_reg, &ic, &p),
		                 QDFU_E_UNSUPPORTED);
	}
	nor_chip_destroy(ic.chip);
}

/* The deadlines the driver takes from a model's SFDP (BFPT DW10/DW11) are
 * never shorter than the part's datasheet maxima in sim/nor/nor_parts.c. */
static void test_models_deadlines(void **state)
{
	(void)state;
	for (unsigned i = 0; i < nor_parts_count; i++) {
		const struct nor_part *part = &nor_parts[i];
		if (part->no_sfdp || part->sfdp_minor < 5)
			continue; /* no DW10/11: the driver's defaults apply */
		uint8_t img[256];
		struct img_chip ic = {{img, nor_sfdp_build(part, img, sizeof(img))},
		                      nor_chip_create(part->name)};
		struct nor_params p;
		nor_params_defaults(&p);
		assert_int_equal(nor_sfdp_parse_detect(img_chip_read, img_chip_reg, &ic, &p),
		                 QDFU_OK);
		nor_chip_destroy(ic.chip);
		for (unsigned k = 0; k < p.nerase; k++)
			for (unsigned t = 0; t < 4; t++)
				if (part->erase[t].log2 &&
				    (1u << part->erase[t].log2) == p.erase[k].size)
					assert_true(p.erase[k].max_ms >= part->erase[t].max_ms);
		assert_true(p.pp_max_us >= part->pp_max_us);
		assert_true(p.chip_max_ms >= part->chip_max_ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_models),           cmocka_unit_test(test_handmade_ok),
	    cmocka_unit_test(test_malformed),        cmocka_unit_test(test_bad_optional_table),
	    cmocka_unit_test(test_sector_map),       cmocka_unit_test(test_erase_type_index),
	    cmocka_unit_test(test_4bait_trusted),    cmocka_unit_test(test_chip_erase_max),
	    cmocka_unit_test(test_models_deadlines), cmocka_unit_test(test_sector_map_detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
