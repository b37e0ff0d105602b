/* SPDX-License-Identifier: MIT */
/*
 * The board description rules (firmware/boards/check/board_check.c): every
 * in-tree board passes; each rule refuses a made-up mistake with a message
 * that names the field and what to write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "board_check.h"
#include "boards/board_def.h"

static char text[4096];

static unsigned check(const struct board *b)
{
	struct board_report r = {.text = text, .size = sizeof text};

	text[0] = '\0';
	return board_check(b, &r);
}

/* One problem, and its line contains want. */
static void refused(const struct board *b, const char *want)
{
	unsigned n = check(b);

	if (n != 1 || !strstr(text, want))
		fail_msg("expected one problem with \"%s\", got %u:\n%s", want, n, text);
}

static void accepted(const struct board *b)
{
	if (check(b) != 0)
		fail_msg("%s refused:\n%s", b->name, text);
}

static struct board disco(void)
{
	return *board_find("stm32h745i-disco");
}

static void every_board_passes(void **state)
{
	(void)state;
	unsigned n = 0;
	for (const struct board *const *b = board_list; *b; b++, n++)
		accepted(*b);
	assert_true(n >= 11);
}

static void pin_used_twice(void **state)
{
	(void)state;
	struct board b = disco();
	b.hw.led = (struct board_pin)ACTIVE_LOW(PF10);
	refused(&b, "led: PF10 is also qspi_clk");
	b = disco();
	b.hw.button = (struct board_pin)ACTIVE_HIGH(PA11); /* USB2_OTG_FS DM */
	refused(&b, "button: PA11 is also USB2_OTG_FS DM");
	b = *board_find("stm32h747i-disco"); /* ULPI takes PB10 */
	b.hw.qspi_ncs = (struct board_pin)PIN(PB10, AF9);
	refused(&b, "qspi_ncs: PB10 is also ULPI D3");
	b = disco(); /* a crystal takes PH0 and PH1 */
	b.hw.led = (struct board_pin)ACTIVE_LOW(PH1);
	refused(&b, "led: PH1 is also HSE OSC_OUT");
	b.hw.hse_bypass = true; /* an external clock leaves OSC_OUT free */
	accepted(&b);
}

static void qspi_alternate_functions(void **state)
{
	(void)state;
	struct board b = disco();
	b.hw.qspi_io[QSPI_BK1_IO1] = (struct board_pin)PIN(PF9, AF9);
	refused(&b, "qspi_io[QSPI_BK1_IO1]: PF9 has QUADSPI_BK1_IO1 on AF10, not AF9. "
	            "Write PIN(PF9, AF10).");
	b = disco();
	b.hw.qspi_io[QSPI_BK1_IO2] = (struct board_pin)PIN(PF8, AF10);
	refused(&b, "PF8 AF10 is not QUADSPI_BK1_IO2; the STM32H7 has QUADSPI_BK1_IO2 only on "
	            "PE2 AF9, PF7 AF9");
	b = disco();
	b.hw.qspi_clk = (struct board_pin)PIN(PB2, AF9); /* the other CLK pin */
	accepted(&b);
	b.hw.qspi_ncs = (struct board_pin)PIN(PB6, AF9);
	refused(&b, "qspi_ncs: PB6 has QUADSPI_BK1_NCS on AF10");
}

static void qspi_banks(void **state)
{
	(void)state;
	struct board b = disco();
	b.hw.qspi_io[QSPI_BK2_IO3] = (struct board_pin)NO_PIN;
	refused(&b, "qspi_io[QSPI_BK2_IO3]: NO_PIN, but the QUADSPI needs QUADSPI_BK2_IO3");
	b = *board_find("weact-h750");
	b.hw.qspi_io[QSPI_BK2_IO0] = (struct board_pin)PIN(PH2, AF9);
	refused(&b, "bank 2 pin on a board with one flash chip");
	b.qspi_chip = "";
	b.hw.qspi_io[QSPI_BK2_IO0] = (struct board_pin)NO_PIN;
	refused(&b, "qspi_chip: empty");
}

static void hse_range(void **state)
{
	(void)state;
	struct board b = disco();
	b.hw.hse_hz = 60000000u;
	refused(&b, "hw.hse_hz: 60000000 Hz; a crystal must be 4000000 to 48000000 Hz");
	b.hw.hse_hz = 3000000u;
	refused(&b, "a crystal must be");
	b.hw.hse_hz = 48000000u;
	accepted(&b);
	b.hw.hse_bypass = true;
	b.hw.hse_hz = 50000000u;
	accepted(&b);
	b.hw.hse_hz = 50000001u;
	refused(&b, "an external clock (bypass) may be at most 50000000 Hz");
	b.hw.hse_hz = 0;
	refused(&b, "hw.hse_bypass: true without hw.hse_hz");
	b.hw.hse_bypass = false;
	accepted(&b);
}

