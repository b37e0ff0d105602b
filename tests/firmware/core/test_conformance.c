/* SPDX-License-Identifier: MIT */
/*
 * The DfuSe conformance checklist (shared facts, dfuse-protocol.md), one
 * named test per item that can be checked at this level. Items that need
 * a real client (7, 48-53) are end-to-end tests in tests/e2e.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/compiler.h"
#include "sim/h7/h7_iflash.h"
#include "dfu/dfu_desc.h"
#include "fixture.h"
#include "mem/mem.h"
#include "sim/port/simport_internal.h"
#include "hal/port.h"

static uint8_t cfg[256];

static int get_config(void)
{
	return mock_control(0x80, 6, 0x0200, 0, sizeof(cfg), cfg);
}

/* find descriptor of type t, n-th occurrence */
static const uint8_t *find_desc(uint8_t t, int n)
{
	int total = cfg[2] | cfg[3] << 8;
	for (int off = 0; off < total; off += cfg[off]) {
		if (cfg[off] == 0)
			break;
		if (cfg[off + 1] == t && n-- == 0)
			return &cfg[off];
	}
	return NULL;
}

static int get_string_ascii(uint8_t index, char *out, size_t cap)
{
	uint8_t b[255];
	int n = mock_control(0x80, 6, (uint16_t)(0x0300 | index), 0x0409, 255, b);
	if (n < 2)
		return -1;
	size_t k = 0;
	for (int i = 2; i + 1 < n && k + 1 < cap; i += 2)
		out[k++] = (char)b[i];
	out[k] = 0;
	return n;
}

static uint32_t poll_of(const uint8_t st[6])
{
	return (uint32_t)st[1] | (uint32_t)st[2] << 8 | (uint32_t)st[3] << 16;
}

/* ------------------------------------------------ descriptors, enumeration */

static void test_cc01_dfu_interface_class_and_alts(void **state)
{
	(void)state;
	assert_true(get_config() > 0);
	const uint8_t *i0 = find_desc(4, 0), *i1 = find_desc(4, 1);
	assert_non_null(i0);
	assert_non_null(i1);
	assert_int_equal(i0[5], 0xFE);
	assert_int_equal(i0[6], 0x01);
	assert_int_equal(i0[7], 0x02);
	assert_int_equal(i0[3], 0);
	assert_int_equal(i1[3], 1);
	assert_null(find_desc(4, 2)); /* internal + QSPI: two alts */
	char s[130];
	get_string_ascii(i0[8], s, sizeof(s));
	assert_non_null(strstr(s, "Internal Flash"));
}

static void test_cc02_functional_descriptor(void **state)
{
	(void)state;
	get_config();
	const uint8_t *f = find_desc(0x21, 0);
	assert_non_null(f);
	assert_int_equal(f[0], 9);
	assert_int_equal(f[7] | f[8] << 8, 0x011A);
	uint16_t xfer = (uint16_t)(f[5] | f[6] << 8);
	assert_true(xfer >= 1024 && xfer <= 4096);
	/* willDetach (bit3) without manifestation tolerance: after leave the
	 * device detaches itself and starts the application */
	assert_int_equal(f[2] & 0x0F, 0x0B);
	/* one copy right after each alternate setting's interface descriptor:
	 * fwupd 2.0 takes the descriptor following each DFU interface as its
	 * functional descriptor (docs/decisions/functional-descriptor.md) */
	for (int alt = 0; find_desc(4, alt); alt++) {
		const uint8_t *i = find_desc(4, alt);
		assert_int_equal(i[9 + 1], 0x21);
		assert_memory_equal(i + 9, f, 9);
	}
	assert_non_null(find_desc(0x21, 1));
	assert_null(find_desc(0x21, 2)); /* one per alt: internal + QSPI */
}

static void test_cc03_string_exact_length_and_langid(void **state)
{
	(void)state;
	uint8_t b[255];
	assert_int_equal(mock_control(0x80, 6, 0x0300, 0, 255, b), 4);
	assert_int_equal(b[2] | b[3] << 8, 0x0409);
	int n = mock_control(0x80, 6, 0x0302, 0x0409, 255, b);
	assert_int_equal(n, b[0]);
}

static void test_cc04_layout_strings_within_client_limits(void **state)
{
	(void)state;
	get_config();
	for (int alt = 0; alt < 2; alt++) {
		char s[300];
		int n = get_string_ascii(find_desc(4, alt)[8], s, sizeof(s));
		assert_true(n > 0);
		assert_true(strlen(s) <= 126);
		assert_non_null(strstr(s, "/0x"));
		assert_null(strstr(s, ", "));
		assert_int_not_equal(s[strlen(s) - 1], '/');
		/* every count and size is at most three digits */
		for (const char *p = s; (p = strchr(p, '*')); p++) {
			int digits = 0;
			for (const char *q = p - 1; q >= s && *q >= '0' && *q <= '9'; q--)
				digits++;
			assert_true(digits >= 1 && digits <= 3);
		}
	}
}

