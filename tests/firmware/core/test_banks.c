// SPDX-License-Identifier: MIT
/*
 * Both internal-flash banks at once (docs/decisions/parallel-banks.md): a
 * block queued behind the engine (pipelined reception) that is the first
 * data of a pending sector in the other bank, and differs from it, starts
 * that sector's erase at once (mem_look_ahead), beside the erase or program
 * running in its own bank; the H745's two sectors are then erased in one
 * sector time. Nothing starts in a bank the engine works in, nor for a
 * block the flash already holds (the deferral keeps it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "fixture.h"
#include "hal/port.h"
#include "mem/mem.h"
#include "sim/clock/vclock.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"

#define SECTOR 0x20000u
#define A1     0x08020000u /* bank 1, sector 1 */
#define A2     0x08040000u /* bank 1, sector 2 */
#define B0     0x08100000u /* bank 2, sector 0 */
#define BLOCK  4096u

static uint8_t old_a[SECTOR], old_b[SECTOR], blk[2][BLOCK], back[BLOCK];

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* Old data in A1, A2 and B0, as an earlier update left them. */
static int setup(void **state)
{
	int rc = fx_setup(state);
	struct h7_iflash *f = simport_iflash_model();
	uint32_t size = h7_iflash_size(f);
	uint8_t *all = malloc(size);
	if (!all)
		return -1;
	memcpy(all, h7_iflash_array(f), size);
	fill(old_a, SECTOR, 1);
	fill(old_b, SECTOR, 2);
	memcpy(all + (A1 - 0x08000000u), old_a, SECTOR);
	memcpy(all + (A2 - 0x08000000u), old_a, SECTOR);
	memcpy(all + (B0 - 0x08000000u), old_b, SECTOR);
	h7_iflash_set_contents(f, all);
	free(all);
	fill(blk[0], BLOCK, 3);
	fill(blk[1], BLOCK, 4);
	return rc;
}

/* One block by number from the pointer, with pydfu's two GETSTATUS: it
 * must be accepted (dfuDNLOAD-IDLE, status OK). */
static void send(uint16_t block, const uint8_t *data)
{
	uint8_t st[6];
	assert_int_equal(fx_dnload(block, data, BLOCK), (int)BLOCK);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[0], DFU_STATUS_OK);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
}

static uint16_t block_of(uint32_t addr)
{
	return (uint16_t)(2u + (addr - A1) / BLOCK);
}

static bool bank_busy(unsigned bank)
{
	return h7_iflash_bank_busy(simport_iflash_model(), bank);
}

static void test_other_bank_erases_beside(void **state)
{
	(void)state;
	unsigned stalled0 = simport_iflash_stalled_reads();
	struct h7_iflash *f = simport_iflash_model();
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(B0), 0);
	uint32_t erases0 = h7_iflash_erase_count(f);
	uint64_t t0 = vclock_now_us();
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);            /* A1 erases for it */
	send(block_of(B0), blk[1]); /* queued: B0 erases beside */
	assert_true(bank_busy(0));
	assert_true(bank_busy(1));
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 2);
	/* ABORT waits for both blocks: two erases in about one sector time */
	assert_int_equal(fx_abort(), 0);
	uint64_t took = vclock_now_us() - t0;
	assert_true(took >= H7_IFLASH_ERASE_US);
	assert_true(took < H7_IFLASH_ERASE_US + H7_IFLASH_ERASE_US / 2u);
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 2);
	assert_int_equal(fx_read(A1, back, BLOCK), 0);
	assert_memory_equal(back, blk[0], BLOCK);
	assert_int_equal(fx_read(B0, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
	/* the rest of both sectors reads erased, as the client asked */
	assert_int_equal(fx_read(B0 + BLOCK, back, BLOCK), 0);
	for (uint32_t i = 0; i < BLOCK; i++)
		assert_int_equal(back[i], 0xFF);
	/* nothing read a bank while it erased (the CPU would have stalled) */
	assert_int_equal(simport_iflash_stalled_reads(), stalled0);
}

/* The model is as unkind as the bus: a read of a bank that erases is held
 * until the erase ends (counted; the clock moves on to the end). */
static void test_model_stalls_a_read_of_a_busy_bank(void **state)
{
	(void)state;
	unsigned stalled0 = simport_iflash_stalled_reads();
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(B0), 0);
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);
	send(block_of(B0), blk[1]);
	assert_true(bank_busy(1));
	assert_int_equal(port_iflash_read(B0, back, BLOCK), QDFU_OK);
	assert_int_equal(simport_iflash_stalled_reads(), stalled0 + 1u);
	assert_false(bank_busy(1));
	assert_int_equal(fx_abort(), 0);
}

