// SPDX-License-Identifier: MIT
/*
 * Never-brick with deferred internal-flash erase and its staging buffer
 * (docs/decisions/sector-staging-buffer.md): the first block of a sector
 * that differs from the old image makes the bootloader keep the sector's
 * unchanged part in RAM, erase the sector and program that part back.
 * Power lost during that erase or that program-back loses the kept part:
 * the session is not committed (commit-journal.md), so the board must come
 * back in DFU saying why, never start the cut image or the old one, keep
 * its bootloader sector, and take the same update again.
 *
 * The cuts are aimed: armed when the client sends the first differing
 * block, at delays that sweep the erase (1.1 s in the model for a 128 KiB
 * sector, 2 ms for an 8 KiB one) and the
 * program-back right after it; each cut is classified from the flash the
 * model leaves (a torn erase leaves words with broken ECC in the kept
 * part; a cut program-back leaves a restored prefix and erased words), and
 * the test requires cuts of both kinds. The model tears a running erase or
 * flash-word program the way the silicon does (sim/h7/h7_iflash.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport.h"
#include "sim/port/simport_internal.h"

#define APP_INT  0x08020000u
#define CODE     (40u * 1024u)
#define SAME     (20u * 1024u) /* old and new agree on the first 5 blocks */
#define BOOT_SEC 0x20000u

static struct rel_board rb;
static uint8_t code[2][CODE], boot_sector[BOOT_SEC];
static struct qh_image img[2];
static uint64_t cut_delay;
static bool armed;

static void make(unsigned v)
{
	for (unsigned i = 0; i < CODE; i++)
		code[v][i] = (uint8_t)(i < SAME ? i * 7u + 3u : i * 11u + v * 91u + 5u);
	const uint32_t vt[4] = {0x24080000u, APP_INT + 0x201u, APP_INT + 0x301u, APP_INT + 0x301u};
	memcpy(code[v], vt, sizeof(vt)); /* little-endian host */
	qh_image_init(&img[v]);
	assert_int_equal(qh_image_add(&img[v], APP_INT, code[v], CODE, "code", NULL), 0);
}

/* Arm the cut when the first block holding new data goes out. */
static bool at_first_difference(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d,
                                uint16_t len)
{
	if (armed || type != 0x21 || req != 1 || value < 2 || len == 0 || len > CODE - SAME)
		return false;
	if (memcmp(d, code[1] + SAME, len) != 0)
		return false;
	armed = true;
	rel_board_arm_cut(&rb, cut_delay);
	return false;
}

enum cut_kind { CUT_ERASE, CUT_PROGRAM_BACK, CUT_LATER, CUT_KINDS };
static const char *const kind_names[] = {
    "during the erase", "during the program-back",
    "kept part intact: before the erase or after the program-back"};

/* What the cut interrupted, from the kept part [sector start, SAME). */
static enum cut_kind classify(uint32_t sector, uint32_t wsz)
{
	const uint8_t *fl = rel_board_iflash();
	struct h7_iflash *f = simport_iflash_model();
	uint32_t from = APP_INT - 0x08000000u;
	uint32_t start = (APP_INT + SAME - 1u) / sector * sector - 0x08000000u;
	if (start < from)
		start = from;
	uint32_t end = from + SAME;
	uint8_t word[32];
	unsigned old = 0, blank = 0, other = 0;
	for (uint32_t a = start; a < end; a += wsz) {
		bool ok = h7_iflash_read(f, 0x08000000u + a, word, wsz) == 0;
		if (ok && memcmp(fl + a, code[1] + (a - from), wsz) == 0)
			old++;
		else if (ok && fl[a] == 0xFFu && !memcmp(fl + a, fl + a + 1u, wsz - 1u))
			blank++;
		else
			other++;
	}
	(void)blank;
	if (old == (end - start) / wsz)
		return CUT_LATER;
	/* a program-back restores words in address order, one may be torn */
	return other > 1u || old == 0u ? CUT_ERASE : CUT_PROGRAM_BACK;
}

