/* SPDX-License-Identifier: MIT */
/*
 * The journal's pre-erase (docs/decisions/journal-pre-erase.md): on a chip
 * without a journal whose unit 0 reads blank, DFU entry starts erasing
 * unit 0 in the background and the first journal append uses it; a unit
 * holding anything else keeps it until an update starts; a failed
 * pre-erase falls back to the synchronous erase; and nothing touches the
 * chip while it erases (the RAM stand-in counts reads while busy, refused
 * operations, and MCU resets that would cut the erase).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "boot/journal.h"
#include "common/compiler.h"
#include "fixture.h"
#include "hal/port.h"
#include "mem/mem.h"
#include "mock_port.h"
#include "qdfu_proto.h"

#define UNIT0 RAM_QSPI_JOURNAL /* offset of the journal's unit 0 */

static uint8_t app[8192];

static unsigned journal_erases(void)
{
	return ram_qspi.erases - ram_qspi.data_erases;
}

static void make_app(void)
{
	for (unsigned i = 0; i < sizeof(app); i++)
		app[i] = (uint8_t)(i * 13u + 5u);
	fx_vector_table(app, RAM_QSPI_BASE);
}

static void assert_chip_left_alone(void)
{
	assert_int_equal(ram_qspi.refused, 0);
	assert_int_equal(ram_qspi.busy_reads, 0);
	assert_int_equal(ram_qspi.busy_resets, 0);
}

/* Let the fixture's own pre-erase end. */
static void settle_setup(void)
{
	mock_advance_ms(RAM_QSPI_ERASE_TYP_MS + 10u);
}

/* Boot into DFU again with erases taking their maximum: the pre-erase
 * still runs when enumeration ends. */
static void reboot_slow_pre_erase(void)
{
	settle_setup();
	ram_qspi.worst_case = true;
	assert_true(fx_reboot(true));
	assert_true(mem_busy());
}

/* An update of the QSPI application, committed at the leave: the journal
 * erases it took and the record the next boot finds. */
static void update_commits(unsigned journal_erases_then)
{
	make_app();
	assert_int_equal(fx_download_leave(RAM_QSPI_BASE, app, sizeof(app)), 0);
	assert_int_equal(journal_erases(), journal_erases_then);
	assert_false(fx_reboot(false)); /* committed: the application starts */
	assert_int_equal(journal_state(), JOURNAL_COMMITTED);
}

/* fx_setup booted a blank chip into DFU: unit 0 is erased in the
 * background, and the update's OPEN and COMMITTED records go into it
 * without a second erase. */
static void test_fresh_chip_unit0_erased_once(void **state)
{
	(void)state;
	assert_int_equal(journal_erases(), 1);
	assert_true(mem_busy()); /* still erasing: the host talks meanwhile */
	update_commits(1);
	assert_chip_left_alone();
	/* a valid journal now: no erase at the next DFU entry */
	assert_true(fx_reboot(true));
	assert_false(mem_busy());
	assert_int_equal(journal_erases(), 1);
}

/* Debris (or another tool's data) in unit 0 with no valid record: kept by
 * sessions that write nothing; erased when an update starts, as before. */
static void test_debris_kept_until_an_update_starts(void **state)
{
	(void)state;
	settle_setup();
	ram_qspi.mem[UNIT0 + 100u] = 0x5A;
	unsigned e0 = journal_erases();
	assert_true(fx_reboot(true));
	assert_false(mem_busy());
	assert_int_equal(journal_erases(), e0);
	uint8_t buf[4096];
	assert_int_equal(fx_read(RAM_QSPI_BASE + UNIT0, buf, sizeof(buf)), 0);
	assert_int_equal(buf[100], 0x5A);
	assert_int_equal(fx_leave(), 0); /* info / backup session ends */
	assert_int_equal(ram_qspi.mem[UNIT0 + 100u], 0x5A);
	assert_true(fx_reboot(true));
	update_commits(e0 + 1u);
	assert_chip_left_alone();
}

/* The pre-erase reported an error: the first append erases unit 0 itself. */
static void test_failed_pre_erase_falls_back_to_sync_erase(void **state)
{
	(void)state;
	settle_setup();
	ram_qspi.fail_erase = true;
	unsigned e0 = journal_erases();
	assert_true(fx_reboot(true));
	ram_qspi.fail_erase = false; /* the pre-erase keeps its failure */
	assert_int_equal(journal_erases(), e0 + 1u);
	update_commits(e0 + 2u);
}

/* Every request that reaches the chip, sent the moment enumeration ends
 * while unit 0 erases for its datasheet maximum: each waits for it. */
static void test_reads_wait_for_pre_erase(void **state)
{
	(void)state;
	reboot_slow_pre_erase();
	uint8_t buf[2048], ff[2048];
	memset(ff, 0xFF, sizeof(ff));
	assert_int_equal(fx_read(RAM_QSPI_BASE, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, ff, sizeof(buf));
	assert_chip_left_alone();
}

static void test_device_crc_waits_for_pre_erase(void **state)
{
	(void)state;
	reboot_slow_pre_erase();
	uint8_t req[QDFU_PROTO_CRC_START_LEN], res[QDFU_PROTO_CRC_RESULT_LEN];
	qdfu_put_le32(req, RAM_QSPI_BASE);
	qdfu_put_le32(req + 4, 4096u);
	assert_int_equal(mock_control(0x41, QDFU_PROTO_REQ_CRC_START, 0, 0, sizeof(req), req),
	                 (int)sizeof(req));
	uint32_t status = QDFU_PROTO_CRC_BUSY;
	for (int i = 0; i < 10000 && status == QDFU_PROTO_CRC_BUSY; i++) {
		assert_int_equal(
		    mock_control(0xC1, QDFU_PROTO_REQ_CRC_RESULT, 0, 0, sizeof(res), res),
		    (int)sizeof(res));
		status = qdfu_get_le32(res);
		mock_advance_ms(1);
	}
	assert_int_equal(status, QDFU_PROTO_CRC_DONE);
	static uint8_t ff[4096];
	memset(ff, 0xFF, sizeof(ff));
	assert_int_equal(qdfu_get_le32(res + 4), mem_crc32_update(0, ff, sizeof(ff)));
	assert_chip_left_alone();
}

/* A two-GETSTATUS client (old dfu-util) erasing at once: GETSTATUS #1's
 * poll timeout is the erase's own, so #2 finds it done. */
static void test_first_command_reports_its_own_time(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90}, st1 = 0;
	uint32_t poll = 0;
	reboot_slow_pre_erase(); /* the pre-erase and the erase: 2000 ms each */
	assert_int_equal(fx_command(cmd, 5, &poll, &st1), 0);
	assert_int_equal(st1, DFU_STATE_DNBUSY);
	assert_int_equal(fx_getstate(), DFU_STATE_DNLOAD_IDLE);
	assert_chip_left_alone();
}

/* A leave the moment enumeration ends (dfu-util -e): the reset waits for
 * the erase, so no chip is reset in the middle of it. */
static void test_leave_waits_for_pre_erase(void **state)
{
	(void)state;
	reboot_slow_pre_erase();
	assert_int_equal(fx_leave(), 0);
	assert_chip_left_alone();
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fresh_chip_unit0_erased_once),
	    T(test_debris_kept_until_an_update_starts),
	    T(test_failed_pre_erase_falls_back_to_sync_erase),
	    T(test_reads_wait_for_pre_erase),
	    T(test_device_crc_waits_for_pre_erase),
	    T(test_first_command_reports_its_own_time),
	    T(test_leave_waits_for_pre_erase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
