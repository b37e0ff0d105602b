/* SPDX-License-Identifier: MIT */
/* Intel HEX parser: record types 00-05, checksums, extended addresses,
 * unordered and overlapping records, malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh_formats.h"

/* Build one record; the checksum is computed here, independently of the
 * parser: two's complement of the sum of all bytes. */
static void rec(char *out, uint8_t type, uint16_t addr, const uint8_t *d, unsigned n)
{
	unsigned sum = n + (addr >> 8) + (addr & 0xFF) + type;
	char *p = out + strlen(out);

	p += sprintf(p, ":%02X%04X%02X", n, addr, type);
	for (unsigned i = 0; i < n; i++) {
		p += sprintf(p, "%02X", d[i]);
		sum += d[i];
	}
	sprintf(p, "%02X\n", (unsigned)((256 - (sum & 0xFF)) & 0xFF));
}

static int parse(const char *text, struct qh_image *img, struct qh_error *e)
{
	qh_image_init(img);
	memset(e, 0, sizeof(*e));
	return qh_parse_ihex((const uint8_t *)text, strlen(text), "t.hex", img, e);
}

static void test_linear_and_types(void **state)
{
	char t[2048] = "";
	uint8_t d1[16], d2[4] = {1, 2, 3, 4}, ela[2] = {0x08, 0x02}, ela2[2] = {0x90, 0x00};
	uint8_t start[4] = {0x08, 0x02, 0x01, 0x01};
	struct qh_image img;
	struct qh_error e;
	(void)state;

	for (int i = 0; i < 16; i++)
		d1[i] = (uint8_t)(i * 7);
	rec(t, 0x04, 0, ela, 2);
	rec(t, 0x00, 0x0000, d1, 16);
	rec(t, 0x00, 0x0010, d2, 4);
	rec(t, 0x04, 0, ela2, 2);
	rec(t, 0x00, 0x1000, d2, 4);
	rec(t, 0x05, 0, start, 4);
	rec(t, 0x01, 0, NULL, 0);
	assert_int_equal(parse(t, &img, &e), 0);
	assert_int_equal(img.n, 2);
	assert_int_equal(img.seg[0].addr, 0x08020000);
	assert_int_equal(img.seg[0].len, 20);
	assert_memory_equal(img.seg[0].data, d1, 16);
	assert_memory_equal(img.seg[0].data + 16, d2, 4);
	assert_int_equal(img.seg[1].addr, 0x90001000);
	assert_int_equal(img.entry, 0x08020101);
	assert_true(img.has_entry);
	qh_image_free(&img);
}

static void test_segment_address(void **state)
{
	char t[1024] = "";
	uint8_t seg[2] = {0x12, 0x34}, d[4] = {9, 8, 7, 6};
	struct qh_image img;
	struct qh_error e;
	(void)state;

	/* Type 02: base = 0x1234 << 4 = 0x12340; offset 0xFFFE wraps in the segment. */
	rec(t, 0x02, 0, seg, 2);
	rec(t, 0x00, 0xFFFE, d, 4);
	rec(t, 0x01, 0, NULL, 0);
	assert_int_equal(parse(t, &img, &e), 0);
	assert_int_equal(img.n, 2);
	assert_int_equal(img.seg[0].addr, 0x12340);
	assert_int_equal(img.seg[0].data[0], 7);
	assert_int_equal(img.seg[1].addr, 0x12340 + 0xFFFE);
	assert_int_equal(img.seg[1].data[1], 8);
	qh_image_free(&img);
}

static void test_unordered_and_same_overlap(void **state)
{
	char t[1024] = "";
	uint8_t a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, ab[4] = {3, 4, 5, 6};
	struct qh_image img;
	struct qh_error e;
	(void)state;

	rec(t, 0x00, 0x0104, b, 4);
	rec(t, 0x00, 0x0100, a, 4);
	rec(t, 0x00, 0x0102, ab, 4); /* overlaps both with equal bytes */
	rec(t, 0x01, 0, NULL, 0);
	assert_int_equal(parse(t, &img, &e), 0);
	assert_int_equal(img.n, 1);
	assert_int_equal(img.seg[0].addr, 0x100);
	assert_int_equal(img.seg[0].len, 8);
	assert_memory_equal(img.seg[0].data, a, 4);
	assert_memory_equal(img.seg[0].data + 4, b, 4);
	qh_image_free(&img);
}

