/* SPDX-License-Identifier: MIT */
/*
 * The driver against every chip model through the host QSPI port, single
 * and dual flash: probe geometry, erase / program / read at unaligned
 * offsets (checked in the models' raw arrays, even bytes in chip 0 and odd
 * bytes in chip 1 in dual mode), above 16 MiB, error bits, stuck busy, and
 * a chip left in QPI + 4-byte mode by a previous run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boards/board.h"
#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/port/simport_internal.h"
#include "nor/nor.h"
#include "sim/nor/nor_model.h"
#include "hal/port.h"
#include "mem/region_qspi.h"
#include "qdfu_app.h"

#define MIB (1024u * 1024u)

static const struct {
	const char *name;
	uint32_t size;
} parts[] = {
    {"MT25QL512ABB", 64 * MIB}, {"MT25QL128ABA", 16 * MIB}, {"W25Q64JV", 8 * MIB},
    {"W25Q128JV", 16 * MIB},    {"W25Q256JV", 32 * MIB},    {"MX25L12833F", 16 * MIB},
    {"MX25L51245G", 64 * MIB},  {"IS25LP064A", 8 * MIB},    {"GD25Q128", 16 * MIB},
    {"AT25SF128A", 16 * MIB},   {"AT25QF128A", 16 * MIB}, /* no SFDP: ID table */
};

static int run(int rc)
{
	if (rc)
		return rc;
	while ((rc = nor_poll()) == QDFU_E_BUSY)
		port_wait_hint();
	return rc;
}

/* As run(), polling once per millisecond as the firmware's main loop does
 * (port_wait_hint() would jump straight to the chip's end of busy, past
 * the driver's own deadline). */
static int run_ms(int rc)
{
	if (rc)
		return rc;
	while ((rc = nor_poll()) == QDFU_E_BUSY)
		vclock_advance_us(1000);
	return rc;
}

static void setup(const char *part, bool dual)
{
	const char *chips[2] = {part, part};
	const struct board *b = board_find(dual ? "stm32h750b-dk" : "weact-h750");
	assert_non_null(b);
	assert_int_equal(simport_qspi_setup(b, chips, NULL), QDFU_OK);
	assert_int_equal(nor_probe(dual, 50000000u), QDFU_OK);
}

/* byte at total address a, as stored in the chip models */
static uint8_t raw(bool dual, uint32_t a)
{
	if (!dual)
		return nor_chip_array(simport_qspi_chip(0))[a];
	return nor_chip_array(simport_qspi_chip(a & 1u))[a / 2u];
}

static void roundtrip(bool dual, uint32_t at, uint32_t len)
{
	const struct nor_info *ni = nor_get_info();
	uint32_t small = ni->erase_size[0];
	uint32_t ea = at & ~(small - 1u), ee = (at + len + small - 1u) & ~(small - 1u);
	/* something outside the range, to see it survive */
	uint8_t *mark = nor_chip_array(simport_qspi_chip(0));
	uint32_t before = ea ? ea - 1u : 0;
	mark[before / (dual ? 2u : 1u)] = 0x5A;
	struct nor_time t;
	assert_int_equal(run(nor_erase_start(ea, ee - ea, &t)), QDFU_OK);
	assert_true(t.max_ms >= t.typ_ms);
	for (uint32_t a = ea; a < ee; a += 97)
		assert_int_equal(raw(dual, a), 0xFF);
	if (ea)
		assert_int_equal(mark[before / (dual ? 2u : 1u)], 0x5A);
	uint8_t *d = malloc(len), *back = malloc(len);
	for (uint32_t i = 0; i < len; i++)
		d[i] = (uint8_t)(rand() >> 3);
	assert_int_equal(run(nor_program_start(at, d, len, &t)), QDFU_OK);
	for (uint32_t i = 0; i < len; i++)
		if (raw(dual, at + i) != d[i])
			fail_msg("byte %u at 0x%x differs", i, at + i);
	if (at > ea)
		assert_int_equal(raw(dual, at - 1u), 0xFF);
	if (at + len < ee)
		assert_int_equal(raw(dual, at + len), 0xFF);
	memset(back, 0, len);
	assert_int_equal(nor_read(at, back, len), QDFU_OK);
	assert_memory_equal(back, d, len);
	free(d);
	free(back);
}

