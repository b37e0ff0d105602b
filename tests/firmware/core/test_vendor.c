/* SPDX-License-Identifier: MIT */
/* qdfu's vendor requests (docs/protocol.md): INFO and the device-side CRC-32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/compiler.h"
#include "fixture.h"
#include "hal/port.h"
#include "qdfu_proto.h"

/* An independent table-driven CRC-32 (IEEE, reflected), as zlib computes it. */
static uint32_t ref_crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	uint32_t c = 0xFFFFFFFFu;
	while (n--)
		c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static int crc_start(uint32_t addr, uint32_t len)
{
	uint8_t b[8];
	qdfu_put_le32(b, addr);
	qdfu_put_le32(b + 4, len);
	return mock_control(0x41, 0x52, 0, 0, 8, b);
}

static int crc_result(uint32_t *status, uint32_t *crc, uint32_t *poll)
{
	uint8_t b[12];
	int rc = mock_control(0xC1, 0x53, 0, 0, 12, b);
	*status = qdfu_get_le32(b);
	*crc = qdfu_get_le32(b + 4);
	*poll = qdfu_get_le32(b + 8);
	return rc;
}

static uint32_t wait_crc(uint32_t *crc)
{
	uint32_t st, poll;
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(crc_result(&st, crc, &poll), 12);
		if (st != 1)
			return st;
		assert_true(poll > 0);
		mock_advance_ms(poll);
	}
	fail_msg("CRC never finished");
	return 99;
}

static void test_info_identifies_qdfu(void **state)
{
	(void)state;
	uint8_t b[16];
	assert_int_equal(mock_control(0xC1, 0x51, 0, 0, 16, b), 16);
	assert_memory_equal(b, "QDFU", 4);
	assert_int_equal(b[4], 1);
	assert_true(b[5] & 1);                                               /* CRC32 */
	assert_int_equal(mock_control(0xC1, 0x51, 0, 0, 8, b), MOCK_EPIPE);  /* wrong wLength */
	assert_int_equal(mock_control(0xC1, 0x51, 0, 1, 16, b), MOCK_EPIPE); /* wrong interface */
}

/* INFO byte 10 says why the device is in DFU mode, byte 11 which fault
 * reset the bootloader (issue 11 item 3). */
static void test_info_says_why_in_dfu(void **state)
{
	(void)state;
	uint8_t b[16];
	assert_int_equal(mock_control(0xC1, 0x51, 0, 0, 16, b), 16);
	assert_int_equal(b[QDFU_PROTO_INFO_WHY], QDFU_PROTO_WHY_BUTTON); /* fx_setup forces DFU */
	assert_int_equal(b[QDFU_PROTO_INFO_FAULT], 0);

	/* a valid application, committed: a plain reset starts it... */
	static uint8_t app[1024];
	fx_vector_table(app, FX_IFLASH_APP);
	assert_int_equal(fx_download_leave(FX_IFLASH_APP, app, sizeof(app)), 0);
	assert_false(fx_reboot(false));
	assert_true(mock.app_started);
	/* ...but not after a fault in the previous run: DFU, and it says why */
	struct port_fault f = {.exception = 3, .cfsr = 1u << 9, .addr = 0x08020000u};
	mock_set_fault(&f);
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
	assert_string_equal(bootloader_decision()->reason, "the bootloader reset after a fault");
	assert_int_equal(mock_control(0xC1, 0x51, 0, 0, 16, b), 16);
	assert_int_equal(b[QDFU_PROTO_INFO_WHY], QDFU_PROTO_WHY_FAULT);
	assert_int_equal(b[QDFU_PROTO_INFO_FAULT], 3);
	/* the record is read once: the next reset starts the application */
	assert_false(fx_reboot(false));
	assert_true(mock.app_started);
}

