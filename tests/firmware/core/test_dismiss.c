// SPDX-License-Identifier: MIT
/*
 * Blocks found in place during an erase (docs/decisions/dismiss-during-erase.md):
 * before a deferred internal-flash sector erase starts (its bank then reads
 * nothing until the erase ends), the engine takes the digests (CRC-32 and
 * FNV-1a) of the pending sectors that follow; a block that arrives during
 * the erase and matches them is accepted without being queued, and its
 * sector's deferred erase keeps it. dfu-util's order: an erase command per
 * sector first, then every block with a poll after each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "mem/defer.h"
#include "mem/mem.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"

#define SECTOR  (128u * 1024u)
#define SECTORS 4u
#define SPAN    (SECTORS * SECTOR)
#define BASE    FX_IFLASH_APP
#define BLOCK   4096u

static uint8_t old_img[SPAN], new_img[SPAN], back[SPAN];

static void preload(const uint8_t *img)
{
	fx_iflash_put(BASE, img, SPAN);
}

static int setup(void **state)
{
	int rc = fx_setup(state);
	fx_fill(old_img, SPAN, 7);
	preload(old_img);
	memcpy(new_img, old_img, SPAN);
	new_img[100] ^= 0x01u; /* sector 0, block 0: sector 0 is erased */
	return rc;
}

/* dfu-util's download; true when the erase of sector 0 still ran after
 * the last block was accepted */
static bool download(const uint8_t *img)
{
	for (uint32_t s = 0; s < SECTORS; s++)
		assert_int_equal(fx_erase_page(BASE + s * SECTOR), 0);
	for (uint32_t off = 0; off < SPAN; off += BLOCK)
		assert_int_equal(fx_write_block(BASE + off, img + off, BLOCK), 0);
	bool erasing = h7_iflash_busy(simport_iflash_model());
	assert_int_equal(fx_abort(), 0);
	return erasing;
}

static void assert_flash(const uint8_t *want)
{
	assert_int_equal(h7_iflash_read(simport_iflash_model(), BASE, back, SPAN), 0);
	assert_memory_equal(back, want, SPAN);
}

static void test_unchanged_blocks_pass_while_a_sector_erases(void **state)
{
	(void)state;
	struct h7_iflash *f = simport_iflash_model();
	uint32_t erases0 = h7_iflash_erase_count(f), dismissed0 = mem_dismissed();
	unsigned stalls0 = simport_iflash_stalled_reads();
	/* sectors 1..3 arrive while sector 0 erases: none of them queues */
	assert_true(download(new_img));
	assert_int_equal(mem_dismissed() - dismissed0, 3u * SECTOR / BLOCK);
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 1);
	assert_int_equal(simport_iflash_stalled_reads(), stalls0); /* no read of a busy bank */
	assert_flash(new_img);
}

/* Linear part of the CRC-32 of a 4 KiB block: crc(x ^ e) = crc(x) ^ lin(e). */
static uint32_t lin(const uint8_t *e)
{
	static const uint8_t zero[BLOCK];
	return mem_crc32_update(0, e, BLOCK) ^ mem_crc32_update(0, zero, BLOCK);
}

/* Change byte 100 of blk and 32 bits at bytes 200..203 so that its CRC-32
 * stays the same (solved over GF(2)). */
static void forge_same_crc(uint8_t *blk)
{
	static uint8_t e[BLOCK];
	uint32_t basis[32], comb[32], target, c = 0;
	unsigned n = 0;
	memset(e, 0, sizeof(e));
	e[100] = 0x5Au;
	target = lin(e);
	e[100] = 0;
	for (unsigned i = 0; i < 32u; i++) {
		e[200u + i / 8u] = (uint8_t)(1u << (i % 8u));
		uint32_t x = lin(e), xc = 1u << i;
		e[200u + i / 8u] = 0;
		for (unsigned j = 0; j < n; j++) {
			uint32_t pivot = basis[j] & (0u - basis[j]); /* lowest bit */
			if (x & pivot) {
				x ^= basis[j];
				xc ^= comb[j];
			}
		}
		if (x) {
			basis[n] = x;
			comb[n++] = xc;
		}
	}
	assert_int_equal(n, 32u);
	for (unsigned j = 0; j < n; j++) {
		uint32_t pivot = basis[j] & (0u - basis[j]);
		if (target & pivot) {
			target ^= basis[j];
			c ^= comb[j];
		}
	}
	assert_int_equal(target, 0u);
	blk[100] ^= 0x5Au;
	for (unsigned i = 0; i < 32u; i++)
		if ((c >> i) & 1u)
			blk[200u + i / 8u] ^= (uint8_t)(1u << (i % 8u));
}

