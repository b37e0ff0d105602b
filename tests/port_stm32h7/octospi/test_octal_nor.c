// SPDX-License-Identifier: MIT
/*
 * The NOR driver speaking octal (firmware/nor/octal.c) through the OCTOSPI
 * driver (firmware/port/stm32h7/octospi.c) and the OCTOSPI register model
 * to the MX25LM51245G model (sim/nor/nor_octal.c): the blind reset from a
 * chip left in OPI, a chip whose non-volatile default is OPI, the SPI ->
 * OPI switch, round trips in OPI STR and DTR, execute-in-place in DTR, a
 * power cut in the middle of a DTR program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "hal/port.h"
#include "nor/nor.h"
#include "ospi_harness.h"
#include "read_crc_check.h"
#include "sim/clock/vclock.h"
#include "sim/h7/octospi_model.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"

#define PART   "MX25LM51245G"
#define CLK_HZ 100000000u

static void assert_model_clean(void)
{
	assert_string_equal(octospi_model_last_fault(), "");
	assert_int_equal(octospi_model_faults(), 0);
}

static void chip_in(int proto)
{
	ospi_setup(PART, false);
	nor_chip_set_opi_proto(ospi_chips[0], proto);
}

static void assert_probed(enum nor_proto want)
{
	const struct nor_info *i = nor_get_info();
	assert_non_null(i);
	static const uint8_t id[3] = {0xC2, 0x85, 0x3A};
	assert_memory_equal(i->id, id, 3);
	assert_int_equal(i->size, 64u * 1024u * 1024u);
	assert_int_equal(i->addr_mode, NOR_ADDR_4_OPS);
	assert_false(i->quad);
	assert_int_equal(nor_get_proto(), want);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), (int)want);
}

/* Erase, program at odd addresses and lengths (DTR moves 2-byte words),
 * read back, compare with the chip's array; below and above 16 MiB. */
static void roundtrip(void)
{
	static uint8_t d[5001], b[5001];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 29u + 7u);
	static const uint32_t at[] = {0x10000u, 0x2FF0000u};
	for (unsigned k = 0; k < 2; k++) {
		struct nor_time t;
		uint32_t a = at[k] + 3u;
		assert_int_equal(ospi_run(nor_erase_start(at[k], 0x10000u, &t)), QDFU_OK);
		assert_int_equal(ospi_run(nor_program_start(a, d, sizeof(d), &t)), QDFU_OK);
		memset(b, 0, sizeof(b));
		assert_int_equal(nor_read(a, b, sizeof(b)), QDFU_OK);
		assert_memory_equal(b, d, sizeof(d));
		assert_memory_equal(nor_chip_array(ospi_chips[0]) + a, d, sizeof(d));
		assert_int_equal(nor_chip_array(ospi_chips[0])[a - 1u], 0xFF);
		assert_int_equal(nor_chip_array(ospi_chips[0])[a + sizeof(d)], 0xFF);
		assert_int_equal(nor_read(a + 1u, b, 1), QDFU_OK); /* one odd byte */
		assert_int_equal(b[0], d[1]);
		/* the CRC fed from the FIFO as it drains (DTR: whole words) */
		read_crc_check(a, d, sizeof(d));
	}
	assert_int_equal(nor_chip_complement_errors(ospi_chips[0]), 0);
	assert_int_equal(nor_chip_dtr_errors(ospi_chips[0]), 0);
	assert_model_clean();
}

/* Straight to the chip, as an application in OPI DTR would: WREN then a
 * 64 KiB erase (0xDC23, 32-bit address), left running. */
