/* SPDX-License-Identifier: MIT */
/*
 * Zero install's checks in libqdfu (qh_rom.c) that need no device: flasher
 * images (identity record, version, size, vector table), ROM versions, and
 * a flasher against the ROM it would run under.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qh_rom.h"

#define LOAD 0x24040000u

static uint8_t img[4096];

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A plausible flasher: vectors, then the record at 0x298 like the arm build. */
static size_t make(const char *board, uint32_t iflash)
{
	struct qdfu_flasher_id id;
	memset(img, 0, sizeof(img));
	put32(img, LOAD + 0x40000u);
	put32(img + 4, LOAD + 0x401u);
	memset(&id, 0, sizeof(id));
	memcpy(id.magic, QDFU_FLASHER_MAGIC, QDFU_FLASHER_MAGIC_LEN);
	snprintf(id.board, sizeof(id.board), "%s", board);
	snprintf(id.family, sizeof(id.family), "STM32H74x/H75x");
	memcpy(img + 0x298, &id, sizeof(id));
	put32(img + 0x298 + offsetof(struct qdfu_flasher_id, version), QDFU_FLASHER_VERSION);
	put32(img + 0x298 + offsetof(struct qdfu_flasher_id, load_addr), LOAD);
	put32(img + 0x298 + offsetof(struct qdfu_flasher_id, max_size), 0x40000u);
	put32(img + 0x298 + offsetof(struct qdfu_flasher_id, iflash_bytes), iflash);
	return sizeof(img);
}

static void test_parse_good(void **state)
{
	(void)state;
	struct qh_flasher f;
	struct qh_error e = {0};
	assert_int_equal(qh_flasher_parse(img, make("stm32h745i-disco", 2u << 20), "f", &f, &e), 0);
	assert_string_equal(f.id.board, "stm32h745i-disco");
	assert_int_equal(f.id.load_addr, LOAD);
	assert_int_equal(f.len, sizeof(img));
	qh_flasher_free(&f);
}

static void test_parse_refusals(void **state)
{
	(void)state;
	struct qh_flasher f;
	struct qh_error e = {0};
	size_t n = make("x", 0);
	img[0x298] ^= 1; /* magic */
	assert_int_equal(qh_flasher_parse(img, n, "f", &f, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "not a qdfu flasher image"));
	n = make("x", 0);
	put32(img + 0x298 + offsetof(struct qdfu_flasher_id, version), 9);
	qh_error_clear(&e);
	assert_int_equal(qh_flasher_parse(img, n, "f", &f, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "record version 9"));
	n = make("x", 0);
	put32(img + 4, 0x08000401u); /* reset handler outside the image */
	qh_error_clear(&e);
	assert_int_equal(qh_flasher_parse(img, n, "f", &f, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "no valid vector table"));
	n = make("x", 0);
	put32(img + 0x298 + offsetof(struct qdfu_flasher_id, max_size), 1024);
	qh_error_clear(&e);
	assert_int_equal(qh_flasher_parse(img, n, "f", &f, &e), QH_E_FORMAT);
	assert_non_null(strstr(e.msg, "more than the 1024 its RAM holds"));
}

static void test_versions(void **state)
{
	(void)state;
	struct qh_rom_info ri = {.family = "STM32H74x/H75x", .have_boot_id = 1};
	struct qh_error e = {0};
	ri.boot_id = 0x91;
	assert_int_equal(qh_rom_check_version(&ri, &e), 0);
	ri.boot_id = 0xD2;
	assert_int_equal(qh_rom_check_version(&ri, &e), 0);
	ri.boot_id = 0x90;
	assert_int_equal(qh_rom_check_version(&ri, &e), QH_E_UNSUPPORTED);
	assert_non_null(strstr(e.msg, "V9.0"));
	qh_error_clear(&e);
	ri.boot_id = 0x77;
	assert_int_equal(qh_rom_check_version(&ri, &e), QH_E_UNSUPPORTED);
	assert_non_null(strstr(e.msg, "unknown ST ROM bootloader version 0x77"));
	ri.have_boot_id = 0; /* unreadable: tried */
	assert_int_equal(qh_rom_check_version(&ri, NULL), 0);
}

/* The OCTOSPI lines' ROMs (AN2606 Tables 134, 138): their IDs are their own,
 * and 0x90 is not the broken H74x V9.0 on an H7A3/B3/B0. */
static void test_versions_per_line(void **state)
{
	(void)state;
	struct qh_rom_info ri = {.family = "STM32H72x/H73x", .have_boot_id = 1};
	struct qh_error e = {0};
	for (uint8_t id = 0x91; id <= 0x93; id++) {
		ri.boot_id = id;
		assert_int_equal(qh_rom_check_version(&ri, &e), 0);
	}
	ri.boot_id = 0x90; /* no such H72x/H73x ROM */
	assert_int_equal(qh_rom_check_version(&ri, &e), QH_E_UNSUPPORTED);
	assert_non_null(strstr(e.msg, "unknown ST ROM bootloader version 0x90 on this STM32H72x"));
	assert_non_null(strstr(e.hint, "0x91, 0x92, 0x93"));
	qh_error_clear(&e);
	snprintf(ri.family, sizeof(ri.family), "STM32H7A3/B3/B0");
	for (uint8_t id = 0x90; id <= 0x92; id++) {
		ri.boot_id = id;
		assert_int_equal(qh_rom_check_version(&ri, &e), 0);
	}
	ri.boot_id = 0x93;
	assert_int_equal(qh_rom_check_version(&ri, &e), QH_E_UNSUPPORTED);
	qh_error_clear(&e);
}

static void test_flasher_vs_rom(void **state)
{
	(void)state;
	struct qh_flasher f;
	struct qh_error e = {0};
	struct qh_rom_info ri = {.family = "STM32H74x/H75x", .iflash_bytes = 2u << 20};
	assert_int_equal(qh_flasher_parse(img, make("stm32h750b-dk", 128u << 10), "f", &f, &e), 0);
	assert_int_equal(qh_rom_check_flasher(&ri, &f, NULL, &e), QH_E_UNSUPPORTED);
	assert_non_null(strstr(e.msg, "2048 KiB of internal flash, but stm32h750b-dk's has 128"));
	qh_error_clear(&e);
	assert_int_equal(qh_rom_check_flasher(&ri, &f, "daisy-seed", &e), QH_E_USAGE);
	ri.iflash_bytes = 128u << 10;
	assert_int_equal(qh_rom_check_flasher(&ri, &f, "stm32h750b-dk", NULL), 0);
	snprintf(ri.family, sizeof(ri.family), "STM32H72x/H73x");
	assert_int_equal(qh_rom_check_flasher(&ri, &f, NULL, NULL), QH_E_UNSUPPORTED);
	qh_flasher_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),     cmocka_unit_test(test_parse_refusals),
	    cmocka_unit_test(test_versions),       cmocka_unit_test(test_versions_per_line),
	    cmocka_unit_test(test_flasher_vs_rom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