static void test_cc05_serial_is_unique_id_hex(void **state)
{
	(void)state;
	char s[40];
	uint8_t uid[12];
	char want[25];
	port_uid(uid);
	dfu_desc_serial(uid, want);
	get_string_ascii(3, s, sizeof(s));
	assert_string_equal(s, want);
	assert_int_equal(strlen(s), 24);
	/* UID word 0 = 13 12 11 10 (LE) is printed first, MSB first */
	assert_memory_equal(s, "13121110", 8);
}

static void test_cc06_bootloader_sector_read_only(void **state)
{
	(void)state;
	get_config();
	char s[130];
	get_string_ascii(find_desc(4, 0)[8], s, sizeof(s));
	assert_string_equal(s, "@Internal Flash  /0x08020000/15*128Kg/0x08000000/01*128Ka");
}

static void test_cc06b_bank2_read_only_while_the_m4_runs(void **state)
{
	(void)state;
	simport_iflash_m4_running = true;
	assert_true(fx_reboot(true));
	get_config();
	char s[130];
	get_string_ascii(find_desc(4, 0)[8], s, sizeof(s));
	assert_string_equal(s,
	                    "@Internal Flash  /0x08020000/07*128Kg,08*128Ka/0x08000000/01*128Ka");
	uint8_t data[64] = {0};
	assert_int_equal(fx_write_block(0x08100000u, data, sizeof(data)), DFU_STATUS_ERR_TARGET);
	assert_int_equal(h7_iflash_array(simport_iflash_model())[0x100000], 0xFF);
	simport_iflash_m4_running = false;
}

static void test_cc08_set_configuration_again_keeps_dfu(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(mock_control(0x00, 9, 1, 0, 0, NULL), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_IDLE);
}

static void test_cc09_set_interface_idle_and_dnload_idle(void **state)
{
	(void)state;
	assert_int_equal(fx_set_alt(1), 0);
	assert_int_equal(fx_set_address(0x90000000u), 0);
	assert_int_equal(dfu_get_state(), DFU_STATE_DNLOAD_IDLE);
	assert_int_equal(fx_set_alt(0), 0); /* .dfu path: alt switch mid-download */
	assert_int_equal(fx_set_alt(7), MOCK_EPIPE);
}

/* --------------------------------------------------------- state machine */

static void test_cc10_getstatus_idle(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(fx_getstatus(st), 6);
	uint8_t want[6] = {0, 0, 0, 0, DFU_STATE_IDLE, 0};
	assert_memory_equal(st, want, 6);
}

static void test_cc11_getstate_one_byte(void **state)
{
	(void)state;
	uint8_t b[4] = {0xAA, 0xAA, 0xAA, 0xAA};
	assert_int_equal(mock_control(0xA1, DFU_REQ_GETSTATE, 0, 0, 4, b), 1);
	assert_int_equal(b[0], DFU_STATE_IDLE);
}

static void test_cc12_abort_returns_to_idle(void **state)
{
	(void)state;
	uint8_t st[6], cmd[5] = {0x21, 0, 0, 2, 8}, buf[64];
	assert_int_equal(fx_set_address(0x08020000u), 0); /* DNLOAD-IDLE */
	assert_int_equal(fx_abort(), 0);
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(fx_upload(2, buf, 64), 64); /* UPLOAD-IDLE */
	assert_int_equal(fx_abort(), 0);
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(fx_dnload(0, cmd, 5), 5); /* DNLOAD-SYNC */
	assert_int_equal(fx_abort(), 0);
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(st[0], 0);
}

static void test_cc13_clrstatus_recovers_from_error(void **state)
{
	(void)state;
	uint8_t st[6];
	/* DETACH is illegal in dfuIDLE: dfuERROR / errSTALLEDPKT */
	assert_int_equal(mock_control(0x21, DFU_REQ_DETACH, 0, 0, 0, NULL), MOCK_EPIPE);
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_ERROR);
	/* a reset does not hide the error: the next client still sees it */
	fx_enumerate();
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(fx_clrstatus(), 0);
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(st[0], 0);
}

/* pydfu's clr_status(): CLRSTATUS until GETSTATUS says dfuIDLE, whatever
 * the state (tools/pydfu.py). A stall would end pydfu with a USB error. */
static void test_cc13b_pydfu_clears_dnload_idle(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(fx_set_address(0x08020000u), 0); /* dfuDNLOAD-IDLE */
	assert_int_equal(fx_getstate(), DFU_STATE_DNLOAD_IDLE);
	int rounds = 0;
	while (fx_getstatus(st) == 6 && st[4] != DFU_STATE_IDLE && rounds < 3) {
		assert_int_equal(fx_clrstatus(), 0);
		rounds++;
	}
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(st[0], DFU_STATUS_OK);
	assert_int_equal(rounds, 1);
	/* and the next command works */
	assert_int_equal(fx_set_address(0x08020000u), 0);
}

/* STM32CubeProgrammer after a long busy: CLRSTATUS twice, then carries on
 * (issue 21; ST's library answers both). The operation that was running
 * completes, nothing is committed by the CLRSTATUS, and the next write
 * lands where it should. */