static void every_part(bool dual)
{
	srand(7);
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		setup(parts[i].name, dual);
		const struct nor_info *ni = nor_get_info();
		unsigned k = dual ? 2u : 1u;
		assert_int_equal(ni->size, parts[i].size * k);
		assert_int_equal(ni->page, 256u * k);
		assert_int_equal(ni->erase_size[0], 4096u * k);
		assert_int_equal(ni->erase_size[ni->nerase - 1u], 65536u * k);
		assert_int_equal(ni->addr_mode,
		                 parts[i].size > 16 * MIB ? NOR_ADDR_4_OPS : NOR_ADDR_3);
		assert_true(ni->quad);
		/* the part without SFDP is configured from the JEDEC-ID table */
		assert_int_equal(ni->p.sfdp_minor == 0xFF,
		                 strcmp(parts[i].name, "AT25QF128A") == 0);
		roundtrip(dual, 0x12345, 5000);
		roundtrip(dual, 3 * 65536 * k + 1, 600); /* odd start */
		if (parts[i].size > 16 * MIB)
			roundtrip(dual, 20 * MIB * k + 777, 3001); /* above 16 MiB */
		simport_qspi_teardown();
	}
}

static void test_single(void **state)
{
	(void)state;
	every_part(false);
}

static void test_dual(void **state)
{
	(void)state;
	every_part(true);
}

static void test_errors(void **state)
{
	(void)state;
	static const uint8_t data[16] = {1, 2, 3};
	/* Micron: flag status program / erase fail bits */
	setup("MT25QL128ABA", false);
	nor_chip_inject(simport_qspi_chip(0), NOR_FAULT_PROGRAM);
	assert_int_equal(run(nor_program_start(0x1000, data, 16, NULL)), QDFU_E_PROGRAM);
	nor_chip_inject(simport_qspi_chip(0), NOR_FAULT_ERASE);
	assert_int_equal(run(nor_erase_start(0x10000, 0x10000, NULL)), QDFU_E_ERASE);
	/* cleared: the next operation works */
	assert_int_equal(run(nor_program_start(0x2000, data, 16, NULL)), QDFU_OK);
	nor_chip_inject(simport_qspi_chip(0), NOR_FAULT_STUCK_BUSY);
	assert_int_equal(run(nor_program_start(0x3000, data, 16, NULL)), QDFU_E_TIMEOUT);
	simport_qspi_teardown();
	/* Macronix: security register, in dual mode (one chip failing) */
	setup("MX25L12833F", true);
	nor_chip_inject(simport_qspi_chip(1), NOR_FAULT_ERASE);
	assert_int_equal(run(nor_erase_start(0, 8192, NULL)), QDFU_E_ERASE);
	nor_chip_inject(simport_qspi_chip(1), NOR_FAULT_PROGRAM);
	assert_int_equal(run(nor_program_start(0x100, data, 16, NULL)), QDFU_E_PROGRAM);
	simport_qspi_teardown();
}

static void test_known_state(void **state)
{
	(void)state;
	/* a previous run left the chip in 4-byte mode and QPI */
	setup("MX25L51245G", false);
	struct nor_chip *c = simport_qspi_chip(0);
	struct port_qspi_cmd q = {.instruction = 0xB7, .instruction_lines = 1};
	assert_int_equal(nor_chip_command(c, &q, NULL, NULL), 0);
	q.instruction = 0x35;
	assert_int_equal(nor_chip_command(c, &q, NULL, NULL), 0);
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	assert_true(st.qpi && st.addr4);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_int_equal(nor_get_info()->size, 64 * MIB);
	nor_chip_get_state(c, &st);
	assert_false(st.qpi);
	assert_false(st.addr4); /* dedicated 4-byte opcodes, no stateful mode */
	roundtrip(false, 17 * MIB + 3, 1000);
	simport_qspi_teardown();
}

/* Device time of reading 64 KiB at total address 0 with the bus clock the
 * driver gets for `want_hz`, in microseconds (virtual clock). */
