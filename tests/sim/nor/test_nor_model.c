/* SPDX-License-Identifier: MIT */
/* Chip-model semantics: program clears bits only and wraps in its page,
 * WEL gates and clears, busy ignores all but status, Winbond block
 * protection, reset 0x66/0x99, deep power-down, power loss corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/clock/vclock.h"
#include "sim/nor/nor_model.h"

static struct nor_chip *c;

static int op(uint8_t o)
{
	struct port_qspi_cmd q = {.instruction = o, .instruction_lines = 1};
	return nor_chip_command(c, &q, NULL, NULL);
}

static int pp(uint32_t a, const uint8_t *d, uint32_t n)
{
	struct port_qspi_cmd q = {.instruction = 0x02,
	                          .instruction_lines = 1,
	                          .address_lines = 1,
	                          .address_bytes = 3,
	                          .address = a,
	                          .data_lines = 1,
	                          .data_len = n};
	return nor_chip_command(c, &q, d, NULL);
}

static int erase4k(uint32_t a)
{
	struct port_qspi_cmd q = {.instruction = 0x20,
	                          .instruction_lines = 1,
	                          .address_lines = 1,
	                          .address_bytes = 3,
	                          .address = a};
	return nor_chip_command(c, &q, NULL, NULL);
}

static int rd(uint32_t a, uint8_t *b, uint32_t n)
{
	struct port_qspi_cmd q = {.instruction = 0x03,
	                          .instruction_lines = 1,
	                          .address_lines = 1,
	                          .address_bytes = 3,
	                          .address = a,
	                          .data_lines = 1,
	                          .data_len = n};
	return nor_chip_command(c, &q, NULL, b);
}

static bool busy(void)
{
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	return st.busy;
}

static void settle(void)
{
	while (busy())
		vclock_advance_us(100);
}

static void test_program_semantics(void **state)
{
	(void)state;
	c = nor_chip_create("w25q64jv");
	assert_non_null(c);
	uint8_t *m = nor_chip_array(c);
	uint8_t d[4] = {0x0F, 0xF0, 0x33, 0x55};
	/* no WEL: ignored */
	assert_int_not_equal(pp(0x100, d, 4), 0);
	assert_int_equal(m[0x100], 0xFF);
	op(0x06);
	assert_int_equal(pp(0x1FE, d, 4), 0); /* wraps: 0x1FE, 0x1FF, 0x100, 0x101 */
	assert_true(busy());
	uint8_t b[4];
	assert_int_not_equal(rd(0x1FE, b, 2), 0); /* reads ignored while busy */
	assert_int_not_equal(b[0], 0x0F);
	struct nor_chip_state st, st2;
	nor_chip_get_state(c, &st);
	assert_int_not_equal(op(0x04), 0); /* WRDI ignored while busy */
	nor_chip_get_state(c, &st2);
	assert_int_equal(st2.ignored, st.ignored + 1);
	assert_true(st2.wel); /* set until the program ends */
	settle();
	nor_chip_get_state(c, &st);
	assert_false(st.wel); /* cleared at the end */
	assert_int_equal(m[0x1FE], 0x0F);
	assert_int_equal(m[0x1FF], 0xF0);
	assert_int_equal(m[0x100], 0x33);
	assert_int_equal(m[0x101], 0x55);
	assert_int_equal(m[0x200], 0xFF);
	/* program only clears bits */
	uint8_t e[1] = {0xF0};
	op(0x06);
	pp(0x1FE, e, 1);
	settle();
	assert_int_equal(m[0x1FE], 0x00);
	/* erase an aligned block */
	op(0x06);
	assert_int_equal(erase4k(0x123), 0);
	settle();
	assert_int_equal(m[0x1FE], 0xFF);
	assert_int_equal(rd(0x100, b, 2), 0);
	assert_int_equal(b[0], 0xFF);
	nor_chip_destroy(c);
}

/* While a sector erase runs (the journal's pre-erase at DFU entry,
 * docs/decisions/journal-pre-erase.md) the chip hears only status reads:
 * a read gets the undriven 0x00 and counts as ignored, a write enable is
 * ignored, so a program issued then does not take; after the erase both
 * work. A driver that did not wait would fail here as on silicon. */