static void test_cc13c_double_clrstatus_while_busy(void **state)
{
	(void)state;
	uint8_t st[6], cmd[5] = {DFUSE_CMD_ERASE, 0x00, 0x00, 0x02, 0x08}, data[256], back[256];
	assert_int_equal(fx_dnload(0, cmd, 5), 5); /* erase 0x08020000: dfuDNLOAD-SYNC */
	assert_int_equal(fx_getstatus(st), 6);     /* dfuDNBUSY */
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_int_equal(fx_clrstatus(), 0);
	assert_int_equal(fx_clrstatus(), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(st[0], DFU_STATUS_OK);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7u + 1u);
	assert_int_equal(fx_write_block(0x08020000u, data, sizeof(data)), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_read(0x08020000u, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
}

/* The manifestation states keep DFU 1.1's answer: CLRSTATUS stalls. */
static void test_cc13d_clrstatus_in_manifest_stalls(void **state)
{
	(void)state;
	assert_int_equal(fx_dnload(0, NULL, 0), 0); /* leave: dfuMANIFEST-SYNC */
	assert_int_equal(fx_clrstatus(), MOCK_EPIPE);
}

static void test_cc14_dnload_longer_than_transfer_size(void **state)
{
	(void)state;
	static uint8_t big[DFU_TRANSFER_SIZE + 64];
	assert_int_equal(fx_dnload(2, big, sizeof(big)), MOCK_EPIPE);
	assert_int_equal(dfu_get_state(), DFU_STATE_ERROR);
}

static void test_cc15_dnload_in_upload_idle_stalls(void **state)
{
	(void)state;
	uint8_t buf[64];
	assert_int_equal(fx_upload(2, buf, 64), 64);
	assert_int_equal(fx_dnload(2, buf, 64), MOCK_EPIPE);
	assert_int_equal(dfu_get_status(), DFU_STATUS_ERR_STALLEDPKT);
}

static void test_cc16_upload_in_dnload_idle_stalls(void **state)
{
	(void)state;
	uint8_t buf[64];
	assert_int_equal(fx_set_address(0x08020000u), 0);
	assert_int_equal(fx_upload(2, buf, 64), MOCK_EPIPE);
	assert_int_equal(dfu_get_state(), DFU_STATE_ERROR);
}

static void test_cc17_illegal_requests_enter_error(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(mock_control(0x21, DFU_REQ_DETACH, 0, 0, 0, NULL), MOCK_EPIPE);
	fx_getstatus(st);
	assert_int_equal(st[4], DFU_STATE_ERROR);
	assert_int_equal(st[0], DFU_STATUS_ERR_STALLEDPKT);
}

/* -------------------------------------------------------------- commands */

static void test_cc18_set_address_busy_then_idle(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x21, 0x00, 0x00, 0x02, 0x08}, st1;
	uint32_t poll;
	assert_int_equal(fx_command(cmd, 5, &poll, &st1), 0);
	assert_int_equal(st1, DFU_STATE_DNBUSY);
	assert_true(poll >= 1);
	assert_int_equal(dfu_get_state(), DFU_STATE_DNLOAD_IDLE);
	assert_int_equal(dfu_get_address(), 0x08020000u);
}

static void test_cc19_set_address_unmapped_err_target(void **state)
{
	(void)state;
	assert_int_equal(fx_set_address(0x60000000u), DFU_STATUS_ERR_TARGET);
	assert_int_equal(dfu_get_state(), DFU_STATE_ERROR);
}

/* DfuSe erase of the sector at 0x08040000 after a block was written there:
 * GETSTATUS #1's state and poll, and how many sector erases it started. */
static uint32_t cc20_erase(bool rom_style, uint8_t *st1, uint32_t *poll)
{
	uint8_t data[256], cmd[5] = {0x41, 0x00, 0x00, 0x04, 0x08};
	memset(data, 0x12, sizeof(data));
	assert_int_equal(fx_write_block(0x08040100u, data, sizeof(data)), 0);
	assert_int_equal(fx_abort(), 0);
	mem_set_plain(rom_style);
	uint32_t erases = h7_iflash_erase_count(simport_iflash_model());
	int rc = fx_command(cmd, 5, poll, st1);
	uint32_t erased = h7_iflash_erase_count(simport_iflash_model()) - erases;
	mem_set_plain(false);
	assert_int_equal(rc, 0);
	return erased;
}

static void assert_block_erased(void)
{
	uint8_t back[256];
	assert_int_equal(fx_read(0x08040100u, back, sizeof(back)), 0);
	for (unsigned i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], 0xFF);
}

/* ROM-style (erase on command): the sector is erased at once and the
 * poll timeout covers the erase */
