// SPDX-License-Identifier: MIT
/*
 * Deferred internal-flash erase with a staging buffer
 * (docs/decisions/sector-staging-buffer.md): a client's sector erase costs
 * nothing until data for the sector arrives and differs; the part of the
 * sector already found right is kept in the staging buffer while the
 * sector is erased and programmed back; whatever the client erased and did
 * not write reads back erased. Every flash word is programmed at most once
 * per erase (the model breaks the ECC of a word programmed twice: reads of
 * it then fail).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"

#define SECTOR  (128u * 1024u)
#define SECTORS 4u
#define SPAN    (SECTORS * SECTOR)
#define BASE    FX_IFLASH_APP

static uint8_t old_img[SPAN], new_img[SPAN], back[SPAN];

static void preload(const uint8_t *img)
{
	fx_iflash_put(BASE, img, SPAN);
}

static int setup(void **state)
{
	int rc = fx_setup(state);
	fx_fill(old_img, SPAN, 1);
	preload(old_img);
	return rc;
}

static uint32_t erases0, programs0;

static void download(const uint8_t *img, uint32_t len)
{
	struct h7_iflash *f = simport_iflash_model();
	erases0 = h7_iflash_erase_count(f);
	programs0 = h7_iflash_program_count(f);
	assert_int_equal(fx_download(BASE, img, len), 0);
}

static uint32_t erases(void)
{
	return h7_iflash_erase_count(simport_iflash_model()) - erases0;
}

static uint32_t programs(void)
{
	return h7_iflash_program_count(simport_iflash_model()) - programs0;
}

/* The flash holds want over [BASE, BASE + n), every word readable (no
 * word was programmed twice). */
static void assert_flash(const uint8_t *want, uint32_t n)
{
	assert_int_equal(h7_iflash_read(simport_iflash_model(), BASE, back, n), 0);
	assert_memory_equal(back, want, n);
}

static void assert_erased(uint32_t from, uint32_t to)
{
	assert_int_equal(h7_iflash_read(simport_iflash_model(), BASE + from, back, to - from), 0);
	for (uint32_t i = 0; i < to - from; i++)
		if (back[i] != 0xFFu)
			fail_msg("byte 0x%x is 0x%02x, not erased", from + i, back[i]);
}

static void test_unchanged_costs_reads_only(void **state)
{
	(void)state;
	download(old_img, SPAN);
	assert_int_equal(erases(), 0);
	assert_int_equal(programs(), 0);
	assert_flash(old_img, SPAN);
}

static void test_fresh_flash_is_not_erased(void **state)
{
	(void)state;
	preload(NULL);
	fx_fill(new_img, SPAN, 2);
	download(new_img, SPAN);
	assert_int_equal(erases(), 0);
	assert_int_equal(programs(), SPAN / 32u);
	assert_flash(new_img, SPAN);
}

static void test_every_sector_changed_one_erase_each(void **state)
{
	(void)state;
	fx_fill(new_img, SPAN, 3);
	download(new_img, SPAN);
	assert_int_equal(erases(), SECTORS);
	assert_int_equal(programs(), SPAN / 32u);
	assert_flash(new_img, SPAN);
}

static void test_one_word_changed_mid_sector(void **state)
{
	(void)state;
	memcpy(new_img, old_img, SPAN);
	new_img[SECTOR + 17u * 4096u + 100u] ^= 0x40u; /* sector 1, block 17 */
	download(new_img, SPAN);
	/* sector 1 only: blocks 0..16 kept and programmed back, the rest
	 * programmed from the client's data; each word once */
	assert_int_equal(erases(), 1);
	assert_int_equal(programs(), SECTOR / 32u);
	assert_flash(new_img, SPAN);
}