static void test_erase_busy_ignores_reads_and_programs(void **state)
{
	(void)state;
	c = nor_chip_create("mt25ql512abb");
	assert_non_null(c);
	uint8_t *m = nor_chip_array(c);
	memset(m + 0x3000, 0x00, 4096);
	assert_int_equal(op(0x06), 0);
	assert_int_equal(erase4k(0x3000), 0);
	assert_true(busy());
	struct nor_chip_state st, st2;
	nor_chip_get_state(c, &st);
	uint8_t b[4] = {0xAA, 0xAA, 0xAA, 0xAA}, d[4] = {0x12, 0x34, 0x56, 0x78};
	assert_int_not_equal(rd(0x3000, b, 4), 0);
	assert_int_equal(b[0], 0x00); /* undriven lines, neither data nor 0xFF */
	assert_int_not_equal(op(0x06), 0);
	assert_int_not_equal(pp(0x3000, d, 4), 0);
	nor_chip_get_state(c, &st2);
	assert_int_equal(st2.ignored, st.ignored + 3u);
	settle();
	nor_chip_get_state(c, &st);
	assert_false(st.wel); /* cleared with the erase */
	assert_int_equal(rd(0x3000, b, 4), 0);
	assert_int_equal(b[0], 0xFF);
	assert_int_equal(op(0x06), 0);
	assert_int_equal(pp(0x3000, d, 4), 0);
	settle();
	assert_int_equal(m[0x3000], 0x12);
	nor_chip_destroy(c);
}

static void test_protection_reset_dpd(void **state)
{
	(void)state;
	c = nor_chip_create("W25Q64JV");
	uint8_t *m = nor_chip_array(c);
	uint8_t d[1] = {0};
	nor_chip_set_sr1(c, 0x3u << 2); /* BP=011: upper 512 KiB */
	op(0x06);
	pp(8u * 1024u * 1024u - 4096u, d, 1);
	settle();
	assert_int_equal(m[8u * 1024u * 1024u - 4096u], 0xFF);
	op(0x06);
	pp(0x1000, d, 1);
	settle();
	assert_int_equal(m[0x1000], 0x00);
	nor_chip_set_sr1(c, 0);
	/* reset during an erase corrupts the block, 0x99 alone does nothing */
	memset(m + 0x2000, 0x00, 4096);
	op(0x06);
	erase4k(0x2000);
	assert_int_not_equal(op(0x99), 0);
	assert_true(busy());
	op(0x66);
	assert_int_equal(op(0x99), 0);
	assert_false(busy()); /* not busy: deaf for tRST (test_deaf_windows) */
	vclock_advance_us(1000);
	unsigned ff = 0;
	for (unsigned i = 0; i < 4096; i++)
		ff += m[0x2000 + i] == 0xFF;
	assert_true(ff > 0 && ff < 4096);
	/* deep power-down: only 0xAB */
	op(0xB9);
	op(0x06);
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	assert_true(st.dpd);
	assert_false(st.wel);
	op(0xAB);
	vclock_advance_us(1000); /* past tRES1 */
	op(0x06);
	nor_chip_get_state(c, &st);
	assert_true(st.wel && !st.dpd);
	/* power loss mid-program: page left corrupted */
	uint8_t z[256];
	memset(z, 0, sizeof(z));
	memset(m + 0x3000, 0xFF, 256);
	pp(0x3000, z, 256);
	nor_chip_power_cycle(c);
	assert_false(busy());
	nor_chip_destroy(c);
}

static int rdsr(uint8_t *v)
{
	struct port_qspi_cmd q = {
	    .instruction = 0x05, .instruction_lines = 1, .data_lines = 1, .data_len = 1};
	*v = 0xEE;
	return nor_chip_command(c, &q, NULL, v);
}

static bool wel(void)
{
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	return st.wel;
}

/* After a soft reset (tRST) and after leaving deep power-down (tRES1) the
 * chip hears no command and does not drive the data line: a status read
 * returns the undriven 0x00, which a driver polling WIP takes for "ready". */
static void test_deaf_windows(void **state)
{
	(void)state;
	static const char *const parts[] = {"MT25QL512ABB", "W25Q64JV", "MX25L12833F",
	                                    "IS25LP064A",   "GD25Q128", "AT25SF128A"};
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		c = nor_chip_create(parts[i]);
		assert_non_null(c);
		uint8_t sr;
		assert_int_equal(op(0x66), 0);
		assert_int_equal(op(0x99), 0);
		assert_int_not_equal(rdsr(&sr), 0);
		assert_int_equal(sr, 0x00);
		assert_int_not_equal(op(0x06), 0);
		assert_false(wel());
		vclock_advance_us(1000);
		assert_int_equal(op(0x06), 0);
		assert_true(wel());
		assert_int_equal(rdsr(&sr), 0);
		assert_int_equal(sr & 0x03, 0x02);
		/* deep power-down, then 0xAB: deaf for tRES1 */
		assert_int_equal(op(0xB9), 0);
		assert_int_equal(op(0xAB), 0);
		assert_int_not_equal(op(0x04), 0);
		assert_true(wel());
		vclock_advance_us(1000);
		assert_int_equal(op(0x04), 0);
		assert_false(wel());
		nor_chip_destroy(c);
	}
}