static void test_cc20_erase_page_with_real_poll_timeout(void **state)
{
	(void)state;
	uint8_t st1;
	uint32_t poll;
	assert_int_equal(cc20_erase(true, &st1, &poll), 1);
	assert_int_equal(st1, DFU_STATE_DNBUSY);
	/* at least the model's 1.1 s sector erase */
	assert_true(poll >= H7_IFLASH_ERASE_US / 1000u);
	assert_block_erased();
}

/* The same on an H7A3/B3/B0-like board (8 KiB sectors, 16-byte words):
 * the poll timeout is the 8 KiB sector's own typical erase time, not a
 * 128 KiB H74x sector's 1.1 s that made dfu-util sleep a second per 8 KiB
 * (issue 13), and the model erased it within the time reported. */
static void test_cc20c_h7ab_poll_timeout_is_its_sectors(void **state)
{
	(void)state;
	fx_restart_h7ab();
	uint8_t st1;
	uint32_t poll;
	assert_int_equal(cc20_erase(true, &st1, &poll), 1);
	assert_int_equal(st1, DFU_STATE_DNBUSY);
	assert_true(poll >= H7_IFLASH_AB_ERASE_US / 1000u);
	assert_true(poll < H7_IFLASH_ERASE_US / 1000u);
	assert_true(poll <= (H7_IFLASH_AB_ERASE_US + 999u) / 1000u + 1u);
	assert_block_erased();
}

/* Deferred (sector-staging-buffer.md): the erase command costs nothing;
 * the sector is erased when a read needs it, and reads erased */
static void test_cc20b_erase_page_deferred_reads_erased(void **state)
{
	(void)state;
	uint8_t st1;
	uint32_t poll;
	assert_int_equal(cc20_erase(false, &st1, &poll), 0);
	assert_true(poll < H7_IFLASH_ERASE_US / 1000u);
	uint32_t erases = h7_iflash_erase_count(simport_iflash_model());
	assert_block_erased();
	assert_int_equal(h7_iflash_erase_count(simport_iflash_model()), erases + 1);
}

static void test_cc21_erase_read_only_page_err_target(void **state)
{
	(void)state;
	uint8_t before[64], after[64];
	memcpy(before, h7_iflash_array(simport_iflash_model()), 64);
	assert_int_equal(fx_erase_page(0x08000000u), DFU_STATUS_ERR_TARGET);
	memcpy(after, h7_iflash_array(simport_iflash_model()), 64);
	assert_memory_equal(before, after, 64);
	assert_int_equal(fx_clrstatus(), 0);
	assert_int_equal(fx_erase_page(RAM_QSPI_BASE + RAM_QSPI_SIZE - RAM_QSPI_UNIT),
	                 DFU_STATUS_ERR_TARGET); /* the journal's units */
}

static void test_cc22_mass_erase_skips_bootloader(void **state)
{
	(void)state;
	uint8_t data[64], cmd[1] = {0x41}, st1;
	uint32_t poll;
	uint8_t *mem = h7_iflash_array(simport_iflash_model());
	mem[100] = 0x42; /* pretend bootloader code */
	memset(data, 0x33, sizeof(data));
	assert_int_equal(fx_write_block(0x08100000u, data, sizeof(data)), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_command(cmd, 1, &poll, &st1), 0);
	assert_int_equal(st1, DFU_STATE_DNBUSY);
	assert_int_not_equal(poll, 100); /* dfu-util would wait 35 s */
	assert_int_equal(mem[100], 0x42);
	assert_int_equal(mem[0x100000], 0xFF);
}

static void test_cc23_read_unprotect_one_busy_then_reset(void **state)
{
	(void)state;
	uint8_t cmd[1] = {0x92}, st[6];
	assert_int_equal(fx_dnload(0, cmd, 1), 1);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_true(mock.reset_requested);
}

static void test_cc24_unknown_command_stalls(void **state)
{
	(void)state;
	uint8_t cmd[1] = {0x77};
	assert_int_equal(fx_dnload(0, cmd, 1), MOCK_EPIPE);
	assert_int_equal(dfu_get_state(), DFU_STATE_ERROR);
	assert_int_equal(dfu_get_status(), DFU_STATUS_ERR_STALLEDPKT);
}

static void test_cc25_upload_block0_command_list(void **state)
{
	(void)state;
	uint8_t b[16];
	assert_int_equal(fx_upload(0, b, sizeof(b)), 4);
	uint8_t want[4] = {0x00, 0x21, 0x41, 0x92};
	assert_memory_equal(b, want, 4);
}

static void test_cc26_upload_block1_stalls(void **state)
{
	(void)state;
	uint8_t b[16];
	assert_int_equal(fx_upload(1, b, sizeof(b)), MOCK_EPIPE);
}

/* ------------------------------------------------------------------ data */

static void test_cc27_dnload_block2_writes_at_pointer(void **state)
{
	(void)state;
	uint8_t data[300];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	assert_int_equal(fx_write_block(0x08020000u, data, sizeof(data)), 0);
	assert_int_equal(fx_abort(), 0);
	assert_memory_equal(h7_iflash_array(simport_iflash_model()) + 0x20000, data, sizeof(data));
}

