/* SPDX-License-Identifier: MIT */
/*
 * Board description rules (see board_check.h). Every rule names the field,
 * says what is wrong and what to write instead; the pin facts are tables with
 * their sources next to them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board_check.h"

/* GPIO port letters as board_pin.port holds them (A = 0 ... K = 10). */
enum { PORT_A, PORT_B, PORT_C, PORT_D, PORT_E, PORT_F, PORT_G, PORT_H, PORT_I, PORT_J, PORT_K };
#define PORTS        11u
#define PORT_K_PINS  8u /* PK0..PK7 on the STM32H74x/H75x */
#define KIB          1024u
#define MHZ          1000000u
#define SECTOR_SIZE  (128u * KIB) /* STM32H74x/H75x internal flash sector (RM0433/RM0399) */
#define IFLASH_BASE  0x08000000u
#define QSPI_BASE    0x90000000u
#define QSPI_WINDOW  0x10000000u /* 256 MiB memory-mapped window */
#define VTOR_ALIGN   1024u
#define NAME_MAX_LEN 31u
/* A USB string descriptor holds at most (255 - 2) / 2 UTF-16 units (USB 2.0, 9.6.7). */
#define PRODUCT_MAX_LEN 126u

/* HSE ranges, STM32H745xI/G and STM32H750 datasheets, "High-speed external user clock"
 * and "4-48 MHz HSE oscillator" tables: a crystal from 4 to 48 MHz, an external clock
 * (bypass) up to 50 MHz. (Datasheet values, not re-checked against the PDF here.) */
#define HSE_XTAL_MIN (4u * MHZ)
#define HSE_XTAL_MAX (48u * MHZ)
#define HSE_EXT_MAX  (50u * MHZ)

enum qspi_signal {
	SIG_CLK,
	SIG_BK1_NCS,
	SIG_BK1_IO0,
	SIG_BK1_IO1,
	SIG_BK1_IO2,
	SIG_BK1_IO3,
	SIG_BK2_IO0,
	SIG_BK2_IO1,
	SIG_BK2_IO2,
	SIG_BK2_IO3,
	SIG_COUNT
};

static const char *const signal_name[SIG_COUNT] = {
    "QUADSPI_CLK",     "QUADSPI_BK1_NCS", "QUADSPI_BK1_IO0", "QUADSPI_BK1_IO1", "QUADSPI_BK1_IO2",
    "QUADSPI_BK1_IO3", "QUADSPI_BK2_IO0", "QUADSPI_BK2_IO1", "QUADSPI_BK2_IO2", "QUADSPI_BK2_IO3",
};

/* The board_hw.qspi_io[] entries by name, for messages. */
static const char *const io_field[QSPI_LINES] = {
    "qspi_io[QSPI_BK1_IO0]", "qspi_io[QSPI_BK1_IO1]", "qspi_io[QSPI_BK1_IO2]",
    "qspi_io[QSPI_BK1_IO3]", "qspi_io[QSPI_BK2_IO0]", "qspi_io[QSPI_BK2_IO1]",
    "qspi_io[QSPI_BK2_IO2]", "qspi_io[QSPI_BK2_IO3]",
};

struct pin_af {
	uint8_t signal, port, pin, af;
};

/*
 * Where the STM32H742/743/745/747/750/753/755/757 have each QUADSPI signal.
 * CLK, BK1_NCS and BK1_IO0..3: mbed-os TARGET_PORTENTA_H7/PeripheralPins.c
 * (PinMap_QSPI_*, generated from STM32CubeMX's STM32H747XIHx.xml).
 * BK2_IO0..3 on PH2, PH3, PG9, PG14 AF9: ST's stm32h745i-disco-bsp and
 * stm32h747i-disco-bsp (stm32h7xx_discovery_qspi.c, QSPI_MspInit).
 * BK2_IO0..3 on PE7..PE10 AF10: STM32H743/H745 datasheets, alternate function
 * table (not re-checked here). Packages without a pin simply never use it.
 */