static void app_erase_in_dtr(uint32_t addr)
{
	struct port_qspi_cmd c = {.instruction = 0x06F9,
	                          .instruction_lines = 8,
	                          .instruction_bytes = 2,
	                          .dtr = PORT_QSPI_DTR_ALL};
	assert_int_equal(nor_chip_command(ospi_chips[0], &c, NULL, NULL), 0);
	/* busy for longer than any wait of the probe: only a reset ends it */
	nor_chip_inject(ospi_chips[0], NOR_FAULT_STUCK_BUSY);
	c.instruction = 0xDC23;
	c.address_lines = 8;
	c.address_bytes = 4;
	c.address = addr;
	assert_int_equal(nor_chip_command(ospi_chips[0], &c, NULL, NULL), 0);
	struct nor_chip_state st;
	nor_chip_get_state(ospi_chips[0], &st);
	assert_true(st.busy);
}

/* An application left the chip in OPI DTR in the middle of an erase:
 * only the blind reset in all three protocols brings it back in time (a
 * SPI-only reset and ID read find nothing; without the DTR reset the chip
 * stays busy and deaf to the ID read). */
static void test_probe_from_opi_dtr(void **state)
{
	(void)state;
	chip_in(2);
	app_erase_in_dtr(0x50000u);
	nor_set_octal(false, NOR_PROTO_SPI);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_E_NO_DEVICE);
	nor_set_octal(true, NOR_PROTO_OPI_DTR);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_probed(NOR_PROTO_OPI_DTR);
	roundtrip();
}

static void test_probe_from_opi_str_into_spi(void **state)
{
	(void)state;
	chip_in(1);
	nor_set_octal(true, NOR_PROTO_SPI);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_probed(NOR_PROTO_SPI);
	roundtrip();
}

/* A fresh chip in SPI: SFDP read in SPI, then the switch to OPI STR
 * through CR2 (dummy cycles first, then the mode). */
static void test_spi_to_opi_str(void **state)
{
	(void)state;
	chip_in(0);
	nor_set_octal(true, NOR_PROTO_OPI_STR);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_probed(NOR_PROTO_OPI_STR);
	roundtrip();
}

/* The non-volatile default is OPI DTR (CR2 0x40000000 DEFDOPI): the chip
 * powers up and resets into DTR. The probe finds it there, reads SFDP in
 * DTR and runs where the board wants; the default is left as it was. */
static void test_nonvolatile_opi_default(void **state)
{
	(void)state;
	chip_in(0);
	nor_chip_set_cr2_nv(ospi_chips[0], 0x02);
	nor_chip_power_cycle(ospi_chips[0]);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 2);
	nor_set_octal(true, NOR_PROTO_OPI_STR);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_probed(NOR_PROTO_OPI_STR);
	roundtrip();
	nor_chip_power_cycle(ospi_chips[0]);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 2);
}

/* Block protection left set on a chip that boots in OPI DTR: cleared in
 * DTR at the probe (WRSR as a 2-byte word), programs then land. */
static void test_protection_cleared_in_dtr(void **state)
{
	(void)state;
	chip_in(0);
	nor_chip_set_sr1(ospi_chips[0], 0x3Cu); /* BP3..0 = 1111: all */
	nor_chip_set_cr2_nv(ospi_chips[0], 0x02);
	nor_chip_power_cycle(ospi_chips[0]);
	nor_set_octal(true, NOR_PROTO_OPI_DTR);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_true(nor_get_info()->protect_found);
	assert_true(nor_get_info()->protect_cleared);
	struct nor_chip_state st;
	nor_chip_get_state(ospi_chips[0], &st);
	assert_int_equal(st.sr1 & 0x3Cu, 0);
	roundtrip();
	nor_chip_power_cycle(ospi_chips[0]);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 2);
}

/* The probe read the same SFDP whatever protocol the chip was found in. */
static void test_sfdp_in_every_protocol(void **state)
{
	(void)state;
	struct nor_params p[3];
	for (int proto = 0; proto < 3; proto++) {
		chip_in(0);
		nor_chip_set_cr2_nv(ospi_chips[0], (uint8_t)(proto == 2 ? 2 : proto));
		nor_chip_power_cycle(ospi_chips[0]);
		nor_set_octal(true, (enum nor_proto)proto);
		assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
		p[proto] = nor_get_info()->p;
		assert_int_not_equal(p[proto].sfdp_minor, 0xFF);
		assert_int_equal(p[proto].nerase, 2);
		ospi_teardown(NULL);
	}
	assert_memory_equal(&p[0], &p[1], sizeof(p[0]));
	assert_memory_equal(&p[0], &p[2], sizeof(p[0]));
}