static void test_cc28_block_numbers_stride_transfer_size(void **state)
{
	(void)state;
	static uint8_t a[DFU_TRANSFER_SIZE], b[100];
	uint8_t st[6];
	memset(a, 0xA5, sizeof(a));
	memset(b, 0x5A, sizeof(b));
	assert_int_equal(fx_set_address(0x08060000u), 0);
	assert_int_equal(fx_dnload(2, a, sizeof(a)), sizeof(a));
	fx_getstatus(st);
	fx_getstatus(st);
	assert_int_equal(fx_dnload(5, b, sizeof(b)), sizeof(b)); /* fwupd: no SET_ADDRESS */
	fx_getstatus(st);
	fx_getstatus(st);
	assert_int_equal(st[0], 0);
	assert_int_equal(fx_abort(), 0);
	uint8_t *mem = h7_iflash_array(simport_iflash_model()) + 0x60000;
	assert_memory_equal(mem, a, sizeof(a));
	assert_memory_equal(mem + 3 * DFU_TRANSFER_SIZE, b, sizeof(b));
}

static void test_cc29_partial_flash_word_padded(void **state)
{
	(void)state;
	uint8_t data[45];
	memset(data, 0x11, sizeof(data));
	assert_int_equal(fx_write_block(0x08020000u, data, sizeof(data)), 0);
	assert_int_equal(fx_abort(), 0); /* end of the download: the last word goes out */
	uint8_t *mem = h7_iflash_array(simport_iflash_model()) + 0x20000;
	assert_int_equal(mem[44], 0x11);
	for (unsigned i = 45; i < 64; i++)
		assert_int_equal(mem[i], 0xFF);
	/* the padded word was programmed exactly once: reads have no ECC error */
	uint8_t back[64];
	assert_int_equal(fx_read(0x08020000u, back, 64), 0);
}

static void test_cc29b_unaligned_blocks_share_a_flash_word(void **state)
{
	(void)state;
	/* dfu-util's chunks of an element at an address that is not 32-byte
	 * aligned: consecutive blocks meet inside one flash word */
	static uint8_t data[3 * DFU_TRANSFER_SIZE + 100];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(fx_download(0x08060010u, data, sizeof(data)), 0);
	static uint8_t back[sizeof(data)];
	assert_int_equal(fx_read(0x08060010u, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	uint32_t programs = h7_iflash_program_count(simport_iflash_model());
	uint32_t words = (sizeof(data) + 16u + 31u) / 32u;
	assert_int_equal(programs, words); /* every word exactly once */
}

static void test_cc30_block_across_two_pages(void **state)
{
	(void)state;
	static uint8_t data[2048];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5C);
	uint32_t addr = 0x08040000u - 1024u; /* straddles sectors 1 and 2 */
	assert_int_equal(fx_write_block(addr, data, sizeof(data)), 0);
	assert_int_equal(fx_abort(), 0);
	assert_memory_equal(h7_iflash_array(simport_iflash_model()) + (addr - 0x08000000u), data,
	                    sizeof(data));
}

static void test_cc31_write_not_erased_fails(void **state)
{
	(void)state;
	uint8_t a[64], b[64];
	memset(a, 0x0F, sizeof(a));
	memset(b, 0xF0, sizeof(b));
	assert_int_equal(fx_write_block(0x08020000u, a, sizeof(a)), 0);
	int st = fx_write_block(0x08020000u, b, sizeof(b));
	assert_true(st == DFU_STATUS_ERR_CHECK_ERASED || st == DFU_STATUS_ERR_PROG);
	/* what was stored is intact */
	assert_memory_equal(h7_iflash_array(simport_iflash_model()) + 0x20000, a, sizeof(a));
}

static void test_cc32_write_read_only_region_fails(void **state)
{
	(void)state;
	uint8_t data[64];
	memset(data, 0, sizeof(data));
	uint8_t before[64];
	memcpy(before, h7_iflash_array(simport_iflash_model()), 64);
	assert_int_equal(fx_write_block(0x08000000u, data, sizeof(data)), DFU_STATUS_ERR_TARGET);
	assert_memory_equal(before, h7_iflash_array(simport_iflash_model()), 64);
}

static void test_cc33_upload_stride_with_short_wlength(void **state)
{
	(void)state;
	static uint8_t data[3 * DFU_TRANSFER_SIZE];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i / 16);
	assert_int_equal(fx_download(0x08020000u, data, sizeof(data)), 0);
	assert_int_equal(fx_set_address(0x08020000u), 0);
	assert_int_equal(fx_abort(), 0);
	uint8_t b[100];
	assert_int_equal(fx_upload(4, b, sizeof(b)), sizeof(b)); /* block 4, short wLength */
	assert_memory_equal(b, data + 2 * DFU_TRANSFER_SIZE, sizeof(b));
}

static void test_cc34_read_across_region_end_is_short(void **state)
{
	(void)state;
	static uint8_t b[DFU_TRANSFER_SIZE];
	assert_int_equal(fx_set_address(0x08200000u - 1000u), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_upload(2, b, sizeof(b)), 1000);
	assert_int_equal(fx_upload(3, b, sizeof(b)), 0); /* past the end: empty, no stall */
}

