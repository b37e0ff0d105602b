/* SPDX-License-Identifier: MIT */
/* DfuSe file writer/parser, suffix CRC, malformed files; CRC-32 check values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "qh_crc32.h"
#include "qh_formats.h"

static void test_crc_check_values(void **state)
{
	(void)state;
	/* The CRC catalogue's check value for CRC-32/ISO-HDLC ("123456789"). */
	assert_int_equal(qh_crc32("123456789", 9), 0xCBF43926u);
	/* The DFU suffix CRC is the same register without the final XOR. */
	assert_int_equal(qh_crc32_dfu_suffix("123456789", 9), 0xCBF43926u ^ 0xFFFFFFFFu);
	assert_int_equal(qh_crc32("", 0), 0);
}

static uint8_t data_a[3000], data_b[777];

static void make_file(uint8_t **out, size_t *len)
{
	struct qh_dfuse_file f;
	struct qh_error e = {0};

	for (size_t i = 0; i < sizeof(data_a); i++)
		data_a[i] = (uint8_t)(i * 13);
	for (size_t i = 0; i < sizeof(data_b); i++)
		data_b[i] = (uint8_t)(i ^ 0x5A);
	memset(&f, 0, sizeof(f));
	f.vid = 0x0483;
	f.pid = 0xDF11;
	f.bcd_device = 0x0200;
	f.ntargets = 2;
	f.t[0].alt = 0;
	strcpy(f.t[0].name, "Internal Flash");
	qh_image_init(&f.t[0].img);
	assert_int_equal(qh_image_add(&f.t[0].img, 0x08020000, data_a, sizeof(data_a), "", &e), 0);
	assert_int_equal(qh_image_add(&f.t[0].img, 0x08040000, data_b, sizeof(data_b), "", &e), 0);
	f.t[1].alt = 1;
	strcpy(f.t[1].name, "QSPI Flash");
	qh_image_init(&f.t[1].img);
	assert_int_equal(qh_image_add(&f.t[1].img, 0x90000000, data_b, sizeof(data_b), "", &e), 0);
	assert_int_equal(qh_write_dfuse(&f, out, len, &e), 0);
	qh_dfuse_free(&f);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_roundtrip_and_layout(void **state)
{
	uint8_t *buf;
	size_t len;
	struct qh_dfuse_file f;
	struct qh_error e = {0};
	(void)state;

	make_file(&buf, &len);
	/* Layout per UM0391, checked byte by byte here (not by the parser). */
	assert_int_equal(len, 11 + 2 * 274 + (8 + 3000) + (8 + 777) + (8 + 777) + 16);
	assert_memory_equal(buf, "DfuSe\x01", 6);
	assert_int_equal(le32(buf + 6), len - 16);
	assert_int_equal(buf[10], 2);
	assert_memory_equal(buf + 11, "Target", 6);
	assert_int_equal(buf[17], 0);
	assert_int_equal(le32(buf + 18), 1);
	assert_string_equal((char *)buf + 22, "Internal Flash");
	assert_int_equal(le32(buf + 11 + 266), 8 + 3000 + 8 + 777);
	assert_int_equal(le32(buf + 11 + 270), 2);
	assert_int_equal(le32(buf + 11 + 274), 0x08020000);
	assert_memory_equal(buf + len - 8, "UFD\x10", 4);
	assert_int_equal(buf[len - 10], 0x1A);
	assert_int_equal(buf[len - 9], 0x01);
	assert_int_equal(le32(buf + len - 4), qh_crc32_dfu_suffix(buf, len - 4));

	assert_int_equal(qh_parse_dfuse(buf, len, "x.dfu", &f, &e), 0);
	assert_int_equal(f.vid, 0x0483);
	assert_int_equal(f.pid, 0xDF11);
	assert_int_equal(f.bcd_device, 0x0200);
	assert_int_equal(f.ntargets, 2);
	assert_int_equal(f.t[1].alt, 1);
	assert_string_equal(f.t[1].name, "QSPI Flash");
	assert_int_equal(f.t[0].img.n, 2);
	assert_memory_equal(f.t[0].img.seg[0].data, data_a, sizeof(data_a));
	assert_int_equal(f.t[1].img.seg[0].addr, 0x90000000);
	qh_dfuse_free(&f);
	free(buf);
}

static void expect_bad(uint8_t *buf, size_t len, const char *what)
{
	struct qh_dfuse_file f;
	struct qh_error e = {0};
	int rc = qh_parse_dfuse(buf, len, "bad.dfu", &f, &e);

	qh_dfuse_free(&f);
	if (rc != QH_E_FORMAT || !strstr(e.msg, what))
		fail_msg("rc %d msg '%s' (want '%s')", rc, e.msg, what);
}

static void fix_crc(uint8_t *buf, size_t len)
{
	uint32_t crc = qh_crc32_dfu_suffix(buf, len - 4);
	for (int i = 0; i < 4; i++)
		buf[len - 4 + i] = (uint8_t)(crc >> (8 * i));
}

static void test_malformed(void **state)
{
	uint8_t *buf, *copy;
	size_t len;
	(void)state;

	make_file(&buf, &len);
	copy = malloc(len);
	/* one flipped data bit: CRC mismatch */
	memcpy(copy, buf, len);
	copy[400] ^= 0x10;
	expect_bad(copy, len, "CRC mismatch");
	/* truncated: suffix gone */
	expect_bad(buf, len - 20, "suffix");
	expect_bad(buf, 10, "too short");
	/* bad suffix length */
	memcpy(copy, buf, len);
	copy[len - 5] = 12;
	fix_crc(copy, len);
	expect_bad(copy, len, "suffix length");
	/* wrong bcdDFU */
	memcpy(copy, buf, len);
	copy[len - 10] = 0x00;
	fix_crc(copy, len);
	expect_bad(copy, len, "bcdDFU");
	/* prefix signature, version, size */
	memcpy(copy, buf, len);
	copy[0] = 'X';
	fix_crc(copy, len);
	expect_bad(copy, len, "prefix");
	memcpy(copy, buf, len);
	copy[5] = 2;
	fix_crc(copy, len);
	expect_bad(copy, len, "version");
	memcpy(copy, buf, len);
	copy[6]++;
	fix_crc(copy, len);
	expect_bad(copy, len, "image is");
	/* target signature and a target size past the end */
	memcpy(copy, buf, len);
	copy[11] = 't';
	fix_crc(copy, len);
	expect_bad(copy, len, "Target");
	memcpy(copy, buf, len);
	copy[11 + 266 + 2] = 0x7F;
	fix_crc(copy, len);
	expect_bad(copy, len, "runs past");
	/* an element larger than its target */
	memcpy(copy, buf, len);
	copy[11 + 274 + 4 + 2] = 0x10;
	fix_crc(copy, len);
	expect_bad(copy, len, "element");
	/* element count too small: bytes left over in the target */
	memcpy(copy, buf, len);
	copy[11 + 270] = 1;
	fix_crc(copy, len);
	expect_bad(copy, len, "elements hold");
	free(copy);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc_check_values),
	    cmocka_unit_test(test_roundtrip_and_layout),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