static int wrsr1(uint8_t v)
{
	struct port_qspi_cmd q = {
	    .instruction = 0x01, .instruction_lines = 1, .data_lines = 1, .data_len = 1};
	return nor_chip_command(c, &q, &v, NULL);
}

/* Every vendor's block protection, at its SR1 layout: BP3 in bit 6 on
 * Micron, in bit 5 on Macronix and ISSI; program and erase of a protected
 * block are ignored. Winbond, GigaDevice and Adesto also take a volatile
 * status write after 0x50 (no WEL, no busy), undone by a power cycle. */
static void test_protection_all_vendors(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint8_t all;     /* SR1 value protecting everything */
		uint8_t partial; /* SR1 value that leaves address 0 writable */
		bool vsr;
	} cases[] = {
	    {"W25Q64JV", 0x1C, 0x04, true},     {"GD25Q128", 0x1C, 0x04, true},
	    {"AT25SF128A", 0x1C, 0x04, true},   {"MT25QL512ABB", 0x5C, 0x04, false},
	    {"MX25L12833F", 0x3C, 0x04, false}, {"IS25LP064A", 0x3C, 0x04, false},
	};
	uint8_t d[1] = {0x00};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = nor_chip_create(cases[i].name);
		uint8_t *m = nor_chip_array(c);
		nor_chip_set_sr1(c, cases[i].all);
		op(0x06);
		assert_int_equal(pp(0x100, d, 1), 0);
		settle();
		assert_int_equal(m[0x100], 0xFF); /* ignored */
		nor_chip_set_sr1(c, cases[i].partial);
		op(0x06);
		pp(0x100, d, 1);
		settle();
		assert_int_equal(m[0x100], 0x00);
		nor_chip_set_sr1(c, cases[i].all);
		/* 0x50 then 0x01: volatile on the Winbond family only */
		int rc50 = op(0x50);
		int rcw = wrsr1(0x00);
		struct nor_chip_state st;
		nor_chip_get_state(c, &st);
		if (cases[i].vsr) {
			assert_int_equal(rc50, 0);
			assert_int_equal(rcw, 0);
			assert_false(st.busy);
			assert_int_equal(st.sr1 & cases[i].all, 0);
			nor_chip_power_cycle(c);
			nor_chip_get_state(c, &st);
			assert_int_equal(st.sr1 & cases[i].all, cases[i].all);
		} else {
			assert_int_not_equal(rcw, 0); /* no WEL: ignored */
			assert_int_equal(st.sr1 & cases[i].all, cases[i].all);
		}
		nor_chip_destroy(c);
	}
}

static int read144(uint8_t mode, bool instruction, uint8_t *b, uint32_t n)
{
	struct port_qspi_cmd q = {.instruction = 0xEB,
	                          .instruction_lines = instruction ? 1 : 0,
	                          .address_lines = 4,
	                          .address_bytes = 3,
	                          .address = 0x100,
	                          .alt_lines = 4,
	                          .alt_bytes = 1,
	                          .alt = mode,
	                          .dummy_cycles =
	                              (uint8_t)(strcmp(nor_chip_name(c), "MT25QL512ABB") ? 4 : 8),
	                          .data_lines = 4,
	                          .data_len = n};
	return nor_chip_command(c, &q, NULL, b);
}

static bool id_reads_right(void)
{
	uint8_t id[3] = {0};
	struct port_qspi_cmd q = {
	    .instruction = 0x9F, .instruction_lines = 1, .data_lines = 1, .data_len = 3};
	return nor_chip_command(c, &q, NULL, id) == 0 && id[0] != 0x00 && id[0] != 0xFF;
}

/* Continuous read after a 1-4-4 read whose mode byte matches the maker's
 * pattern (W25Q64JV M5-4 = 10, IS25LP064A M7-4 = 1010, MX25L12833F P7-4 =
 * ~P3-0; Micron needs its XIP bit, not modelled): the next command's
 * instruction is taken for an address, an instruction-less 1-4-4 read goes
 * on, 0xFF leaves it. Mode bits 0xFF never enter it. */