static void check_board(const char *board, enum rel_client client, bool descriptor)
{
	unsigned seen[CUT_KINDS] = {0};
	bool ab = strcmp(board, "stm32h7b3i-dk") == 0; /* 8 KiB sectors, 16-byte words */
	uint32_t sector = ab ? 8192u : 131072u, wsz = ab ? 16u : 32u;
	/* the erase, coarsely; its end and the program-back, finely. Each line
	 * its own erase time (sim/h7/h7_iflash.h): 1.1 s for a 128 KiB sector,
	 * 2 ms for an 8 KiB one, whose whole session then ends within ~30 ms,
	 * so cuts aimed at 128 KiB times would land after it (issue 13) */
	static const uint64_t coarse[] = {2000u, 150000u, 600000u, 1000000u};
	static const uint64_t coarse_ab[] = {100u, 500u, 1000u, 1500u};
	uint64_t erase_us = h7_iflash_line_timing(wsz).erase_us;
	uint64_t fine_from = erase_us - (ab ? 40u : 4000u), fine_step = ab ? 200u : 800u;
	uint64_t delays[4 + 30];
	unsigned n = 0;
	for (unsigned i = 0; i < 4; i++)
		delays[n++] = ab ? coarse_ab[i] : coarse[i];
	for (unsigned i = 0; i < 30; i++)
		delays[n++] = fine_from + i * fine_step;
	make(0);
	make(1);
	for (unsigned i = 0; i < n; i++) {
		char what[160];
		assert_int_equal(rel_board_create(&rb, board, "W25Q64JV"), 0);
		memcpy(boot_sector, rel_board_iflash(), BOOT_SEC);
		assert_int_equal(
		    rel_client_run(descriptor ? REL_QDFU : REL_DFU_UTIL_LEAVE, &rb, &img[0]), 0);
		rel_board_boot(&rb, false);
		assert_false(rb.in_dfu);
		rel_board_boot(&rb, true);
		armed = false;
		cut_delay = delays[i];
		rb.cut_before = at_first_difference;
		(void)rel_client_run(client, &rb, &img[1]);
		rb.cut_before = NULL;
		rel_board_cut(&rb);
		enum cut_kind k = classify(sector, wsz);
		seen[k]++;
		snprintf(what, sizeof(what), "%s, %s, cut %u us after the first new block (%s)",
		         board, rel_client_name(client), (unsigned)cut_delay, kind_names[k]);
		assert_true(armed);
		rel_board_boot(&rb, false);
		if (memcmp(boot_sector, rel_board_iflash(), BOOT_SEC) != 0)
			fail_msg("%s: the bootloader sector changed", what);
		if (!rb.in_dfu)
			fail_msg("%s: started the image at 0x%08x", what, (unsigned)rb.app_vtor);
		if (!rb.decision.reason || !*rb.decision.reason)
			fail_msg("%s: stays in DFU without saying why", what);
		/* the same update again, uncut, boots the new image */
		rel_board_boot(&rb, true);
		if (rel_client_run(client, &rb, &img[1]) != 0)
			fail_msg("%s: the update after the cut failed", what);
		rel_board_boot(&rb, false);
		if (rb.in_dfu || !rel_board_holds(&img[1]))
			fail_msg("%s: the update after the cut does not start (%s)", what,
			         rb.in_dfu ? rb.decision.reason : "another image");
		rel_board_destroy(&rb);
	}
	qh_image_free(&img[0]);
	qh_image_free(&img[1]);
	printf("%s, %s: %u cuts during the erase, %u during the program-back, %u after\n", board,
	       rel_client_name(client), seen[CUT_ERASE], seen[CUT_PROGRAM_BACK], seen[CUT_LATER]);
	assert_true(seen[CUT_ERASE] >= 3u);
	assert_true(seen[CUT_PROGRAM_BACK] >= 2u);
}

static void test_h745_dfu_util(void **state)
{
	(void)state;
	check_board("stm32h745i-disco", REL_DFU_UTIL_LEAVE, false);
}

static void test_h745_pydfu_over_qdfu_image(void **state)
{
	(void)state;
	check_board("stm32h745i-disco", REL_PYDFU, true);
}

static void test_h7b3_dfu_util(void **state) /* 8 KiB sectors, 16-byte words */
{
	(void)state;
	check_board("stm32h7b3i-dk", REL_DFU_UTIL_LEAVE, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_h745_dfu_util),
	    cmocka_unit_test(test_h745_pydfu_over_qdfu_image),
	    cmocka_unit_test(test_h7b3_dfu_util),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
