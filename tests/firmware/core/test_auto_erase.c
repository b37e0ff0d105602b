/* SPDX-License-Identifier: MIT */
/*
 * Auto-erase (issue 21, docs/decisions/auto-erase.md): a client that never
 * erases (STM32CubeProgrammer with an "IAP" device) re-flashes a changed
 * image. The first write of a session to a page that cannot take its data
 * without an erase erases that page first; a page the session has already
 * written is never erased again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dfu/dfu.h"
#include "fixture.h"

#define SECTOR (128u * 1024u)
#define BLOCK  4096u

static uint8_t img_a[2 * BLOCK], img_b[2 * BLOCK], back[2 * BLOCK];

static void fill(uint8_t *p, uint32_t n, uint8_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13u + seed + (i >> 7));
}

/* Write n bytes as DfuSe blocks without any erase command: one SET_ADDRESS
 * per block (CubeProgrammer's pattern in public logs). */
static int write_no_erase(uint32_t addr, const uint8_t *data, uint32_t n)
{
	for (uint32_t off = 0; off < n; off += BLOCK) {
		int rc = fx_write_block(addr + off, data + off, (uint16_t)BLOCK);
		if (rc)
			return rc;
	}
	return 0;
}

/* An earlier update left image A; a new session writes image B (every
 * block different) with no erase: it lands, and the rest of the sector is
 * erased as an explicit erase would have left it. */
static void test_changed_image_without_erase(void **state)
{
	(void)state;
	fill(img_a, sizeof(img_a), 1);
	fill(img_b, sizeof(img_b), 99);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, img_a, sizeof(img_a)), 0);
	assert_true(fx_reboot(true));
	assert_int_equal(write_no_erase(FX_IFLASH_APP, img_b, sizeof(img_b)), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(FX_IFLASH_APP, back, sizeof(back)), 0);
	assert_memory_equal(back, img_b, sizeof(img_b));
}

/* The same blocks written again in the same session, with other data:
 * the page is not erased a second time (that would lose the first
 * block); the write is refused as before. */
static void test_second_write_in_session_not_erased(void **state)
{
	(void)state;
	fill(img_a, sizeof(img_a), 3);
	fill(img_b, sizeof(img_b), 77);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, img_a, sizeof(img_a)), 0);
	assert_true(fx_reboot(true));
	assert_int_equal(write_no_erase(FX_IFLASH_APP, img_b, sizeof(img_b)), 0);
	/* refused at once, or accepted while the block before it still
	 * programs (its SET_ADDRESS does not wait) and refused to the next
	 * request (docs/decisions/pipelined-writes.md) */
	int rc = fx_write_block(FX_IFLASH_APP, img_a, (uint16_t)BLOCK);
	assert_true(rc == DFU_STATUS_OK || rc == DFU_STATUS_ERR_CHECK_ERASED);
	uint8_t st[6] = {0};
	for (int i = 0; i < 100; i++) { /* behind a sector erase: up to 5 s */
		assert_int_equal(fx_getstatus(st), 6);
		if (st[4] != DFU_STATE_DNLOAD_IDLE)
			break;
		mock_advance_ms(50);
	}
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(st[0], DFU_STATUS_ERR_CHECK_ERASED);
	assert_int_equal(fx_clrstatus(), 0);
	assert_int_equal(fx_read(FX_IFLASH_APP, back, sizeof(back)), 0);
	assert_memory_equal(back, img_b, sizeof(img_b));
}

/* Data that can be programmed as it is (blank there) never erases: what
 * else the page holds stays. */
static void test_blank_target_keeps_the_page(void **state)
{
	(void)state;
	fill(img_a, BLOCK, 5);
	fill(img_b, BLOCK, 55);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, img_a, BLOCK), 0);
	assert_true(fx_reboot(true));
	assert_int_equal(write_no_erase(FX_IFLASH_APP + 8u * BLOCK, img_b, BLOCK), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(FX_IFLASH_APP, back, BLOCK), 0);
	assert_memory_equal(back, img_a, BLOCK);
	assert_int_equal(fx_read(FX_IFLASH_APP + 8u * BLOCK, back, BLOCK), 0);
	assert_memory_equal(back, img_b, BLOCK);
}

/* The bootloader's own sector is never auto-erased. */
static void test_bootloader_sector_never_auto_erased(void **state)
{
	(void)state;
	uint8_t before[64], junk[64];
	assert_int_equal(fx_read(0x08000000u, before, sizeof(before)), 0);
	memset(junk, 0x5A, sizeof(junk));
	assert_int_not_equal(fx_write_block(0x08000000u, junk, sizeof(junk)), 0);
	assert_int_equal(fx_clrstatus(), 0);
	uint8_t after[64];
	assert_int_equal(fx_read(0x08000000u, after, sizeof(after)), 0);
	assert_memory_equal(before, after, sizeof(after));
	(void)SECTOR;
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_changed_image_without_erase),
	    T(test_second_write_in_session_not_erased),
	    T(test_blank_target_keeps_the_page),
	    T(test_bootloader_sector_never_auto_erased),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
