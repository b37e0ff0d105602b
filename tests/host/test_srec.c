/* SPDX-License-Identifier: MIT */
/* S-record parser: S0-S9, checksums, counts, malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh_formats.h"

/* One record; checksum = ones' complement of the byte sum, computed here. */
static void rec(char *out, char type, unsigned aw, uint32_t addr, const uint8_t *d, unsigned n)
{
	unsigned count = aw + n + 1, sum = count;
	char *p = out + strlen(out);

	p += sprintf(p, "S%c%02X", type, count);
	for (int i = (int)aw - 1; i >= 0; i--) {
		unsigned b = (addr >> (8 * i)) & 0xFF;
		p += sprintf(p, "%02X", b);
		sum += b;
	}
	for (unsigned i = 0; i < n; i++) {
		p += sprintf(p, "%02X", d[i]);
		sum += d[i];
	}
	sprintf(p, "%02X\n", (unsigned)(~sum & 0xFF));
}

static int parse(const char *text, struct qh_image *img, struct qh_error *e)
{
	qh_image_init(img);
	memset(e, 0, sizeof(*e));
	return qh_parse_srec((const uint8_t *)text, strlen(text), "t.srec", img, e);
}

static void test_all_widths(void **state)
{
	char t[2048] = "";
	uint8_t d[8] = {0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4};
	struct qh_image img;
	struct qh_error e;
	(void)state;

	rec(t, '0', 2, 0, (const uint8_t *)"hdr", 3);
	rec(t, '1', 2, 0x1234, d, 4);
	rec(t, '2', 3, 0x123456, d, 8);
	rec(t, '3', 4, 0x90000000, d + 4, 4);
	rec(t, '5', 2, 3, NULL, 0);
	rec(t, '7', 4, 0x08020101, NULL, 0);
	assert_int_equal(parse(t, &img, &e), 0);
	assert_int_equal(img.n, 3);
	assert_int_equal(img.seg[0].addr, 0x1234);
	assert_memory_equal(img.seg[0].data, d, 4);
	assert_int_equal(img.seg[1].addr, 0x123456);
	assert_int_equal(img.seg[1].len, 8);
	assert_int_equal(img.seg[2].addr, 0x90000000);
	assert_memory_equal(img.seg[2].data, d + 4, 4);
	assert_int_equal(img.entry, 0x08020101);
	qh_image_free(&img);

	t[0] = '\0';
	rec(t, '1', 2, 0x0010, d, 2);
	rec(t, '6', 3, 1, NULL, 0);
	rec(t, '9', 2, 0x0010, NULL, 0);
	assert_int_equal(parse(t, &img, &e), 0);
	assert_int_equal(img.entry, 0x10);
	qh_image_free(&img);

	t[0] = '\0';
	rec(t, '2', 3, 0x010000, d, 2);
	rec(t, '8', 3, 0x010000, NULL, 0);
	assert_int_equal(parse(t, &img, &e), 0);
	qh_image_free(&img);
}

static void test_malformed(void **state)
{
	char good[256] = "", t[512];
	uint8_t d[4] = {1, 2, 3, 4};
	struct qh_image img;
	struct qh_error e;
	(void)state;

	rec(good, '3', 4, 0x08000000, d, 4);
	/* checksum: change the last digit */
	strcpy(t, good);
	t[strlen(t) - 2] ^= 1;
	strcat(t, "S70500000000FA\n");
	assert_int_equal(parse(t, &img, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "checksum"));
	qh_image_free(&img);
	/* truncated: drop two digits */
	strcpy(t, good);
	memmove(t + strlen(t) - 5, t + strlen(t) - 3, 4);
	strcat(t, "S70500000000FA\n");
	assert_int_equal(parse(t, &img, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "truncated"));
	qh_image_free(&img);
	/* no termination record */
	assert_int_equal(parse(good, &img, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "termination"));
	qh_image_free(&img);
	/* S4 reserved, bad type, not an S-record, wrong count */
	assert_int_equal(parse("S4030000FC\n", &img, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "S4"));
	qh_image_free(&img);
	assert_int_equal(parse("SX030000FC\n", &img, &e), QH_E_FORMAT);
	qh_image_free(&img);
	assert_int_equal(parse(":00000001FF\n", &img, &e), QH_E_FORMAT);
	qh_image_free(&img);
	t[0] = '\0';
	rec(t, '1', 2, 0, d, 1);
	rec(t, '5', 2, 5, NULL, 0);
	rec(t, '9', 2, 0, NULL, 0);
	assert_int_equal(parse(t, &img, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "count record"));
	qh_image_free(&img);
	/* data after the end record */
	t[0] = '\0';
	rec(t, '9', 2, 0, NULL, 0);
	rec(t, '1', 2, 0, d, 1);
	assert_int_equal(parse(t, &img, &e), QH_E_FORMAT);
	qh_image_free(&img);
	/* overlap with different data */
	t[0] = '\0';
	rec(t, '1', 2, 0x100, d, 4);
	rec(t, '1', 2, 0x102, d, 4);
	rec(t, '9', 2, 0, NULL, 0);
	assert_int_equal(parse(t, &img, &e), QH_E_OVERLAP);
	qh_image_free(&img);
}

static void test_writer_roundtrip(void **state)
{
	struct qh_image a, b;
	struct qh_error e = {0};
	uint8_t buf[5000], *text;
	size_t len;
	(void)state;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i ^ (i >> 3));
	qh_image_init(&a);
	assert_int_equal(qh_image_add(&a, 0x08020000, buf, sizeof(buf), "t", &e), 0);
	a.has_entry = 1;
	a.entry = 0x08020199;
	assert_int_equal(qh_write_srec(&a, &text, &len, &e), 0);
	qh_image_init(&b);
	assert_int_equal(qh_parse_srec(text, len, "w", &b, &e), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.seg[0].len, sizeof(buf));
	assert_memory_equal(b.seg[0].data, buf, sizeof(buf));
	assert_int_equal(b.entry, 0x08020199);
	free(text);
	qh_image_free(&a);
	qh_image_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_widths),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_writer_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
