// SPDX-License-Identifier: MIT
/*
 * crc32_of_ff (mem/crc_ff.h): the CRC-32 of len bytes of 0xFF composed
 * from linear maps equals the CRC of those bytes fed one by one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mem/crc_ff.h"

/* Bit by bit, reflected 0xEDB88320, as zlib's crc32 (the test's own). */
static uint32_t crc_ff_slow(uint32_t len)
{
	uint32_t c = 0xFFFFFFFFu;
	while (len--) {
		c ^= 0xFFu;
		for (unsigned k = 0; k < 8u; k++)
			c = (c >> 1) ^ ((c & 1u) ? 0xEDB88320u : 0u);
	}
	return ~c;
}

static void test_known_values(void **state)
{
	(void)state;
	assert_int_equal(crc32_of_ff(0), 0x00000000u);
	assert_int_equal(crc32_of_ff(1), 0xFF000000u); /* zlib crc32 of "\xff" */
	assert_int_equal(crc32_of_ff(4), 0xFFFFFFFFu); /* zlib crc32 of four 0xFF */
}

static void test_equals_the_byte_by_byte_crc(void **state)
{
	(void)state;
	for (uint32_t len = 0; len <= 600u; len++)
		assert_int_equal(crc32_of_ff(len), crc_ff_slow(len));
	static const uint32_t big[] = {4096u, 8192u, 65536u, 65537u, 131072u, 262144u, 1048576u};
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		assert_int_equal(crc32_of_ff(big[i]), crc_ff_slow(big[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_values),
	    cmocka_unit_test(test_equals_the_byte_by_byte_crc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
