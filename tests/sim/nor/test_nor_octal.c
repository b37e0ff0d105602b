// SPDX-License-Identifier: MIT
/*
 * The MX25LM51245G model's octal rules (sim/nor/nor_octal.c), driven one
 * command at a time: protocols chosen by CR2, the complement byte, DTR
 * words and DQS, register bytes twice in DTR, the reset in each protocol
 * and its deaf window, the non-volatile default protocol and a power cut
 * while it is written, SFDP in every protocol.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/clock/vclock.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"

static struct nor_chip *chip;

static int setup(void **state)
{
	(void)state;
	vclock_init(VCLOCK_VIRTUAL);
	chip = nor_chip_create("MX25LM51245G");
	return chip ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nor_chip_destroy(chip);
	return 0;
}

/* An OPI command in the chip's current framing: proto 1 STR, 2 DTR. */
static struct port_qspi_cmd opi(int proto, uint16_t ins, int addr, uint8_t dummy, uint32_t n)
{
	struct port_qspi_cmd c = {
	    .instruction = ins, .instruction_lines = 8, .instruction_bytes = 2};
	if (addr >= 0) {
		c.address_lines = 8;
		c.address_bytes = 4;
		c.address = (uint32_t)addr;
	}
	c.dummy_cycles = dummy;
	c.data_lines = n ? 8 : 0;
	c.data_len = n;
	c.dtr = proto == 2 ? PORT_QSPI_DTR_ALL : 0;
	c.dqs = proto == 2;
	return c;
}

static struct port_qspi_cmd spi(uint8_t op, int addr_bytes, uint32_t addr, uint32_t n)
{
	struct port_qspi_cmd c = {.instruction = op, .instruction_lines = 1};
	if (addr_bytes) {
		c.address_lines = 1;
		c.address_bytes = (uint8_t)addr_bytes;
		c.address = addr;
	}
	c.data_lines = n ? 1 : 0;
	c.data_len = n;
	return c;
}

static int run(const struct port_qspi_cmd *c, const void *tx, void *rx)
{
	return nor_chip_command(chip, c, tx, rx);
}

static bool wel(void)
{
	struct nor_chip_state st;
	nor_chip_get_state(chip, &st);
	return st.wel;
}

/* SPI WREN + WRCR2 (0x72, 4-byte address) [ST mx25lm51245g.c]. */
static void spi_wrcr2(uint32_t addr, uint8_t v)
{
	struct port_qspi_cmd wren = spi(0x06, 0, 0, 0), w = spi(0x72, 4, addr, 1);
	assert_int_equal(run(&wren, NULL, NULL), 0);
	assert_int_equal(run(&w, &v, NULL), 0);
}

static void test_spi_to_dtr_and_complement(void **state)
{
	(void)state;
	uint8_t id[6];
	struct port_qspi_cmd rdid = spi(0x9F, 0, 0, 3);
	assert_int_equal(run(&rdid, NULL, id), 0);
	assert_int_equal(id[0], 0xC2);
	assert_int_equal(id[1], 0x85);
	assert_int_equal(id[2], 0x3A);
	spi_wrcr2(0x00000000u, 0x02); /* DOPI */
	assert_int_equal(nor_chip_opi_proto(chip), 2);
	/* SPI is noise now */
	assert_int_equal(run(&rdid, NULL, id), -1);
	/* 8D-8D-8D ID: 4 bytes of address 0, 5 dummy cycles, A-A-B-B-C-C */
	struct port_qspi_cmd rd = opi(2, 0x9F60, 0, 5, 6);
	assert_int_equal(run(&rd, NULL, id), 0);
	static const uint8_t want[6] = {0xC2, 0xC2, 0x85, 0x85, 0x3A, 0x3A};
	assert_memory_equal(id, want, 6);
	/* a wrong complement is not a command */
	struct port_qspi_cmd wren = opi(2, 0x06F8, -1, 0, 0);
	assert_int_equal(run(&wren, NULL, NULL), -1);
	assert_false(wel());
	assert_int_equal(nor_chip_complement_errors(chip), 1);
	wren.instruction = 0x06F9;
	assert_int_equal(run(&wren, NULL, NULL), 0);
	assert_true(wel());
	/* STR framing (no DTR flags) is noise in DOPI */
	struct port_qspi_cmd wrdi = opi(1, 0x04FB, -1, 0, 0);
	assert_int_equal(run(&wrdi, NULL, NULL), -1);
	assert_true(wel());
}

