// SPDX-License-Identifier: MIT
/*
 * Deferred erase (mem/defer.h, docs/decisions/deferred-erase.md): a
 * client's page erase costs nothing until data for the page arrives and
 * differs; unchanged pages cost reads only; whatever the client did not
 * write in a page it erased reads back erased.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define PAGES 4u
#define SPAN  (PAGES * RAM_QSPI_PAGE)

static uint8_t old_img[SPAN], new_img[SPAN], back[SPAN];

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static int setup_unit(void **state, uint32_t unit)
{
	ram_qspi_erase_unit = unit;
	int rc = fx_setup(state);
	fill(old_img, SPAN, 1);
	memcpy(ram_qspi.mem, old_img, SPAN);
	return rc;
}

static int setup_4k(void **state)
{
	return setup_unit(state, RAM_QSPI_UNIT);
}

static int setup_8k(void **state) /* a dual-flash pair: 2 x 4 KiB sectors */
{
	return setup_unit(state, 2u * RAM_QSPI_UNIT);
}

static int teardown(void **state)
{
	ram_qspi_erase_unit = 0;
	return fx_teardown(state);
}

static void download(const uint8_t *img, uint32_t len)
{
	ram_qspi.data_erases = ram_qspi.data_programs = 0;
	assert_int_equal(fx_download(RAM_QSPI_BASE, img, len), 0);
}

static void test_unchanged_costs_reads_only(void **state)
{
	(void)state;
	download(old_img, SPAN);
	assert_int_equal(ram_qspi.data_erases, 0);
	assert_int_equal(ram_qspi.data_programs, 0);
	assert_memory_equal(ram_qspi.mem, old_img, SPAN);
}

static void test_fresh_chip_is_not_erased(void **state)
{
	(void)state;
	memset(ram_qspi.mem, 0xFF, SPAN);
	fill(new_img, SPAN, 2);
	download(new_img, SPAN);
	assert_int_equal(ram_qspi.data_erases, 0);
	assert_memory_equal(ram_qspi.mem, new_img, SPAN);
}

static void test_every_page_changed_one_erase_each(void **state)
{
	(void)state;
	fill(new_img, SPAN, 3);
	download(new_img, SPAN);
	assert_int_equal(ram_qspi.data_erases, PAGES);
	assert_memory_equal(ram_qspi.mem, new_img, SPAN);
}

static void test_one_block_changed_mid_page(void **state)
{
	(void)state;
	memcpy(new_img, old_img, SPAN);
	new_img[RAM_QSPI_PAGE + 5u * 4096u + 9u] ^= 0x40u; /* page 1, block 5 */
	download(new_img, SPAN);
	assert_memory_equal(ram_qspi.mem, new_img, SPAN);
	assert_true(ram_qspi.data_erases >= 1u);
	/* blocks 0..4 of page 1 and the other pages were not touched */
	assert_true(ram_qspi.data_programs <= 11u * 4096u / 256u + 11u);
}

static void test_erased_but_not_written_reads_erased(void **state)
{
	(void)state;
	/* an image ending mid-page: the rest of the page must read erased */
	uint32_t len = RAM_QSPI_PAGE + 3000u;
	memcpy(new_img, old_img, len);
	download(new_img, len);
	assert_int_equal(fx_read(RAM_QSPI_BASE, back, 2u * RAM_QSPI_PAGE), 0);
	assert_memory_equal(back, old_img, len);
	for (uint32_t i = len; i < 2u * RAM_QSPI_PAGE; i++)
		if (back[i] != 0xFFu)
			fail_msg("byte 0x%x after the image is 0x%02x, not erased", i, back[i]);
	/* an erase alone: the page reads erased too */
	assert_int_equal(fx_erase_page(RAM_QSPI_BASE + 2u * RAM_QSPI_PAGE), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(RAM_QSPI_BASE + 2u * RAM_QSPI_PAGE, back, RAM_QSPI_PAGE), 0);
	for (uint32_t i = 0; i < RAM_QSPI_PAGE; i++)
		if (back[i] != 0xFFu)
			fail_msg("byte 0x%x of an erased page is 0x%02x", i, back[i]);
}

static void test_half_right_unit_is_kept(void **state)
{
	(void)state;
	/* 8 KiB erase units: block 2 (first half of unit 1) unchanged, block
	 * 3 changed: unit 1 is erased with block 2 kept aside */
	memcpy(new_img, old_img, SPAN);
	new_img[3u * 4096u + 100u] ^= 0x01u;
	download(new_img, SPAN);
	assert_memory_equal(ram_qspi.mem, new_img, SPAN);
}

#define T4(f) cmocka_unit_test_setup_teardown(f, setup_4k, teardown)
#define T8(f) cmocka_unit_test_setup_teardown(f, setup_8k, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T4(test_unchanged_costs_reads_only),          T4(test_fresh_chip_is_not_erased),
	    T4(test_every_page_changed_one_erase_each),   T4(test_one_block_changed_mid_page),
	    T4(test_erased_but_not_written_reads_erased), T8(test_unchanged_costs_reads_only),
	    T8(test_every_page_changed_one_erase_each),   T8(test_half_right_unit_is_kept),
	    T8(test_erased_but_not_written_reads_erased),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
