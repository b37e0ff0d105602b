// SPDX-License-Identifier: MIT
/*
 * The STM32H735G-DK's and STM32H7B3I-DK's MX25LM51245G after an application
 * left it in OPI STR or OPI DTR (a CPU reset does not reset the flash:
 * shared facts octospi.md trap 3): the bootloader still finds it, presents
 * the external flash, and an update through it lands in the chip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"
#include "sim/port/simport_internal.h"

#define QSPI 0x90000000u

static struct rel_board rb;

static bool has_qspi_alt(void)
{
	for (unsigned i = 0; i < rb.dev.info.nalts; i++)
		if (strncmp(rb.dev.info.alts[i].name, "@QSPI Flash", 11) == 0)
			return true;
	return false;
}

static void left_in_opi(const char *board)
{
	static uint8_t data[8192];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3u + 17u);
	/* qspi_chip = "MX25LM51245G" from the board file */
	assert_int_equal(rel_board_create(&rb, board, NULL), 0);
	assert_true(has_qspi_alt());
	for (int proto = 1; proto <= 2; proto++) {
		struct nor_chip *c = simport_qspi_chip(0);
		nor_chip_set_opi_proto(c, proto); /* the application's doing */
		rel_board_boot(&rb, true);
		assert_true(rb.in_dfu);
		assert_true(has_qspi_alt());
		/* found, and run in octal DTR, the protocol these boards hand
		 * over in (board_octal_dtr()) */
		assert_int_equal(nor_chip_opi_proto(c), 2);
		struct qh_image img;
		qh_image_init(&img);
		assert_int_equal(qh_image_add(&img, QSPI + 0x10000u * (uint32_t)proto, data,
		                              sizeof(data), "data", NULL),
		                 0);
		assert_int_equal(rel_client_run(REL_QDFU, &rb, &img), 0);
		assert_memory_equal(nor_chip_array(c) + 0x10000u * (uint32_t)proto, data,
		                    sizeof(data));
		qh_image_free(&img);
	}
	rel_board_destroy(&rb);
}

static void test_h735g_dk_chip_left_in_opi(void **state)
{
	(void)state;
	left_in_opi("stm32h735g-dk");
}

static void test_h7b3i_dk_chip_left_in_opi(void **state)
{
	(void)state;
	left_in_opi("stm32h7b3i-dk");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_h735g_dk_chip_left_in_opi),
	    cmocka_unit_test(test_h7b3i_dk_chip_left_in_opi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