static const struct pin_af quadspi_pins[] = {
    {SIG_CLK, PORT_B, 2, 9},      {SIG_CLK, PORT_F, 10, 9},     {SIG_BK1_NCS, PORT_B, 6, 10},
    {SIG_BK1_NCS, PORT_B, 10, 9}, {SIG_BK1_NCS, PORT_G, 6, 10}, {SIG_BK1_IO0, PORT_C, 9, 9},
    {SIG_BK1_IO0, PORT_D, 11, 9}, {SIG_BK1_IO0, PORT_F, 8, 10}, {SIG_BK1_IO1, PORT_C, 10, 9},
    {SIG_BK1_IO1, PORT_D, 12, 9}, {SIG_BK1_IO1, PORT_F, 9, 10}, {SIG_BK1_IO2, PORT_E, 2, 9},
    {SIG_BK1_IO2, PORT_F, 7, 9},  {SIG_BK1_IO3, PORT_A, 1, 9},  {SIG_BK1_IO3, PORT_D, 13, 9},
    {SIG_BK1_IO3, PORT_F, 6, 9},  {SIG_BK2_IO0, PORT_H, 2, 9},  {SIG_BK2_IO0, PORT_E, 7, 10},
    {SIG_BK2_IO1, PORT_H, 3, 9},  {SIG_BK2_IO1, PORT_E, 8, 10}, {SIG_BK2_IO2, PORT_G, 9, 9},
    {SIG_BK2_IO2, PORT_E, 9, 10}, {SIG_BK2_IO3, PORT_G, 14, 9}, {SIG_BK2_IO3, PORT_E, 10, 10},
};

struct fixed_pin {
	uint8_t port, pin;
	const char *what;
};

/* Pins the STM32H7 port configures for each USB choice (port/stm32h7/usb_dwc2.c;
 * facts/stm32h7.md, trap 2 and the board table; ULPI as in ST's and Arduino's
 * board code: mbed-os TARGET_PORTENTA_H7 PinMap_USB_HS, micropython
 * ARDUINO_PORTENTA_H7/mpconfigboard.h). */
static const struct fixed_pin usb2_fs_pins[] = {
    {PORT_A, 11, "USB2_OTG_FS DM"},
    {PORT_A, 12, "USB2_OTG_FS DP"},
};
static const struct fixed_pin usb1_fs_pins[] = {
    {PORT_B, 14, "USB1_OTG_HS DM"},
    {PORT_B, 15, "USB1_OTG_HS DP"},
};
static const struct fixed_pin ulpi_pins[] = {
    {PORT_A, 5, "ULPI CK"},  {PORT_A, 3, "ULPI D0"},  {PORT_B, 0, "ULPI D1"},
    {PORT_B, 1, "ULPI D2"},  {PORT_B, 10, "ULPI D3"}, {PORT_B, 11, "ULPI D4"},
    {PORT_B, 12, "ULPI D5"}, {PORT_B, 13, "ULPI D6"}, {PORT_B, 5, "ULPI D7"},
    {PORT_C, 0, "ULPI STP"}, {PORT_H, 4, "ULPI NXT"}, {PORT_I, 11, "ULPI DIR"},
};
/* The HSE oscillator pins (RCC_OSC_IN PH0, RCC_OSC_OUT PH1): a crystal takes
 * both, an external clock (bypass) only OSC_IN. */