/* dfu-util's order: a SET_ADDRESS before every block, answered at once
 * while the block before programs, so the first block of bank 2 is queued
 * behind the last page of bank 1 and its erase starts beside. */
static void test_set_address_per_block_at_the_change_of_bank(void **state)
{
	(void)state;
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(B0), 0);
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);
	assert_int_equal(fx_set_address(B0), 0);
	send(2, blk[1]);
	assert_true(bank_busy(0));
	assert_true(bank_busy(1));
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(B0, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
}

/* The next sector of the bank the engine erases: nothing starts early
 * (a bank takes one operation at a time); it is erased when reached. */
static void test_same_bank_waits_its_turn(void **state)
{
	(void)state;
	struct h7_iflash *f = simport_iflash_model();
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(A2), 0);
	uint32_t erases0 = h7_iflash_erase_count(f);
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);
	send(block_of(A2), blk[1]);
	assert_true(bank_busy(0));
	assert_false(bank_busy(1));
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 1);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 2);
	assert_int_equal(fx_read(A2, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
}

/* A queued block the other bank already holds: no erase beside (the
 * deferral keeps the right blocks of a sector; the sector is erased, with
 * them kept, only if a later block differs). */
static void test_unchanged_block_starts_nothing(void **state)
{
	(void)state;
	struct h7_iflash *f = simport_iflash_model();
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(B0), 0);
	uint32_t erases0 = h7_iflash_erase_count(f);
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);
	send(block_of(B0), old_b);
	assert_false(bank_busy(1));
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 1);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(B0, back, BLOCK), 0);
	assert_memory_equal(back, old_b, BLOCK);
}

/* dfu-util's order over both banks, every sector changed: after two
 * changed sectors in a row, the first pending sector of the other bank is
 * erased beside the engine's next erase, before any data for it arrives
 * (the client asked for that erase). Without it B0 would erase only after
 * A2, at the end: three sector times instead of two. */
static void test_a_run_of_changed_sectors_erases_the_other_bank_early(void **state)
{
	(void)state;
	struct h7_iflash *f = simport_iflash_model();
	unsigned stalled0 = simport_iflash_stalled_reads();
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(A2), 0);
	assert_int_equal(fx_erase_page(B0), 0);
	uint32_t erases0 = h7_iflash_erase_count(f);
	uint64_t t0 = vclock_now_us();
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);            /* A1 differs: it erases */
	send(block_of(A2), blk[1]); /* A2 differs: queued behind it */
	assert_false(bank_busy(1)); /* one changed sector: no guess yet */
	assert_int_equal(fx_abort(), 0);
	uint64_t took = vclock_now_us() - t0;
	assert_int_equal(h7_iflash_erase_count(f) - erases0, 3);
	assert_true(took < 2u * H7_IFLASH_ERASE_US + H7_IFLASH_ERASE_US / 2u);
	assert_int_equal(fx_read(B0, back, BLOCK), 0);
	for (uint32_t i = 0; i < BLOCK; i++)
		assert_int_equal(back[i], 0xFF);
	assert_int_equal(simport_iflash_stalled_reads(), stalled0);
}

/* A block found in place ends the run: the other bank is not guessed at,
 * its sector is erased (at the end, as asked) after A2's. */