static uint64_t read_64k_us(const char *part, bool dual, uint32_t want_hz)
{
	static uint8_t buf[64 * 1024];
	const char *chips[2] = {part, part};
	const struct board *b = board_find(dual ? "stm32h750b-dk" : "weact-h750");
	assert_int_equal(simport_qspi_setup(b, chips, NULL), QDFU_OK);
	assert_int_equal(nor_probe(dual, want_hz), QDFU_OK);
	assert_true(nor_get_info()->quad);
	uint64_t t0 = vclock_now_us(), b0 = simport_qspi_bus_ns();
	assert_int_equal(nor_read(0, buf, sizeof(buf)), QDFU_OK);
	uint64_t dt = vclock_now_us() - t0, bus = simport_qspi_bus_ns() - b0;
	simport_qspi_teardown();
	assert_true(dt + 1u >= bus / 1000u && dt <= bus / 1000u + 1u);
	return dt;
}

static void test_read_bus_time(void **state)
{
	(void)state;
	/* 1-1-4 at 50 MHz: 2 clocks per byte per chip, plus instruction,
	 * address and 8 dummy clocks per 4 KiB command */
	uint64_t single = read_64k_us("W25Q64JV", false, 50000000u);
	uint64_t want = (65536u * 2u + 16u * (8u + 24u + 8u)) / 50u;
	assert_true(single >= want - 1u && single <= want + 1u);
	/* dual flash: each chip carries half the bytes (4-byte address) */
	uint64_t dual = read_64k_us("MT25QL512ABB", true, 50000000u);
	want = (32768u * 2u + 16u * (8u + 32u + 8u)) / 50u;
	assert_true(dual >= want - 1u && dual <= want + 1u);
	/* the clock the prescaler really gives: 200 MHz / 4 for 66 MHz */
	assert_true(read_64k_us("W25Q64JV", false, 66000000u) == single);
	assert_true(read_64k_us("W25Q64JV", false, 25000000u) >= 2u * single - 1u);
}

/* A CPU-only reset left both dies asleep (deep power-down) in QPI and
 * 4-byte mode; each command after 0xAB and after the soft reset is heard
 * only once tRES1 / tRST have passed, and the status register reads as the
 * undriven line until then. */
static void test_asleep(void **state)
{
	(void)state;
	setup("MT25QL512ABB", true);
	static const struct {
		uint8_t op, lines;
	} seq[] = {{0x06, 1}, {0xB7, 1}, {0x35, 1}, {0xB9, 4}};
	for (unsigned i = 0; i < 2; i++) {
		struct nor_chip *c = simport_qspi_chip(i);
		for (unsigned k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
			struct port_qspi_cmd q = {.instruction = seq[k].op,
			                          .instruction_lines = seq[k].lines};
			assert_int_equal(nor_chip_command(c, &q, NULL, NULL), 0);
		}
		struct nor_chip_state st;
		nor_chip_get_state(c, &st);
		assert_true(st.qpi && st.addr4 && st.dpd);
	}
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	assert_int_equal(nor_get_info()->size, 128 * MIB);
	for (unsigned i = 0; i < 2; i++) {
		struct nor_chip_state st;
		nor_chip_get_state(simport_qspi_chip(i), &st);
		assert_false(st.qpi || st.addr4 || st.dpd);
	}
	roundtrip(true, 40 * MIB + 5, 2000);
	simport_qspi_teardown();
}

/* MX25L51245G as if its 4BAIT had no 4-byte 32 KiB erase (the chip ignores
 * 0x5C): the driver must not use one; a 32 KiB block above 16 MiB is erased
 * with the types the 4BAIT lists. */
/* Rewrite the chip's 4BAIT (second parameter header): clear DW1 bits, and
 * blank DW2 erase-opcode byte (0..3) unless zero_op < 0. */
static void edit_4bait(struct nor_chip *c, uint32_t clear, int zero_op)
{
	uint32_t len;
	uint8_t img[256];
	const uint8_t *orig = nor_chip_sfdp(c, &len);
	assert_true(len <= sizeof(img));
	memcpy(img, orig, len);
	assert_int_equal(img[16] | (img[23] << 8), 0xFF84);
	uint32_t at = img[20] | (img[21] << 8) | ((uint32_t)img[22] << 16);
	for (unsigned b = 0; b < 4; b++)
		img[at + b] &= (uint8_t) ~(clear >> (8 * b));
	if (zero_op >= 0)
		img[at + 4 + (unsigned)zero_op] = 0;
	nor_chip_set_sfdp(c, img, len);
}

