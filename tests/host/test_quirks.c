/* SPDX-License-Identifier: MIT */
/* Recognising devices: qdfu, ST's ROM bootloader, other DfuSe / DFU 1.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "qh_ops.h"
#include "qh_usb.h"

static void dev(struct qh_dev_info *i, uint16_t vid, uint16_t pid, uint16_t bcd,
                const char *product, const char *alt0, const char *alt1)
{
	memset(i, 0, sizeof(*i));
	i->vid = vid;
	i->pid = pid;
	i->bcd_device = bcd;
	i->bcd_dfu = 0x011A;
	i->kind = QH_KIND_DFU;
	strcpy(i->product, product);
	strcpy(i->alts[0].name, alt0);
	i->nalts = 1;
	if (alt1) {
		strcpy(i->alts[1].name, alt1);
		i->alts[1].alt = 1;
		i->nalts = 2;
	}
}

static void test_st_rom_h7(void **state)
{
	struct qh_dev_info i;
	struct qh_memmap m;
	struct qh_error e = {0};
	(void)state;

	dev(&i, 0x0483, 0xDF11, 0x0200, "DFU in FS Mode", "@Internal Flash   /0x08000000/16*128Kg",
	    "@Option Bytes   /0x5200201C/01*128 e");
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_ST_ROM);
	assert_true(i.quirks & QH_QUIRK_SERIAL_NOT_UNIQUE);
	assert_true(i.quirks & QH_QUIRK_LEAVE_TO_POINTER);
	assert_true(i.alts[0].layout_ok);
	assert_false(i.alts[0].excluded);
	assert_true(i.alts[1].excluded);
	/* the option bytes are in the map (for messages) but never written */
	assert_int_equal(qh_dev_memmap(&i, &m, &e), 0);
	assert_int_equal(m.n, 2);
	assert_true(m.r[1].excluded);
}

static void test_st_rom_other_strings(void **state)
{
	struct qh_dev_info i;
	(void)state;

	dev(&i, 0x0483, 0xDF11, 0x2200, "STM32  BOOTLOADER",
	    "@Internal Flash  /0x08000000/04*016Kg", NULL);
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_ST_ROM);
	/* unknown product string, but an option-bytes alt on ST's id */
	dev(&i, 0x0483, 0xDF11, 0x0300, "Something", "@Internal Flash /0x08000000/8*128Kg",
	    "@Option Bytes  /0x5200201C/01*88 e");
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_ST_ROM);
}

static void test_qdfu_and_others(void **state)
{
	struct qh_dev_info i;
	(void)state;

	/* qdfu uses ST's VID:PID too: its product string tells it apart */
	dev(&i, 0x0483, 0xDF11, 0x0100, "qdfu bootloader STM32H745I-DISCO",
	    "@Internal Flash  /0x08000000/01*128Ka,15*128Kg", "@QSPI Flash /0x90000000/1024*64Kg");
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_QDFU);
	assert_int_equal(i.quirks, 0);
	dev(&i, 0x1209, 0x0001, 0x0100, "Some DfuSe thing", "@Flash /0x08000000/64*2Kg", NULL);
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_DFUSE);
	dev(&i, 0x1209, 0x0002, 0x0100, "Plain DFU", "firmware", NULL);
	i.bcd_dfu = 0x0110;
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_DFU);
	assert_false(i.alts[0].layout_ok);
	dev(&i, 0x1209, 0x0003, 0x0100, "App", "runtime", NULL);
	i.kind = QH_KIND_RUNTIME;
	qh_classify(&i);
	assert_int_equal(i.kind, QH_KIND_RUNTIME);
}

static void test_vidpid(void **state)
{
	uint16_t v, p;
	(void)state;
	assert_int_equal(qh_parse_vidpid("0483:df11", &v, &p), 0);
	assert_int_equal(v, 0x0483);
	assert_int_equal(p, 0xDF11);
	assert_int_equal(qh_parse_vidpid("0483", &v, &p), -1);
	assert_int_equal(qh_parse_vidpid("0483:df11x", &v, &p), -1);
	assert_int_equal(qh_parse_vidpid("10483:df11", &v, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_st_rom_h7),
	    cmocka_unit_test(test_st_rom_other_strings),
	    cmocka_unit_test(test_qdfu_and_others),
	    cmocka_unit_test(test_vidpid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
