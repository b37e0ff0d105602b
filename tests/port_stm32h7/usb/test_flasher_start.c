/* SPDX-License-Identifier: MIT */
/*
 * The flasher's start from the state ST's ROM DFU bootloader leaves
 * (facts "st-rom-dfu", Leave and RAM), on the register models: the supply
 * configuration already written (write-once), SYSCLK on PLL1, the OTG core
 * enumerated, addressed and configured by a USB session (the bootloader's
 * own stack standing in for the ROM's) and its interrupt enabled and
 * pending in the NVIC, SysTick
 * running with its exception pending. The flasher's own start
 * (h7_quiesce_after_rom, then port_init and bootloader_init with the
 * flasher board, as main_flasher.c does) must clear the NVIC and SysTick,
 * never rewrite the supply, switch clocks in the allowed order, and come up
 * on USB as "qdfu flasher ..." with all of internal flash writable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bootloader/bootloader.h"
#include "common/compiler.h"
#include "common/err.h"
#include "h7_harness.h"
#include "hal/port.h"
#include "mmio.h"
#include "port/stm32h7/h7_flasher.h"
#include "port/stm32h7/h7_sys.h"
#include "sim/h7/scs_model.h"
#include "sim/port/simport_internal.h"

extern const struct board board_stm32h745i_disco;
extern const struct board board_stm32h750b_dk;
extern const struct board board_stm32h735g_dk;
extern const struct board board_stm32h7b3i_dk;

#define NVIC_ISER0 0xE000E100u
#define NVIC_ISPR0 0xE000E200u
#define SYST_CSR   0xE000E010u
#define SCB_ICSR   0xE000ED04u
#define IRQ_WORDS  5u /* 150 interrupts */

static uint32_t rd(uint32_t a)
{
	return mmio_read((volatile uint32_t *)MMIO_BASE(a));
}

static void wr(uint32_t a, uint32_t v)
{
	mmio_write((volatile uint32_t *)MMIO_BASE(a), v);
}

static int ctrl(uint8_t type, uint8_t req, uint16_t value, uint16_t index, uint16_t len,
                uint8_t *data)
{
	uint8_t pkt[8];
	vhost_setup_pkt(pkt, type, req, value, index, len);
	return vhost_control(&h7h.host, pkt, data);
}

/* A string descriptor as ASCII. */
static void get_string(uint8_t index, char *out, size_t cap)
{
	uint8_t d[255];
	int n = ctrl(0x80, 6, (uint16_t)(0x0300u | index), 0x0409, sizeof(d), d);
	assert_true(n >= 2);
	size_t k = 0;
	for (int i = 2; i + 1 < n && k + 1 < cap; i += 2)
		out[k++] = (char)d[i];
	out[k] = '\0';
}

/* What the ROM leaves: its clocks and USB core up, interrupts armed. */
static void rom_state(const struct board *b)
{
	struct h7_sys_config cfg = {
	    .wired = b->hw.supply, .family = b->family, .supply_preconfigured = true};
	assert_int_equal(h7h_setup_ex(b, bootloader_task, &cfg), 0);
	/* PLL1 as SYSCLK, like the H74x ROM's (the H72x/H73x ROM runs 66 MHz
	 * from a PLL on HSI, AN2606 Table 133); port_init's per-line plan stands
	 * in for it on every line (docs/clocks.md) */
	assert_int_equal(port_init(b), QDFU_OK);
	/* the ROM's USB session: enumerated and configured (a stand-in: the
	 * bootloader's own USB stack on the same core) */
	assert_int_equal(simport_iflash_setup(b, NULL), QDFU_OK);
	assert_true(bootloader_init(b, BOOTLOADER_ENTER_DFU));
	assert_int_equal(vhost_reset(&h7h.host, false), 0);
	uint8_t d[64];
	assert_int_equal(ctrl(0x80, 6, 0x0100, 0, 18, d), 18);
	assert_int_equal(ctrl(0x00, 5, 9, 0, 0, NULL), 0);
	assert_int_equal(ctrl(0x00, 9, 1, 0, 0, NULL), 0);
	assert_int_equal(ctrl(0x80, 6, 0x0100, 0, 18, d), 18);
	simport_iflash_teardown();
	for (unsigned i = 0; i < IRQ_WORDS; i++) {
		wr(NVIC_ISER0 + 4u * i, 0xFFFFFFFFu);
		wr(NVIC_ISPR0 + 4u * i, 0xFFFFFFFFu);
	}
	wr(SYST_CSR, 7u);                      /* enabled, TICKINT, processor clock */
	wr(SCB_ICSR, (1u << 26) | (1u << 28)); /* PENDSTSET, PENDSVSET */
	assert_true(h7_sys_model_stats()->sysclk_pll);
}