static void test_4bait_trusted(void **state)
{
	(void)state;
	setup("MX25L51245G", false);
	struct nor_chip *c = simport_qspi_chip(0);
	edit_4bait(c, 1u << 10, 1); /* erase type 2 (32 KiB): no 4-byte form */
	nor_chip_ignore_opcode(c, 0x5C);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	const struct nor_info *ni = nor_get_info();
	assert_int_equal(ni->addr_mode, NOR_ADDR_4_OPS);
	for (unsigned k = 0; k < ni->nerase; k++)
		assert_int_not_equal(ni->erase_size[k], 32768);
	uint32_t a = 20 * MIB + 32768;
	memset(nor_chip_array(c) + a, 0x00, 32768);
	assert_int_equal(run(nor_erase_start(a, 32768, NULL)), QDFU_OK);
	for (uint32_t i = 0; i < 32768; i++)
		if (nor_chip_array(c)[a + i] != 0xFF)
			fail_msg("byte 0x%x not erased", a + i);
	simport_qspi_teardown();
}

/* An erase that overruns the chip's maximum time: the driver reports the
 * timeout, and the chip still busy with it must not swallow the next
 * operation (WREN and command ignored, then the old erase's end taken for
 * the new one's: "done" for a block never erased). */
static void test_timeout_recovery(void **state)
{
	(void)state;
	static const char *const part[] = {"W25Q64JV", "MT25QL512ABB"};
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned dual = 0; dual < 2; dual++) {
			setup(part[i], dual);
			uint32_t k = dual ? 2u : 1u;
			for (unsigned n = 0; n < k; n++) {
				nor_chip_inject(simport_qspi_chip(n), NOR_FAULT_SLOW);
				memset(nor_chip_array(simport_qspi_chip(n)) + 0x20000, 0x00,
				       0x10000);
			}
			assert_int_equal(run_ms(nor_erase_start(0x1000 * k, 0x1000 * k, NULL)),
			                 QDFU_E_TIMEOUT);
			int rc = run_ms(nor_erase_start(0x20000 * k, 0x10000 * k, NULL));
			assert_int_equal(rc, QDFU_OK);
			for (uint32_t a = 0x20000 * k; a < 0x30000 * k; a += 97)
				if (raw(dual, a) != 0xFF)
					fail_msg("%s: 0x%x reported erased, holds 0x%02x", part[i],
					         a, raw(dual, a));
			roundtrip(dual, 0x40000 * k + 3, 700);
			simport_qspi_teardown();
		}
	}
}

/* Block protection left set by the factory or another tool (every block
 * protected): the chips silently ignore program and erase. The driver
 * clears it at probe, volatile where the chip allows (0x50 on Winbond,
 * GigaDevice, Adesto: a power cycle brings it back), else non-volatile. */
static void test_protection(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint8_t sr1;
		bool back_after_power_cycle;
	} cases[] = {
	    {"W25Q64JV", 0x1C, true},     {"GD25Q128", 0x1C, true},
	    {"AT25SF128A", 0x1C, true},   {"MT25QL128ABA", 0x5C, false},
	    {"MX25L12833F", 0x3C, false}, {"IS25LP064A", 0x3C, false},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(cases[i].name, false);
		struct nor_chip *c = simport_qspi_chip(0);
		nor_chip_set_sr1(c, cases[i].sr1);
		assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
		roundtrip(false, 0x12345, 3000);
		const struct nor_info *ni = nor_get_info();
		assert_true(ni->protect_found);
		assert_true(ni->protect_cleared);
		nor_chip_power_cycle(c);
		struct nor_chip_state st;
		nor_chip_get_state(c, &st);
		assert_int_equal((st.sr1 & cases[i].sr1) == cases[i].sr1,
		                 cases[i].back_after_power_cycle);
		simport_qspi_teardown();
	}
}

/* A 4BAIT without the 4-byte 1-1-4 read (0x6C): reads above 16 MiB stay on
 * one line (0x0C) instead of using an opcode the chip does not have. */
static void test_4bait_no_quad_read(void **state)
{
	(void)state;
	setup("MX25L51245G", false);
	struct nor_chip *c = simport_qspi_chip(0);
	edit_4bait(c, 1u << 4, -1);
	nor_chip_ignore_opcode(c, 0x6C);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_int_equal(nor_get_info()->addr_mode, NOR_ADDR_4_OPS);
	roundtrip(false, 20 * MIB + 11, 3000);
	simport_qspi_teardown();
}

