/* SPDX-License-Identifier: MIT */
/*
 * The subset of the cmocka API the portable core's unit tests use, for the
 * Cortex-M7 runner under QEMU (no cmocka for arm-none-eabi). Same names and
 * semantics: a failed assertion ends the current test (longjmp) and the
 * group reports failures; output goes through semihosting.
 */
#ifndef QDFU_TESTS_QEMU_CMOCKA_SHIM_H
#define QDFU_TESTS_QEMU_CMOCKA_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
	const char *name;
	CMUnitTestFunction test_func;
	CMFixtureFunction setup_func;
	CMFixtureFunction teardown_func;
	void *initial_state;
};

#define cmocka_unit_test(f)                                                                        \
	{                                                                                          \
#f, f, NULL, NULL, NULL                                                            \
	}
#define cmocka_unit_test_setup(f, s)                                                               \
	{                                                                                          \
#f, f, s, NULL, NULL                                                               \
	}
#define cmocka_unit_test_teardown(f, t)                                                            \
	{                                                                                          \
#f, f, NULL, t, NULL                                                               \
	}
#define cmocka_unit_test_setup_teardown(f, s, t)                                                   \
	{                                                                                          \
#f, f, s, t, NULL                                                                  \
	}
#define cmocka_unit_test_prestate(f, p)                                                            \
	{                                                                                          \
#f, f, NULL, NULL, p                                                               \
	}

int cm7_run_group(const char *name, const struct CMUnitTest *t, size_t n, CMFixtureFunction setup,
                  CMFixtureFunction teardown);
#define cmocka_run_group_tests(g, s, t) cm7_run_group(#g, g, sizeof(g) / sizeof((g)[0]), s, t)

__attribute__((noreturn, format(printf, 3, 4))) void cm7_fail(const char *file, int line,
                                                              const char *fmt, ...);
__attribute__((noreturn)) void cm7_skip(const char *file, int line);

#define CM7_CHECK(c, ...)                                                                          \
	do {                                                                                       \
		if (!(c))                                                                          \
			cm7_fail(__FILE__, __LINE__, __VA_ARGS__);                                 \
	} while (0)

#define assert_true(c)  CM7_CHECK((c), "%s is false", #c)
#define assert_false(c) CM7_CHECK(!(c), "%s is true", #c)
#define assert_int_equal(a, b)                                                                     \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		CM7_CHECK(a_ == b_, "%s != %s (0x%lx != 0x%lx)", #a, #b, (unsigned long)a_,        \
		          (unsigned long)b_);                                                      \
	} while (0)
#define assert_int_not_equal(a, b) CM7_CHECK((long long)(a) != (long long)(b), "%s == %s", #a, #b)
#define assert_in_range(v, lo, hi)                                                                 \
	CM7_CHECK((long long)(v) >= (long long)(lo) && (long long)(v) <= (long long)(hi),          \
	          "%s out of range", #v)
#define assert_string_equal(a, b)        CM7_CHECK(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))
#define assert_string_not_equal(a, b)    CM7_CHECK(strcmp((a), (b)) != 0, "strings equal")
#define assert_memory_equal(a, b, n)     CM7_CHECK(memcmp((a), (b), (n)) == 0, "%s != %s", #a, #b)
#define assert_memory_not_equal(a, b, n) CM7_CHECK(memcmp((a), (b), (n)) != 0, "%s == %s", #a, #b)
#define assert_non_null(p)               CM7_CHECK((p) != NULL, "%s is NULL", #p)
#define assert_null(p)                   CM7_CHECK((p) == NULL, "%s is not NULL", #p)
#define assert_ptr_equal(a, b)           CM7_CHECK((const void *)(a) == (const void *)(b), "%s != %s", #a, #b)
#define fail()                           cm7_fail(__FILE__, __LINE__, "fail()")
#define fail_msg(...)                    cm7_fail(__FILE__, __LINE__, __VA_ARGS__)
#define skip()                           cm7_skip(__FILE__, __LINE__)

#endif