static void test_crc_matches_memory_without_touching_dfu_state(void **state)
{
	(void)state;
	static uint8_t data[70000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 29 + (i >> 9));
	assert_int_equal(fx_download(0x08020000u, data, sizeof(data)), 0);
	assert_int_equal(fx_set_address(0x08020000u), 0); /* dfuDNLOAD-IDLE */
	assert_int_equal(crc_start(0x08020000u, sizeof(data)), 8);
	uint32_t crc;
	assert_int_equal(wait_crc(&crc), 0);
	assert_int_equal(crc, ref_crc32(data, sizeof(data)));
	assert_int_equal(fx_getstate(), DFU_STATE_DNLOAD_IDLE);
	/* QSPI too, and a range that crosses the region end is refused */
	assert_int_equal(crc_start(RAM_QSPI_BASE, 4096), 8);
	assert_int_equal(wait_crc(&crc), 0);
	static uint8_t ff[4096];
	memset(ff, 0xFF, sizeof(ff));
	assert_int_equal(crc, ref_crc32(ff, sizeof(ff)));
	assert_int_equal(crc_start(0x081FF000u, 0x2000), 8);
	assert_int_equal(wait_crc(&crc), 3);
	assert_int_equal(crc_start(0x60000000u, 16), 8);
	assert_int_equal(wait_crc(&crc), 3);
}

/* CRC_TABLE (wValue entries of `unit` bytes from addr): the transfer's result. */
static int crc_table(uint32_t addr, uint32_t unit, uint16_t count)
{
	uint8_t b[8];
	qdfu_put_le32(b, addr);
	qdfu_put_le32(b + 4, unit);
	return mock_control(0x41, QDFU_PROTO_REQ_CRC_TABLE, count, 0, 8, b);
}

static uint8_t table_buf[QDFU_PROTO_CRC_TABLE_RESULT_MAX];

/* Poll CRC_TABLE_RESULT (asking for `want` entries) until it is no longer
 * busy; returns the status, *done the entries done, *got the bytes. */
static uint32_t wait_table(uint16_t want, uint32_t *done, int *got)
{
	for (int i = 0; i < 10000; i++) {
		*got = mock_control(0xC1, QDFU_PROTO_REQ_CRC_TABLE_RESULT, 0, 0,
		                    (uint16_t)(12u + 4u * want), table_buf);
		assert_true(*got >= 12);
		uint32_t st = qdfu_get_le32(table_buf);
		*done = qdfu_get_le32(table_buf + 4);
		if (st != QDFU_PROTO_CRC_BUSY)
			return st;
		assert_int_equal(qdfu_get_le32(table_buf + 8), 1); /* poll again in 1 ms */
		mock_advance_ms(1);
	}
	fail_msg("CRC table never finished");
	return 99;
}

static void test_info_advertises_the_crc_table(void **state)
{
	(void)state;
	uint8_t b[16];
	assert_int_equal(mock_control(0xC1, 0x51, 0, 0, 16, b), 16);
	assert_true(b[QDFU_PROTO_INFO_CAPS] & QDFU_PROTO_CAP_CRC_TABLE);
}

/* One request, a CRC per unit: each equal to the CRC of that unit alone,
 * in internal flash and QSPI, the DFU state untouched; a shorter wLength
 * gets the first entries. */
static void test_crc_table_matches_memory(void **state)
{
	(void)state;
	static uint8_t data[70000];
	uint32_t done;
	int got;
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + (i >> 7));
	assert_int_equal(fx_download(0x08020000u, data, sizeof(data)), 0);
	assert_int_equal(fx_set_address(0x08020000u), 0); /* dfuDNLOAD-IDLE */
	assert_int_equal(crc_table(0x08020000u, 4096, 17), 8);
	assert_int_equal(wait_table(17, &done, &got), QDFU_PROTO_CRC_DONE);
	assert_int_equal(done, 17);
	assert_int_equal(got, 12 + 4 * 17);
	for (unsigned i = 0; i < 17; i++)
		assert_int_equal(qdfu_get_le32(table_buf + 12 + 4 * i),
		                 ref_crc32(data + 4096 * i, 4096));
	assert_int_equal(fx_getstate(), DFU_STATE_DNLOAD_IDLE);
	/* the head and two entries only */
	assert_int_equal(wait_table(2, &done, &got), QDFU_PROTO_CRC_DONE);
	assert_int_equal(got, 12 + 8);
	assert_int_equal(qdfu_get_le32(table_buf + 16), ref_crc32(data + 4096, 4096));
	/* CRC_RESULT tells entry 0 */
	uint32_t st, crc, poll;
	assert_int_equal(crc_result(&st, &crc, &poll), 12);
	assert_int_equal(st, 0);
	assert_int_equal(crc, ref_crc32(data, 4096));
	/* QSPI, the most entries a request may ask for */
	static uint8_t ff[256];
	memset(ff, 0xFF, sizeof(ff));
	assert_int_equal(crc_table(RAM_QSPI_BASE, 256, QDFU_PROTO_CRC_TABLE_MAX), 8);
	assert_int_equal(wait_table(QDFU_PROTO_CRC_TABLE_MAX, &done, &got), QDFU_PROTO_CRC_DONE);
	assert_int_equal(done, QDFU_PROTO_CRC_TABLE_MAX);
	assert_int_equal(qdfu_get_le32(table_buf + 12 + 4 * 255), ref_crc32(ff, sizeof(ff)));
}