/* A copy of the chip's SFDP image to patch (then nor_chip_set_sfdp). */
static uint32_t sfdp_copy(struct nor_chip *c, uint8_t img[256])
{
	uint32_t len;
	const uint8_t *orig = nor_chip_sfdp(c, &len);
	memcpy(img, orig, len);
	return len;
}

/* MT25QL512ABB with and without its 4BAIT (Linux micron-st.c sets this
 * part's 4-byte opcodes by hand): dedicated 4-byte opcodes either way (BFPT
 * DW16 bit 29 without the table), the chip left in 3-byte mode. */
static void test_mt25ql512_4bait_both_ways(void **state)
{
	(void)state;
	for (unsigned with = 0; with < 2; with++) {
		setup("MT25QL512ABB", false);
		struct nor_chip *c = simport_qspi_chip(0);
		if (!with) {
			uint8_t img[256];
			uint32_t len = sfdp_copy(c, img);
			img[6] = 0; /* one parameter header: the BFPT alone */
			nor_chip_set_sfdp(c, img, len);
		}
		assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
		const struct nor_info *ni = nor_get_info();
		assert_int_equal(ni->p.has_4bait, with != 0);
		assert_int_equal(ni->addr_mode, NOR_ADDR_4_OPS);
		assert_int_equal(ni->nerase, 3);
		struct nor_chip_state st;
		nor_chip_get_state(c, &st);
		assert_false(st.addr4);
		roundtrip(false, 40 * MIB + 999, 5000);
		simport_qspi_teardown();
	}
}

/* The memory-mapped read handed to an XIP application: quad (1-1-4) on
 * every part where nor_read() is quad, and the chip answers it with the
 * right data when it is run as an ordinary read. */
static void xip_read_matches(uint32_t at)
{
	struct port_qspi_cmd c;
	assert_int_equal(nor_xip_read_cmd(&c), QDFU_OK);
	assert_int_equal(c.data_lines, nor_get_info()->quad ? 4 : 1);
	uint8_t want[64], got[64];
	assert_int_equal(nor_read(at, want, sizeof(want)), QDFU_OK);
	c.address = at;
	c.data_len = sizeof(got);
	memset(got, 0, sizeof(got));
	assert_int_equal(port_qspi_read(&c, got), QDFU_OK);
	assert_memory_equal(got, want, sizeof(want));
}

static void test_xip_read(void **state)
{
	(void)state;
	for (unsigned dual = 0; dual < 2; dual++)
		for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			setup(parts[i].name, dual);
			roundtrip(dual, 0x1000, 64);
			xip_read_matches(0x1000);
			assert_true(nor_get_info()->quad);
			assert_int_equal(nor_memmap(), QDFU_OK);
			simport_qspi_teardown();
		}
}

/* The first memory-mapped read after the hand-over: the right bytes, in
 * the mode chosen, and the chip still in normal command mode. */
static uint64_t first_mapped_read(bool dual, uint32_t at, const uint8_t *want, uint32_t len)
{
	uint8_t got[64];
	uint64_t before = simport_qspi_bus_ns();
	memset(got, 0, sizeof(got));
	assert_int_equal(simport_qspi_mem_read(at, got, len), QDFU_OK);
	assert_memory_equal(got, want, len);
	for (unsigned i = 0; i < (dual ? 2u : 1u); i++) {
		struct nor_chip_state st;
		nor_chip_get_state(simport_qspi_chip(i), &st);
		assert_false(st.crm);
	}
	return simport_qspi_bus_ns() - before;
}

/* Issue 19 item 5: every model with a 1-4-4 read in its SFDP gets 0xEB
 * (0xEC above 16 MiB) with the BFPT's mode + wait clocks and mode bits
 * 0xFF; the one without SFDP gets 1-1-4; NOR_XIP_SINGLE gets 1-1-1. The
 * bus time of a 64-byte mapped read: 1-4-4 < 1-1-4 < 1-1-1. */
