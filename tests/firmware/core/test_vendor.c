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

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_info_identifies_qdfu),
	    T(test_info_says_why_in_dfu),
	    T(test_crc_matches_memory_without_touching_dfu_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
