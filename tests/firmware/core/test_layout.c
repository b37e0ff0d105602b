/* SPDX-License-Identifier: MIT */
/* DfuSe layout strings and page lookup (mem/region.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "mem/region.h"

static struct mem_region region(const char *name, uint32_t base)
{
	struct mem_region r;
	memset(&r, 0, sizeof(r));
	r.name = name;
	r.base = base;
	return r;
}

static void test_design_internal_flash_string(void **state)
{
	(void)state;
	struct mem_region r = region("Internal Flash  ", 0x08000000u);
	r.seg[0] = (struct mem_segment){1, 128u * 1024u, MEM_ATTR_READ};
	r.seg[1] = (struct mem_segment){15, 128u * 1024u, 7};
	r.nseg = 2;
	char buf[200];
	int n = mem_region_layout(&r, buf, sizeof(buf));
	assert_string_equal(buf, "@Internal Flash  /0x08020000/15*128Kg/0x08000000/01*128Ka");
	assert_int_equal(n, (int)strlen(buf));
}

/* fwupd 2.0's view of a layout string (plugins/dfu/fu-dfu-target.c):
 * sectors in the order of the string, and fu_dfu_target_get_sector_for_addr()
 * takes the FIRST sector with start <= addr <= start + size -- the end is
 * inclusive, so an address on a boundary also matches the sector before
 * it. Returns the type letter of the sector fwupd picks, 0 if none. */
static char fwupd_sector_type(const char *layout, uint32_t addr)
{
	const char *p = strchr(layout, '/');
	while (p && p[1] == '0') {
		char *end;
		uint32_t a = (uint32_t)strtoul(p + 1, &end, 16);
		p = end + 1;
		for (;;) {
			unsigned long n = strtoul(p, &end, 10);
			unsigned long size = strtoul(end + 1, &end, 10);
			size *= end[0] == 'K' ? 1024u : end[0] == 'M' ? 1024u * 1024u : 1u;
			for (unsigned long i = 0; i < n; i++, a += (uint32_t)size)
				if (addr >= a && addr <= a + size)
					return end[1];
			p = end + 2;
			if (*p != ',')
				break;
			p++;
		}
		p = *p == '/' ? p : NULL;
	}
	return 0;
}

/* Every writable page start must be found writable by fwupd: it refuses an
 * image starting at 0x08020000 with "memory sector at 0x8020000 is not
 * writable" when the bootloader's read-only sector comes first. */
static void assert_fwupd_sees_pages(const struct mem_region *r, const char *layout)
{
	uint32_t a = r->base;
	for (unsigned i = 0; i < r->nseg; i++)
		for (uint32_t k = 0; k < r->seg[i].count; k++, a += r->seg[i].page_size) {
			char t = fwupd_sector_type(layout, a);
			assert_true(t >= 'a' && t <= 'g');
			bool w = ((t - 'a' + 1) & MEM_ATTR_WRITE) != 0;
			if (r->seg[i].attr & MEM_ATTR_WRITE)
				assert_true(w);
			else if (i == 0 && k == 0)
				assert_false(w);
		}
}

static void test_fwupd_finds_writable_pages_writable(void **state)
{
	(void)state;
	char buf[200];
	struct mem_region r = region("Internal Flash  ", 0x08000000u);
	r.seg[0] = (struct mem_segment){1, 128u * 1024u, MEM_ATTR_READ};
	r.seg[1] = (struct mem_segment){15, 128u * 1024u, 7};
	r.nseg = 2;
	assert_true(mem_region_layout(&r, buf, sizeof(buf)) > 0);
	assert_fwupd_sees_pages(&r, buf);
	/* the dual-core guard: bank 2 read-only too */
	r.seg[1] = (struct mem_segment){7, 128u * 1024u, 7};
	r.seg[2] = (struct mem_segment){8, 128u * 1024u, MEM_ATTR_READ};
	r.nseg = 3;
	assert_true(mem_region_layout(&r, buf, sizeof(buf)) > 0);
	assert_fwupd_sees_pages(&r, buf);
	/* QSPI with the journal's read-only pages at the end */
	struct mem_region q = region("QSPI Flash", 0x90000000u);
	q.seg[0] = (struct mem_segment){62, 128u * 1024u, 7};
	q.seg[1] = (struct mem_segment){14, 8192, 7};
	q.seg[2] = (struct mem_segment){2, 8192, MEM_ATTR_READ};
	q.nseg = 3;
	assert_true(mem_region_layout(&q, buf, sizeof(buf)) > 0);
	assert_fwupd_sees_pages(&q, buf);
}