static void test_cc35_upload_after_abort_without_getstatus(void **state)
{
	(void)state;
	uint8_t b[64];
	uint8_t cmd[5] = {0x21, 0x00, 0x00, 0x00, 0x08};
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	uint8_t st[6];
	fx_getstatus(st);
	fx_getstatus(st);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_upload(2, b, sizeof(b)), 64);
}

static void test_cc36_qspi_round_trip_through_alt1(void **state)
{
	(void)state;
	static uint8_t data[5000], back[5000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(fx_set_alt(1), 0);
	assert_int_equal(fx_download(0x90010000u, data, sizeof(data)), 0);
	assert_int_equal(fx_read(0x90010000u, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	assert_memory_equal(ram_qspi.mem + 0x10000, data, sizeof(data));
}

static void test_cc37_writes_routed_by_address_whatever_alt(void **state)
{
	(void)state;
	uint8_t data[64];
	memset(data, 0x77, sizeof(data));
	assert_int_equal(fx_set_alt(0), 0); /* pydfu never leaves alt 0 */
	assert_int_equal(fx_erase_page(0x90000000u), 0);
	assert_int_equal(fx_write_block(0x90000000u, data, sizeof(data)), 0);
	assert_memory_equal(ram_qspi.mem, data, sizeof(data));
}

/* ---------------------------------------------------------------- timing */

static void test_cc39_dnbusy_poll_is_typical_time(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90}, st1;
	uint32_t poll;
	ram_qspi.mem[5] = 0; /* not blank: a real erase */
	assert_int_equal(fx_command(cmd, 5, &poll, &st1), 0);
	/* the typical time (ram_qspi erases one block: 2 x typ), not the
	 * maximum: a sleeping client wakes when a typical chip is done */
	assert_true(poll >= RAM_QSPI_ERASE_TYP_MS);
	assert_true(poll <= 2u * RAM_QSPI_ERASE_TYP_MS);
}

static void test_cc40_non_busy_getstatus_poll_zero(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(fx_set_address(0x08020000u), 0);
	fx_getstatus(st);
	assert_int_equal(poll_of(st), 0);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
}

static void test_cc41_getstatus_held_while_busy_never_dnbusy_twice(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90}, st[6];
	ram_qspi.mem[5] = 0;
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	/* pydfu: no sleep at all, GETSTATUS #2 at once: held, then idle */
	uint32_t naks = mock.naks;
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
	assert_true(mock.naks > naks); /* the host was NAKed meanwhile */
}

static void test_cc42_hold_bounded_after_host_sleep(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90}, st[6];
	ram_qspi.mem[5] = 0;
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	fx_getstatus(st);
	mock_advance_ms(poll_of(st));
	uint32_t t0 = port_millis();
	assert_int_equal(fx_getstatus(st), 6);
	assert_true(port_millis() - t0 < 1500u);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
}

/* A dfu-util / fwupd / WebDFU style loop: GETSTATUS, sleep bwPollTimeout,
 * again while dfuDNBUSY. Returns the final state; *held_max gets the
 * longest single GETSTATUS, *busy the number of dfuDNBUSY answers. */
static int sleeping_client(uint32_t *held_max, unsigned *busy)
{
	uint8_t st[6];
	*held_max = 0;
	*busy = 0;
	for (int i = 0; i < 1000; i++) {
		uint32_t t0 = port_millis();
		if (fx_getstatus(st) != 6)
			return -1;
		*held_max = QDFU_MAX(*held_max, port_millis() - t0);
		if (st[4] != DFU_STATE_DNBUSY)
			return st[4];
		(*busy)++;
		assert_true(poll_of(st) >= 1u); /* fwupd keeps an old value for 0 */
		mock_advance_ms(poll_of(st));
	}
	return -1;
}

static void test_busy_sleeping_client_costs_nothing_at_typical_timing(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90};
	uint32_t held;
	unsigned busy;
	ram_qspi.mem[5] = 0;
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	/* (the DNLOAD itself also opened the session in the journal) */
	uint32_t t0 = port_millis();
	assert_int_equal(sleeping_client(&held, &busy), DFU_STATE_DNLOAD_IDLE);
	/* the answer comes when the chip is done: no sleep past it */
	uint32_t took = port_millis() - t0, real = 2u * RAM_QSPI_ERASE_TYP_MS;
	assert_true(took >= real);
	assert_true(took <= real + 5u);
	assert_int_equal(busy, 1);
}

static void test_busy_sleeping_client_at_maximum_timing(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90};
	uint32_t held;
	unsigned busy;
	ram_qspi.mem[5] = 0;
	ram_qspi.worst_case = true; /* 2 x 2000 ms against 2 x 150 ms typ */
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	uint32_t t0 = port_millis();
	assert_int_equal(sleeping_client(&held, &busy), DFU_STATE_DNLOAD_IDLE);
	/* never held near fwupd's 1.5 s GETSTATUS timeout: dfuDNBUSY again */
	assert_true(held <= 1000u + 1u);
	assert_true(busy >= 2u);
	uint32_t took = port_millis() - t0, real = 2u * RAM_QSPI_ERASE_MAX_MS;
	assert_true(took >= real);
	assert_true(took <= real + 15u); /* at most one short re-poll late */
}

