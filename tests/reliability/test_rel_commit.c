// SPDX-License-Identifier: MIT
/*
 * Issue 12's two bugs, as a user met them, on the real firmware and chip
 * models driven by libqdfu itself (rel_board.c):
 *  1. a two-region image (code in internal flash, data in QSPI) cut after
 *     the internal half booted new code with erased data;
 *  2. re-running an update that had written everything but was cut before
 *     its leave said "flash ok" and left the board in DFU (with a
 *     descriptor, and without one: a data-only image, where only the
 *     journal decides).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"

#define APP  0x08020000u
#define DATA 0x90100000u

static struct rel_board rb;
static uint8_t code[2][16384], data[2][12288];
static struct qh_image img[2], only; /* only: data[1] alone, no vector table */

static void make(unsigned v)
{
	for (unsigned i = 0; i < sizeof(code[v]); i++)
		code[v][i] = (uint8_t)(i * 7u + v * 91u + 3u);
	for (unsigned i = 0; i < sizeof(data[v]); i++)
		data[v][i] = (uint8_t)(i * 5u + v * 37u + 1u);
	const uint32_t vt[2] = {0x24080000u, APP + 0x201u};
	memcpy(code[v], vt, sizeof(vt)); /* little-endian host */
	qh_image_init(&img[v]);
	assert_int_equal(qh_image_add(&img[v], APP, code[v], sizeof(code[v]), "code", NULL), 0);
	assert_int_equal(qh_image_add(&img[v], DATA, data[v], sizeof(data[v]), "data", NULL), 0);
}

static int setup(void **state)
{
	(void)state;
	make(0);
	make(1);
	qh_image_init(&only);
	assert_int_equal(rel_board_create(&rb, "stm32h745i-disco", "W25Q64JV"), 0);
	/* version 0 installed and booting */
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &img[0]), 0);
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	assert_int_equal(rb.app_vtor, APP);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rb.cut_before = NULL;
	rel_board_destroy(&rb);
	qh_image_free(&img[0]);
	qh_image_free(&img[1]);
	qh_image_free(&only);
	return 0;
}

/* DfuSe SET_ADDRESS (DNLOAD block 0, 0x21 + address) into QSPI data. */
static bool first_qspi_data_address(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d,
                                    uint16_t len)
{
	if (type != 0x21 || req != 1 || value != 0 || len != 5 || d[0] != 0x21)
		return false;
	uint32_t a =
	    (uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 | (uint32_t)d[4] << 24;
	return a == DATA;
}

/* The leave: a zero-length DNLOAD. */
static bool leave_request(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d, uint16_t len)
{
	(void)value;
	(void)d;
	return type == 0x21 && req == 1 && len == 0;
}

static void boots_version(unsigned v)
{
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	assert_int_equal(rb.app_vtor, APP);
	/* every byte of that version is in place */
	assert_true(rel_board_holds(&img[v]));
}

static void test_two_region_cut_between_memories_stays_in_dfu(void **state)
{
	(void)state;
	rel_board_boot(&rb, true);
	rb.cut_before = first_qspi_data_address;
	assert_int_not_equal(rel_client_run(REL_QDFU, &rb, &img[1]), 0);
	assert_true(rb.cut_hit);
	rb.cut_before = NULL;
	rel_board_boot(&rb, false);
	assert_true(rb.in_dfu); /* new code, old data erased: never started */
	assert_non_null(strstr(rb.decision.reason, "interrupted"));
	/* re-running the update completes it */
	rel_board_boot(&rb, true);
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &img[1]), 0);
	boots_version(1);
}

static void test_rerun_after_cut_before_leave_recommits(void **state)
{
	(void)state;
	rel_board_boot(&rb, true);
	rb.cut_before = leave_request;
	(void)rel_client_run(REL_QDFU, &rb, &img[1]); /* a vanished device "left" */
	assert_true(rb.cut_hit);
	rb.cut_before = NULL;
	/* everything, descriptor included, was written: it boots */
	boots_version(1);
	/* and a re-run writes nothing and says it only (re)committed */
	rel_board_boot(&rb, true);
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &img[1]), 0);
	assert_true(rb.dev.recommit_only);
	boots_version(1);
}

/* DNLOADs that carry data (blocks), seen by the observer below. */
static unsigned data_blocks;

static bool count_blocks(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d, uint16_t len)
{
	(void)d;
	if (type == 0x21 && req == 1 && value >= 2 && len)
		data_blocks++;
	return false;
}

/* A data-only image (no vector table, so no descriptor: the journal
 * decides) cut after its last block, before the leave: the journal holds
 * the update open, so the re-run, with nothing to write, must still open
 * and commit a session (qh_ops.c touch_first_block; INFO says the journal
 * is not clean). Once committed, the same re-run writes no block at all
 * (INFO JOURNAL_CLEAN), and the board still boots. */
static void test_data_only_rerun_commits_an_open_journal_and_no_more(void **state)
{
	(void)state;
	assert_int_equal(qh_image_add(&only, DATA, data[1], sizeof(data[1]), "data", NULL), 0);
	rel_board_boot(&rb, true);
	rb.cut_before = leave_request;
	(void)rel_client_run(REL_QDFU, &rb, &only);
	assert_true(rb.cut_hit);
	rb.cut_before = NULL;
	rel_board_boot(&rb, false);
	assert_true(rb.in_dfu);
	assert_non_null(strstr(rb.decision.reason, "interrupted"));
	/* the re-run: nothing differs, one block written again, committed */
	rel_board_boot(&rb, true);
	data_blocks = 0;
	rb.cut_before = count_blocks;
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &only), 0);
	rb.cut_before = NULL;
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	assert_int_equal(rb.app_vtor, APP);
	assert_int_equal(data_blocks, 1);
	assert_true(rel_board_holds(&only));
	/* committed now: the same image again writes no block, and boots */
	rel_board_boot(&rb, true);
	data_blocks = 0;
	rb.cut_before = count_blocks;
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &only), 0);
	rb.cut_before = NULL;
	assert_true(rb.dev.recommit_only);
	assert_int_equal(data_blocks, 0);
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	assert_int_equal(rb.app_vtor, APP);
}

/* Without a descriptor (dfu-util), a cut before the leave leaves the board
 * in DFU; the re-run with :leave commits. */
static void test_generic_client_rerun(void **state)
{
	(void)state;
	rel_board_boot(&rb, true);
	rb.cut_before = leave_request;
	(void)rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[1]);
	assert_true(rb.cut_hit);
	rb.cut_before = NULL;
	rel_board_boot(&rb, false);
	assert_true(rb.in_dfu);
	rel_board_boot(&rb, true);
	assert_int_equal(rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[1]), 0);
	boots_version(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_two_region_cut_between_memories_stays_in_dfu,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rerun_after_cut_before_leave_recommits, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_generic_client_rerun, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_data_only_rerun_commits_an_open_journal_and_no_more, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
