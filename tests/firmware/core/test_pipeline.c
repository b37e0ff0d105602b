// SPDX-License-Identifier: MIT
/*
 * Pipelined reception (docs/decisions/pipelined-writes.md): a data block
 * is accepted as soon as the engine holds it and has passed its quick
 * checks, so the next block travels over USB while this one programs; an
 * error of a block programming in the background is reported by the next
 * request, and nothing is committed past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "hal/port.h"
#include "dfu/dfu_ring.h"
#include "mem/mem.h"

static uint8_t a[DFU_TRANSFER_SIZE], b[DFU_TRANSFER_SIZE];

static uint32_t poll_of(const uint8_t st[6])
{
	return (uint32_t)st[1] | (uint32_t)st[2] << 8 | (uint32_t)st[3] << 16;
}

static void fill(void)
{
	memset(a, 0x11, sizeof(a));
	memset(b, 0x22, sizeof(b));
}

/* SET_ADDRESS, then block 2 with pydfu's two GETSTATUS (no sleep); the
 * second must say dfuDNLOAD-IDLE with status OK. With fail, the chip fails
 * every program from then on (the session, whose journal lives in the
 * same chip, is opened first by a block elsewhere). */
static void send_block(bool fail)
{
	uint8_t st[6];
	if (fail) {
		assert_int_equal(fx_write_block(RAM_QSPI_BASE + 0x10000u, b, 256), 0);
		mock_advance_ms(50);
		ram_qspi.fail_program = true;
	}
	assert_int_equal(fx_set_address(RAM_QSPI_BASE), 0);
	assert_int_equal(fx_dnload(2, a, sizeof(a)), (int)sizeof(a));
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	assert_int_equal(st[0], DFU_STATUS_OK);
}

/* GETSTATUS, sleeping its poll, until the request is no longer busy: it
 * must end in dfuERROR with errPROG (a background block failed). */
static void expect_program_error(void)
{
	uint8_t st[6];
	int busy = 0;
	for (;;) {
		assert_int_equal(fx_getstatus(st), 6);
		if (st[4] != DFU_STATE_DNBUSY)
			break;
		assert_true(++busy < 5);
		mock_advance_ms(poll_of(st));
	}
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(st[0], DFU_STATUS_ERR_PROG);
}

static void test_next_block_received_while_the_previous_programs(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	send_block(false);
	/* 4 KiB take the stand-in 16 x 0.7 ms: block 2 still programs */
	assert_true(mem_busy());
	assert_int_equal(fx_dnload(3, b, sizeof(b)), (int)sizeof(b));
	assert_true(mem_busy());
	/* queued behind block 2 (dfu_ring): accepted too */
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_int_equal(poll_of(st), 1u);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	assert_true(mem_busy());
	/* ABORT waits for the background block: then everything is there */
	assert_int_equal(fx_abort(), 0);
	assert_false(mem_busy());
	assert_memory_equal(ram_qspi.mem, a, sizeof(a));
	assert_memory_equal(ram_qspi.mem + sizeof(a), b, sizeof(b));
}

static void test_accepted_block_reports_a_short_poll(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	assert_int_equal(fx_set_address(RAM_QSPI_BASE), 0);
	assert_int_equal(fx_dnload(2, a, sizeof(a)), (int)sizeof(a));
	/* the block is accepted: a sleeping client (dfu-util) comes back
	 * for the next block at once instead of after ~12 ms */
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_int_equal(poll_of(st), 1u);
}

static uint8_t big[(DFU_RING_BLOCKS + 3u) * DFU_TRANSFER_SIZE];

static void test_block_waiting_for_a_full_ring_reports_what_is_left(void **state)
{
	(void)state;
	uint8_t st[6];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13u + i / 4096u);
	memcpy(a, big, sizeof(a));
	send_block(false);
	/* a whole page (32 blocks) is taken while block 2 programs */
	uint16_t blk = 3;
	for (unsigned k = 0; k < DFU_RING_BLOCKS; k++, blk++) {
		const uint8_t *p = big + (blk - 2u) * DFU_TRANSFER_SIZE;
		assert_int_equal(fx_dnload(blk, p, DFU_TRANSFER_SIZE), DFU_TRANSFER_SIZE);
		assert_int_equal(fx_getstatus(st), 6);
		assert_int_equal(poll_of(st), 1u);
		assert_int_equal(fx_getstatus(st), 6);
		assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	}
	/* the next one waits for room: block 2 has ~2 ms to go after this
	 * sleep, and a sleeping client must not sleep its whole estimate */
	mock_advance_ms(10);
	assert_true(mem_busy());
	const uint8_t *p = big + (blk - 2u) * DFU_TRANSFER_SIZE;
	assert_int_equal(fx_dnload(blk, p, DFU_TRANSFER_SIZE), DFU_TRANSFER_SIZE);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_true(poll_of(st) >= 1u);
	assert_true(poll_of(st) <= 8u);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	/* ABORT waits for all of them, in order */
	assert_int_equal(fx_abort(), 0);
	assert_memory_equal(ram_qspi.mem, big, (blk - 1u) * DFU_TRANSFER_SIZE);
}

