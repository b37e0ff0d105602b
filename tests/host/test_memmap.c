/* SPDX-License-Identifier: MIT */
/* Image merging and the image-vs-memory-map checker. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "qh_memmap.h"

static uint8_t data[0x40000];

static void map_qdfu(struct qh_memmap *m)
{
	struct qh_layout l;
	struct qh_error e = {0};

	memset(m, 0, sizeof(*m));
	assert_int_equal(qh_layout_parse("@Internal Flash  /0x08000000/01*128Ka,15*128Kg", &l, &e),
	                 0);
	assert_int_equal(qh_memmap_add(m, 0, &l, 0, &e), 0);
	assert_int_equal(qh_layout_parse("@QSPI Flash /0x90000000/62*64Kg,2*64Ka", &l, &e), 0);
	assert_int_equal(qh_memmap_add(m, 1, &l, 0, &e), 0);
	assert_int_equal(qh_layout_parse("@Option Bytes   /0x5200201C/01*128 e", &l, &e), 0);
	assert_int_equal(qh_memmap_add(m, 2, &l, 1, &e), 0);
}

static void test_image_merge(void **state)
{
	struct qh_image a, b;
	struct qh_error e = {0};
	uint8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	(void)state;

	qh_image_init(&a);
	assert_int_equal(qh_image_add(&a, 0x100, x, 4, "a", &e), 0);
	assert_int_equal(qh_image_add(&a, 0x200, x, 8, "a", &e), 0);
	assert_int_equal(qh_image_add(&a, 0x50, x, 2, "a", &e), 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.seg[0].addr, 0x50);
	/* bridging two segments with matching bytes merges all three */
	qh_image_init(&b);
	assert_int_equal(qh_image_add(&b, 0x104, data, 0xFC, "b", &e), 0);
	assert_int_equal(qh_image_merge(&a, &b, "b", &e), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.seg[1].addr, 0x100);
	assert_int_equal(a.seg[1].len, 0x108);
	assert_memory_equal(a.seg[1].data, x, 4);
	assert_memory_equal(a.seg[1].data + 0x100, x, 8);
	assert_int_equal(qh_image_byte(&a, 0x51), 2);
	assert_int_equal(qh_image_byte(&a, 0x52), -1);
	assert_int_equal(qh_image_bytes(&a), 2 + 0x108);
	/* a conflicting byte is refused, naming the origin and the address */
	qh_image_free(&b);
	qh_image_init(&b);
	assert_int_equal(qh_image_add(&b, 0x205, x, 1, "other.hex", &e), 0);
	assert_int_equal(qh_image_merge(&a, &b, "other.hex", &e), QH_E_OVERLAP);
	assert_non_null(strstr(e.msg, "other.hex"));
	assert_non_null(strstr(e.msg, "0x00000205"));
	/* past 4 GiB */
	memset(&e, 0, sizeof(e));
	assert_int_equal(qh_image_add(&a, 0xFFFFFFFE, x, 4, "a", &e), QH_E_FORMAT);
	qh_image_free(&a);
	qh_image_free(&b);
}

static void test_route_and_pages(void **state)
{
	struct qh_memmap m;
	struct qh_image img;
	struct qh_plan p;
	struct qh_error e = {0};
	(void)state;

	map_qdfu(&m);
	qh_image_init(&img);
	/* 0x08020000 + 0x20010: two full 128K pages... no: one full page + 16 bytes of the next */
	assert_int_equal(qh_image_add(&img, 0x08020000, data, 0x20010, "x", &e), 0);
	assert_int_equal(qh_image_add(&img, 0x90000000, data, 0x100, "x", &e), 0);
	assert_int_equal(qh_image_add(&img, 0x9000FFF0, data, 0x20, "x", &e), 0);
	assert_int_equal(qh_plan_build(&m, &img, &p, &e), 0);
	assert_int_equal(p.bytes, 0x20010 + 0x100 + 0x20);
	/* pages: 0x08020000, 0x08040000; QSPI 0x90000000 (two segments share it), 0x90010000 */
	assert_int_equal(p.npage, 4);
	assert_int_equal(p.page[0].addr, 0x08020000);
	assert_int_equal(p.page[1].addr, 0x08040000);
	assert_int_equal(p.page[2].addr, 0x90000000);
	assert_int_equal(p.page[2].size, 0x10000);
	assert_int_equal(p.page[3].addr, 0x90010000);
	assert_int_equal(p.erase_bytes, 2 * 0x20000 + 2 * 0x10000);
	/* chunks carry the alt of their region */
	assert_int_equal(p.nchunk, 3);
	assert_int_equal(m.r[p.chunk[0].region].alt, 0);
	assert_int_equal(p.chunk[0].len, 0x20010);
	assert_int_equal(m.r[p.chunk[1].region].alt, 1);
	assert_ptr_equal(p.chunk[2].data, img.seg[2].data);
	qh_plan_free(&p);
	qh_image_free(&img);
}