/* CRC_TABLE_RESULT while the job runs is held until its last entry is
 * done (at most CRC_HOLD_MS): one request right after CRC_TABLE gets the
 * whole table, with no poll to wait between. */
static void test_crc_table_result_is_held_until_the_table_is_done(void **state)
{
	(void)state;
	mock_advance_ms(500); /* the journal's pre-erase at DFU entry is over */
	assert_int_equal(crc_table(0x08020000u, 4096, 16), 8);
	int got =
	    mock_control(0xC1, QDFU_PROTO_REQ_CRC_TABLE_RESULT, 0, 0, 12u + 4u * 16u, table_buf);
	assert_int_equal(got, 12 + 4 * 16);
	assert_int_equal(qdfu_get_le32(table_buf), QDFU_PROTO_CRC_DONE);
	assert_int_equal(qdfu_get_le32(table_buf + 4), 16);
	assert_int_equal(qdfu_get_le32(table_buf + 8), 0); /* no poll: done */
}

/* CRC_RESULT too: one request right after CRC_START gets the CRC, with no
 * poll to wait between (qdfu's verify of each range it wrote). */
static void test_crc_result_is_held_until_the_crc_is_done(void **state)
{
	(void)state;
	static uint8_t ff[65536];
	memset(ff, 0xFF, sizeof(ff));
	mock_advance_ms(500); /* the journal's pre-erase at DFU entry is over */
	assert_int_equal(crc_start(RAM_QSPI_BASE, sizeof(ff)), 8);
	uint32_t st, crc, poll;
	assert_int_equal(crc_result(&st, &crc, &poll), 12);
	assert_int_equal(st, QDFU_PROTO_CRC_DONE);
	assert_int_equal(crc, ref_crc32(ff, sizeof(ff)));
	assert_int_equal(poll, 0);
}

/* Malformed requests stall; ranges the device cannot read say so; a new
 * request replaces the job still running. */
static void test_crc_table_refuses_bad_requests(void **state)
{
	(void)state;
	uint8_t b[QDFU_PROTO_CRC_TABLE_RESULT_MAX + 1];
	uint32_t done;
	int got;
	memset(b, 0, sizeof(b));
	assert_int_equal(crc_table(0x08020000u, 4096, 0), MOCK_EPIPE);   /* no entries */
	assert_int_equal(crc_table(0x08020000u, 4096, 257), MOCK_EPIPE); /* too many */
	assert_int_equal(crc_table(0x08020000u, 0, 4), MOCK_EPIPE);      /* empty entries */
	assert_int_equal(mock_control(0x41, QDFU_PROTO_REQ_CRC_TABLE, 4, 0, 12, b), MOCK_EPIPE);
	assert_int_equal(mock_control(0xC1, QDFU_PROTO_REQ_CRC_TABLE, 4, 0, 8, b), MOCK_EPIPE);
	assert_int_equal(mock_control(0x41, QDFU_PROTO_REQ_CRC_TABLE, 4, 1, 8, b), MOCK_EPIPE);
	assert_int_equal(mock_control(0xC1, QDFU_PROTO_REQ_CRC_TABLE_RESULT, 0, 0, 11, b),
	                 MOCK_EPIPE);
	assert_int_equal(mock_control(0xC1, QDFU_PROTO_REQ_CRC_TABLE_RESULT, 0, 0,
	                              QDFU_PROTO_CRC_TABLE_RESULT_MAX + 1, b),
	                 MOCK_EPIPE);
	assert_int_equal(mock_control(0x41, QDFU_PROTO_REQ_CRC_TABLE_RESULT, 0, 0, 12, b),
	                 MOCK_EPIPE);
	/* nothing started yet */
	assert_int_equal(wait_table(0, &done, &got), QDFU_PROTO_CRC_NONE);
	assert_int_equal(fx_getstate(), DFU_STATE_IDLE);
	/* crossing the end of internal flash, unmapped, and a size that
	 * overflows 32 bits: refused before anything is read */
	assert_int_equal(crc_table(0x081F0000u, 0x8000, 3), 8);
	assert_int_equal(wait_table(3, &done, &got), QDFU_PROTO_CRC_BAD_RANGE);
	assert_int_equal(done, 0);
	assert_int_equal(crc_table(0x60000000u, 16, 1), 8);
	assert_int_equal(wait_table(1, &done, &got), QDFU_PROTO_CRC_BAD_RANGE);
	assert_int_equal(crc_table(0x08020000u, 0x80000000u, 256), 8);
	assert_int_equal(wait_table(1, &done, &got), QDFU_PROTO_CRC_BAD_RANGE);
	/* a CRC_START replaces a table still running */
	assert_int_equal(crc_table(RAM_QSPI_BASE, 4096, 200), 8);
	assert_int_equal(crc_start(RAM_QSPI_BASE, 256), 8);
	uint32_t crc;
	assert_int_equal(wait_crc(&crc), 0);
	static uint8_t ff[256];
	memset(ff, 0xFF, sizeof(ff));
	assert_int_equal(crc, ref_crc32(ff, sizeof(ff)));
	assert_int_equal(wait_table(200, &done, &got), QDFU_PROTO_CRC_DONE);
	assert_int_equal(done, 1);
	assert_int_equal(fx_getstate(), DFU_STATE_IDLE);
}