static void test_an_unchanged_block_stops_the_early_erase(void **state)
{
	(void)state;
	assert_int_equal(fx_erase_page(A1), 0);
	assert_int_equal(fx_erase_page(A2), 0);
	assert_int_equal(fx_erase_page(B0), 0);
	uint64_t t0 = vclock_now_us();
	assert_int_equal(fx_set_address(A1), 0);
	send(2, blk[0]);                    /* A1 differs */
	send(block_of(A2), old_a);          /* A2's first block is in place */
	send(block_of(A2 + BLOCK), blk[1]); /* then one differs */
	assert_int_equal(fx_abort(), 0);
	assert_true(vclock_now_us() - t0 >= 3u * H7_IFLASH_ERASE_US);
	assert_int_equal(fx_read(A2, back, BLOCK), 0);
	assert_memory_equal(back, old_a, BLOCK);
	assert_int_equal(fx_read(A2 + BLOCK, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
}

/* Blank sectors in both banks (nothing to erase): the blocks of bank 2
 * queued behind bank 1's program beside it (mem_program_beside), as the
 * RM allows (RM0399 4.3.11, "FLASH parallel operations"). Without it bank 2
 * would idle until the engine reached its blocks. */
#define A3 0x08060000u /* bank 1, sector 3: blank */
#define B1 0x08120000u /* bank 2, sector 1: blank */

static void both_banks_program_at_once(void)
{
	unsigned stalled0 = simport_iflash_stalled_reads();
	uint32_t beside0 = mem_programmed_beside();
	bool both = false;
	assert_int_equal(fx_set_address(A1), 0);
	send(block_of(A3), blk[0]);
	send(block_of(A3 + BLOCK), blk[1]);
	send(block_of(B1), blk[1]);
	both = bank_busy(0) && bank_busy(1);
	send(block_of(B1 + BLOCK), blk[0]);
	both = both || (bank_busy(0) && bank_busy(1));
	assert_true(both);
	assert_true(mem_programmed_beside() - beside0 >= 1u);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(A3, back, BLOCK), 0);
	assert_memory_equal(back, blk[0], BLOCK);
	assert_int_equal(fx_read(A3 + BLOCK, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
	assert_int_equal(fx_read(B1, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
	assert_int_equal(fx_read(B1 + BLOCK, back, BLOCK), 0);
	assert_memory_equal(back, blk[0], BLOCK);
	/* the engine read each block back after the bank beside was done */
	assert_int_equal(simport_iflash_stalled_reads(), stalled0);
}

static void test_blocks_of_both_banks_program_at_once(void **state)
{
	(void)state;
	both_banks_program_at_once();
}

/* The same on an H7A3/B3-like part: 8 KiB sectors, 16-byte flash words
 * (a granule is two of them), bank 2 at 0x08100000 too. */
static void test_blocks_of_both_banks_program_at_once_h7ab(void **state)
{
	(void)state;
	fx_restart_h7ab();
	both_banks_program_at_once();
}

/* A queued block of the other bank over data it cannot program without an
 * erase (no erase asked: the session's auto-erase decides, in its turn) is
 * not programmed beside, nor is anything of that bank behind it. */
static void test_a_block_that_needs_an_erase_waits_for_the_engine(void **state)
{
	(void)state;
	uint32_t beside0 = mem_programmed_beside();
	assert_int_equal(fx_set_address(A1), 0);
	send(block_of(A3), blk[0]);
	send(block_of(B0), blk[1]); /* B0 holds old_b: not blank */
	send(block_of(B1), blk[0]); /* blank, but behind it */
	assert_int_equal(mem_programmed_beside(), beside0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(B0, back, BLOCK), 0);
	assert_memory_equal(back, blk[1], BLOCK);
	assert_int_equal(fx_read(B1, back, BLOCK), 0);
	assert_memory_equal(back, blk[0], BLOCK);
}

/* The queue is dropped (CLRSTATUS in dfuDNLOAD-IDLE, as ST's tools send)
 * while a block programs beside: it ends after the word in flight and
 * reads nothing more of its slot, which the next blocks reuse. Every word
 * of it is then its own data or blank, never a later block's. */
static void test_a_dropped_queue_stops_the_program_beside(void **state)
{
	(void)state;
	static uint8_t later[BLOCK];
	memset(later, 0x3C, sizeof(later));
	assert_int_equal(fx_set_address(A1), 0);
	send(block_of(A3), blk[0]);
	send(block_of(B1), blk[1]);
	assert_true(bank_busy(1)); /* B1's block programs beside */
	assert_int_equal(fx_clrstatus(), 0);
	assert_int_equal(fx_set_address(A1), 0);
	for (uint32_t i = 0; i < 8u; i++)
		send(block_of(A3 + (2u + i) * BLOCK), later);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(B1, back, BLOCK), 0);
	for (uint32_t w = 0; w < BLOCK; w += 32u) {
		bool own = memcmp(back + w, blk[1] + w, 32u) == 0;
		bool blank = true;
		for (uint32_t i = 0; i < 32u; i++)
			blank = blank && back[w + i] == 0xFF;
		assert_true(own || blank);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_other_bank_erases_beside),
	    T(test_model_stalls_a_read_of_a_busy_bank),
	    T(test_set_address_per_block_at_the_change_of_bank),
	    T(test_same_bank_waits_its_turn),
	    T(test_unchanged_block_starts_nothing),
	    T(test_a_run_of_changed_sectors_erases_the_other_bank_early),
	    T(test_an_unchanged_block_stops_the_early_erase),
	    T(test_blocks_of_both_banks_program_at_once),
	    T(test_blocks_of_both_banks_program_at_once_h7ab),
	    T(test_a_block_that_needs_an_erase_waits_for_the_engine),
	    T(test_a_dropped_queue_stops_the_program_beside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
