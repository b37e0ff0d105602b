// SPDX-License-Identifier: MIT
/*
 * The never-brick rule with deferred erase (firmware/mem/defer.c,
 * docs/decisions/old-image-after-update-start.md): dfu-util erases every
 * page of an element first, then writes; the bootloader defers those
 * erases until a write needs the page, so a session cut after the erase
 * pass leaves the old image's bytes in place. The rule:
 *  - an intact old image may boot only if the update never started writing
 *    anything of the new image (cut after the erase pass: old or DFU);
 *  - once a write of the new image started, neither the old image nor a
 *    mix boots (cut after the first block: DFU, saying why);
 *  - the complete update boots the new image.
 * For every pair of layouts (old installed by qdfu flash with its image
 * descriptor, new by dfu-util without one, one run per memory, :leave on
 * the last), on the real firmware and chip models (rel_board.c).
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

#define APP_INT  0x08020000u
#define APP_QSPI 0x90000000u
#define DATA     0x90100000u

enum layout { L_INTERNAL, L_QSPI, L_TWO };
static const char *const layout_names[] = {"internal", "qspi", "two-region"};

static struct rel_board rb;
static uint8_t code[2][16384], data[2][12288];
static struct qh_image img[2];
static unsigned blocks_seen, cut_at_block;

static uint32_t vtor_of(enum layout l)
{
	return l == L_QSPI ? APP_QSPI : APP_INT;
}

static void make(unsigned v, enum layout l)
{
	for (unsigned i = 0; i < sizeof(code[v]); i++)
		code[v][i] = (uint8_t)(i * 7u + v * 91u + 3u);
	for (unsigned i = 0; i < sizeof(data[v]); i++)
		data[v][i] = (uint8_t)(i * 5u + v * 37u + 1u);
	const uint32_t vt[2] = {0x24080000u, vtor_of(l) + 0x201u};
	memcpy(code[v], vt, sizeof(vt)); /* little-endian host */
	qh_image_init(&img[v]);
	assert_int_equal(qh_image_add(&img[v], vtor_of(l), code[v], sizeof(code[v]), "code", NULL),
	                 0);
	if (l == L_TWO)
		assert_int_equal(
		    qh_image_add(&img[v], DATA, data[v], sizeof(data[v]), "data", NULL), 0);
}

/* Cut power just before the cut_at_block-th data block (DNLOAD, block
 * number >= 2) of the session: 1 = after the erase pass, before any write. */
static bool before_data_block(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d,
                              uint16_t len)
{
	(void)d;
	if (type != 0x21 || req != 1 || value < 2 || len == 0)
		return false;
	return ++blocks_seen == cut_at_block;
}

static void install_old(enum layout old_l, enum layout new_l)
{
	make(0, old_l);
	make(1, new_l);
	assert_int_equal(rel_board_create(&rb, "stm32h745i-disco", "W25Q64JV"), 0);
	assert_int_equal(rel_client_run(REL_QDFU, &rb, &img[0]), 0);
	rel_board_boot(&rb, false);
	assert_false(rb.in_dfu);
	assert_int_equal(rb.app_vtor, vtor_of(old_l));
}

static void done(void)
{
	rb.cut_before = NULL;
	rel_board_destroy(&rb);
	qh_image_free(&img[0]);
	qh_image_free(&img[1]);
}

/* Run the new update with dfu-util, cut before data block `block` (0:
 * never), then boot with the real decision. */
static void update_cut(unsigned block)
{
	rel_board_boot(&rb, true);
	blocks_seen = 0;
	cut_at_block = block;
	rb.cut_before = block ? before_data_block : NULL;
	int rc = rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img[1]);
	if (block) {
		assert_true(rb.cut_hit);
	} else {
		assert_int_equal(rc, 0);
	}
	rb.cut_before = NULL;
	rel_board_boot(&rb, false);
}

static void check_pair(enum layout old_l, enum layout new_l)
{
	char what[96];
	snprintf(what, sizeof(what), "old %s, new %s", layout_names[old_l], layout_names[new_l]);
	/* cut after the erase pass: nothing of the new image written; the old
	 * image may boot (intact, deferred erases never ran) or the board stays */
	install_old(old_l, new_l);
	update_cut(1);
	if (!rb.in_dfu) {
		if (rb.app_vtor != vtor_of(old_l) || !rel_board_holds(&img[0]))
			fail_msg("%s, cut after the erase pass: started something other than the "
			         "intact old image",
			         what);
	}
	done();
	/* cut after the first block was written: neither old nor new */
	install_old(old_l, new_l);
	update_cut(2);
	if (!rb.in_dfu)
		fail_msg("%s, cut after the first written block: started the image at 0x%08x (%s)",
		         what, (unsigned)rb.app_vtor, rb.decision.reason);
	done();
	/* the whole update: the new image starts */
	install_old(old_l, new_l);
	update_cut(0);
	if (rb.in_dfu || rb.app_vtor != vtor_of(new_l) || !rel_board_holds(&img[1]))
		fail_msg("%s, complete update: %s (0x%08x)", what,
		         rb.in_dfu ? "stays in DFU" : "started another image",
		         (unsigned)rb.app_vtor);
	done();
}

static void test_qspi_then_internal(void **state)
{
	(void)state;
	check_pair(L_QSPI, L_INTERNAL);
}

static void test_internal_then_qspi(void **state)
{
	(void)state;
	check_pair(L_INTERNAL, L_QSPI);
}

static void test_two_region_again(void **state)
{
	(void)state;
	check_pair(L_TWO, L_TWO);
}

static void test_qspi_again(void **state)
{
	(void)state;
	check_pair(L_QSPI, L_QSPI);
}

static void test_two_region_then_internal(void **state)
{
	(void)state;
	check_pair(L_TWO, L_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qspi_then_internal),
	    cmocka_unit_test(test_internal_then_qspi),
	    cmocka_unit_test(test_two_region_again),
	    cmocka_unit_test(test_qspi_again),
	    cmocka_unit_test(test_two_region_then_internal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