static void left_out_and_gpio_fields(void **state)
{
	(void)state;
	struct board b = disco();
	memset(&b.hw.led, 0, sizeof b.hw.led); /* what an omitted field is */
	refused(&b, "led: not described (all zero). Write NO_PIN");
	b = disco();
	b.hw.button = (struct board_pin)PIN(PC13, AF0);
	refused(&b, "button: PC13 is used as a plain GPIO. Write ACTIVE_HIGH(PC13)");
	b = disco();
	b.hw.led = (struct board_pin){10, 9, BOARD_AF_GPIO, 0}; /* PK9 */
	refused(&b, "led: PK9 does not exist");
	b = disco();
	b.hw.ulpi_reset = (struct board_pin)ACTIVE_LOW(PJ4);
	refused(&b, "ulpi_reset: given, but .usb has no ULPI PHY");
}

static void mcu_supply_and_flash(void **state)
{
	(void)state;
	struct board b = *board_find("stm32h750b-dk");
	b.hw.supply = BOARD_SUPPLY_DIRECT_SMPS;
	refused(&b, "hw.supply: the STM32H750 has no SMPS");
	b = disco();
	b.mcu = "STM32H7R7L8";
	refused(&b, "mcu: \"STM32H7R7L8\" is not an STM32H742/743/745/747/750/753/755/757, "
	            "H723/725/730/733/735 or H7A3/B0/B3 part number");
	b = disco();
	b.mcu = "STM32H745XG"; /* 1 MiB: 2 x 4 sectors */
	refused(&b, "has 1048576 bytes of internal flash");
	b.iflash_sectors = 4;
	accepted(&b);
	b = disco();
	b.dual_core = false;
	refused(&b, "dual_core: the STM32H745 has a Cortex-M4");
	b = disco();
	b.default_app_base = 0x08010000u; /* inside the bootloader's sector */
	refused(&b, "default_app_base: 0x08010000");
	b = *board_find("daisy-seed");
	b.default_app_base = 0x08020000u; /* no such flash on an H750 */
	refused(&b, "default_app_base: 0x08020000");
	b = disco();
	b.bootloader_size = 64u * 1024u;
	refused(&b, "bootloader_size: 65536 bytes");
}

static void identity(void **state)
{
	(void)state;
	struct board b = disco();
	b.name = "My Board";
	refused(&b, "name: \"My Board\" must be");
	b = disco();
	b.usb_vid = 0;
	refused(&b, "usb_vid/usb_pid: 0x0000:0xdf11");
	b = disco();
	b.usb_product = "";
	refused(&b, "usb_product: must be 1-126 characters");
	b = disco();
	b.usb_manufacturer = "";
	refused(&b, "usb_manufacturer: must be 1-126 characters");
	b = disco();
	b.entry = (enum board_entry)7;
	refused(&b, "entry: 7 is not a BOARD_ENTRY_* choice.");
}

/* Every problem is counted even when the text is full; the text stays a
 * string. */
static void report_overflow(void **state)
{
	(void)state;
	struct board b = disco();
	char small[40];
	struct board_report r = {.text = small, .size = sizeof small};
	b.name = "";
	b.usb_vid = 0;
	b.hw.hse_hz = 1;
	assert_int_equal(board_check(&b, &r), 3);
	assert_true(r.used < sizeof small);
	assert_int_equal(strlen(small), r.used);
}

static struct board dk735(void)
{
	return *board_find("stm32h735g-dk");
}

/* The line decides the family and the bus; SMPS by line and Q suffix. */
static void octospi_lines(void **state)
{
	(void)state;
	struct board b = dk735();
	b.family = BOARD_FAMILY_H74X;
	refused(&b, "family: the STM32H735 is BOARD_FAMILY_H72X. Write .family = "
	            "BOARD_FAMILY_H72X.");
	b = dk735();
	b.bus = BOARD_BUS_QUADSPI;
	refused(&b, "bus: the STM32H735 has OCTOSPI, no QUADSPI. Write .bus = BOARD_BUS_OCTOSPI.");
	b = disco();
	b.bus = BOARD_BUS_OCTOSPI;
	refused(&b, "bus: the STM32H745 has QUADSPI, no OCTOSPI");
	b = *board_find("weact-h7b0");
	b.hw.supply = BOARD_SUPPLY_DIRECT_SMPS;
	refused(&b, "hw.supply: the STM32H7B0 (without Q) has no SMPS");
	b.mcu = "STM32H7B0VBT6Q"; /* the SMPS variant */
	accepted(&b);
	b = *board_find("stm32h7b3i-dk");
	b.iflash_sectors = 8; /* 2 MiB in H74x-sized sectors */
	b.iflash_sector_size = 128u * 1024u;
	refused(&b, "the STM32H7B3LIH6Q has 1 or 2 banks of 8 KiB sectors");
	b = *board_find("weact-h7b0"); /* the bootloader fills the internal flash */
	b.default_app_base = 0x08010000u;
	refused(&b, "default_app_base: 0x08010000 is not a 1 KiB aligned address after the "
	            "bootloader");
}