/* A fresh chip probed into OPI DTR, with [at, at + len) erased. */
static void dtr_erased(uint32_t at, uint32_t len)
{
	struct nor_time t;
	chip_in(0);
	nor_set_octal(true, NOR_PROTO_OPI_DTR);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_int_equal(ospi_run(nor_erase_start(at, len, &t)), QDFU_OK);
}

/* Execute in place in OPI DTR: 8DTRD (0xEE11) with DQS in memory-mapped
 * mode reads what was programmed. */
static void test_xip_in_opi_dtr(void **state)
{
	(void)state;
	dtr_erased(0x3FF0000u, 0x10000u);
	static uint8_t d[600], b[600];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i ^ 0xA5u);
	struct nor_time t;
	assert_int_equal(ospi_run(nor_program_start(0x3FF0000u, d, sizeof(d), &t)), QDFU_OK);
	struct port_qspi_cmd c;
	assert_int_equal(nor_xip_read_cmd(&c), QDFU_OK);
	assert_int_equal(c.instruction, 0xEE11);
	assert_true(c.dqs);
	assert_int_equal(c.dtr, PORT_QSPI_DTR_ALL);
	assert_int_equal(nor_memmap(), QDFU_OK);
	assert_int_equal(octospi_model_window_read(0x3FF0000u, b, sizeof(b)), 0);
	assert_memory_equal(b, d, sizeof(b));
	/* and back to SPI for an application that starts from 1-1-1 */
	assert_int_equal(nor_set_proto(NOR_PROTO_SPI), QDFU_OK);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 0);
	assert_int_equal(nor_xip_read_cmd(&c), QDFU_OK);
	assert_int_equal(c.instruction, 0x0C);
	assert_model_clean();
}

/* An application executing in place reads byte and halfword constants at
 * odd addresses. Octal DTR moves 2-byte words and the chip ignores A0, so
 * the OCTOSPI starts a memory-mapped read at the even address below and
 * drops the byte before; an odd length reads a whole last word (docs/nor.md
 * "Octal chips", sources there). Every odd start and length gives the
 * programmed bytes, the chip sees no odd DTR transfer. (The model used to
 * pass the odd address on: the chip answered from the even one.) */