static void test_xip_handover_every_model(void **state)
{
	(void)state;
	for (unsigned dual = 0; dual < 2; dual++)
		for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			setup(parts[i].name, dual);
			roundtrip(dual, 0x1000, 64);
			uint8_t want[64];
			assert_int_equal(nor_read(0x1000, want, sizeof(want)), QDFU_OK);
			struct port_qspi_cmd c;
			bool sfdp = strcmp(parts[i].name, "AT25QF128A") != 0;
			bool big = parts[i].size > 16 * MIB;
			assert_int_equal(nor_xip_handover(NOR_XIP_FASTEST, 0x1000, &c), QDFU_OK);
			if (sfdp) {
				assert_int_equal(c.instruction, big ? 0xEC : 0xEB);
				assert_int_equal(c.address_lines, 4);
				assert_int_equal(c.alt_lines, 4);
				assert_int_equal(c.alt, 0xFF);
				const struct nor_params *p = &nor_get_info()->p;
				assert_int_equal(c.dummy_cycles + 2u,
				                 p->read144_mode + p->read144_wait);
			} else {
				assert_int_equal(c.instruction, 0x6B);
				assert_int_equal(c.address_lines, 1);
			}
			assert_int_equal(c.data_lines, 4);
			uint64_t fast = first_mapped_read(dual, 0x1000, want, 64);
			assert_int_equal(nor_xip_handover(NOR_XIP_SINGLE, 0x1000, &c), QDFU_OK);
			assert_int_equal(c.instruction, big ? 0x0C : 0x0B);
			assert_int_equal(c.data_lines, 1);
			uint64_t one = first_mapped_read(dual, 0x1000, want, 64);
			if (fast * (sfdp ? 3u : 2u) > one)
				fail_msg("%s: mapped read %llu ns, 1-1-1 %llu ns", parts[i].name,
				         (unsigned long long)fast, (unsigned long long)one);
			simport_qspi_teardown();
		}
}

/* A chip whose SFDP gives the 1-4-4 read fewer wait states than it needs
 * (the model answers 0xEB only with its own count): the checked read
 * disagrees and the hand-over falls back to 1-1-4. */
static void test_xip_handover_falls_back(void **state)
{
	(void)state;
	setup("W25Q64JV", false);
	struct nor_chip *chip = simport_qspi_chip(0);
	uint8_t img[256];
	uint32_t len = sfdp_copy(chip, img);
	uint32_t bfpt = img[12] | img[13] << 8 | (uint32_t)img[14] << 16;
	img[bfpt + 8] = (uint8_t)((img[bfpt + 8] & ~0x1Fu) | 2u); /* DW3 1-4-4 wait: 2 */
	nor_chip_set_sfdp(chip, img, len);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	roundtrip(false, 0x2000, 64);
	uint8_t want[32];
	assert_int_equal(nor_read(0x2000, want, sizeof(want)), QDFU_OK);
	struct port_qspi_cmd c;
	assert_int_equal(nor_xip_handover(NOR_XIP_FASTEST, 0x2000, &c), QDFU_OK);
	assert_int_equal(c.instruction, 0x6B);
	(void)first_mapped_read(false, 0x2000, want, sizeof(want));
	simport_qspi_teardown();
}

/* A chip an application left in continuous read (W25Q64JV mode bits
 * M5-4 = 10): the probe's 0xFF brings it back to command mode. */
static void test_probe_leaves_continuous_read(void **state)
{
	(void)state;
	setup("W25Q64JV", false);
	struct nor_chip *chip = simport_qspi_chip(0);
	struct port_qspi_cmd rd = {.instruction = 0xEB,
	                           .instruction_lines = 1,
	                           .address_lines = 4,
	                           .address_bytes = 3,
	                           .alt_lines = 4,
	                           .alt_bytes = 1,
	                           .alt = 0x20,
	                           .dummy_cycles = 4,
	                           .data_lines = 4,
	                           .data_len = 16};
	uint8_t buf[16];
	assert_int_equal(port_qspi_read(&rd, buf), QDFU_OK);
	struct nor_chip_state st;
	nor_chip_get_state(chip, &st);
	assert_true(st.crm);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	nor_chip_get_state(chip, &st);
	assert_false(st.crm);
	assert_int_equal(nor_get_info()->id[0], 0xEF);
	simport_qspi_teardown();
}

/* Issue 19 item 7b: what the application is told (include/qdfu_app.h). An
 * MT25QL512 whose SFDP has neither a 4BAIT nor DW16's dedicated 4-byte
 * opcodes runs in 0xB7 mode: the record says the chip is in 4-byte address
 * mode, and the 1-4-4 read handed over is 0xEB with 4 address bytes. */
