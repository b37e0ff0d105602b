/* SPDX-License-Identifier: MIT */
/*
 * nor_read_crc on the simulator's port: port_qspi_read_crc (sim/port/qspi.c)
 * feeding the CRC unit's model (sim/port/crc.c) as the FIFO drains. The CRC
 * is the table's, and the virtual time is what the firmware's loop takes on
 * the target: per FIFO chunk the slower of the bus and the unit, never the
 * sum. A dual quad-SPI bus at 50 MHz (a word every 80 ns) hides the unit
 * (20 ns a word) entirely; an octal DTR bus at 200 MHz (a word every 10 ns)
 * leaves the unit the slower, and its time is charged in full.
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
#include "mem/mem.h"
#include "nor/nor.h"
#include "sim/clock/vclock.h"
#include "sim/h7/crc_model.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"
#include "sim/port/simport_internal.h"

#define MIB       (1024u * 1024u)
#define NS_A_WORD 20u /* the CRC unit: 4 AHB cycles at 200 MHz */

static uint8_t image[MIB], back[MIB];

struct span {
	uint64_t us;      /* virtual time the read took */
	uint64_t bus_ns;  /* bus time of its commands */
	uint64_t unit_ns; /* CRC unit time of its bytes */
};

static void start(struct span *s)
{
	s->us = vclock_now_us();
	s->bus_ns = simport_qspi_bus_ns();
	s->unit_ns = crc_model_cycles();
}

static void stop(struct span *s)
{
	s->us = vclock_now_us() - s->us;
	s->bus_ns = simport_qspi_bus_ns() - s->bus_ns;
	s->unit_ns = (crc_model_cycles() - s->unit_ns) * NS_A_WORD / 4u;
}

static void wire(const char *board, const char *part)
{
	vclock_init(VCLOCK_VIRTUAL);
	simport_crc_setup();
	const char *chips[2] = {part, part};
	const struct board *b = board_find(board);
	assert_non_null(b);
	assert_int_equal(simport_qspi_setup(b, chips, NULL), QDFU_OK);
	for (uint32_t i = 0; i < MIB; i++)
		image[i] = (uint8_t)(i * 31u + (i >> 9));
}

/* The image straight into the chip models' arrays (dual: even bytes in
 * chip 0, odd bytes in chip 1), as a previous update left it. */
static void store_image(void)
{
	struct nor_chip *c0 = simport_qspi_chip(0), *c1 = simport_qspi_chip(1);
	for (uint32_t i = 0; i < MIB; i++) {
		if (!c1)
			nor_chip_array(c0)[i] = image[i];
		else
			nor_chip_array(i % 2u ? c1 : c0)[i / 2u] = image[i];
	}
}

static int teardown(void **state)
{
	(void)state;
	simport_qspi_teardown();
	nor_set_octal(false, NOR_PROTO_SPI);
	return 0;
}

/* |a - b| <= 2 us (sub-microsecond remainders carried between charges) */
static void assert_about(uint64_t a, uint64_t b)
{
	if (a > b + 2u || b > a + 2u)
		fail_msg("%llu us, want %llu us", (unsigned long long)a, (unsigned long long)b);
}

/* H745I-DISCO: two MT25QL512 at 50 MHz, 1-1-4 reads (dual quad: 8 bits a
 * clock). The fused read costs the bus time alone; a read followed by the
 * unit (how crc_step worked before) costs bus + unit. */
static void test_dual_quad_hides_the_unit(void **state)
{
	(void)state;
	wire("stm32h745i-disco", "MT25QL512ABB");
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	store_image();
	struct span fused, serial;
	uint32_t crc = 0;
	start(&fused);
	assert_int_equal(nor_read_crc(0, MIB, &crc), QDFU_OK);
	stop(&fused);
	assert_int_equal(crc, mem_crc32_update(0, image, MIB));
	start(&serial);
	assert_int_equal(nor_read(0, back, MIB), QDFU_OK);
	assert_int_equal(port_crc32_update(0, back, MIB), crc);
	stop(&serial);
	/* 1 MiB at 50 MB/s: about 21 ms of bus; the unit 5.2 ms */
	assert_int_equal(fused.unit_ns, MIB / 4u * NS_A_WORD);
	assert_true(fused.bus_ns > 4u * fused.unit_ns);
	assert_about(fused.us, fused.bus_ns / 1000u);
	assert_about(serial.us, (serial.bus_ns + serial.unit_ns) / 1000u);
}

/* An octal DTR bus at 200 MHz (16 bits a clock, 400 MB/s) outruns the unit
 * (200 MB/s): every FIFO chunk waits for the unit, so the read costs its
 * command overhead (instruction, address, dummy cycles) plus the unit's
 * time; the bus's data phase is hidden under the unit instead. */
static void test_octal_dtr_waits_for_the_unit(void **state)
{
	(void)state;
	wire("stm32h735g-dk", "MX25LM51245G");
	nor_set_octal(true, NOR_PROTO_OPI_DTR);
	assert_int_equal(nor_probe(false, 200000000u), QDFU_OK);
	assert_int_equal(nor_get_proto(), NOR_PROTO_OPI_DTR);
	store_image();
	struct span fused;
	uint32_t crc = 0;
	start(&fused);
	assert_int_equal(nor_read_crc(0, MIB, &crc), QDFU_OK);
	stop(&fused);
	assert_int_equal(crc, mem_crc32_update(0, image, MIB));
	uint64_t data_ns = MIB * 10u / 4u; /* 2 bytes a clock at 200 MHz: 2.5 ns a byte */
	assert_true(fused.unit_ns > data_ns);
	assert_about(fused.us, (fused.bus_ns - data_ns + fused.unit_ns) / 1000u);
	/* odd start and length (DTR: the head and tail as 2-byte reads) */
	crc = 0;
	assert_int_equal(nor_read_crc(12345u, 54321u, &crc), QDFU_OK);
	assert_int_equal(crc, mem_crc32_update(0, image + 12345u, 54321u));
	assert_int_equal(nor_chip_dtr_errors(simport_qspi_chip(0)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_dual_quad_hides_the_unit, teardown),
	    cmocka_unit_test_teardown(test_octal_dtr_waits_for_the_unit, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