static void test_dtr_words_and_dqs(void **state)
{
	(void)state;
	nor_chip_set_opi_proto(chip, 2);
	uint8_t sr[2] = {0xAA, 0xAA};
	struct port_qspi_cmd rdsr = opi(2, 0x05FA, 0, 5, 1);
	assert_int_equal(run(&rdsr, NULL, sr), -1); /* one byte: odd */
	rdsr.data_len = 2;
	rdsr.dqs = false;
	assert_int_equal(run(&rdsr, NULL, sr), -1); /* no strobe */
	assert_int_equal(nor_chip_dtr_errors(chip), 2);
	rdsr.dqs = true;
	rdsr.dummy_cycles = 4; /* the STR count */
	assert_int_equal(run(&rdsr, NULL, sr), -1);
	rdsr.dummy_cycles = 5;
	assert_int_equal(run(&rdsr, NULL, sr), 0);
	assert_int_equal(sr[0], 0x00);
	assert_int_equal(sr[1], 0x00);
	/* a page program of an odd byte count is ignored too */
	struct port_qspi_cmd wren = opi(2, 0x06F9, -1, 0, 0);
	assert_int_equal(run(&wren, NULL, NULL), 0);
	static const uint8_t d[3] = {1, 2, 3};
	struct port_qspi_cmd pp = opi(2, 0x12ED, 0x100, 0, 3);
	pp.dqs = false;
	assert_int_equal(run(&pp, d, NULL), -1);
	pp.data_len = 2;
	assert_int_equal(run(&pp, d, NULL), 0);
	assert_int_equal(nor_chip_array(chip)[0x100], 1);
	assert_int_equal(nor_chip_array(chip)[0x101], 2);
	assert_int_equal(nor_chip_array(chip)[0x102], 0xFF);
}

/* 8READ (0xEC13) takes the dummy cycles CR2 0x300 sets: 20 at power-on,
 * 6 after DC = 111. */
static void test_read_dummy_from_cr2(void **state)
{
	(void)state;
	nor_chip_array(chip)[0x2000] = 0x42;
	spi_wrcr2(0x00000000u, 0x01); /* SOPI */
	uint8_t b[4] = {0};
	struct port_qspi_cmd rd = opi(1, 0xEC13, 0x2000, 6, 4);
	assert_int_equal(run(&rd, NULL, b), -1);
	rd.dummy_cycles = 20;
	assert_int_equal(run(&rd, NULL, b), 0);
	assert_int_equal(b[0], 0x42);
	struct port_qspi_cmd wren = opi(1, 0x06F9, -1, 0, 0), wr = opi(1, 0x728D, 0x300, 0, 1);
	uint8_t dc = 0x07;
	assert_int_equal(run(&wren, NULL, NULL), 0);
	assert_int_equal(run(&wr, &dc, NULL), 0);
	struct port_qspi_cmd rc2 = opi(1, 0x718E, 0x300, 4, 1);
	uint8_t v = 0;
	assert_int_equal(run(&rc2, NULL, &v), 0);
	assert_int_equal(v, 0x07);
	rd.dummy_cycles = 6;
	assert_int_equal(run(&rd, NULL, b), 0);
	assert_int_equal(b[0], 0x42);
	/* 8DTRD is not an STR command */
	struct port_qspi_cmd dtrd = opi(1, 0xEE11, 0x2000, 6, 4);
	assert_int_equal(run(&dtrd, NULL, b), -1);
}

/* The reset pair in the chip's protocol resets it (back to the default
 * protocol) and leaves it deaf for tRST; in another protocol it is noise. */