static void test_handoff_record(void **state)
{
	(void)state;
	setup("MT25QL512ABB", false);
	struct nor_chip *c = simport_qspi_chip(0);
	uint8_t img[256];
	uint32_t len = sfdp_copy(c, img);
	img[6] = 0; /* the BFPT alone */
	uint32_t dw16 = 0x30u + 15u * 4u, enter_dedicated = 1u << 29;
	img[dw16 + 3] &= (uint8_t) ~(enter_dedicated >> 24);
	nor_chip_set_sfdp(c, img, len);
	struct mem_region r;
	assert_int_equal(region_qspi_init(&r, board_find("weact-h750"), 1), QDFU_OK);
	assert_int_equal(nor_get_info()->addr_mode, NOR_ADDR_4_MODE);
	roundtrip(false, 0x40000, 64);
	uint8_t want[32];
	assert_int_equal(nor_read(0x40000, want, sizeof(want)), QDFU_OK);
	struct qdfu_handoff h;
	memset(&h, 0, sizeof(h));
	region_qspi_describe(&r, &h);
	assert_int_equal(region_qspi_handover(&r, false, 0x90040000u, &h), QDFU_OK);
	assert_int_equal(h.addr4_mode, 1);
	assert_int_equal(h.addr_bytes, 4);
	assert_int_equal(h.xip, QDFU_XIP_1_4_4);
	assert_int_equal(h.read_opcode, 0xEB);
	assert_int_equal(h.dummy_cycles, 10);
	assert_int_equal(h.mode_bits, 0xFF);
	assert_int_equal(h.chips, 1);
	assert_int_equal(h.flash_size, 64 * MIB);
	const uint8_t id[3] = {0x20, 0xBA, 0x20};
	assert_memory_equal(h.jedec_id, id, 3);
	(void)first_mapped_read(false, 0x40000, want, sizeof(want));
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	assert_true(st.addr4);
	simport_qspi_teardown();
}

/* Issue 19 item 7: S25FS512S in its uniform configuration. Its sector map
 * lists three configurations whose AND has no erase type in common, so the
 * probe refused it (QDFU_E_UNSUPPORTED, seen before per-configuration
 * detection); now the RDAR detection commands pick the uniform map: 256 KiB
 * erases only (the model ignores 0x20 there), single and dual flash. With
 * the parameter sectors on, the chip is still refused, clearly. */
static void test_sector_map_configuration(void **state)
{
	(void)state;
	for (unsigned dual = 0; dual < 2; dual++) {
		setup("S25FS512S", dual);
		const struct nor_info *ni = nor_get_info();
		assert_int_equal(ni->nerase, 1);
		assert_int_equal(ni->erase_size[0], 256u * 1024u * (dual ? 2u : 1u));
		assert_int_equal(ni->addr_mode, NOR_ADDR_4_OPS);
		roundtrip(dual, 40 * MIB + 12345, 3000);
		for (unsigned i = 0; i < (dual ? 2u : 1u); i++)
			nor_chip_set_sector_config(simport_qspi_chip(i), true, false);
		assert_int_equal(nor_probe(dual, 50000000u), QDFU_E_UNSUPPORTED);
		simport_qspi_teardown();
	}
}

/* QER 4 on a part of a maker the driver has no layer for, without 0x35
 * (JESD216 QER 1 and 4 do not define a read of SR2): the quad enable is
 * written as SR1 + SR2 (0x01, two bytes) and checked by a quad read, not by
 * reading SR2 with an instruction the chip may not have. */
static void test_qer4_without_rdsr2(void **state)
{
	(void)state;
	static const uint8_t unknown[3] = {0xAA, 0x40, 0x18};
	setup("W25Q128JV", false); /* SFDP: QER 4 */
	struct nor_chip *c = simport_qspi_chip(0);
	nor_chip_set_id(c, unknown);
	nor_chip_ignore_opcode(c, 0x35);
	roundtrip(false, 0x4000, 64); /* data at the address the check reads */
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	const struct nor_info *ni = nor_get_info();
	assert_int_equal(ni->p.qer, 4);
	assert_true(ni->quad);
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	assert_true(st.qe);
	roundtrip(false, 0x12345, 3000);
	simport_qspi_teardown();
}

/* Page programs go out 1-1-4 (0x32, 0x34 above 16 MiB) on the parts that
 * have it once QE is set, 1-1-1 elsewhere (Macronix has only 1-4-4 0x38;
 * Adesto's quad program is not checked), single and dual. */
