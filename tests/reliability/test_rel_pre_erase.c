// SPDX-License-Identifier: MIT
/*
 * A power cut during the journal's pre-erase (docs/decisions/
 * journal-pre-erase.md): on a fresh chip the bootloader erases the
 * journal's unit 0 from DFU entry on; a cut anywhere in that erase (the
 * chip models tear the unit) leaves "no journal", the same boot decision
 * as a fresh chip, and the next update works and boots. On the real
 * firmware and chip models (rel_board.c), dual and single flash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boot/journal.h"
#include "mem/mem.h"
#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"

#define APP 0x90000000u

static struct rel_board rb;
static uint8_t code[16384];
static struct qh_image img;

static void make(void)
{
	for (unsigned i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(i * 11u + 9u);
	const uint32_t vt[2] = {0x24080000u, APP + 0x201u};
	memcpy(code, vt, sizeof(vt)); /* little-endian host */
	qh_image_init(&img);
	assert_int_equal(qh_image_add(&img, APP, code, sizeof(code), "code", NULL), 0);
}

static void sleep_ms(unsigned ms)
{
	rb.dev.ops->sleep_ms(rb.dev.ctx, ms);
}

/* How long after the board enumerated the pre-erase still runs (ms). */
static unsigned pre_erase_left_ms(const char *board, const char *chip)
{
	assert_int_equal(rel_board_create(&rb, board, chip), 0);
	assert_true(rb.in_dfu);
	assert_true(mem_busy());
	unsigned ms = 0;
	while (mem_busy() && ms < 5000u) {
		sleep_ms(1);
		ms++;
	}
	assert_false(mem_busy());
	rel_board_destroy(&rb);
	return ms;
}

/* The decision a fresh chip gets, and that an update then boots. */
static void check_fresh_decision_and_update(const struct boot_decision *fresh)
{
	rel_board_boot(&rb, false);
	assert_int_equal(journal_state(), JOURNAL_NONE);
	assert_int_equal(rb.in_dfu, !fresh->start_app);
	assert_int_equal(rb.decision.why, fresh->why);
	assert_string_equal(rb.decision.reason, fresh->reason);
	/* the next update (in DFU: the button held) completes and boots */
	rel_board_boot(&rb, true);
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &img), 0);
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	assert_int_equal(rb.app_vtor, APP);
	assert_true(rel_board_holds(&img));
}

static void cuts_on(const char *board, const char *chip)
{
	make();
	unsigned left = pre_erase_left_ms(board, chip);
	/* the decision of a fresh chip, never cut */
	assert_int_equal(rel_board_create(&rb, board, chip), 0);
	rel_board_boot(&rb, false);
	struct boot_decision fresh = rb.decision;
	rel_board_destroy(&rb);

	const unsigned at[] = {0u, left / 4u, left / 2u, 3u * left / 4u, left - 1u};
	unsigned torn = 0;
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		assert_int_equal(rel_board_create(&rb, board, chip), 0);
		assert_true(mem_busy());
		if (at[i] == 0u) {
			rel_board_cut(&rb);
		} else {
			rel_board_arm_cut(&rb, (uint64_t)at[i] * 1000u);
			for (unsigned ms = 0; !rb.cut_hit && ms < 5000u; ms++)
				sleep_ms(1);
		}
		assert_true(rb.cut_hit);
		torn += rb.cut_what && strncmp(rb.cut_what, "torn", 4) == 0;
		print_message("%s %s: cut %u of %u ms before the pre-erase's end: %s\n", board,
		              chip, left - at[i], left, rb.cut_what ? rb.cut_what : "?");
		check_fresh_decision_and_update(&fresh);
		rel_board_destroy(&rb);
	}
	assert_int_equal(torn, sizeof(at) / sizeof(at[0])); /* every cut tore the erase */
	qh_image_free(&img);
}

static void test_dual_mt25ql512(void **state)
{
	(void)state;
	cuts_on("stm32h745i-disco", "MT25QL512ABB");
}

static void test_single_is25lp064a(void **state)
{
	(void)state;
	cuts_on("daisy-seed", "IS25LP064A");
}

static void test_single_w25q64jv(void **state)
{
	(void)state;
	cuts_on("weact-h750", "W25Q64JV");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dual_mt25ql512),
	    cmocka_unit_test(test_single_is25lp064a),
	    cmocka_unit_test(test_single_w25q64jv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