static void test_reset_in_each_protocol(void **state)
{
	(void)state;
	for (int p = 1; p <= 2; p++) {
		nor_chip_set_opi_proto(chip, p);
		struct port_qspi_cmd en = spi(0x66, 0, 0, 0), rst = spi(0x99, 0, 0, 0);
		assert_int_equal(run(&en, NULL, NULL), -1);
		assert_int_equal(run(&rst, NULL, NULL), -1);
		assert_int_equal(nor_chip_opi_proto(chip), p);
		struct port_qspi_cmd e = opi(p, 0x6699, -1, 0, 0), r = opi(p, 0x9966, -1, 0, 0);
		assert_int_equal(run(&e, NULL, NULL), 0);
		assert_int_equal(run(&r, NULL, NULL), 0);
		assert_int_equal(nor_chip_opi_proto(chip), 0);
		struct nor_chip_state st;
		nor_chip_get_state(chip, &st);
		assert_true(st.deaf);
		struct port_qspi_cmd rdsr = spi(0x05, 0, 0, 1);
		uint8_t sr = 0xAA;
		assert_int_equal(run(&rdsr, NULL, &sr), -1);
		vclock_advance_us(1000);
		assert_int_equal(run(&rdsr, NULL, &sr), 0);
	}
}

/* CR2 0x40000000 (DEFDOPI) is non-volatile: power-on and reset come up in
 * DTR; a power cut during its write cycle leaves the old default. */
static void test_nonvolatile_default(void **state)
{
	(void)state;
	spi_wrcr2(0x40000000u, 0x02);
	nor_chip_power_cycle(chip); /* within the write cycle: lost */
	assert_int_equal(nor_chip_opi_proto(chip), 0);
	spi_wrcr2(0x40000000u, 0x02);
	vclock_advance_us(100000);
	assert_int_equal(nor_chip_opi_proto(chip), 0); /* applies from the next power-on */
	nor_chip_power_cycle(chip);
	assert_int_equal(nor_chip_opi_proto(chip), 2);
	struct port_qspi_cmd e = opi(2, 0x6699, -1, 0, 0), r = opi(2, 0x9966, -1, 0, 0);
	assert_int_equal(run(&e, NULL, NULL), 0);
	assert_int_equal(run(&r, NULL, NULL), 0);
	assert_int_equal(nor_chip_opi_proto(chip), 2);
}

/* SFDP: SPI 0x5A (3-byte address, 8 dummy) and OPI 0x5AA5 (32-bit address,
 * 20 dummy) read the same table. */
static void test_sfdp_every_protocol(void **state)
{
	(void)state;
	uint8_t a[64], b[64];
	struct port_qspi_cmd s = spi(0x5A, 3, 0, sizeof(a));
	s.dummy_cycles = 8;
	assert_int_equal(run(&s, NULL, a), 0);
	assert_memory_equal(a, "SFDP", 4);
	for (int p = 1; p <= 2; p++) {
		nor_chip_set_opi_proto(chip, p);
		struct port_qspi_cmd o = opi(p, 0x5AA5, 0, 20, sizeof(b));
		memset(b, 0, sizeof(b));
		assert_int_equal(run(&o, NULL, b), 0);
		assert_memory_equal(a, b, sizeof(a));
	}
}

/* A SPI-only part ignores octal framing (the OCTOSPI model now sends
 * every command to the chip). */
static void test_spi_part_ignores_octal(void **state)
{
	(void)state;
	struct nor_chip *w = nor_chip_create("W25Q64JV");
	struct port_qspi_cmd wren = opi(1, 0x06F9, -1, 0, 0);
	assert_int_equal(nor_chip_command(w, &wren, NULL, NULL), -1);
	struct port_qspi_cmd dtr = spi(0x06, 0, 0, 0);
	dtr.dtr = PORT_QSPI_DTR_INSTRUCTION;
	assert_int_equal(nor_chip_command(w, &dtr, NULL, NULL), -1);
	assert_int_equal(nor_chip_opi_proto(w), -1);
	nor_chip_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_spi_to_dtr_and_complement, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dtr_words_and_dqs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_dummy_from_cr2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reset_in_each_protocol, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nonvolatile_default, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sfdp_every_protocol, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spi_part_ignores_octal, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