static void check_flasher_start(const struct board *b)
{
	rom_state(b);
	assert_int_equal(rd(NVIC_ISER0), 0xFFFFFFFFu); /* the core model keeps them */
	h7_quiesce_after_rom();
	for (unsigned i = 0; i < IRQ_WORDS; i++) {
		assert_int_equal(rd(NVIC_ISER0 + 4u * i), 0); /* nothing enabled */
		assert_int_equal(rd(NVIC_ISPR0 + 4u * i), 0); /* nothing pending */
	}
	assert_int_equal(rd(SYST_CSR) & 3u, 0);
	assert_int_equal(rd(SCB_ICSR) & ((1u << 26) | (1u << 28)), 0); /* PENDSTSET, PENDSVSET */
	assert_false(scs_model_primask()); /* interrupts on again for the drivers */

	const struct board *fb = bootloader_flasher_board(b);
	assert_int_equal(port_init(fb), QDFU_OK);
	assert_int_equal(simport_iflash_setup(fb, NULL), QDFU_OK);
	assert_true(bootloader_init(fb, BOOTLOADER_ENTER_FLASHER));
	const struct h7_sys_stats *st = h7_sys_model_stats();
	if (st->errors)
		fail_msg("%s: %s", b->name, st->last_error);
	assert_int_equal(st->supply_writes, 0); /* write-once: the ROM did it */
	assert_true(st->sysclk_pll); /* the flasher's plan, every line (docs/clocks.md) */

	assert_int_equal(vhost_reset(&h7h.host, false), 0);
	uint8_t d[64];
	assert_int_equal(ctrl(0x80, 6, 0x0100, 0, 18, d), 18);
	assert_int_equal(ctrl(0x00, 5, 7, 0, 0, NULL), 0);
	char product[128], want[128], alt0[128];
	get_string(2, product, sizeof(product));
	snprintf(want, sizeof(want), "qdfu flasher %s", b->title);
	assert_string_equal(product, want);
	get_string(4, alt0, sizeof(alt0));
	/* all of internal flash writable from 0x08000000, one zone */
	char want_alt0[64];
	snprintf(want_alt0, sizeof(want_alt0), "@Internal Flash  /0x08000000/%02u*%uKg",
	         (unsigned)(b->iflash_banks * b->iflash_sectors),
	         (unsigned)(b->iflash_sector_size / 1024u));
	assert_string_equal(alt0, want_alt0);
	if (dwc2m_errors(h7h.m))
		fail_msg("DWC2 model: %s", dwc2m_last_error(h7h.m));
	simport_iflash_teardown();
	h7h_teardown();
}

/* state: the board; the OCTOSPI lines too (zero install through their
 * ROMs, docs/zero-install.md) */
static void test_flasher_start(void **state)
{
	check_flasher_start(*state);
}

#define ON(board)                                                                                  \
	{                                                                                          \
		"flasher_start_" #board, test_flasher_start, NULL, NULL, (void *)&board            \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    ON(board_stm32h745i_disco),
	    ON(board_stm32h750b_dk),
	    ON(board_stm32h735g_dk),
	    ON(board_stm32h7b3i_dk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