static void test_busy_client_that_never_sleeps_sees_dnbusy_once(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90}, st[6];
	ram_qspi.mem[5] = 0;
	ram_qspi.worst_case = true;
	/* pydfu: GETSTATUS #1 must be dfuDNBUSY, #2 at once must be idle */
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNBUSY);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
}

static void test_busy_estimate_learns_the_chip(void **state)
{
	(void)state;
	/* ram_qspi says 1 ms per 256 bytes (+1) and takes 0.7 ms: after a
	 * few blocks the reported poll follows what the chip really takes.
	 * Blocks are accepted at once (pipelined reception) and a SET_ADDRESS
	 * does not wait for them, so the poll to watch is that of an erase
	 * command (of a page nothing is written to), queued behind the block. */
	uint8_t data[DFU_TRANSFER_SIZE], st[6];
	uint32_t first = 0, last = 0;
	memset(data, 0x3C, sizeof(data));
	for (uint32_t i = 0; i < 12; i++) {
		assert_int_equal(fx_set_address(RAM_QSPI_BASE + i * DFU_TRANSFER_SIZE), 0);
		assert_int_equal(fx_dnload(2, data, sizeof(data)), (int)sizeof(data));
		assert_int_equal(fx_getstatus(st), 6);
		assert_int_equal(fx_getstatus(st), 6);
		assert_int_equal(st[4], DFU_STATE_DNLOAD_IDLE);
		uint8_t cmd[5] = {DFUSE_CMD_ERASE};
		qdfu_put_le32(&cmd[1], RAM_QSPI_BASE + RAM_QSPI_SIZE / 2u);
		uint32_t poll;
		assert_int_equal(fx_command(cmd, 5, &poll, NULL), 0);
		if (i == 1)
			first = poll;
		last = poll;
	}
	uint32_t real = (DFU_TRANSFER_SIZE / 256u + 1u) * 700u / 1000u;
	assert_true(first > real + 3u);
	assert_true(last <= real + 2u);
}

static void test_busy_two_getstatus_then_abort_old_dfu_util(void **state)
{
	(void)state;
	uint8_t cmd[5] = {0x41, 0x00, 0x00, 0x00, 0x90}, st[6];
	ram_qspi.mem[5] = 0;
	ram_qspi.worst_case = true;
	/* dfu-util 0.7 dfuse_special_command: GETSTATUS, sleep, GETSTATUS
	 * (only bStatus checked), sleep, ABORT, GETSTATUS must be dfuIDLE */
	assert_int_equal(fx_dnload(0, cmd, 5), 5);
	assert_int_equal(fx_getstatus(st), 6);
	mock_advance_ms(poll_of(st));
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[0], DFU_STATUS_OK);
	mock_advance_ms(poll_of(st));
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_IDLE);
	assert_int_equal(ram_qspi.mem[5], 0xFF); /* the erase completed */
}

/* ------------------------------------------------------------------ leave */

static void test_cc44_leave_from_dnload_idle(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(fx_set_address(0x08020000u), 0);
	assert_int_equal(fx_dnload(2, NULL, 0), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_MANIFEST);
	mock_advance_ms(100);
	bootloader_task();
	assert_false(mock.connected); /* detached */
	assert_true(mock.reset_requested);
}

static void test_cc45_leave_from_idle_after_abort(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_dnload(2, NULL, 0), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_MANIFEST);
}

static void test_cc46_dnload_block0_zero_length_is_leave(void **state)
{
	(void)state;
	uint8_t st[6];
	assert_int_equal(fx_set_address(0x08000000u), 0); /* pydfu's hard-coded address */
	assert_int_equal(fx_dnload(0, NULL, 0), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_MANIFEST);
}

static void test_cc47_leave_never_jumps_into_garbage(void **state)
{
	(void)state;
	uint8_t st[6];
	/* pointer at the bootloader's own sector, nothing flashed */
	assert_int_equal(fx_set_address(0x08000000u), 0);
	assert_int_equal(fx_dnload(0, NULL, 0), 0);
	fx_getstatus(st);
	mock_advance_ms(100);
	bootloader_task();
	assert_true(mock.reset_requested);
	assert_true(fx_reboot(false)); /* next boot: stays in DFU */
	assert_false(mock.app_started);
}

/* ------------------------------------------------------ CubeProgrammer, Windows */

static void test_cc54_cubeprogrammer_connect_reads_1k(void **state)
{
	(void)state;
	uint8_t b[1024];
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_set_address(0x08000000u), 0);
	assert_int_equal(fx_abort(), 0);
	assert_int_equal(fx_upload(2, b, sizeof(b)), 1024);
}