static void expect_refused(const struct qh_memmap *m, uint32_t addr, uint32_t len,
                           const char *const *want)
{
	struct qh_image img;
	struct qh_plan p;
	struct qh_error e = {0};

	qh_image_init(&img);
	assert_int_equal(qh_image_add(&img, addr, data, len, "x", &e), 0);
	assert_int_equal(qh_plan_build(m, &img, &p, &e), QH_E_MAP);
	assert_int_equal(p.nchunk, 0);
	for (; *want; want++)
		if (!strstr(e.msg, *want))
			fail_msg("message lacks '%s':\n%s", *want, e.msg);
	qh_image_free(&img);
}

static void test_refusals(void **state)
{
	struct qh_memmap m;
	static const char *const bootloader[] = {"0x08000000-0x0800FFFF", "read-only",
	                                         "Internal Flash", "nothing was erased", NULL};
	static const char *const unmapped[] = {"0x30000000-0x300000FF", "not in any memory", NULL};
	static const char *const oversize[] = {"0x08200000-0x0820000F", "past the end",
	                                       "Internal Flash", NULL};
	static const char *const journal[] = {"0x903E0000", "read-only", "QSPI Flash", NULL};
	static const char *const optbytes[] = {"Option Bytes", "never writes", NULL};
	(void)state;

	map_qdfu(&m);
	expect_refused(&m, 0x08000000, 0x10000, bootloader);
	expect_refused(&m, 0x30000000, 0x100, unmapped);
	expect_refused(&m, 0x081FFFF0, 0x20, oversize);
	expect_refused(&m, 0x903DFFF0, 0x20, journal);
	expect_refused(&m, 0x5200201C, 4, optbytes);
}

static void test_several_problems_listed(void **state)
{
	struct qh_memmap m;
	struct qh_image img;
	struct qh_plan p;
	struct qh_error e = {0};
	(void)state;

	map_qdfu(&m);
	qh_image_init(&img);
	assert_int_equal(qh_image_add(&img, 0x08000000, data, 16, "x", &e), 0);
	assert_int_equal(qh_image_add(&img, 0x08020000, data, 16, "x", &e), 0);
	assert_int_equal(qh_image_add(&img, 0x40000000, data, 16, "x", &e), 0);
	assert_int_equal(qh_plan_build(&m, &img, &p, &e), QH_E_MAP);
	assert_non_null(strstr(e.msg, "0x08000000"));
	assert_non_null(strstr(e.msg, "0x40000000"));
	assert_null(strstr(e.msg, "0x08020000"));
	qh_image_free(&img);
}

static void test_find(void **state)
{
	struct qh_memmap m;
	uint32_t pb, ps;
	uint8_t attr;
	(void)state;

	map_qdfu(&m);
	assert_int_equal(qh_memmap_find(&m, 0x0801FFFF, &pb, &ps, &attr), 0);
	assert_int_equal(pb, 0x08000000);
	assert_int_equal(attr, QH_ATTR_READ);
	assert_int_equal(qh_memmap_find(&m, 0x08020000, &pb, &ps, &attr), 0);
	assert_int_equal(attr, 7);
	assert_int_equal(qh_memmap_find(&m, 0x90012345, &pb, &ps, &attr), 1);
	assert_int_equal(pb, 0x90010000);
	assert_int_equal(qh_memmap_find(&m, 0x08200000, &pb, &ps, &attr), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_image_merge), cmocka_unit_test(test_route_and_pages),
	    cmocka_unit_test(test_refusals),    cmocka_unit_test(test_several_problems_listed),
	    cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