static void test_a_block_with_the_same_crc_but_other_data_is_written(void **state)
{
	(void)state;
	uint8_t *blk = new_img + SECTOR + 3u * BLOCK; /* sector 1, block 3 */
	uint32_t crc = mem_crc32_update(0, blk, BLOCK);
	forge_same_crc(blk);
	assert_int_equal(mem_crc32_update(0, blk, BLOCK), crc);
	assert_memory_not_equal(blk, old_img + SECTOR + 3u * BLOCK, BLOCK);
	uint32_t dismissed0 = mem_dismissed();
	(void)download(new_img);
	/* every other block of sectors 1..3 passes; this one is written:
	 * sector 1 is erased keeping its other 31 blocks */
	assert_int_equal(mem_dismissed() - dismissed0, 3u * SECTOR / BLOCK - 1u);
	assert_flash(new_img);
}

/* The deferral's bookkeeping of pages found right ahead of the current
 * one (pure data, mem/defer.c). */
static void test_coverage_ahead_is_kept_per_page_until_its_erase_changes(void **state)
{
	(void)state;
	struct mem_region r;
	struct mem_defer d;
	memset(&r, 0, sizeof(r));
	r.base = 0x90000000u;
	r.size = 32u * 65536u;
	r.nseg = 1;
	r.seg[0].count = 32;
	r.seg[0].page_size = 65536u;
	r.seg[0].attr = MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE;
	r.erase_unit = 4096u;
	r.program_unit = 1;
	mem_defer_init(&d, &r);
	for (uint32_t i = 0; i < 32u; i++)
		mem_defer_set_pending(&d, i, true);
	uint32_t p2 = mem_defer_page_addr(&d, 2);
	assert_true(mem_defer_cover_ahead(&d, 2, p2 + 4096u, 8192u));
	assert_int_equal(d.cur, MEM_DEFER_NONE); /* the current page stays */
	assert_int_equal(mem_defer_coverage(&d, 2), 0x6u);
	mem_defer_cover(&d, 1, mem_defer_page_addr(&d, 1), 4096u);
	assert_int_equal(d.cur, 1u);
	assert_int_equal(mem_defer_coverage(&d, 1), 0x1u);
	assert_int_equal(mem_defer_coverage(&d, 2), 0x6u);
	/* on the current page it is the page's own coverage */
	assert_true(mem_defer_cover_ahead(&d, 1, mem_defer_page_addr(&d, 1) + 4096u, 4096u));
	assert_int_equal(mem_defer_coverage(&d, 1), 0x3u);
	mem_defer_cover(&d, 2, p2, 4096u); /* page 2 becomes current */
	assert_int_equal(mem_defer_coverage(&d, 2), 0x7u);
	mem_defer_set_pending(&d, 2, false); /* its erase work: forgotten */
	assert_int_equal(mem_defer_coverage(&d, 2), 0u);
	/* a bounded table: when it is full nothing is recorded */
	for (uint32_t i = 0; i < MEM_DEFER_AHEAD; i++)
		assert_true(
		    mem_defer_cover_ahead(&d, 10u + i, mem_defer_page_addr(&d, 10u + i), 4096u));
	assert_false(mem_defer_cover_ahead(&d, 3, mem_defer_page_addr(&d, 3), 4096u));
	assert_int_equal(mem_defer_coverage(&d, 3), 0u);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_unchanged_blocks_pass_while_a_sector_erases),
	    T(test_a_block_with_the_same_crc_but_other_data_is_written),
	    cmocka_unit_test(test_coverage_ahead_is_kept_per_page_until_its_erase_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