static void test_xip_dtr_odd_addresses(void **state)
{
	(void)state;
	const uint32_t at = 0x2000000u;
	dtr_erased(at, 0x10000u);
	static uint8_t d[1000], b[1000];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7u + 0x31u);
	struct nor_time t;
	assert_int_equal(ospi_run(nor_program_start(at, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_memmap(), QDFU_OK);
	static const uint32_t off[] = {1u, 3u, 2u, 255u, 257u};
	static const uint32_t len[] = {1u, 2u, 3u, 7u, 600u, 743u};
	for (unsigned i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		for (unsigned k = 0; k < sizeof(len) / sizeof(len[0]); k++) {
			memset(b, 0, sizeof(b));
			assert_int_equal(octospi_model_window_read(at + off[i], b, len[k]), 0);
			assert_memory_equal(b, d + off[i], len[k]);
		}
	assert_int_equal(nor_chip_dtr_errors(ospi_chips[0]), 0);
	assert_model_clean();
}

/* The hand-over an ST discovery board makes (BOARD_XIP_FASTEST): the chip
 * probed and run in SPI, an application's vector table in it; the
 * hand-over switches to OPI DTR, finds the vector table the same there and
 * leaves 8DTRD (0xEE11, DQS, 20 dummy cycles at 100 MHz) memory-mapped; the
 * application's first fetch through the window and a read further in give
 * what was written (the register model faults an octal DTR memory-mapped
 * read without DQSE). */
static void test_handover_in_opi_dtr_then_xip(void **state)
{
	(void)state;
	const uint32_t app = 0x100000u;
	static uint8_t img[3000], b[3000];
	for (unsigned i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 13u + 1u);
	memcpy(img, (const uint8_t[8]){0x00, 0x00, 0x02, 0x24, 0x99, 0x02, 0x10, 0x90}, 8);
	struct nor_time t;
	chip_in(0);
	nor_set_octal(true, NOR_PROTO_SPI);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_int_equal(ospi_run(nor_erase_start(app, 0x1000u, &t)), QDFU_OK);
	assert_int_equal(ospi_run(nor_program_start(app, img, sizeof(img), &t)), QDFU_OK);
	struct port_qspi_cmd c;
	assert_int_equal(nor_xip_handover(NOR_XIP_FASTEST, app, &c), QDFU_OK);
	assert_int_equal(c.instruction, 0xEE11);
	assert_int_equal(c.instruction_lines, 8);
	assert_true(c.dqs);
	assert_int_equal(c.dtr, PORT_QSPI_DTR_ALL);
	assert_int_equal(c.dummy_cycles, 20); /* power-on DC above 66 MHz */
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 2);
	assert_true(octospi_model_memmapped());
	assert_true(octospi_model_memmapped());
	assert_int_equal(octospi_model_window_read(app, b, 8), 0);
	assert_memory_equal(b, img, 8);
	/* then at even and odd offsets, as the application reads its constants */
	assert_int_equal(octospi_model_window_read(app + 2u, b, sizeof(b) - 2u), 0);
	assert_memory_equal(b, img + 2, sizeof(b) - 2u);
	assert_int_equal(octospi_model_window_read(app + 3u, b, sizeof(b) - 3u), 0);
	assert_memory_equal(b, img + 3, sizeof(b) - 3u);
	assert_model_clean();
	/* the NOR layer reads on in DTR (the bootloader's own reads after the
	 * hand-over, a reliability harness's check) */
	memset(b, 0, sizeof(b));
	assert_int_equal(nor_read(app, b, 4096u > sizeof(b) ? sizeof(b) : 4096u), QDFU_OK);
	assert_memory_equal(b, img, sizeof(b));
	/* a board that hands over in SPI: 1-1-1 fast read, chip back in SPI */
	assert_int_equal(nor_xip_handover(NOR_XIP_SINGLE, app, &c), QDFU_OK);
	assert_int_equal(c.instruction, 0x0C);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 0);
	assert_model_clean();
}

/* A quad chip (no CR2, no OPI) on a board wired for an octal one, as the
 * reliability campaign runs the ST discovery boards: the hand-over's
 * switch to OPI DTR does not confirm; the layer must not believe the chip
 * switched. It hands over in SPI and its own reads go on working. (Before
 * the fix rel_campaign failed every two-region case on these boards: the
 * layer kept OPI DTR, every later read went out as a 1-1-4 read framed for
 * it, QDFU_E_UNSUPPORTED. This register model's quad chip answers the
 * unknown RDCR2 with zeros, so here the old code happened to recover.) */
static void test_handover_dtr_refused_by_a_quad_chip(void **state)
{
	(void)state;
	static uint8_t d[64], b[64];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i + 3u);
	struct nor_time t;
	ospi_setup("W25Q64JV", false);
	nor_set_octal(true, NOR_PROTO_SPI);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_int_equal(ospi_run(nor_erase_start(0x1000u, 0x1000u, &t)), QDFU_OK);
	assert_int_equal(ospi_run(nor_program_start(0x1000u, d, sizeof(d), &t)), QDFU_OK);
	struct port_qspi_cmd c;
	assert_int_equal(nor_xip_handover(NOR_XIP_FASTEST, 0x1000u, &c), QDFU_OK);
	assert_int_equal(c.instruction_lines, 1);
	assert_int_equal(nor_get_proto(), NOR_PROTO_SPI);
	assert_int_equal(octospi_model_window_read(0x1000u, b, sizeof(b)), 0);
	assert_memory_equal(b, d, sizeof(b));
	memset(b, 0, sizeof(b));
	assert_int_equal(nor_read(0x1000u, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(b));
}