/* A block written, then the engine left to finish it: the DFU status
 * of the write (a refusal found in the background included). */
static int write_settled(uint32_t addr, const uint8_t *data)
{
	uint8_t st[6];
	int rc = fx_write_block(addr, data, 4096);
	mock_advance_ms(100);
	assert_int_equal(fx_getstatus(st), 6);
	return st[4] == DFU_STATE_ERROR ? st[0] : rc;
}

/* Units a CRC table found erased need no compare read before their first
 * program (mem/blank_map.h); once programmed they are read again, so a
 * second, different write is refused as not erased (it was programmed
 * over, and failed its verify, when the map kept the unit "blank"). */
static void test_units_the_crc_table_found_blank_skip_the_compare_read(void **state)
{
	(void)state;
	static uint8_t a[4096], b[4096];
	uint32_t done;
	int got;
	memset(a, 0x5A, sizeof(a));
	memset(b, 0x33, sizeof(b));
	const uint32_t ua = RAM_QSPI_BASE + 0x20000u, ub = RAM_QSPI_BASE + 0x30000u;
	/* the session opens first (journal), elsewhere */
	assert_int_equal(write_settled(RAM_QSPI_BASE, a), DFU_STATUS_OK);
	unsigned before = ram_qspi.reads;
	assert_int_equal(write_settled(ua, a), DFU_STATUS_OK);
	unsigned unknown = ram_qspi.reads - before;
	assert_int_equal(crc_table(ub, 4096, 4), 8);
	assert_int_equal(wait_table(4, &done, &got), QDFU_PROTO_CRC_DONE);
	before = ram_qspi.reads;
	assert_int_equal(write_settled(ub, a), DFU_STATUS_OK);
	unsigned known = ram_qspi.reads - before;
	assert_int_equal(known + 1u, unknown);
	assert_memory_equal(ram_qspi.mem + (ub - RAM_QSPI_BASE), a, sizeof(a));
	/* programmed: no longer known blank */
	assert_int_equal(write_settled(ub, b), DFU_STATUS_ERR_CHECK_ERASED);
	assert_memory_equal(ram_qspi.mem + (ub - RAM_QSPI_BASE), a, sizeof(a));
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_info_identifies_qdfu),
	    T(test_info_says_why_in_dfu),
	    T(test_crc_matches_memory_without_touching_dfu_state),
	    T(test_info_advertises_the_crc_table),
	    T(test_crc_table_matches_memory),
	    T(test_crc_table_result_is_held_until_the_table_is_done),
	    T(test_crc_result_is_held_until_the_crc_is_done),
	    T(test_crc_table_refuses_bad_requests),
	    T(test_units_the_crc_table_found_blank_skip_the_compare_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