static void test_cc55_ms_os20_descriptors(void **state)
{
	(void)state;
	uint8_t b[256], dev[18];
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 18, dev), 18);
	assert_int_equal(dev[2] | dev[3] << 8, 0x0201);
	int n = mock_control(0x80, 6, 0x0F00, 0, sizeof(b), b);
	assert_true(n > 5);
	assert_int_equal(b[2] | b[3] << 8, n);
	static const uint8_t uuid[16] = {0xDF, 0x60, 0xDD, 0xD8, 0x89, 0x45, 0xC7, 0x4C,
	                                 0x9C, 0xD2, 0x65, 0x9D, 0x9E, 0x64, 0x8A, 0x9F};
	const uint8_t *cap = NULL;
	for (int off = 5; off < n; off += b[off])
		if (b[off + 2] == 5)
			cap = &b[off];
	assert_non_null(cap);
	assert_memory_equal(cap + 4, uuid, 16);
	assert_true(qdfu_get_le32(cap + 20) >= 0x06030000u);
	uint16_t set_len = qdfu_get_le16(cap + 24);
	uint8_t code = cap[26];
	int m = mock_control(0xC0, code, 0, 7, sizeof(b), b);
	assert_int_equal(m, set_len);
	assert_memory_equal(b + 10 + 4, "WINUSB\0\0", 8);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_cc01_dfu_interface_class_and_alts),
	    T(test_cc02_functional_descriptor),
	    T(test_cc03_string_exact_length_and_langid),
	    T(test_cc04_layout_strings_within_client_limits),
	    T(test_cc05_serial_is_unique_id_hex),
	    T(test_cc06_bootloader_sector_read_only),
	    T(test_cc06b_bank2_read_only_while_the_m4_runs),
	    T(test_cc08_set_configuration_again_keeps_dfu),
	    T(test_cc09_set_interface_idle_and_dnload_idle),
	    T(test_cc10_getstatus_idle),
	    T(test_cc11_getstate_one_byte),
	    T(test_cc12_abort_returns_to_idle),
	    T(test_cc13_clrstatus_recovers_from_error),
	    T(test_cc13b_pydfu_clears_dnload_idle),
	    T(test_cc13c_double_clrstatus_while_busy),
	    T(test_cc13d_clrstatus_in_manifest_stalls),
	    T(test_cc14_dnload_longer_than_transfer_size),
	    T(test_cc15_dnload_in_upload_idle_stalls),
	    T(test_cc16_upload_in_dnload_idle_stalls),
	    T(test_cc17_illegal_requests_enter_error),
	    T(test_cc18_set_address_busy_then_idle),
	    T(test_cc19_set_address_unmapped_err_target),
	    T(test_cc20_erase_page_with_real_poll_timeout),
	    T(test_cc20c_h7ab_poll_timeout_is_its_sectors),
	    T(test_cc20b_erase_page_deferred_reads_erased),
	    T(test_cc21_erase_read_only_page_err_target),
	    T(test_cc22_mass_erase_skips_bootloader),
	    T(test_cc23_read_unprotect_one_busy_then_reset),
	    T(test_cc24_unknown_command_stalls),
	    T(test_cc25_upload_block0_command_list),
	    T(test_cc26_upload_block1_stalls),
	    T(test_cc27_dnload_block2_writes_at_pointer),
	    T(test_cc28_block_numbers_stride_transfer_size),
	    T(test_cc29_partial_flash_word_padded),
	    T(test_cc29b_unaligned_blocks_share_a_flash_word),
	    T(test_cc30_block_across_two_pages),
	    T(test_cc31_write_not_erased_fails),
	    T(test_cc32_write_read_only_region_fails),
	    T(test_cc33_upload_stride_with_short_wlength),
	    T(test_cc34_read_across_region_end_is_short),
	    T(test_cc35_upload_after_abort_without_getstatus),
	    T(test_cc36_qspi_round_trip_through_alt1),
	    T(test_cc37_writes_routed_by_address_whatever_alt),
	    T(test_cc39_dnbusy_poll_is_typical_time),
	    T(test_cc40_non_busy_getstatus_poll_zero),
	    T(test_cc41_getstatus_held_while_busy_never_dnbusy_twice),
	    T(test_cc42_hold_bounded_after_host_sleep),
	    T(test_busy_sleeping_client_costs_nothing_at_typical_timing),
	    T(test_busy_sleeping_client_at_maximum_timing),
	    T(test_busy_client_that_never_sleeps_sees_dnbusy_once),
	    T(test_busy_two_getstatus_then_abort_old_dfu_util),
	    T(test_busy_estimate_learns_the_chip),
	    T(test_cc44_leave_from_dnload_idle),
	    T(test_cc45_leave_from_idle_after_abort),
	    T(test_cc46_dnload_block0_zero_length_is_leave),
	    T(test_cc47_leave_never_jumps_into_garbage),
	    T(test_cc54_cubeprogrammer_connect_reads_1k),
	    T(test_cc55_ms_os20_descriptors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