static const struct fixed_pin hse_xtal_pins[] = {
    {PORT_H, 0, "HSE OSC_IN"},
    {PORT_H, 1, "HSE OSC_OUT"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void board_report_add(struct board_report *r, const char *fmt, ...)
{
	size_t room = r->text ? r->size - r->used : 0;

	r->problems++;
	if (room < 2)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->text + r->used, room - 1, fmt, ap); /* room for the newline */
	va_end(ap);
	if (n < 0)
		return;
	r->used += (size_t)n < room - 2 ? (size_t)n : room - 2;
	r->text[r->used++] = '\n';
	r->text[r->used] = '\0';
}

static bool pin_none(const struct board_pin *p)
{
	return p->port == 0xFF;
}

/* All zero: a field the description left out (PA0 in AF0 is never a board
 * signal we configure, and the GPIO macros never produce AF0). */
static bool pin_left_out(const struct board_pin *p)
{
	return p->port == 0 && p->pin == 0 && p->af == 0 && p->active_high == 0;
}

static bool pin_exists(const struct board_pin *p)
{
	return p->port < PORTS && p->pin < (p->port == PORT_K ? PORT_K_PINS : 16u);
}

static const char *pin_text(const struct board_pin *p, char buf[8])
{
	if (p->port < 26)
		snprintf(buf, 8, "P%c%u", 'A' + p->port, p->pin);
	else
		snprintf(buf, 8, "P?%u", p->pin);
	return buf;
}

/* Common to every pin field: described, exists. Returns true when the pin is
 * a real pin to check further. */
static bool pin_usable(struct board_report *r, const char *field, const struct board_pin *p)
{
	if (pin_left_out(p)) {
		board_report_add(
		    r,
		    "%s: not described (all zero). Write NO_PIN if the board has none, "
		    "otherwise PIN(Pxn, AFk) or ACTIVE_HIGH/ACTIVE_LOW(Pxn).",
		    field);
		return false;
	}
	if (pin_none(p))
		return false;
	if (!pin_exists(p)) {
		char t[8];
		board_report_add(
		    r, "%s: %s does not exist on the STM32H74x/H75x (ports A-K, PK0-PK7 only).",
		    field, pin_text(p, t));
		return false;
	}
	return true;
}

static void list_signal_pins(enum qspi_signal s, char *buf, size_t size)
{
	size_t used = 0;
	char t[8];

	buf[0] = '\0';
	for (size_t i = 0; i < COUNT(quadspi_pins) && used < size; i++) {
		const struct pin_af *e = &quadspi_pins[i];
		if (e->signal != s)
			continue;
		struct board_pin p = {e->port, e->pin, e->af, 1};
		int n = snprintf(buf + used, size - used, "%s%s AF%u", used ? ", " : "",
		                 pin_text(&p, t), e->af);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static void check_qspi_pin(struct board_report *r, const char *field, const struct board_pin *p,
                           enum qspi_signal s)
{
	char t[8], where[160];

	if (pin_none(p)) {
		board_report_add(
		    r,
		    "%s: NO_PIN, but the QUADSPI needs %s. Write PIN(Pxn, AFk) from the "
		    "schematic.",
		    field, signal_name[s]);
		return;
	}
	if (!pin_usable(r, field, p))
		return;
	for (size_t i = 0; i < COUNT(quadspi_pins); i++) {
		const struct pin_af *e = &quadspi_pins[i];
		if (e->signal != s || e->port != p->port || e->pin != p->pin)
			continue;
		if (e->af == p->af)
			return;
		board_report_add(r, "%s: %s has %s on AF%u, not AF%u. Write PIN(%s, AF%u).", field,
		                 pin_text(p, t), signal_name[s], e->af, p->af, t, e->af);
		return;
	}
	list_signal_pins(s, where, sizeof where);
	board_report_add(
	    r, "%s: %s AF%u is not %s; the STM32H7 has %s only on %s. Check the schematic.", field,
	    pin_text(p, t), p->af, signal_name[s], signal_name[s], where);
}

static void check_qspi(const struct board *b, struct board_report *r)
{
	check_qspi_pin(r, "qspi_clk", &b->hw.qspi_clk, SIG_CLK);
	check_qspi_pin(r, "qspi_ncs", &b->hw.qspi_ncs, SIG_BK1_NCS);
	for (unsigned i = QSPI_BK1_IO0; i < QSPI_BK2_IO0; i++)
		check_qspi_pin(r, io_field[i], &b->hw.qspi_io[i],
		               (enum qspi_signal)(SIG_BK1_IO0 + i));
	for (unsigned i = QSPI_BK2_IO0; i < QSPI_LINES; i++) {
		const struct board_pin *p = &b->hw.qspi_io[i];
		if (b->qspi_dual)
			check_qspi_pin(r, io_field[i], p, (enum qspi_signal)(SIG_BK1_IO0 + i));
		else if (!pin_none(p))
			board_report_add(
			    r,
			    "%s: bank 2 pin on a board with one flash chip. Write NO_PIN, or "
			    "set .qspi_dual = true if two chips share the QUADSPI.",
			    io_field[i]);
	}
	if (!b->qspi_chip || !b->qspi_chip[0])
		board_report_add(
		    r, "qspi_chip: empty. Name the expected flash part (e.g. \"W25Q64JV\"); the "
		       "bootloader still detects the real one.");
	if (b->qspi_clock_hz == 0)
		board_report_add(
		    r, "qspi_clock_hz: 0. Give the QUADSPI clock in Hz (e.g. 50000000u).");
}

/* A plain GPIO field (LED, button, oscillator enable, PHY reset). */
static void check_gpio_field(struct board_report *r, const char *field, const struct board_pin *p)
{
	char t[8];

	if (!pin_usable(r, field, p) || p->af == BOARD_AF_GPIO)
		return;
	board_report_add(r,
	                 "%s: %s is used as a plain GPIO. Write ACTIVE_HIGH(%s) or ACTIVE_LOW(%s), "
	                 "not PIN(%s, AF%u).",
	                 field, pin_text(p, t), t, t, t, p->af);
}

static void check_gpio_fields(const struct board *b, struct board_report *r)
{
	check_gpio_field(r, "hse_enable", &b->hw.hse_enable);
	check_gpio_field(r, "ulpi_reset", &b->hw.ulpi_reset);
	check_gpio_field(r, "button", &b->hw.button);
	check_gpio_field(r, "led", &b->hw.led);
	if (!pin_none(&b->hw.ulpi_reset) && b->hw.usb != BOARD_USB1_OTG_HS_ULPI)
		board_report_add(r, "ulpi_reset: given, but .usb has no ULPI PHY. Write NO_PIN or "
		                    ".usb = BOARD_USB1_OTG_HS_ULPI.");
}

/* "STM32H745XI": line "H745", flash size letter 'I'. */
static bool mcu_line(const struct board *b, char line[5], char *flash_code)
{
	const char *m = b->mcu;

	if (!m || strncmp(m, "STM32", 5) != 0 || strlen(m) < 11)
		return false;
	memcpy(line, m + 5, 4);
	line[4] = '\0';
	*flash_code = m[10];
	return true;
}

static bool line_in(const char *line, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(line, *set) == 0)
			return true;
	return false;
}

/* Internal flash per size letter of the part number (STM32 ordering
 * information: B = 128 KiB, G = 1 MiB, I = 2 MiB). */
static uint32_t flash_bytes(char code)
{
	switch (code) {
	case 'B':
		return 128u * KIB;
	case 'G':
		return 1024u * KIB;
	case 'I':
		return 2048u * KIB;
	default:
		return 0;
	}
}

static void check_mcu(const struct board *b, struct board_report *r)
{
	/* Lines with QUADSPI and USB2_OTG_FS on PA11/PA12 (facts/stm32h7.md): what
	 * port/stm32h7 drives. SMPS only on the H745/H747/H755/H757 (RM0399; the
	 * RM0433 parts have the LDO only). */
	static const char *const supported[] = {"H742", "H743", "H745", "H747", "H750",
	                                        "H753", "H755", "H757", NULL};
	static const char *const with_smps[] = {"H745", "H747", "H755", "H757", NULL};
	char line[5], code;

	if (!mcu_line(b, line, &code) || !line_in(line, supported)) {
		board_report_add(
		    r,
		    "mcu: \"%s\" is not an STM32H742/743/745/747/750/753/755/757 part number "
		    "(e.g. \"STM32H743VI\"); port/stm32h7 drives only those.",
		    b->mcu ? b->mcu : "(null)");
		return;
	}
	bool smps = line_in(line, with_smps);
	if (b->hw.supply != BOARD_SUPPLY_LDO && !smps)
		board_report_add(
		    r,
		    "hw.supply: the STM32%s has no SMPS. Write BOARD_SUPPLY_LDO (a wrong "
		    "PWR_CR3 value is written once and can stop the chip).",
		    line);
	if (b->dual_core != smps)
		board_report_add(r, "dual_core: the STM32%s %s a Cortex-M4. Write .dual_core = %s.",
		                 line, smps ? "has" : "has no", smps ? "true" : "false");
	uint32_t want = flash_bytes(code);
	uint32_t have = b->iflash_banks * b->iflash_sectors * b->iflash_sector_size;
	if (want && have != want)
		board_report_add(r,
		                 "iflash: %u bank(s) x %u sector(s) x %u bytes = %u bytes, but the "
		                 "STM32%s...%c has %u bytes of internal flash.",
		                 (unsigned)b->iflash_banks, (unsigned)b->iflash_sectors,
		                 (unsigned)b->iflash_sector_size, (unsigned)have, line, code,
		                 (unsigned)want);
}

static void check_hse(const struct board *b, struct board_report *r)
{
	uint32_t hz = b->hw.hse_hz;

	if (hz == 0) {
		if (b->hw.hse_bypass)
			board_report_add(
			    r, "hw.hse_bypass: true without hw.hse_hz. Give the oscillator's "
			       "frequency, or set hse_bypass = false for a board without HSE.");
		return;
	}
	if (b->hw.hse_bypass && hz > HSE_EXT_MAX)
		board_report_add(
		    r, "hw.hse_hz: %u Hz; an external clock (bypass) may be at most %u Hz.",
		    (unsigned)hz, HSE_EXT_MAX);
	if (!b->hw.hse_bypass && (hz < HSE_XTAL_MIN || hz > HSE_XTAL_MAX))
		board_report_add(
		    r,
		    "hw.hse_hz: %u Hz; a crystal must be %u to %u Hz (an oscillator module "
		    "is hse_bypass = true). Read the frequency printed on the part.",
		    (unsigned)hz, HSE_XTAL_MIN, HSE_XTAL_MAX);
}

static void check_memories(const struct board *b, struct board_report *r)
{
	uint32_t bank = b->iflash_sectors * b->iflash_sector_size;
	uint32_t app = b->default_app_base;

	if (b->iflash_base != IFLASH_BASE || b->iflash_sector_size != SECTOR_SIZE ||
	    b->iflash_banks < 1 || b->iflash_banks > 2 || b->iflash_sectors < 1)
		board_report_add(
		    r,
		    "iflash: base 0x%08x, %u bank(s) of %u sector(s) of %u bytes; the "
		    "STM32H74x/H75x has 1 or 2 banks of 128 KiB sectors at 0x08000000.",
		    (unsigned)b->iflash_base, (unsigned)b->iflash_banks,
		    (unsigned)b->iflash_sectors, (unsigned)b->iflash_sector_size);
	if (b->bootloader_size == 0 || b->bootloader_size % SECTOR_SIZE ||
	    b->bootloader_size > bank)
		board_report_add(
		    r, "bootloader_size: %u bytes; it must be whole 128 KiB sectors of bank 1.",
		    (unsigned)b->bootloader_size);
	bool internal = app >= b->iflash_base + b->bootloader_size && app < b->iflash_base + bank;
	bool qspi = app >= QSPI_BASE && app < QSPI_BASE + QSPI_WINDOW;
	if ((!internal && !qspi) || app % VTOR_ALIGN)
		board_report_add(
		    r,
		    "default_app_base: 0x%08x is not a 1 KiB aligned address after the "
		    "bootloader in bank 1 or in the QSPI window 0x90000000.",
		    (unsigned)app);
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void check_identity(const struct board *b, struct board_report *r)
{
	const char *n = b->name;
	size_t len = n ? strlen(n) : 0;
	bool ok = len > 0 && len <= NAME_MAX_LEN;

	for (size_t i = 0; ok && i < len; i++)
		ok = name_char_ok(n[i]);
	if (!ok)
		board_report_add(r,
		                 "name: \"%s\" must be 1-%u characters of a-z, 0-9, '-', '_' "
		                 "(qdfu-sim --board NAME).",
		                 n ? n : "(null)", NAME_MAX_LEN);
	if (!b->title || !b->title[0])
		board_report_add(
		    r, "title: empty. Give the board's name as printed (\"My Board rev B\").");
	if (!b->usb_product || !b->usb_product[0] || strlen(b->usb_product) > PRODUCT_MAX_LEN)
		board_report_add(r,
		                 "usb_product: must be 1-%u characters (a USB string descriptor).",
		                 PRODUCT_MAX_LEN);
	if (b->usb_manufacturer &&
	    (!b->usb_manufacturer[0] || strlen(b->usb_manufacturer) > PRODUCT_MAX_LEN))
		board_report_add(
		    r, "usb_manufacturer: must be 1-%u characters, or left out for \"qdfu\".",
		    PRODUCT_MAX_LEN);
	if (b->usb_vid == 0 || b->usb_pid == 0)
		board_report_add(
		    r,
		    "usb_vid/usb_pid: 0x%04x:0x%04x; use 0x0483:0xDF11 (what DFU tools look "
		    "for) or your own assigned IDs.",
		    b->usb_vid, b->usb_pid);
}

/* The enum fields hold one of their choices. */
static void check_choices(const struct board *b, struct board_report *r)
{
	if (b->hw.usb != BOARD_USB2_OTG_FS_PA11_PA12 && b->hw.usb != BOARD_USB1_OTG_HS_ULPI &&
	    b->hw.usb != BOARD_USB1_OTG_HS_FS_PB14_PB15)
		board_report_add(r, "hw.usb: %d is not a BOARD_USB_* choice.", (int)b->hw.usb);
	if (b->hw.supply != BOARD_SUPPLY_LDO && b->hw.supply != BOARD_SUPPLY_DIRECT_SMPS &&
	    b->hw.supply != BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO)
		board_report_add(r, "hw.supply: %d is not a BOARD_SUPPLY_* choice.",
		                 (int)b->hw.supply);
	if (b->entry != BOARD_ENTRY_NONE && b->entry != BOARD_ENTRY_ARDUINO &&
	    b->entry != BOARD_ENTRY_DAISY)
		board_report_add(r, "entry: %d is not a BOARD_ENTRY_* choice.", (int)b->entry);
	if (b->xip == BOARD_XIP_UNSET)
		board_report_add(r, "xip: not set. Write .xip = BOARD_XIP_FASTEST (quad reads for "
		                    "applications in QSPI), BOARD_XIP_SINGLE or BOARD_XIP_OFF "
		                    "(docs/porting.md).");
	else if (b->xip != BOARD_XIP_FASTEST && b->xip != BOARD_XIP_SINGLE &&
	         b->xip != BOARD_XIP_OFF)
		board_report_add(r, "xip: %d is not a BOARD_XIP_* choice.", (int)b->xip);
}

/* Every pin the board and the port use, for the "used twice" rule. */
struct pin_use {
	uint8_t port, pin;
	const char *what;
};

struct pin_uses {
	struct pin_use use[48];
	unsigned n;
};

static void use_pin(struct board_report *r, struct pin_uses *u, uint8_t port, uint8_t pin,
                    const char *what)
{
	for (unsigned i = 0; i < u->n; i++) {
		if (u->use[i].port != port || u->use[i].pin != pin)
			continue;
		struct board_pin p = {port, pin, 0, 0};
		char t[8];
		board_report_add(r,
		                 "%s: %s is also %s. A pin has one function: check the schematic.",
		                 what, pin_text(&p, t), u->use[i].what);
		return;
	}
	if (u->n < COUNT(u->use))
		u->use[u->n++] = (struct pin_use){port, pin, what};
}

static void use_field(struct board_report *r, struct pin_uses *u, const struct board_pin *p,
                      const char *what)
{
	if (!pin_none(p) && !pin_left_out(p) && pin_exists(p))
		use_pin(r, u, p->port, p->pin, what);
}

static void use_fixed(struct board_report *r, struct pin_uses *u, const struct fixed_pin *f,
                      size_t n)
{
	for (size_t i = 0; i < n; i++)
		use_pin(r, u, f[i].port, f[i].pin, f[i].what);
}

static void check_pins_once(const struct board *b, struct board_report *r)
{
	struct pin_uses u = {.n = 0};

	if (b->hw.usb == BOARD_USB2_OTG_FS_PA11_PA12)
		use_fixed(r, &u, usb2_fs_pins, COUNT(usb2_fs_pins));
	else if (b->hw.usb == BOARD_USB1_OTG_HS_FS_PB14_PB15)
		use_fixed(r, &u, usb1_fs_pins, COUNT(usb1_fs_pins));
	else if (b->hw.usb == BOARD_USB1_OTG_HS_ULPI)
		use_fixed(r, &u, ulpi_pins, COUNT(ulpi_pins));
	if (b->hw.hse_hz)
		use_fixed(r, &u, hse_xtal_pins, b->hw.hse_bypass ? 1 : COUNT(hse_xtal_pins));
	use_field(r, &u, &b->hw.qspi_clk, "qspi_clk");
	use_field(r, &u, &b->hw.qspi_ncs, "qspi_ncs");
	for (unsigned i = 0; i < QSPI_LINES; i++)
		use_field(r, &u, &b->hw.qspi_io[i], io_field[i]);
	use_field(r, &u, &b->hw.hse_enable, "hse_enable");
	use_field(r, &u, &b->hw.ulpi_reset, "ulpi_reset");
	use_field(r, &u, &b->hw.button, "button");
	use_field(r, &u, &b->hw.led, "led");
}

unsigned board_check(const struct board *b, struct board_report *r)
{
	unsigned before = r->problems;

	check_identity(b, r);
	check_choices(b, r);
	check_mcu(b, r);
	check_hse(b, r);
	check_memories(b, r);
	check_qspi(b, r);
	check_gpio_fields(b, r);
	check_pins_once(b, r);
	return r->problems - before;
}
