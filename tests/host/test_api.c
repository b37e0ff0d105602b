/* SPDX-License-Identifier: MIT */
/*
 * The public interface qdfu.h without a device: images, memory maps, the
 * check before flashing, errors with hints. (With a device: the example
 * program in tests/host/install_check.sh, against qdfu-sim.)
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "qdfu.h"

static const char *const h7[] = {
    "@Internal Flash  /0x08000000/01*128Ka,15*128Kg",
    "@QSPI Flash /0x90000000/128*64Kg",
};

static void test_version_and_errors(void **state)
{
	(void)state;
	assert_true(strlen(qdfu_version()) >= 5);
	assert_string_equal(qdfu_strerror(QDFU_E_VERIFY), "verify mismatch");
	assert_string_equal(qdfu_strerror(QDFU_E_CANCELLED), "cancelled");
}

static void test_image_and_check(void **state)
{
	struct qdfu_error err;
	struct qdfu_region r;
	qdfu_image *img;
	qdfu_memmap *map;
	uint8_t buf[300];
	uint32_t addr, len;
	const uint8_t *data;
	size_t pages = 0;
	uint64_t bytes = 0;
	(void)state;

	memset(buf, 0x5A, sizeof(buf));
	assert_int_equal(qdfu_image_new(&img, &err), QDFU_OK);
	assert_int_equal(qdfu_image_add_data(img, 0x08020000, buf, sizeof(buf), &err), QDFU_OK);
	assert_int_equal(qdfu_image_add_data(img, 0x90000000, buf, 10, &err), QDFU_OK);
	assert_int_equal(qdfu_image_segments(img), 2);
	assert_int_equal(qdfu_image_segment(img, 1, &addr, &len, &data), QDFU_OK);
	assert_int_equal(addr, 0x90000000);
	assert_int_equal(len, 10);
	assert_int_equal(qdfu_image_bytes(img), 310);
	/* different bytes for the same address */
	buf[0] = 1;
	assert_int_equal(qdfu_image_add_data(img, 0x08020000, buf, 4, &err), QDFU_E_OVERLAP);
	assert_int_equal(err.code, QDFU_E_OVERLAP);
	assert_true(err.message[0] != '\0');
	assert_true(err.hint[0] != '\0');

	assert_int_equal(qdfu_memmap_from_layouts(&map, h7, 2, &err), QDFU_OK);
	assert_int_equal(qdfu_memmap_regions(map), 2);
	assert_int_equal(qdfu_memmap_region(map, 1, &r), QDFU_OK);
	assert_string_equal(r.name, "QSPI Flash");
	assert_int_equal(r.start, 0x90000000);
	assert_int_equal(r.size, 128u * 64 * 1024);
	assert_int_equal(r.page_size, 64 * 1024);
	assert_int_equal(r.access, QDFU_READ | QDFU_ERASE | QDFU_WRITE);
	assert_int_equal(qdfu_memmap_check(map, img, &pages, &bytes, &err), QDFU_OK);
	assert_int_equal(pages, 2);
	assert_int_equal(bytes, 128 * 1024 + 64 * 1024);

	/* the bootloader's sector is read-only: refused, with the range named */
	assert_int_equal(qdfu_image_add_data(img, 0x08000000, buf, 16, &err), QDFU_OK);
	assert_int_equal(qdfu_memmap_check(map, img, NULL, NULL, &err), QDFU_E_MAP);
	assert_non_null(strstr(err.message, "0x08000000"));
	assert_true(err.hint[0] != '\0');
	qdfu_memmap_free(map);
	qdfu_image_free(img);
}

static void test_bad_input(void **state)
{
	struct qdfu_error err;
	qdfu_image *img;
	qdfu_memmap *map = NULL;
	const char *bad[] = {"no layout here"};
	(void)state;

	assert_int_equal(qdfu_image_new(&img, &err), QDFU_OK);
	assert_int_equal(qdfu_image_add_file(img, "/nonexistent/app.hex", &err), QDFU_E_IO);
	assert_non_null(strstr(err.message, "app.hex"));
	assert_int_equal(qdfu_image_add_file(img, "app.bin@90000000", &err), QDFU_E_USAGE);
	assert_non_null(strstr(err.hint, "0x90000000"));
	assert_int_equal(qdfu_memmap_from_layouts(&map, bad, 1, &err), QDFU_E_FORMAT);
	assert_null(map);
	assert_int_equal(qdfu_image_add_data(NULL, 0, "x", 1, NULL), QDFU_E_USAGE);
	qdfu_image_free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version_and_errors),
	    cmocka_unit_test(test_image_and_check),
	    cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