static void test_image_ending_mid_sector_rest_erased(void **state)
{
	(void)state;
	/* sector 1: 5 blocks unchanged, a short last block that differs;
	 * the old data after it must read erased */
	uint32_t len = SECTOR + 5u * 4096u + 3000u;
	memcpy(new_img, old_img, len);
	new_img[len - 1u] ^= 0x01u;
	download(new_img, len);
	assert_int_equal(erases(), 1);
	assert_flash(new_img, len);
	assert_erased(len, 2u * SECTOR);
	assert_flash(new_img, len); /* reads did not change it */
	/* sectors 2 and 3 were not erased by the client: still old */
	assert_int_equal(h7_iflash_read(simport_iflash_model(), BASE + 2u * SECTOR, back, SECTOR),
	                 0);
	assert_memory_equal(back, old_img + 2u * SECTOR, SECTOR);
}

static void test_unchanged_image_ending_mid_sector(void **state)
{
	(void)state;
	/* unchanged whole blocks, ending mid-sector: the rest of the sector
	 * is erased at the end with the unchanged part kept */
	uint32_t len = SECTOR + 9u * 4096u;
	download(old_img, len);
	assert_int_equal(erases(), 1);
	assert_int_equal(programs(), 9u * 4096u / 32u);
	assert_flash(old_img, len);
	assert_erased(len, 2u * SECTOR);
}

static void test_erased_but_never_written_reads_erased(void **state)
{
	(void)state;
	erases0 = h7_iflash_erase_count(simport_iflash_model());
	assert_int_equal(fx_erase_page(BASE + 2u * SECTOR), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(erases(), 1);
	assert_int_equal(fx_read(BASE + 2u * SECTOR, back, SECTOR), 0);
	for (uint32_t i = 0; i < SECTOR; i++)
		if (back[i] != 0xFFu)
			fail_msg("byte 0x%x of an erased sector is 0x%02x", i, back[i]);
	assert_int_equal(fx_read(BASE, back, SECTOR), 0);
	assert_memory_equal(back, old_img, SECTOR);
}

static void test_blank_words_kept_are_not_programmed(void **state)
{
	(void)state;
	/* sector 0 holds an image whose blocks 0..3 are partly blank (0xFF
	 * words); block 4 changes: the kept blocks' blank words stay
	 * unprogrammed, so a later session can still program them */
	memcpy(new_img, old_img, SPAN);
	memset(old_img + 1000u, 0xFF, 3000u);
	preload(old_img);
	memcpy(new_img, old_img, SECTOR);
	new_img[4u * 4096u] ^= 0x80u;
	download(new_img, SECTOR);
	assert_int_equal(erases(), 1);
	assert_flash(new_img, SECTOR);
	/* the blank words (1024..3999 in whole words) take a program now */
	uint8_t word[32];
	memset(word, 0x00, sizeof(word));
	assert_int_equal(h7_iflash_program(simport_iflash_model(), BASE + 1024u, word), 0);
	while (h7_iflash_busy(simport_iflash_model()))
		mock_advance_ms(1);
	assert_int_equal(h7_iflash_read(simport_iflash_model(), BASE + 1024u, word, 32u), 0);
}

/* The zero-install flasher has no staging RAM (its image leaves none):
 * sectors are erased on command, as before the staging buffer */
static void test_flasher_erases_on_command(void **state)
{
	(void)state;
	assert_true(
	    bootloader_init(bootloader_flasher_board(fx_get_board()), BOOTLOADER_ENTER_FLASHER));
	fx_enumerate();
	download(old_img, SPAN);
	assert_int_equal(erases(), SECTORS);
	assert_flash(old_img, SPAN);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_unchanged_costs_reads_only),
	    T(test_fresh_flash_is_not_erased),
	    T(test_every_sector_changed_one_erase_each),
	    T(test_one_word_changed_mid_sector),
	    T(test_image_ending_mid_sector_rest_erased),
	    T(test_unchanged_image_ending_mid_sector),
	    T(test_erased_but_never_written_reads_erased),
	    T(test_blank_words_kept_are_not_programmed),
	    T(test_flasher_erases_on_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
