// SPDX-License-Identifier: MIT
/*
 * Never-brick with both internal-flash banks at once
 * (docs/decisions/parallel-banks.md): `qdfu flash` of an image in both
 * banks of an H745I-DISCO sends bank 1's page and then bank 2's; the
 * bootloader erases bank 1's sector for its first block and starts bank 2's
 * sector erase beside it when that page's first block is queued. Power lost
 * while both erase tears a sector in each bank. The session is open and not
 * committed, so the board must come back in DFU saying why, never start the
 * cut image or the old one, keep its bootloader sector, and take the same
 * update again.
 *
 * The cuts are aimed: armed when the first block of bank 2 goes out, at
 * delays that sweep both erases (1.1 s each in the model); each cut is
 * classified from the flash the model leaves (words with a broken ECC in a
 * sector: that sector's erase was torn), and the test requires cuts that
 * tore both sectors at once. Round 6: at high speed bank 2's queued blocks
 * program beside bank 1's, and cuts must tear a flash word in each bank.
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

#define APP_INT  0x08020000u /* bank 1, sector 1 */
#define BANK2    0x08100000u /* bank 2, sector 0 */
#define CODE     (40u * 1024u)
#define BOOT_SEC 0x20000u
#define SECTOR   0x20000u

static struct rel_board rb;
static uint8_t code[2][CODE], data[2][CODE], boot_sector[BOOT_SEC];
static struct qh_image img[2];
static bool armed;
static uint64_t cut_delay;

static void make(unsigned v)
{
	for (unsigned i = 0; i < CODE; i++) {
		code[v][i] = (uint8_t)(i * 11u + v * 91u + 5u);
		data[v][i] = (uint8_t)(i * 13u + v * 57u + 1u);
	}
	const uint32_t vt[4] = {0x24080000u, APP_INT + 0x201u, APP_INT + 0x301u, APP_INT + 0x301u};
	memcpy(code[v], vt, sizeof(vt)); /* little-endian host */
	qh_image_init(&img[v]);
	assert_int_equal(qh_image_add(&img[v], APP_INT, code[v], CODE, "code", NULL), 0);
	assert_int_equal(qh_image_add(&img[v], BANK2, data[v], CODE, "bank 2", NULL), 0);
}

/* Arm the cut when the first block of bank 2's new data goes out. */
static bool at_bank2(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d, uint16_t len)
{
	if (armed || type != 0x21 || req != 1 || value < 2 || len < 64u)
		return false;
	if (memcmp(d, data[1], 64u) != 0)
		return false;
	armed = true;
	rel_board_arm_cut(&rb, cut_delay);
	return false;
}

/* Did the cut tear the erase of the sector at addr (words whose ECC fails,
 * or old and erased words mixed)? */
static bool torn(uint32_t addr, const uint8_t *old)
{
	struct h7_iflash *f = simport_iflash_model();
	uint8_t w[32];
	unsigned bad = 0, kept = 0, erased = 0;
	for (uint32_t a = addr; a < addr + CODE; a += 32u) {
		if (h7_iflash_read(f, a, w, 32u) != 0) {
			bad++;
			continue;
		}
		kept += memcmp(w, old + (a - addr), 32u) == 0;
		erased += w[0] == 0xFFu && w[31] == 0xFFu;
	}
	return bad > 0u || (kept > 0u && erased > 0u);
}

/* What a cut must leave: the board back in DFU, taking the same update
 * (img[1], qdfu) again; or, when may_start (the cut may have come after the
 * commit), the whole update starting. True for the latter. The board is
 * destroyed after. */
static bool recovers(const char *what, bool may_start)
{
	rel_board_boot(&rb, false);
	bool started = !rb.in_dfu;
	if (started && (!may_start || !rel_board_holds(&img[1])))
		fail_msg("%s: an image started that is not the whole update", what);
	const char *why =
	    started ? NULL : rel_after_cut(&rb, boot_sector, BOOT_SEC, REL_QDFU, &img[1]);
	if (why)
		fail_msg("%s: %s", what, why);
	rel_board_destroy(&rb);
	return started;
}

static void test_h745_qdfu_both_banks(void **state)
{
	(void)state;
	/* from the first bank-2 block on: both erases run for ~1.1 s */
	static const uint64_t delays[] = {100u,    20000u,  150000u,  400000u,
	                                  700000u, 950000u, 1050000u, 1300000u};
	unsigned both = 0, one = 0, none = 0, late = 0;
	make(0);
	make(1);
	for (unsigned i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		char what[160];
		assert_int_equal(rel_board_create(&rb, "stm32h745i-disco", "W25Q64JV"), 0);
		memcpy(boot_sector, rel_board_iflash(), BOOT_SEC);
		assert_int_equal(rel_client_run(REL_QDFU, &rb, &img[0]), 0);
		rel_board_boot(&rb, false);
		assert_false(rb.in_dfu);
		rel_board_boot(&rb, true);
		armed = false;
		cut_delay = delays[i];
		rb.cut_before = at_bank2;
		(void)rel_client_run(REL_QDFU, &rb, &img[1]);
		rb.cut_before = NULL;
		bool hit = rb.dead; /* the armed cut came before the update ended */
		rel_board_cut(&rb);
		assert_true(armed);
		bool t1 = torn(APP_INT, code[0]), t2 = torn(BANK2, data[0]);
		both += hit && t1 && t2;
		one += hit && t1 != t2;
		none += hit && !t1 && !t2;
		snprintf(what, sizeof(what), "cut %u us after bank 2's first block (%s)",
		         (unsigned)cut_delay,
		         t1 && t2   ? "both erases torn"
		         : t1 || t2 ? "one torn"
		                    : "none torn");
		if (!hit) { /* the update ended first: it must start */
			if (!recovers(what, true))
				fail_msg("%s: the whole update does not start", what);
			late++;
			continue;
		}
		(void)recovers(what, false);
	}
	qh_image_free(&img[0]);
	qh_image_free(&img[1]);
	printf("stm32h745i-disco, qdfu, both banks: %u cuts tore both erases, %u one, %u none, "
	       "%u after the update\n",
	       both, one, none, late);
	assert_true(both >= 3u);
}

