// SPDX-License-Identifier: MIT
/*
 * The NOR driver's octal layer (firmware/nor/octal.c) against the
 * MX25LM51245G model through the PC port (sim/port/qspi.c, an OCTOSPI bus
 * when its chip is octal): the probe from every protocol, round trips in
 * OPI STR and DTR with odd addresses, the XIP hand-over in DTR and SPI,
 * and a QUADSPI board that never sends octal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "boards/board.h"
#include "common/err.h"
#include "hal/port.h"
#include "nor/nor.h"
#include "nor/nor_octal.h"
#include "sim/clock/vclock.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"
#include "sim/port/simport_internal.h"

#define CLK_HZ 100000000u

/* An operation to its end, polled once per millisecond. */
static int run(int rc)
{
	if (rc)
		return rc;
	while ((rc = nor_poll()) == QDFU_E_BUSY)
		vclock_advance_us(1000);
	return rc;
}

static struct nor_chip *chip(void)
{
	return simport_qspi_chip(0);
}

/* The MX25LM51245G wired to a board's bus, left in protocol proto. */
static void wire(int proto)
{
	vclock_init(VCLOCK_VIRTUAL);
	const char *chips[2] = {"MX25LM51245G", NULL};
	const struct board *b = board_find("weact-h750");
	assert_non_null(b);
	assert_int_equal(simport_qspi_setup(b, chips, NULL), QDFU_OK);
	nor_chip_set_opi_proto(chip(), proto);
}

static int teardown(void **state)
{
	(void)state;
	simport_qspi_teardown();
	nor_set_octal(false, NOR_PROTO_SPI);
	return 0;
}

static void roundtrip(uint32_t at)
{
	static uint8_t d[3001], b[3001];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7u + 1u);
	struct nor_time t;
	assert_int_equal(run(nor_erase_start(at & ~0xFFFu, 0x1000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(at, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_read(at, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(d));
	assert_memory_equal(nor_chip_array(chip()) + at, d, sizeof(d));
	assert_int_equal(nor_chip_dtr_errors(chip()), 0);
	assert_int_equal(nor_chip_complement_errors(chip()), 0);
}

static void test_every_start_every_protocol(void **state)
{
	(void)state;
	for (int from = 0; from < 3; from++) {
		for (int to = 0; to < 3; to++) {
			wire(from);
			nor_set_octal(true, (enum nor_proto)to);
			assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
			assert_int_equal(nor_get_proto(), to);
			assert_int_equal(nor_chip_opi_proto(chip()), to);
			assert_int_equal(nor_get_info()->id[1], 0x85);
			roundtrip(0x1000001u);
			teardown(NULL);
		}
	}
}

/* The hand-over in DTR maps 8DTRD (the vector table read back in DTR
 * agrees); asked for SPI it goes back to 1-1-1 fast read. */
static void test_handover(void **state)
{
	(void)state;
	wire(0);
	nor_set_octal(true, NOR_PROTO_SPI);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_OK);
	static const uint8_t vt[16] = {0x00, 0x00, 0x02, 0x24, 0x99, 0x02, 0x00, 0x90};
	struct nor_time t;
	assert_int_equal(run(nor_erase_start(0, 0x1000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(0, vt, sizeof(vt), &t)), QDFU_OK);
	struct port_qspi_cmd used;
	assert_int_equal(nor_octal_handover(NOR_PROTO_OPI_DTR, 0, &used), QDFU_OK);
	assert_int_equal(used.instruction, 0xEE11);
	assert_true(used.dqs);
	assert_int_equal(nor_chip_opi_proto(chip()), 2);
	assert_int_equal(nor_octal_handover(NOR_PROTO_SPI, 0, &used), QDFU_OK);
	assert_int_equal(used.instruction, 0x0C);
	assert_int_equal(nor_chip_opi_proto(chip()), 0);
}

/* Without nor_set_octal() (every QUADSPI board) the driver sends nothing
 * octal: a chip left in OPI is not found, and the chip stays as it was. */
static void test_quadspi_board_sends_no_octal(void **state)
{
	(void)state;
	wire(1);
	nor_set_octal(false, NOR_PROTO_SPI);
	assert_int_equal(nor_probe(false, CLK_HZ), QDFU_E_NO_DEVICE);
	assert_int_equal(nor_chip_opi_proto(chip()), 1);
	assert_int_equal(nor_chip_complement_errors(chip()), 0);
	struct port_qspi_cmd c;
	assert_int_equal(nor_xip_read_cmd(&c), QDFU_E_NO_DEVICE);
	assert_int_equal(nor_set_proto(NOR_PROTO_OPI_DTR), QDFU_E_NO_DEVICE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_every_start_every_protocol, teardown),
	    cmocka_unit_test_teardown(test_handover, teardown),
	    cmocka_unit_test_teardown(test_quadspi_board_sends_no_octal, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