static void test_long_runs_split_evenly_under_999(void **state)
{
	(void)state;
	struct mem_region r = region("QSPI Flash", 0x90000000u);
	r.seg[0] = (struct mem_segment){1024, 128u * 1024u, 7};
	r.nseg = 1;
	char buf[200];
	assert_true(mem_region_layout(&r, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "@QSPI Flash/0x90000000/512*128Kg,512*128Kg");
	r.seg[0].count = 2500; /* three parts of at most 999 */
	assert_true(mem_region_layout(&r, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "@QSPI Flash/0x90000000/834*128Kg,833*128Kg,833*128Kg");
}

static void test_units_and_type_letters(void **state)
{
	(void)state;
	struct mem_region r = region("X", 0x1000u);
	r.seg[0] = (struct mem_segment){2, 512, MEM_ATTR_READ | MEM_ATTR_WRITE};
	r.seg[1] = (struct mem_segment){3, 4096, MEM_ATTR_ERASE};
	r.seg[2] = (struct mem_segment){1, 2u * 1024u * 1024u, MEM_ATTR_READ | MEM_ATTR_ERASE};
	r.nseg = 3;
	char buf[200];
	assert_true(mem_region_layout(&r, buf, sizeof(buf)) > 0);
	/* 512 bytes = "512 " (space unit), type e = rw, b = e, c = re */
	assert_string_equal(buf, "@X/0x00001000/02*512 e,03*4Kb,01*2Mc");
	assert_null(strstr(buf, ", ")); /* pydfu: no space after a comma */
}

static void test_rejects_what_clients_cannot_parse(void **state)
{
	(void)state;
	char buf[300];
	struct mem_region r = region("X", 0);
	r.seg[0] = (struct mem_segment){4, 3000, 7}; /* not a power of two */
	r.nseg = 1;
	assert_int_equal(mem_region_layout(&r, buf, sizeof(buf)), QDFU_E_PARAM);
	r.seg[0] = (struct mem_segment){4, 4096, 0}; /* no attributes */
	assert_int_equal(mem_region_layout(&r, buf, sizeof(buf)), QDFU_E_PARAM);
	/* too long for dfu-util's 255-byte UTF-16 string (126 characters) */
	r.nseg = MEM_MAX_SEGMENTS;
	r.name = "A very long memory name that eats most of the budget of characters we have";
	for (unsigned i = 0; i < MEM_MAX_SEGMENTS; i++)
		r.seg[i] = (struct mem_segment){999, 4096u << (i % 2), (uint8_t)(1 + i % 7)};
	assert_int_equal(mem_region_layout(&r, buf, sizeof(buf)), QDFU_E_PARAM);
}

static void test_page_lookup_and_range_attributes(void **state)
{
	(void)state;
	struct mem_region r = region("Q", 0x90000000u);
	r.size = 3u * 65536u + 2u * 4096u;
	r.seg[0] = (struct mem_segment){3, 65536, 7};
	r.seg[1] = (struct mem_segment){2, 4096, MEM_ATTR_READ};
	r.nseg = 2;
	uint32_t pb, ps;
	uint8_t at;
	assert_true(mem_region_page(&r, 0x90012345u, &pb, &ps, &at));
	assert_int_equal(pb, 0x90010000u);
	assert_int_equal(ps, 65536);
	assert_true(mem_region_page(&r, 0x90031000u, &pb, &ps, &at));
	assert_int_equal(pb, 0x90031000u);
	assert_int_equal(ps, 4096);
	assert_int_equal(at, MEM_ATTR_READ);
	assert_false(mem_region_page(&r, 0x90032000u, &pb, &ps, &at));
	assert_false(mem_region_page(&r, 0x8FFFFFFFu, &pb, &ps, &at));
	assert_int_equal(mem_region_attr_range(&r, 0x90000000u, 3u * 65536u), 7);
	/* one byte into the read-only tail drops write and erase */
	assert_int_equal(mem_region_attr_range(&r, 0x9002FFFFu, 2), MEM_ATTR_READ);
	assert_int_equal(mem_region_attr_range(&r, 0x90031000u, 0x2000), 0); /* past the end */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_design_internal_flash_string),
	    cmocka_unit_test(test_fwupd_finds_writable_pages_writable),
	    cmocka_unit_test(test_long_runs_split_evenly_under_999),
	    cmocka_unit_test(test_units_and_type_letters),
	    cmocka_unit_test(test_rejects_what_clients_cannot_parse),
	    cmocka_unit_test(test_page_lookup_and_range_attributes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