static void test_continuous_read(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint8_t enter, stay_out;
		uint8_t qe_sr1; /* QE in SR1 (QER 2), else SR2 via 0x31 or none */
	} cases[] = {
	    {"W25Q64JV", 0x20, 0xFF, 0},      {"GD25Q128", 0xA0, 0xF0, 0},
	    {"IS25LP064A", 0xA0, 0x20, 0x40}, {"MX25L12833F", 0xA5, 0xFF, 0x40},
	    {"MT25QL512ABB", 0x00, 0xFF, 0},
	};
	uint8_t d[4] = {1, 2, 3, 4}, b[4];
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = nor_chip_create(cases[i].name);
		bool micron = cases[i].enter == 0x00;
		op(0x06);
		pp(0x100, d, 4);
		settle();
		if (cases[i].qe_sr1) {
			nor_chip_set_sr1(c, cases[i].qe_sr1);
		} else if (!micron) {
			uint8_t v = 0x02;
			struct port_qspi_cmd q = {.instruction = 0x31,
			                          .instruction_lines = 1,
			                          .data_lines = 1,
			                          .data_len = 1};
			op(0x06);
			nor_chip_command(c, &q, &v, NULL);
			settle();
		}
		assert_int_equal(read144(cases[i].stay_out, true, b, 4), 0);
		assert_memory_equal(b, d, 4);
		assert_true(id_reads_right());
		assert_int_equal(read144(cases[i].enter, true, b, 4), 0);
		assert_memory_equal(b, d, 4);
		if (micron) {
			assert_true(id_reads_right()); /* XIP bit of the VCR not cleared */
			nor_chip_destroy(c);
			continue;
		}
		assert_false(id_reads_right()); /* 0x9F taken for an address */
		assert_int_equal(read144(cases[i].enter, false, b, 4), 0);
		assert_memory_equal(b, d, 4); /* goes on without an instruction */
		assert_int_equal(op(0xFF), 0);
		assert_true(id_reads_right());
		nor_chip_destroy(c);
	}
}

static int pp114(uint32_t a, const uint8_t *d, uint32_t n)
{
	struct port_qspi_cmd q = {.instruction = 0x32,
	                          .instruction_lines = 1,
	                          .address_lines = 1,
	                          .address_bytes = 3,
	                          .address = a,
	                          .data_lines = 4,
	                          .data_len = n};
	return nor_chip_command(c, &q, d, NULL);
}

/* 1-1-4 page program 0x32: refused by Macronix (only 1-4-4 0x38), by a
 * part with a QE bit while QE is clear (W25Q128JV: SR2 bit 1, IS25LP064A:
 * SR1 bit 6); taken by MT25Q (no QE bit) and once QE is set. */
static void test_quad_program_rules(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint8_t sr_op, qe_bytes[2];
		unsigned n; /* status bytes written to set QE; 0: no QE bit */
		bool has;
	} parts[] = {
	    {"MT25QL128ABA", 0, {0}, 0, true},
	    {"W25Q128JV", 0x01, {0x00, 0x02}, 2, true},
	    {"IS25LP064A", 0x01, {0x40}, 1, true},
	    {"MX25L12833F", 0, {0}, 0, false},
	};
	const uint8_t d[4] = {0x12, 0x34, 0x56, 0x78};
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		c = nor_chip_create(parts[i].name);
		assert_non_null(c);
		uint8_t *m = nor_chip_array(c);
		op(0x06);
		int rc = pp114(0x100, d, 4);
		settle();
		assert_int_equal(m[0x100] == 0x12, parts[i].has && parts[i].n == 0);
		if (parts[i].n) {
			assert_int_not_equal(rc, 0); /* QE clear: ignored */
			struct port_qspi_cmd w = {.instruction = parts[i].sr_op,
			                          .instruction_lines = 1,
			                          .data_lines = 1,
			                          .data_len = parts[i].n};
			op(0x06);
			assert_int_equal(nor_chip_command(c, &w, parts[i].qe_bytes, NULL), 0);
			settle();
			struct nor_chip_state st;
			nor_chip_get_state(c, &st);
			assert_true(st.qe);
			op(0x06);
			assert_int_equal(pp114(0x200, d, 4), 0);
			settle();
			assert_int_equal(m[0x203], 0x78);
		}
		nor_chip_destroy(c);
	}
}

int main(void)
{
	vclock_init(VCLOCK_VIRTUAL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_program_semantics),
	    cmocka_unit_test(test_protection_reset_dpd),
	    cmocka_unit_test(test_erase_busy_ignores_reads_and_programs),
	    cmocka_unit_test(test_deaf_windows),
	    cmocka_unit_test(test_protection_all_vendors),
	    cmocka_unit_test(test_continuous_read),
	    cmocka_unit_test(test_quad_program_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