static void test_conflicting_overlap(void **state)
{
	char t[1024] = "";
	uint8_t a[4] = {1, 2, 3, 4}, c[2] = {0xEE, 0xEE};
	struct qh_image img;
	struct qh_error e;
	(void)state;

	rec(t, 0x00, 0x0100, a, 4);
	rec(t, 0x00, 0x0101, c, 2);
	rec(t, 0x01, 0, NULL, 0);
	assert_int_equal(parse(t, &img, &e), QH_E_OVERLAP);
	assert_non_null(strstr(e.msg, "0x00000101"));
	assert_non_null(strstr(e.msg, "t.hex:2"));
	qh_image_free(&img);
}

struct bad_case {
	const char *text;
	const char *expect; /* substring of the message */
};

static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
	    {":0400000001020304F1\n:00000001FF\n", "checksum"},
	    {":04000000010203F5\n:00000001FF\n", "truncated"},
	    {":0400000001020304\n:00000001FF\n", "byte count"},
	    {":040000000102030\n:00000001FF\n", "odd"},
	    {":0400000001020304F2\n", "end-of-file"},
	    {"0400000001020304F2\n:00000001FF\n", "':'"},
	    {":04000000010203G4F2\n:00000001FF\n", "hex digit"},
	    {":0100000402F9\n:00000001FF\n", "type 04"},
	    {":030000021234565F\n:00000001FF\n", "type 02"},
	    {":00000006FA\n:00000001FF\n", "record type 06"},
	    {":00000001FF\n:0100000000FF\n", "after the end-of-file"},
	    {":0100000101FD\n", "with data"},
	    {":0200000508FFF2\n:00000001FF\n", "type 03/05"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct qh_image img;
		struct qh_error e;
		int rc = parse(cases[i].text, &img, &e);
		if (rc != QH_E_FORMAT || !strstr(e.msg, cases[i].expect))
			fail_msg("case %zu: rc %d msg '%s' (want '%s')", i, rc, e.msg,
			         cases[i].expect);
		qh_image_free(&img);
	}
}

static void test_crlf_and_blank_lines(void **state)
{
	const char *t = ":0100100000EF\r\n\r\n:00000001FF\r\n";
	struct qh_image img;
	struct qh_error e;
	(void)state;
	assert_int_equal(parse(t, &img, &e), 0);
	assert_int_equal(img.n, 1);
	assert_int_equal(img.seg[0].addr, 0x10);
	assert_int_equal(img.seg[0].data[0], 0x00);
	qh_image_free(&img);
}

static void test_writer_roundtrip(void **state)
{
	struct qh_image a, b;
	struct qh_error e = {0};
	uint8_t buf[100000], *text;
	size_t len;
	(void)state;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + (i >> 8));
	qh_image_init(&a);
	/* crosses a 64 KiB boundary: needs a new type 04 record */
	assert_int_equal(qh_image_add(&a, 0x0800FFF0, buf, sizeof(buf), "t", &e), 0);
	assert_int_equal(qh_image_add(&a, 0x90000000, buf, 33, "t", &e), 0);
	assert_int_equal(qh_write_ihex(&a, &text, &len, &e), 0);
	qh_image_init(&b);
	assert_int_equal(qh_parse_ihex(text, len, "w", &b, &e), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.seg[0].addr, 0x0800FFF0);
	assert_int_equal(b.seg[0].len, sizeof(buf));
	assert_memory_equal(b.seg[0].data, buf, sizeof(buf));
	assert_int_equal(b.seg[1].len, 33);
	free(text);
	qh_image_free(&a);
	qh_image_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linear_and_types),
	    cmocka_unit_test(test_segment_address),
	    cmocka_unit_test(test_unordered_and_same_overlap),
	    cmocka_unit_test(test_conflicting_overlap),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_crlf_and_blank_lines),
	    cmocka_unit_test(test_writer_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