/* Power lost while a DTR page program runs: after power-on the chip is in
 * SPI again (volatile CR2), the probe finds it, and the page holds a torn
 * subset of the program (bits only cleared where the data clears them). */
static void test_power_cut_mid_program(void **state)
{
	(void)state;
	uint32_t at = 0x1230000u;
	dtr_erased(at, 0x1000u);
	static uint8_t d[256], b[256];
	memset(d, 0x00, sizeof(d));
	struct nor_time t;
	assert_int_equal(nor_program_start(at, d, sizeof(d), &t), QDFU_OK);
	struct nor_chip_state st = {0};
	for (int i = 0; i < 10 && !st.busy; i++) {
		assert_int_equal(nor_poll(), QDFU_E_BUSY);
		nor_chip_get_state(ospi_chips[0], &st);
	}
	assert_true(st.busy);
	vclock_advance_us(20); /* a little of the program */
	nor_chip_power_cycle(ospi_chips[0]);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 0);
	nor_set_octal(true, NOR_PROTO_OPI_DTR);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	assert_int_equal(nor_read(at, b, sizeof(b)), QDFU_OK);
	unsigned cleared = 0;
	for (unsigned i = 0; i < sizeof(b); i++)
		cleared += b[i] != 0xFF;
	assert_true(cleared < sizeof(b)); /* not finished */
	/* the program is repeatable: same data, now whole */
	assert_int_equal(ospi_run(nor_program_start(at, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_read(at, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(d));
	assert_model_clean();
}

/* A program that never ends in OPI DTR: the job times out, the soft reset
 * (in DTR) stops the chip, which comes back in SPI; the driver takes it
 * back to DTR and the next operation works. */
static void test_timeout_recovery_in_dtr(void **state)
{
	(void)state;
	dtr_erased(0x40000u, 0x1000u);
	static uint8_t d[256], b[256];
	memset(d, 0x3C, sizeof(d));
	struct nor_time t;
	nor_chip_inject(ospi_chips[0], NOR_FAULT_STUCK_BUSY);
	assert_int_equal(ospi_run(nor_program_start(0x40000u, d, sizeof(d), &t)), QDFU_E_TIMEOUT);
	assert_int_equal(nor_chip_opi_proto(ospi_chips[0]), 2);
	assert_int_equal(nor_get_proto(), NOR_PROTO_OPI_DTR);
	assert_int_equal(ospi_run(nor_erase_start(0x40000u, 0x1000u, &t)), QDFU_OK);
	assert_int_equal(ospi_run(nor_program_start(0x40000u, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_read(0x40000u, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(d));
	assert_model_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_probe_from_opi_dtr, ospi_teardown),
	    cmocka_unit_test_teardown(test_probe_from_opi_str_into_spi, ospi_teardown),
	    cmocka_unit_test_teardown(test_spi_to_opi_str, ospi_teardown),
	    cmocka_unit_test_teardown(test_nonvolatile_opi_default, ospi_teardown),
	    cmocka_unit_test_teardown(test_protection_cleared_in_dtr, ospi_teardown),
	    cmocka_unit_test_teardown(test_sfdp_in_every_protocol, ospi_teardown),
	    cmocka_unit_test_teardown(test_xip_in_opi_dtr, ospi_teardown),
	    cmocka_unit_test_teardown(test_xip_dtr_odd_addresses, ospi_teardown),
	    cmocka_unit_test_teardown(test_handover_in_opi_dtr_then_xip, ospi_teardown),
	    cmocka_unit_test_teardown(test_handover_dtr_refused_by_a_quad_chip, ospi_teardown),
	    cmocka_unit_test_teardown(test_power_cut_mid_program, ospi_teardown),
	    cmocka_unit_test_teardown(test_timeout_recovery_in_dtr, ospi_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