static void test_quad_page_program(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool quad;
	} want[] = {
	    {"MT25QL512ABB", true}, {"MT25QL128ABA", true}, {"W25Q64JV", true},
	    {"W25Q128JV", true},    {"W25Q256JV", true},    {"IS25LP064A", true},
	    {"GD25Q128", true},     {"MX25L12833F", false}, {"MX25L51245G", false},
	    {"AT25SF128A", false},
	};
	for (unsigned d = 0; d < 2; d++)
		for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			bool dual = d != 0;
			setup(want[i].name, dual);
			assert_int_equal(nor_get_info()->quad_pp, want[i].quad);
			roundtrip(dual, 0x2345, 1000);
			if (nor_get_info()->size > 16 * MIB)
				roundtrip(dual, 20 * MIB + 99, 700);
			struct nor_chip_state st;
			nor_chip_get_state(simport_qspi_chip(0), &st);
			assert_true(st.programs > 0);
			assert_int_equal(st.quad_programs, want[i].quad ? st.programs : 0u);
			simport_qspi_teardown();
		}
}

/* A chip whose QE bit cannot be set (its status write ignored) takes no
 * quad program (the model ignores it as the W25Q does): the driver falls
 * back to 1-1-1 and the data arrive. */
static void test_quad_page_program_needs_qe(void **state)
{
	(void)state;
	const char *chips[2] = {"W25Q128JV", NULL}; /* QER 4: QE in SR2 */
	assert_int_equal(simport_qspi_setup(board_find("weact-h750"), chips, NULL), QDFU_OK);
	struct nor_chip *c = simport_qspi_chip(0);
	nor_chip_ignore_opcode(c, 0x01); /* no status write reaches SR2 */
	nor_chip_ignore_opcode(c, 0x31);
	struct nor_chip_state st;
	nor_chip_get_state(c, &st);
	assert_false(st.qe);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_false(nor_get_info()->quad_pp);
	roundtrip(false, 0x3456, 800);
	nor_chip_get_state(c, &st);
	assert_int_equal(st.quad_programs, 0u);
	simport_qspi_teardown();
}

extern uint64_t time_stub_jump_us; /* time_stub.c */
extern unsigned time_stub_jump_skip;

/* Time that passes between the status read and the clock read (an
 * interrupt, or in qdfu-sim another device's process moving the shared
 * virtual clock) must not turn a busy seen before the deadline into a
 * timeout: the clock is read before the status. */
static void test_deadline_read_before_status(void **state)
{
	(void)state;
	static const uint8_t data[16] = {1, 2, 3, 4};
	setup("W25Q64JV", false);
	assert_int_equal(nor_program_start(0x3000, data, sizeof(data), NULL), QDFU_OK);
	/* WREN, WEL check, page program: the next call polls the status */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(nor_poll(), QDFU_E_BUSY);
	time_stub_jump_skip = 1; /* the port's poll reads the clock first */
	time_stub_jump_us = 1000000u;
	assert_int_equal(run(QDFU_OK), QDFU_OK);
	assert_int_equal(time_stub_jump_us, 0); /* the jump happened */
	assert_memory_equal(nor_chip_array(simport_qspi_chip(0)) + 0x3000, data, sizeof(data));
	simport_qspi_teardown();
}

int main(void)
{
	vclock_init(VCLOCK_VIRTUAL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single),
	    cmocka_unit_test(test_dual),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_known_state),
	    cmocka_unit_test(test_asleep),
	    cmocka_unit_test(test_4bait_trusted),
	    cmocka_unit_test(test_timeout_recovery),
	    cmocka_unit_test(test_protection),
	    cmocka_unit_test(test_read_bus_time),
	    cmocka_unit_test(test_4bait_no_quad_read),
	    cmocka_unit_test(test_mt25ql512_4bait_both_ways),
	    cmocka_unit_test(test_xip_read),
	    cmocka_unit_test(test_xip_handover_every_model),
	    cmocka_unit_test(test_xip_handover_falls_back),
	    cmocka_unit_test(test_probe_leaves_continuous_read),
	    cmocka_unit_test(test_sector_map_configuration),
	    cmocka_unit_test(test_handoff_record),
	    cmocka_unit_test(test_qer4_without_rdsr2),
	    cmocka_unit_test(test_deadline_read_before_status),
	    cmocka_unit_test(test_quad_page_program),
	    cmocka_unit_test(test_quad_page_program_needs_qe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
