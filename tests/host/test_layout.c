/* SPDX-License-Identifier: MIT */
/* DfuSe layout strings: the design's examples, ST ROM strings, client limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "qh_layout.h"

static void parse_ok(const char *s, struct qh_layout *l)
{
	struct qh_error e = {0};
	int rc = qh_layout_parse(s, l, &e);
	if (rc)
		fail_msg("'%s': %s", s, e.msg);
}

static void test_design_internal(void **state)
{
	struct qh_layout l;
	(void)state;

	parse_ok("@Internal Flash  /0x08000000/01*128Ka,15*128Kg", &l);
	assert_string_equal(l.name, "Internal Flash");
	assert_int_equal(l.nzones, 1);
	assert_int_equal(l.z[0].base, 0x08000000);
	assert_int_equal(l.z[0].ngroups, 2);
	assert_int_equal(l.z[0].g[0].count, 1);
	assert_int_equal(l.z[0].g[0].size, 128 * 1024);
	assert_int_equal(l.z[0].g[0].attr, QH_ATTR_READ);
	assert_int_equal(l.z[0].g[1].count, 15);
	assert_int_equal(l.z[0].g[1].attr, QH_ATTR_READ | QH_ATTR_ERASE | QH_ATTR_WRITE);
	assert_int_equal(l.z[0].size, 2 * 1024 * 1024);
}

static void test_split_qspi_and_zones(void **state)
{
	struct qh_layout l;
	(void)state;

	/* 128 MiB of 128 KiB pages split to stay within fwupd's 999 limit. */
	parse_ok("@QSPI Flash /0x90000000/512*128Kg,510*128Kg,2*128Ka", &l);
	assert_int_equal(l.z[0].size, 128u * 1024 * 1024);
	assert_int_equal(l.z[0].g[2].attr, QH_ATTR_READ);
	parse_ok("@Two /0x08000000/4*16Kg/0x20000000/1*64Ke", &l);
	assert_int_equal(l.nzones, 2);
	assert_int_equal(l.z[1].base, 0x20000000);
	assert_int_equal(l.z[1].g[0].attr, QH_ATTR_READ | QH_ATTR_WRITE);
	parse_ok("@Big /0x60000000/2*1Mg", &l);
	assert_int_equal(l.z[0].g[0].size, 1024 * 1024);
}

static void test_st_rom_strings(void **state)
{
	struct qh_layout l;
	(void)state;

	parse_ok("@Internal Flash   /0x08000000/16*128Kg", &l);
	assert_string_equal(l.name, "Internal Flash");
	assert_int_equal(l.z[0].size, 2 * 1024 * 1024);
	/* unit ' ' = bytes, non-power-of-two size */
	parse_ok("@Option Bytes   /0x5200201C/01*128 e", &l);
	assert_string_equal(l.name, "Option Bytes");
	assert_int_equal(l.z[0].g[0].size, 128);
	assert_int_equal(l.z[0].g[0].attr, QH_ATTR_READ | QH_ATTR_WRITE);
	parse_ok("@Option Bytes   /0x5200201C/01*297 e", &l);
	assert_int_equal(l.z[0].g[0].size, 297);
	parse_ok("@Internal Flash   /0x08000000/256*08Kg", &l);
	assert_int_equal(l.z[0].g[0].count, 256);
	assert_int_equal(l.z[0].g[0].size, 8192);
	parse_ok("@OTP Memory   /0x08FFF000/01*1024 e", &l);
	/* the F4 ROM's mixed sectors */
	parse_ok("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", &l);
	assert_int_equal(l.z[0].size, 1024 * 1024);
	/* "   " names (blank) and trailing '/' are tolerated */
	parse_ok("@   /0x08000000/1*1Kg/", &l);
	assert_string_equal(l.name, "");
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
	    "Internal /0x08000000/1*1Kg", /* no @ */
	    "@Internal Flash",            /* no zone */
	    "@X/08000000/1*1Kg",          /* no 0x */
	    "@X/0x08000000/1x1Kg",        /* no * */
	    "@X/0x08000000/1*1Kz",        /* bad type */
	    "@X/0x08000000/0*1Kg",        /* zero pages */
	    "@X/0xF0000000/2*1024Mg",     /* past 4 GiB */
	    "@X/0x08000000/99999999999*1Kg",
	    "@X/0x08000000/1*1Kg junk",
	    "@X/0x108000000/1*1Kg",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct qh_layout l;
		struct qh_error e = {0};
		if (qh_layout_parse(bad[i], &l, &e) != QH_E_FORMAT)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(e.msg, "layout"));
	}
}

static void test_lint_client_limits(void **state)
{
	char msg[1024], longname[200];
	(void)state;

	assert_int_equal(
	    qh_layout_lint("@Internal Flash  /0x08000000/01*128Ka,15*128Kg", msg, sizeof(msg)), 0);
	assert_int_equal(qh_layout_lint("@Q /0x90000000/1024*128Kg", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "999"));
	assert_int_equal(qh_layout_lint("@Q /0x90000000/1*1024 g", msg, sizeof(msg)), 1);
	assert_int_equal(qh_layout_lint("@Q /0x90000000/1*64Kg, 2*64Kg", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "comma"));
	assert_int_equal(qh_layout_lint("@Q /0x90000000/1*64Kg/", msg, sizeof(msg)), 1);
	assert_int_equal(qh_layout_lint("@Q /0X90000000/1*64Kg", msg, sizeof(msg)), 1);
	assert_int_equal(qh_layout_lint("@O /0x5200201C/01*297 e", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "power of two"));
	memset(longname, 'N', sizeof(longname));
	longname[0] = '@';
	strcpy(longname + 110, "/0x08000000/1*1Kg");
	assert_int_equal(qh_layout_lint(longname, msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "126"));
}

static void test_size_str(void **state)
{
	char b[32];
	(void)state;
	qh_size_str(128 * 1024, b, sizeof(b));
	assert_string_equal(b, "128 KiB");
	qh_size_str(2 * 1024 * 1024, b, sizeof(b));
	assert_string_equal(b, "2 MiB");
	qh_size_str(297, b, sizeof(b));
	assert_string_equal(b, "297 B");
	assert_string_equal(qh_attr_str(7), "rew");
	assert_string_equal(qh_attr_str(1), "r--");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_design_internal),    cmocka_unit_test(test_split_qspi_and_zones),
	    cmocka_unit_test(test_st_rom_strings),     cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_lint_client_limits), cmocka_unit_test(test_size_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
