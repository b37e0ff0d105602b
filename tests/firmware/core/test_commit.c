/* SPDX-License-Identifier: MIT */
/*
 * The commit rule: an interrupted update never boots, a complete one made
 * by any client does; the journal survives torn writes and rotation; the
 * application's start is learned from the vector table written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "boards/board.h"
#include "boot/boot.h"
#include "boot/journal.h"
#include "common/compiler.h"
#include "fixture.h"
#include "mem/mem.h"
#include "mem/region_qspi.h"
#include "hal/port.h"
#include "mock_port.h"
#include "qdfu_app.h"
#include "qdfu_proto.h"

static uint8_t app[8192];

static void make_app(uint32_t vtor)
{
	for (unsigned i = 0; i < sizeof(app); i++)
		app[i] = (uint8_t)(i * 31 + 7);
	fx_vector_table(app, vtor);
}

static void test_journal_record_roundtrip_and_torn(void **state)
{
	(void)state;
	uint8_t rec[JOURNAL_REC_SIZE];
	uint32_t seq, vtor;
	enum journal_state st;
	journal_encode(rec, 77, JOURNAL_COMMITTED, 0x08020000u);
	assert_true(journal_decode(rec, &seq, &st, &vtor));
	assert_int_equal(seq, 77);
	assert_int_equal(st, JOURNAL_COMMITTED);
	assert_int_equal(vtor, 0x08020000u);
	for (unsigned i = 0; i < JOURNAL_REC_SIZE; i++) {
		uint8_t torn[JOURNAL_REC_SIZE];
		memcpy(torn, rec, sizeof(torn));
		torn[i] ^= 0x04; /* any bit lost in a torn write */
		assert_false(journal_decode(torn, &seq, &st, &vtor));
	}
}

static void test_journal_rotates_and_keeps_newest(void **state)
{
	(void)state;
	struct mem_region *q = mem_find(RAM_QSPI_BASE);
	uint32_t base, unit;
	assert_non_null(q);
	assert_true(region_qspi_journal(q, &base, &unit));
	/* more records than two units hold: forces several rotations */
	unsigned n = 3u * unit / JOURNAL_REC_SIZE + 5u;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(
		    journal_append(i % 2 ? JOURNAL_COMMITTED : JOURNAL_OPEN, 0x1000u + i), 0);
	uint32_t seq = journal_seq();
	/* a fresh scan (as after a reset) finds the same newest record */
	assert_int_equal(journal_init(q, base, unit), 0);
	assert_int_equal(journal_seq(), seq);
	assert_int_equal(journal_vtor(), 0x1000u + n - 1u);
	assert_int_equal(journal_state(), (n - 1u) % 2 ? JOURNAL_COMMITTED : JOURNAL_OPEN);
	/* a torn (garbage) slot after the newest record is skipped */
	uint32_t next_slot = base; /* find the first blank slot in either unit */
	for (uint32_t a = base; a < base + 2u * unit; a += JOURNAL_REC_SIZE)
		if (ram_qspi.mem[a - RAM_QSPI_BASE] == 0xFF) {
			next_slot = a;
			break;
		}
	memset(&ram_qspi.mem[next_slot - RAM_QSPI_BASE], 0x00, 7);
	assert_int_equal(journal_init(q, base, unit), 0);
	assert_int_equal(journal_seq(), seq);
	assert_int_equal(journal_append(JOURNAL_COMMITTED, 0x2000u), 0);
	assert_int_equal(journal_init(q, base, unit), 0);
	assert_int_equal(journal_seq(), seq + 1u);
	assert_int_equal(journal_vtor(), 0x2000u);
}

static void test_fresh_board_stays_in_dfu(void **state)
{
	(void)state;
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
	assert_non_null(strstr(bootloader_decision()->reason, "no application"));
}

static void test_complete_update_boots(void **state)
{
	(void)state;
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_download(FX_IFLASH_APP, app, sizeof(app)), 0); /* ends with ABORT */
	assert_int_equal(journal_state(), JOURNAL_OPEN);                   /* ABORT never commits */
	assert_int_equal(fx_leave(), 0);
	assert_int_equal(journal_state(), JOURNAL_COMMITTED);
	assert_false(fx_reboot(false));
	assert_true(mock.app_started);
	assert_int_equal(mock.app_vtor, FX_IFLASH_APP);
	/* no image descriptor says it reads QSPI: the flash is not mapped */
	assert_true(qdfu_handoff_valid(&mock_handoff));
	assert_int_equal(mock_handoff.xip, QDFU_XIP_NONE);
}