/* Blank sectors in both banks of an H747I-DISCO at high speed: the host
 * sends faster than a bank programs, so bank 2's blocks wait in the queue
 * behind bank 1's and program beside them (mem_program_beside, RM0399
 * 4.3.11). A cut then tears a flash word in each bank. The cuts sweep the
 * programming; every one must leave the board in DFU, able to take the
 * update again, and some must tear both banks' words (none can with the
 * program beside off: one bank programs at a time). */
static void test_h747_hs_qdfu_programs_both_banks_at_once(void **state)
{
	(void)state;
	unsigned both = 0, hits = 0, late = 0;
	make(1);
	for (uint64_t delay = 100u; delay <= 24100u; delay += 2000u) {
		char what[160];
		assert_int_equal(rel_board_create_speed(&rb, "stm32h747i-disco", NULL, true), 0);
		memcpy(boot_sector, rel_board_iflash(), BOOT_SEC);
		armed = false;
		cut_delay = delay;
		rb.cut_before = at_bank2;
		(void)rel_client_run(REL_QDFU, &rb, &img[1]);
		rb.cut_before = NULL;
		bool hit = rb.dead;
		rel_board_cut(&rb);
		assert_true(armed);
		bool t1 = torn(APP_INT, code[1]), t2 = torn(BANK2, data[1]);
		hits += hit;
		both += hit && t1 && t2;
		snprintf(what, sizeof(what), "cut %u us after bank 2's first block (%s)",
		         (unsigned)delay, t1 && t2 ? "a word torn in each bank" : "not both");
		late += recovers(what, true); /* after the commit: the whole update */
	}
	printf("stm32h747i-disco HS, qdfu, blank banks: %u of %u cuts tore a word in each bank, "
	       "%u after the commit\n",
	       both, hits, late);
	qh_image_free(&img[1]);
	assert_true(both >= 3u);
}

/* dfu-util, in address order, over changed sectors of bank 1 (A1's 40 KiB,
 * then A2 and A3 whole) and bank 2's B0: after two changed sectors in a
 * row, the engine erases B0 beside A2's erase, before any bank-2 data
 * (round 5, speculate_other_bank). Without that guess B0 would erase only
 * beside A3, when its first block is queued. Cuts during A2's erase must
 * tear both A2 and B0 some of the time (fails with the guess off). */
#define A2 0x08040000u
#define A3 0x08060000u
static uint8_t whole[2][2][SECTOR]; /* A2, A3: bank 2's blocks wait behind them */

static bool at_a2(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d, uint16_t len)
{
	if (armed || type != 0x21 || req != 1 || value < 2 || len < 64u)
		return false;
	if (memcmp(d, whole[1][0], 64u) != 0)
		return false;
	armed = true;
	rel_board_arm_cut(&rb, cut_delay);
	return false;
}

static void test_h745_dfu_util_erases_bank2_ahead(void **state)
{
	(void)state;
	/* A2's first block is queued while A1 erases (1.1 s); A2 then
	 * erases for another 1.1 s */
	static const uint64_t delays[] = {1250000u, 1500000u, 1800000u, 2100000u};
	unsigned both = 0;
	make(0);
	make(1);
	for (unsigned v = 0; v < 2u; v++)
		for (unsigned k = 0; k < 2u; k++) {
			for (unsigned i = 0; i < SECTOR; i++)
				whole[v][k][i] = (uint8_t)(i * 5u + v * 77u + k * 31u + 9u);
			assert_int_equal(qh_image_add(&img[v], k ? A3 : A2, whole[v][k], SECTOR,
			                              k ? "code 3" : "code 2", NULL),
			                 0);
		}
	for (unsigned i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		char what[160];
		assert_int_equal(rel_board_create(&rb, "stm32h745i-disco", "W25Q64JV"), 0);
		memcpy(boot_sector, rel_board_iflash(), BOOT_SEC);
		assert_int_equal(rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[0]), 0);
		rel_board_boot(&rb, true);
		armed = false;
		cut_delay = delays[i];
		rb.cut_before = at_a2;
		(void)rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[1]);
		rb.cut_before = NULL;
		assert_true(rb.dead); /* bank 2 and the leave come long after */
		rel_board_cut(&rb);
		assert_true(armed);
		bool t1 = torn(A2, whole[0][0]), t2 = torn(BANK2, data[0]);
		both += t1 && t2;
		snprintf(what, sizeof(what), "dfu-util, cut %u us after A2's first block (%s)",
		         (unsigned)cut_delay, t1 && t2 ? "both erases torn" : "not both");
		const char *why =
		    rel_after_cut(&rb, boot_sector, BOOT_SEC, REL_DFU_UTIL_LEAVE, &img[1]);
		if (why)
			fail_msg("%s: %s", what, why);
		rel_board_destroy(&rb);
	}
	qh_image_free(&img[0]);
	qh_image_free(&img[1]);
	printf("stm32h745i-disco, dfu-util, bank 2 ahead: %u cuts tore A2's and B0's erases\n",
	       both);
	assert_true(both >= 2u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_h745_qdfu_both_banks),
	    cmocka_unit_test(test_h747_hs_qdfu_programs_both_banks_at_once),
	    cmocka_unit_test(test_h745_dfu_util_erases_bank2_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
