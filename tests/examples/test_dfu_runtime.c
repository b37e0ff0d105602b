/* SPDX-License-Identifier: MIT */
/* The DFU runtime-mode helper for applications (examples/dfu_runtime). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qdfu_dfu_runtime.h"

static void test_descriptor_is_a_runtime_dfu_interface(void **state)
{
	(void)state;
	static const uint8_t d[] = {QDFU_RUNTIME_DESCRIPTOR(2, 7)};
	assert_int_equal(sizeof(d), QDFU_RUNTIME_DESC_LEN);
	assert_int_equal(d[0], 9);
	assert_int_equal(d[1], 4);    /* interface */
	assert_int_equal(d[2], 2);    /* its number */
	assert_int_equal(d[4], 0);    /* no endpoints */
	assert_int_equal(d[5], 0xFE); /* application specific */
	assert_int_equal(d[6], 0x01); /* DFU */
	assert_int_equal(d[7], 0x01); /* runtime protocol */
	assert_int_equal(d[8], 7);
	const uint8_t *f = d + 9; /* functional descriptor */
	assert_int_equal(f[0], 9);
	assert_int_equal(f[1], 0x21);
	assert_true(f[2] & 0x08); /* willDetach: no bus reset needed */
	assert_int_equal(f[5] | f[6] << 8, 4096);
	assert_int_equal(f[7] | f[8] << 8, 0x0110);
}

static void test_requests(void **state)
{
	(void)state;
	uint8_t r[8] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
	uint16_t len = 0;
	assert_int_equal(qdfu_runtime_request(0x21, 0, r, &len), QDFU_RUNTIME_DETACH);
	assert_int_equal(qdfu_runtime_request(0xA1, 3, r, &len), QDFU_RUNTIME_REPLY);
	assert_int_equal(len, 6);
	assert_int_equal(r[4], 0); /* appIDLE */
	assert_int_equal(qdfu_runtime_request(0xA1, 5, r, &len), QDFU_RUNTIME_REPLY);
	assert_int_equal(len, 1);
	assert_int_equal(qdfu_runtime_request(0x21, 1, r, &len), QDFU_RUNTIME_STALL); /* DNLOAD */
	assert_int_equal(qdfu_runtime_request(0x80, 6, r, &len), QDFU_RUNTIME_NOT_MINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_descriptor_is_a_runtime_dfu_interface),
	    cmocka_unit_test(test_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