static void test_interrupted_update_never_boots(void **state)
{
	(void)state;
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, sizeof(app)), 0);
	assert_false(fx_reboot(false)); /* it boots */
	assert_true(fx_reboot(true));
	/* second update: erase and one block, then the cable is pulled */
	assert_int_equal(fx_erase_page(FX_IFLASH_APP), 0);
	assert_int_equal(fx_write_block(FX_IFLASH_APP, app, 4096), 0);
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
	assert_non_null(strstr(bootloader_decision()->reason, "interrupted"));
	/* and it stays so across further resets */
	assert_true(fx_reboot(false));
	/* a complete update afterwards boots again */
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, sizeof(app)), 0);
	assert_false(fx_reboot(false));
}

static void test_failed_sequence_is_not_committed_by_abort(void **state)
{
	(void)state;
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_erase_page(FX_IFLASH_APP), 0);
	assert_int_equal(fx_write_block(FX_IFLASH_APP, app, 4096), 0);
	assert_int_equal(fx_write_block(0x08000000u, app, 64), DFU_STATUS_ERR_TARGET);
	assert_int_equal(fx_clrstatus(), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_not_equal(journal_state(), JOURNAL_COMMITTED);
	assert_true(fx_reboot(false));
}

static void test_leave_boots_even_with_button_held(void **state)
{
	(void)state;
	uint8_t st[6];
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_erase_page(FX_IFLASH_APP), 0);
	assert_int_equal(fx_write_block(FX_IFLASH_APP, app, 4096), 0);
	assert_int_equal(fx_dnload(2, NULL, 0), 0); /* dfu-util :leave */
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_MANIFEST);
	mock_advance_ms(100);
	assert_true(mock.reset_requested);
	assert_false(fx_reboot(true)); /* the leave request wins over the button */
	assert_int_equal(mock.app_vtor, FX_IFLASH_APP);
	/* the request is one-shot: the next boot with the button held stays */
	assert_true(fx_reboot(true));
}

static void test_vtor_learned_lowest_and_qspi_only(void **state)
{
	(void)state;
	/* an application linked for QSPI (Daisy-style at +0x40000) */
	make_app(0x90040000u);
	assert_int_equal(fx_download_leave(0x90040000u, app, 4096), 0);
	assert_int_equal(journal_vtor(), 0x90040000u);
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, 0x90040000u);
	/* the hand-over record (include/qdfu_app.h): flash memory-mapped with
	 * the board's choice (the RAM flash stub answers 1-1-4 for FASTEST) */
	assert_true(qdfu_handoff_valid(&mock_handoff));
	assert_int_equal(mock_handoff.xip, QDFU_XIP_1_1_4);
	assert_int_equal(mock_handoff.chips, 1);
	/* CM7 image in internal flash + data in QSPI: internal wins */
	assert_true(fx_reboot(true));
	make_app(0x08040000u);
	uint8_t vt2[64];
	fx_vector_table(vt2, 0x90000000u);
	assert_int_equal(fx_erase_page(0x08040000u), 0);
	assert_int_equal(fx_erase_page(0x90000000u), 0);
	assert_int_equal(fx_write_block(0x90000000u, vt2, sizeof(vt2)), 0);
	assert_int_equal(fx_write_block(0x08040000u, app, 4096), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_leave(), 0);
	assert_int_equal(journal_vtor(), 0x08040000u);
}

static void test_invalid_vector_table_stays_in_dfu(void **state)
{
	(void)state;
	memset(app, 0x00, sizeof(app)); /* SP 0: not a vector table */
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, 4096), 0);
	assert_true(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "vector table"));
	/* and plausibility rejects the classic garbage cases */
	uint8_t v[8];
	qdfu_put_le32(v, 0x24080000u);
	qdfu_put_le32(v + 4, 0x08020200u); /* even: not Thumb */
	assert_false(boot_vector_table_plausible(0x08020000u, v));
	qdfu_put_le32(v + 4, 0x08000201u); /* inside the bootloader */
	assert_false(boot_vector_table_plausible(0x08020000u, v));
	qdfu_put_le32(v, 0x10000000u); /* SP outside RAM */
	qdfu_put_le32(v + 4, 0x08020201u);
	assert_false(boot_vector_table_plausible(0x08020000u, v));
	qdfu_put_le32(v, 0x24080000u);
	assert_false(boot_vector_table_plausible(0x08020100u, v)); /* VTOR alignment */
	assert_true(boot_vector_table_plausible(0x08020000u, v));
}

static void test_application_request_enters_dfu(void **state)
{
	(void)state;
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, 4096), 0);
	port_noinit_set(PORT_NOINIT_ENTER_DFU);
	assert_true(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "asked"));
	assert_false(fx_reboot(false)); /* one-shot */
}

