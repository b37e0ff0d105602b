// SPDX-License-Identifier: MIT
/*
 * Never-brick with blocks dismissed during an erase
 * (docs/decisions/dismiss-during-erase.md): dfu-util updates three
 * internal-flash sectors of an H745I-DISCO where sector 0 changes at its
 * first block and sector 2 at its 21st. While sector 0 erases, sector 1 and
 * the first 20 blocks of sector 2 are accepted by their digests, not
 * queued; sector 2 is then erased keeping those 20 blocks (staging buffer)
 * and programmed back. Power is cut at moments that sweep the whole
 * session: the board must come back in DFU saying why (or, cut after the
 * commit, start the new image), keep its bootloader sector, and take the
 * same update again and start it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mem/mem.h"
#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"

#define APP_INT  0x08020000u
#define SECTOR   0x20000u
#define SPAN     (3u * SECTOR)
#define BOOT_SEC 0x20000u

static struct rel_board rb;
static uint8_t code[2][SPAN], boot_sector[BOOT_SEC];
static struct qh_image img[2];
static uint64_t cut_delay;
static bool armed;

static void make(unsigned v)
{
	uint32_t seed = 12345u;
	for (unsigned i = 0; i < SPAN; i++) {
		seed = seed * 1103515245u + 12345u;
		code[v][i] = (uint8_t)(seed >> 16);
	}
	const uint32_t vt[4] = {0x24080000u, APP_INT + 0x201u, APP_INT + 0x301u, APP_INT + 0x301u};
	memcpy(code[v], vt, sizeof(vt)); /* little-endian host */
	if (v) {
		code[v][100] ^= 0x5Au;                       /* sector 0, block 0 */
		code[v][2u * SECTOR + 20u * 4096u] ^= 0x01u; /* sector 2, block 20 */
	}
	qh_image_init(&img[v]);
	assert_int_equal(qh_image_add(&img[v], APP_INT, code[v], SPAN, "code", NULL), 0);
}

/* Arm the cut when the first block holding new data goes out. */
static bool at_first_difference(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d,
                                uint16_t len)
{
	(void)value;
	if (armed || type != 0x21 || req != 1 || len != 4096u || memcmp(d, code[1], 4096u) != 0)
		return false;
	armed = true;
	rel_board_arm_cut(&rb, cut_delay);
	return false;
}

/* The old image, flashed and started; then the board in DFU for the next. */
static void old_image_in_place(void)
{
	assert_int_equal(rel_board_create(&rb, "stm32h745i-disco", "MT25QL512ABB"), 0);
	memcpy(boot_sector, rel_board_iflash(), BOOT_SEC);
	assert_int_equal(rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[0]), 0);
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	rel_board_boot(&rb, true);
}

static void test_the_session_dismisses(void **state)
{
	(void)state;
	old_image_in_place();
	uint32_t before = mem_dismissed();
	assert_int_equal(rel_client_run(REL_DFU_UTIL_NOLEAVE, &rb, &img[1]), 0);
	/* sector 1 and sector 2's first 20 blocks, at the least */
	assert_true(mem_dismissed() - before >= 52u);
	rel_board_destroy(&rb);
}

static void test_cuts_across_the_session(void **state)
{
	(void)state;
	unsigned in_dfu = 0, started = 0;
	for (unsigned i = 0; i < 14u; i++) {
		char what[128];
		old_image_in_place();
		armed = false;
		cut_delay = 1000u + (uint64_t)i * 200000u; /* 1 ms .. 2.6 s */
		rb.cut_before = at_first_difference;
		(void)rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[1]);
		rb.cut_before = NULL;
		rel_board_cut(&rb);
		assert_true(armed);
		snprintf(what, sizeof(what), "cut %u us after the first new block",
		         (unsigned)cut_delay);
		rel_board_boot(&rb, false);
		if (memcmp(boot_sector, rel_board_iflash(), BOOT_SEC) != 0)
			fail_msg("%s: the bootloader sector changed", what);
		if (rb.in_dfu) {
			in_dfu++;
			if (!rb.decision.reason || !*rb.decision.reason)
				fail_msg("%s: stays in DFU without saying why", what);
		} else {
			started++;
			if (!rel_board_holds(&img[1]))
				fail_msg("%s: started an image that is not the new one", what);
		}
		rel_board_boot(&rb, true);
		if (rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[1]) != 0)
			fail_msg("%s: the update after the cut failed", what);
		rel_board_boot(&rb, false);
		if (rb.in_dfu || !rel_board_holds(&img[1]))
			fail_msg("%s: the update after the cut does not start", what);
		rel_board_destroy(&rb);
	}
	printf("dismiss: %u cuts left the board in DFU, %u after the commit started it\n", in_dfu,
	       started);
	assert_true(in_dfu >= 8u); /* the cuts must land inside the session */
}

static int setup(void **state)
{
	(void)state;
	make(0);
	make(1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qh_image_free(&img[0]);
	qh_image_free(&img[1]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_session_dismisses),
	    cmocka_unit_test(test_cuts_across_the_session),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
