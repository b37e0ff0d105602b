/* SPDX-License-Identifier: MIT */
/* Erase planner: random ranges are covered exactly (nothing outside), and
 * the number of erases equals a brute-force minimum (dynamic programming
 * over every aligned erase type). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nor/nor.h"

#define UNIT 4096u

/* minimal number of aligned erases covering exactly [a, a + len) */
static unsigned brute_min(const uint32_t *sizes, unsigned n, uint32_t a, uint32_t len)
{
	uint32_t units = len / UNIT;
	unsigned *best = malloc((units + 1) * sizeof(*best));
	best[0] = 0;
	for (uint32_t u = 1; u <= units; u++) {
		best[u] = 0xFFFFFFFFu;
		/* last erase ends at unit u */
		for (unsigned k = 0; k < n; k++) {
			uint32_t su = sizes[k] / UNIT;
			if (su > u)
				continue;
			uint32_t start = a + (u - su) * UNIT;
			if (start % sizes[k] || best[u - su] == 0xFFFFFFFFu)
				continue;
			if (best[u - su] + 1 < best[u])
				best[u] = best[u - su] + 1;
		}
	}
	unsigned r = best[units];
	free(best);
	return r;
}

static void run(const uint32_t *sizes, unsigned n, unsigned rounds)
{
	srand(1234);
	for (unsigned r = 0; r < rounds; r++) {
		uint32_t space = 8u * 1024u * 1024u;
		uint32_t g = sizes[0]; /* ranges come aligned to the smallest type */
		uint32_t a = (uint32_t)(rand() % (space / g)) * g;
		uint32_t len = (uint32_t)(1 + rand() % 700) * g;
		if (a + len > space)
			len = space - a;
		static uint8_t mark[8u * 1024u * 1024u / UNIT];
		memset(mark, 0, sizeof(mark));
		unsigned ops = 0;
		uint32_t at = a, left = len;
		while (left) {
			int i = nor_erase_plan_step(sizes, n, at, left);
			assert_true(i >= 0);
			uint32_t s = sizes[i];
			assert_int_equal(at % s, 0);
			assert_true(s <= left);
			for (uint32_t u = at / UNIT; u < (at + s) / UNIT; u++)
				mark[u]++;
			at += s;
			left -= s;
			ops++;
		}
		for (uint32_t u = 0; u < space / UNIT; u++) {
			bool inside = u >= a / UNIT && u < (a + len) / UNIT;
			assert_int_equal(mark[u], inside ? 1 : 0);
		}
		assert_int_equal(ops, brute_min(sizes, n, a, len));
	}
}

static void test_three_types(void **state)
{
	(void)state;
	const uint32_t sizes[] = {4096, 32768, 65536};
	run(sizes, 3, 400);
}

static void test_dual_doubled(void **state)
{
	(void)state;
	const uint32_t sizes[] = {8192, 65536, 131072};
	run(sizes, 3, 300);
}

static void test_two_types_and_unaligned(void **state)
{
	(void)state;
	const uint32_t sizes[] = {4096, 65536};
	run(sizes, 2, 300);
	/* nothing fits: misaligned to the smallest type, or too short */
	assert_int_equal(nor_erase_plan_step(sizes, 2, 100, 8192), -1);
	assert_int_equal(nor_erase_plan_step(sizes, 2, 0, 1024), -1);
	/* 68 KiB at 0: one 64 KiB + one 4 KiB, not seventeen 4 KiB */
	assert_int_equal(nor_erase_plan_step(sizes, 2, 0, 69632), 1);
	assert_int_equal(nor_erase_plan_step(sizes, 2, 65536, 4096), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_three_types),
	    cmocka_unit_test(test_dual_doubled),
	    cmocka_unit_test(test_two_types_and_unaligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