/* A board whose ecosystem has its own request (Arduino's 0xDF59 in
 * RTC_BKP0R, port_board_entry_requested): a committed application is not
 * started, the reason says why, and the request is taken once. */
static void test_board_entry_request_enters_dfu(void **state)
{
	(void)state;
	static struct board arduino;
	arduino = *fx_get_board();
	arduino.entry = BOARD_ENTRY_ARDUINO;
	fx_use_board(&arduino);
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, 4096), 0);
	assert_false(fx_reboot(false)); /* the reset after the leave starts it */
	mock_set_board_entry(true);
	assert_true(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "board's own bootloader request"));
	assert_int_equal(bootloader_decision()->why, QDFU_PROTO_WHY_REQUESTED);
	assert_false(fx_reboot(false)); /* one-shot: the application starts */
	assert_int_equal(mock.app_vtor, FX_IFLASH_APP);
}

/* The Daisy bootloader's grace window (BOARD_ENTRY_DAISY: libDaisy's
 * ResetToBootloader(DAISY), a press of RESET; port_board_entry_requested
 * returns PORT_ENTRY_GRACE): DFU first, the application after
 * PORT_ENTRY_GRACE_MS unless a host speaks DFU; never after our own reset
 * into the application. */
static void use_daisy_entry(void)
{
	static struct board daisy;
	daisy = *fx_get_board();
	daisy.entry = BOARD_ENTRY_DAISY;
	fx_use_board(&daisy);
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, 4096), 0);
}

static void test_grace_window_then_application(void **state)
{
	(void)state;
	use_daisy_entry();
	mock_set_board_entry(PORT_ENTRY_GRACE);
	assert_false(fx_reboot(false)); /* our own reset after the leave: no window */
	assert_int_equal(mock.app_vtor, FX_IFLASH_APP);
	mock_set_board_entry(PORT_ENTRY_GRACE);
	assert_true(fx_reboot(false)); /* in DFU, enumerated */
	assert_non_null(strstr(bootloader_decision()->reason, "grace window"));
	mock_advance_ms(PORT_ENTRY_GRACE_MS - 100u);
	assert_false(mock.app_started);
	mock_advance_ms(200u);
	assert_true(mock.app_started);
	assert_int_equal(mock.app_vtor, FX_IFLASH_APP);
	assert_false(mock.connected); /* detached first */
}

static void test_grace_window_held_by_a_dfu_host(void **state)
{
	(void)state;
	uint8_t st[6];
	use_daisy_entry();
	assert_false(fx_reboot(false));
	mock_set_board_entry(PORT_ENTRY_GRACE);
	assert_true(fx_reboot(false));
	assert_int_equal(fx_getstatus(st), 6); /* a host (web programmer) speaks DFU */
	mock_advance_ms(PORT_ENTRY_GRACE_MS + 1000u);
	assert_false(mock.app_started);
	/* a grace window with nothing to start is plain DFU mode */
	mock_set_board_entry(PORT_ENTRY_GRACE);
	assert_int_equal(fx_set_alt(0), 0);
	assert_int_equal(fx_erase_page(FX_IFLASH_APP), 0);
	assert_true(fx_reboot(false));
	mock_advance_ms(PORT_ENTRY_GRACE_MS + 1000u);
	assert_false(mock.app_started);
}

static void test_mass_erase_of_qspi_keeps_journal(void **state)
{
	(void)state;
	uint8_t cmd[1] = {0x41};
	make_app(FX_IFLASH_APP);
	assert_int_equal(fx_download(FX_IFLASH_APP, app, 4096), 0);
	assert_int_equal(fx_set_alt(1), 0);
	assert_int_equal(fx_command(cmd, 1, NULL, NULL), 0); /* wipes the journal units too */
	assert_int_equal(journal_state(), JOURNAL_OPEN);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(journal_state(), JOURNAL_OPEN);
	assert_int_equal(fx_leave(), 0);
	assert_int_equal(journal_state(), JOURNAL_COMMITTED);
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, FX_IFLASH_APP);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_journal_record_roundtrip_and_torn),
	    T(test_journal_rotates_and_keeps_newest),
	    T(test_fresh_board_stays_in_dfu),
	    T(test_complete_update_boots),
	    T(test_interrupted_update_never_boots),
	    T(test_failed_sequence_is_not_committed_by_abort),
	    T(test_leave_boots_even_with_button_held),
	    T(test_vtor_learned_lowest_and_qspi_only),
	    T(test_invalid_vector_table_stays_in_dfu),
	    T(test_application_request_enters_dfu),
	    T(test_board_entry_request_enters_dfu),
	    T(test_mass_erase_of_qspi_keeps_journal),
	    T(test_grace_window_then_application),
	    T(test_grace_window_held_by_a_dfu_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