/* OCTOSPIM port 1 pins, the DQS, IO4..IO7. */
static void octospi_pins(void **state)
{
	(void)state;
	struct board b = dk735();
	b.hw.qspi_io[QSPI_BK2_IO0] = (struct board_pin)PIN(PD4, AF9);
	refused(&b, "qspi_io[QSPI_BK2_IO0]: PD4 has OCTOSPIM_P1_IO4 on AF10, not AF9.");
	b = dk735();
	b.hw.qspi_io[QSPI_BK2_IO3] = (struct board_pin)NO_PIN;
	refused(&b, "qspi_io[QSPI_BK2_IO3]: NO_PIN, but the OCTOSPI needs OCTOSPIM_P1_IO7");
	b = dk735();
	b.hw.qspi_dqs = (struct board_pin)PIN(PC5, AF9);
	refused(&b, "qspi_dqs: PC5 has OCTOSPIM_P1_DQS on AF10, not AF9.");
	b.hw.qspi_dqs = (struct board_pin)PIN(PA1, AF10);
	refused(&b, "qspi_dqs: PA1 AF10 is not OCTOSPIM_P1_DQS; the STM32H7 has OCTOSPIM_P1_DQS "
	            "only on PB2 AF10, PC5 AF10");
	memset(&b.hw.qspi_dqs, 0, sizeof b.hw.qspi_dqs);
	refused(&b, "qspi_dqs: not described (all zero)");
	b = disco();
	b.hw.qspi_dqs = (struct board_pin)PIN(PB2, AF10);
	refused(&b, "qspi_dqs: the QUADSPI has no data strobe. Write NO_PIN.");
	b = dk735();
	b.hw.led = (struct board_pin)ACTIVE_LOW(PB2);
	refused(&b, "led: PB2 is also qspi_dqs");
	b = *board_find("weact-h723"); /* a quad chip on port 1: IO4..IO7 unused */
	accepted(&b);
	b.hw.qspi_io[QSPI_BK2_IO0] = (struct board_pin)PIN(PD4, AF10); /* three of four */
	b.hw.qspi_io[QSPI_BK2_IO1] = (struct board_pin)PIN(PD5, AF10);
	b.hw.qspi_io[QSPI_BK2_IO2] = (struct board_pin)PIN(PG9, AF9);
	refused(&b, "qspi_io[QSPI_BK2_IO3]: NO_PIN, but the OCTOSPI needs OCTOSPIM_P1_IO7");
}

/* USB1's internal full-speed PHY on PA11/PA12 on the OCTOSPI lines only. */
static void usb_per_line(void **state)
{
	(void)state;
	struct board b = dk735();
	b.hw.usb = BOARD_USB2_OTG_FS_PA11_PA12;
	refused(&b, "hw.usb: this line has only USB1_OTG_HS, its full-speed PHY on PA11/PA12.");
	b = disco();
	b.hw.usb = BOARD_USB1_OTG_HS_FS_PA11_PA12;
	refused(&b, "hw.usb: the STM32H74x/H75x has USB2_OTG_FS on PA11/PA12.");
	b = dk735();
	b.hw.button = (struct board_pin)ACTIVE_HIGH(PA12);
	refused(&b, "button: PA12 is also USB1_OTG_HS DP");
}

/* The memory-mapped read handed to applications is a choice each board
 * makes (docs/decisions/xip-handover.md): left out, or out of range. */
static void xip_choice(void **state)
{
	(void)state;
	struct board b = disco();
	b.xip = BOARD_XIP_UNSET;
	refused(&b, "xip: not set. Write .xip = BOARD_XIP_FASTEST");
	b.xip = (enum board_xip)7;
	refused(&b, "xip: 7 is not a BOARD_XIP_* choice");
	b.xip = BOARD_XIP_OFF;
	accepted(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_board_passes),
	    cmocka_unit_test(pin_used_twice),
	    cmocka_unit_test(qspi_alternate_functions),
	    cmocka_unit_test(qspi_banks),
	    cmocka_unit_test(hse_range),
	    cmocka_unit_test(left_out_and_gpio_fields),
	    cmocka_unit_test(mcu_supply_and_flash),
	    cmocka_unit_test(identity),
	    cmocka_unit_test(report_overflow),
	    cmocka_unit_test(octospi_lines),
	    cmocka_unit_test(octospi_pins),
	    cmocka_unit_test(usb_per_line),
	    cmocka_unit_test(xip_choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
