/* SPDX-License-Identifier: MIT */
/* ELF32 loader: PT_LOAD at p_paddr, .bss skipped, malformed headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "qh_formats.h"

struct ph {
	uint32_t type, offset, vaddr, paddr, filesz, memsz;
};

static void w32(uint8_t *p, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void w16(uint8_t *p, uint16_t v, int be)
{
	p[be ? 1 : 0] = (uint8_t)v;
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
}

/* Build an ELF32 executable image into buf (header, program headers at 52). */
static size_t make_elf(uint8_t *buf, size_t cap, const struct ph *ph, unsigned n, int be)
{
	size_t end = 52 + 32 * n;

	memset(buf, 0, cap);
	memcpy(buf,
	       "\x7F"
	       "ELF",
	       4);
	buf[4] = 1;
	buf[5] = be ? 2 : 1;
	buf[6] = 1;
	w16(buf + 16, 2, be);  /* ET_EXEC */
	w16(buf + 18, 40, be); /* EM_ARM */
	w32(buf + 20, 1, be);
	w32(buf + 24, 0x08020101, be);
	w32(buf + 28, 52, be);
	w16(buf + 40, 52, be);
	w16(buf + 42, 32, be);
	w16(buf + 44, (uint16_t)n, be);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = buf + 52 + 32 * i;
		w32(p, ph[i].type, be);
		w32(p + 4, ph[i].offset, be);
		w32(p + 8, ph[i].vaddr, be);
		w32(p + 12, ph[i].paddr, be);
		w32(p + 16, ph[i].filesz, be);
		w32(p + 20, ph[i].memsz, be);
		if (ph[i].offset + ph[i].filesz > end)
			end = ph[i].offset + ph[i].filesz;
		for (uint32_t k = 0; k < ph[i].filesz && ph[i].offset + k < cap; k++)
			buf[ph[i].offset + k] = (uint8_t)(k * 3 + i);
	}
	return end;
}

static uint8_t buf[8192];

static void test_load_segments(void **state)
{
	/* .text at 0x08020000, .data with VMA in RAM and LMA in flash, .bss
	 * (no file bytes), and a non-LOAD header. */
	const struct ph ph[] = {
	    {1, 0x200, 0x08020000, 0x08020000, 0x100, 0x100},
	    {1, 0x300, 0x20000000, 0x08020100, 0x40, 0x80},
	    {1, 0x340, 0x20000100, 0x20000100, 0, 0x400},
	    {4, 0x380, 0, 0, 0x20, 0x20},
	};
	struct qh_image img;
	struct qh_error e = {0};
	(void)state;

	for (int be = 0; be < 2; be++) {
		size_t len = make_elf(buf, sizeof(buf), ph, 4, be);
		qh_image_init(&img);
		assert_int_equal(qh_parse_elf(buf, len, "a.elf", &img, &e), 0);
		/* .text and .data's load image are contiguous: one segment. */
		assert_int_equal(img.n, 1);
		assert_int_equal(img.seg[0].addr, 0x08020000);
		assert_int_equal(img.seg[0].len, 0x140);
		assert_memory_equal(img.seg[0].data, buf + 0x200, 0x100);
		assert_memory_equal(img.seg[0].data + 0x100, buf + 0x300, 0x40);
		assert_int_equal(img.entry, 0x08020101);
		qh_image_free(&img);
	}
}

static void expect_bad(const uint8_t *b, size_t len, const char *what)
{
	struct qh_image img;
	struct qh_error e = {0};
	int rc;

	qh_image_init(&img);
	rc = qh_parse_elf(b, len, "bad.elf", &img, &e);
	if (rc != QH_E_FORMAT || !strstr(e.msg, what))
		fail_msg("rc %d msg '%s' (want '%s')", rc, e.msg, what);
	qh_image_free(&img);
}

static void test_bad_headers(void **state)
{
	const struct ph ok[] = {{1, 0x100, 0x08020000, 0x08020000, 0x10, 0x10}};
	const struct ph past_end[] = {{1, 0x100, 0x08020000, 0x08020000, 0x10000, 0x10000}};
	const struct ph file_gt_mem[] = {{1, 0x100, 0x08020000, 0x08020000, 0x20, 0x10}};
	const struct ph no_load[] = {{4, 0x100, 0, 0, 0x10, 0x10}};
	size_t len;
	(void)state;

	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	buf[1] = 'X';
	expect_bad(buf, len, "magic");
	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	buf[4] = 2;
	expect_bad(buf, len, "64-bit");
	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	buf[5] = 3;
	expect_bad(buf, len, "encoding");
	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	expect_bad(buf, 40, "truncated ELF header");
	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	w16(buf + 42, 40, 0);
	expect_bad(buf, len, "program header size");
	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	w32(buf + 28, 8000, 0);
	expect_bad(buf, len, "beyond the end");
	len = make_elf(buf, sizeof(buf), ok, 1, 0);
	w16(buf + 44, 0, 0);
	expect_bad(buf, len, "no program headers");
	(void)make_elf(buf, sizeof(buf), past_end, 1, 0);
	expect_bad(buf, 0x200, "beyond the end of the file");
	len = make_elf(buf, sizeof(buf), file_gt_mem, 1, 0);
	expect_bad(buf, len, "p_filesz");
	len = make_elf(buf, sizeof(buf), no_load, 1, 0);
	expect_bad(buf, len, "no loadable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_segments),
	    cmocka_unit_test(test_bad_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