static void test_error_reported_by_a_later_block(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	send_block(true); /* the failure is not known yet */
	/* block 3 is queued (accepted) while block 2 still programs */
	assert_int_equal(fx_dnload(3, b, sizeof(b)), (int)sizeof(b));
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	mock_advance_ms(50); /* block 2 fails; block 3 is never programmed */
	assert_int_equal(fx_dnload(4, b, sizeof(b)), (int)sizeof(b));
	expect_program_error();
}

/* dfu-util sends SET_ADDRESS before every block: a pointer move touches
 * no flash, so it must not wait for the block still programming (it
 * did: the next block's transfer could not overlap that programming, and
 * dfu-util slept the remaining program time per block). Its GETSTATUS
 * pair is DNBUSY with the 1 ms floor, then dfuDNLOAD-IDLE at once. */
static void test_set_address_does_not_wait_for_a_programming_block(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	send_block(false);
	assert_true(mem_busy());
	uint8_t cmd[5] = {DFUSE_CMD_SET_ADDRESS};
	qdfu_put_le32(&cmd[1], RAM_QSPI_BASE + DFU_TRANSFER_SIZE);
	assert_int_equal(fx_dnload(0, cmd, sizeof(cmd)), (int)sizeof(cmd));
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_int_equal(poll_of(st), 1u);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	assert_int_equal(st[0], DFU_STATUS_OK);
	assert_true(mem_busy()); /* block 2 still programs */
	/* the next block lands where the new pointer says */
	assert_int_equal(fx_dnload(2, b, sizeof(b)), (int)sizeof(b));
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	assert_int_equal(fx_abort(), 0);
	assert_memory_equal(ram_qspi.mem, a, sizeof(a));
	assert_memory_equal(ram_qspi.mem + DFU_TRANSFER_SIZE, b, sizeof(b));
}

/* ...and a failure of that block still reaches the client: the request
 * after the SET_ADDRESS reports it. */
static void test_set_address_past_a_failing_block_reports_it_later(void **state)
{
	(void)state;
	fill();
	send_block(true);
	assert_int_equal(fx_set_address(RAM_QSPI_BASE + DFU_TRANSFER_SIZE), 0);
	mock_advance_ms(50); /* block 2 fails */
	assert_int_equal(fx_dnload(2, b, sizeof(b)), (int)sizeof(b));
	expect_program_error();
}

static void test_error_reported_by_getstatus_in_dnload_idle(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	send_block(true);
	mock_advance_ms(50); /* the background block fails meanwhile */
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(st[0], DFU_STATUS_ERR_PROG);
}

static void test_abort_after_a_failed_last_block_stalls(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	send_block(true);
	/* held until the block is done, then refused: the client hears it */
	assert_true(fx_abort() < 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(st[0], DFU_STATUS_ERR_PROG);
}

static void test_abort_of_a_queued_block_forgets_the_background_error(void **state)
{
	(void)state;
	fill();
	send_block(true);
	/* block 3 arrives, then ABORT before any GETSTATUS: the sequence is
	 * cut (never committed); block 2's failure is not the next
	 * sequence's error */
	assert_int_equal(fx_dnload(3, b, sizeof(b)), (int)sizeof(b));
	assert_int_equal(fx_abort(), 0);
	mock_advance_ms(50);
	ram_qspi.fail_program = false;
	assert_int_equal(fx_set_address(RAM_QSPI_BASE), 0);
}

static void test_leave_after_a_failed_last_block_reports_it(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	send_block(true);
	/* DFU 1.1 leave: zero-length DNLOAD, GETSTATUS */
	assert_int_equal(fx_dnload(2, NULL, 0), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(st[0], DFU_STATUS_ERR_PROG);
	mock_advance_ms(100);
	assert_false(mock.reset_requested); /* no manifestation, no commit */
}

static void test_leave_waits_for_the_last_block(void **state)
{
	(void)state;
	fill();
	send_block(false);
	assert_true(mem_busy());
	assert_int_equal(fx_leave(), 0);
	assert_memory_equal(ram_qspi.mem, a, sizeof(a));
}

static void test_rom_style_programs_synchronously(void **state)
{
	(void)state;
	uint8_t st[6];
	fill();
	dfu_set_fixed_poll(104);
	assert_int_equal(fx_set_address(RAM_QSPI_BASE), 0);
	assert_int_equal(fx_dnload(2, a, sizeof(a)), (int)sizeof(a));
	fx_getstatus(st);
	assert_int_equal(fx_getstatus(st), 6);
	bool busy = mem_busy();
	dfu_set_fixed_poll(0);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	assert_false(busy);
	assert_memory_equal(ram_qspi.mem, a, sizeof(a));
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_next_block_received_while_the_previous_programs),
	    T(test_accepted_block_reports_a_short_poll),
	    T(test_block_waiting_for_a_full_ring_reports_what_is_left),
	    T(test_error_reported_by_a_later_block),
	    T(test_set_address_does_not_wait_for_a_programming_block),
	    T(test_set_address_past_a_failing_block_reports_it_later),
	    T(test_error_reported_by_getstatus_in_dnload_idle),
	    T(test_abort_after_a_failed_last_block_stalls),
	    T(test_abort_of_a_queued_block_forgets_the_background_error),
	    T(test_leave_after_a_failed_last_block_reports_it),
	    T(test_leave_waits_for_the_last_block),
	    T(test_rom_style_programs_synchronously),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
