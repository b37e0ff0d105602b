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
#define PORT_K_PINS  8u /* PK0..PK7 on the STM32H7 (largest packages) */
#define KIB          1024u
#define MHZ          1000000u
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
	SIG_DQS, /* OCTOSPI only */
	SIG_COUNT
};

static const char *const quadspi_signal[SIG_COUNT] = {
    "QUADSPI_CLK",     "QUADSPI_BK1_NCS", "QUADSPI_BK1_IO0",     "QUADSPI_BK1_IO1",
    "QUADSPI_BK1_IO2", "QUADSPI_BK1_IO3", "QUADSPI_BK2_IO0",     "QUADSPI_BK2_IO1",
    "QUADSPI_BK2_IO2", "QUADSPI_BK2_IO3", "(no DQS on QUADSPI)",
};
/* OCTOSPI boards: the signals of IO-manager port 1 (OCTOSPIM_P1_*), the
 * bank 2 entries of qspi_io[] being IO4..IO7 */
static const char *const octospi_signal[SIG_COUNT] = {
    "OCTOSPIM_P1_CLK", "OCTOSPIM_P1_NCS", "OCTOSPIM_P1_IO0", "OCTOSPIM_P1_IO1",
    "OCTOSPIM_P1_IO2", "OCTOSPIM_P1_IO3", "OCTOSPIM_P1_IO4", "OCTOSPIM_P1_IO5",
    "OCTOSPIM_P1_IO6", "OCTOSPIM_P1_IO7", "OCTOSPIM_P1_DQS",
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

/*
 * OCTOSPIM port 1 on the STM32H72x/H73x and H7A3/B0/B3: only the pins and
 * alternate functions ST's and WeAct's board code uses (shared facts
 * octospi.md "Boards"), each from its source:
 *  - STM32H735G-DK: stm32h735g-dk-bsp stm32h735g_discovery_ospi.h (matches
 *    Zephyr boards/st/stm32h735g_disco/stm32h735g_disco.dts);
 *  - STM32H7B3I-DK: stm32h7b3i-dk-bsp stm32h7b3i_discovery_ospi.h (matches
 *    Zephyr boards/st/stm32h7b3i_dk/stm32h7b3i_dk.dts);
 *  - WeAct MiniSTM32H7B0 / H723: Examples/06-SPIFlash_Test/Core/Src/octospi.c.
 * The datasheets' alternate-function tables (more pins) were not read: a
 * board on another pin is refused until that pin is added here with its
 * source.
 */
static const struct pin_af octospi_p1_pins[] = {
    {SIG_CLK, PORT_F, 10, 9},     {SIG_CLK, PORT_B, 2, 9},      {SIG_BK1_NCS, PORT_G, 6, 10},
    {SIG_BK1_NCS, PORT_B, 6, 10}, {SIG_DQS, PORT_B, 2, 10},     {SIG_DQS, PORT_C, 5, 10},
    {SIG_BK1_IO0, PORT_D, 11, 9}, {SIG_BK1_IO1, PORT_D, 12, 9}, {SIG_BK1_IO1, PORT_F, 9, 10},
    {SIG_BK1_IO2, PORT_E, 2, 9},  {SIG_BK1_IO2, PORT_F, 7, 10}, {SIG_BK1_IO3, PORT_D, 13, 9},
    {SIG_BK1_IO3, PORT_F, 6, 10}, {SIG_BK2_IO0, PORT_D, 4, 10}, {SIG_BK2_IO0, PORT_C, 1, 10},
    {SIG_BK2_IO1, PORT_D, 5, 10}, {SIG_BK2_IO1, PORT_H, 3, 9},  {SIG_BK2_IO2, PORT_G, 9, 9},
    {SIG_BK2_IO3, PORT_D, 7, 10},
};

/* The pin table and signal names of the board's flash-command bus. */
struct bus_pins {
	const struct pin_af *pins;
	size_t n;
	const char *const *names;
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
/* H72x/H73x and H7A3/B0/B3: USB1_OTG_HS's internal full-speed PHY on
 * PA11/PA12 AF10 (STM32CubeH7 Projects/STM32H735G-DK/Applications/USB_Device/
 * DFU_Standalone USB_Device/Target/usbd_conf.c, GPIO_AF10_OTG1_FS). */
static const struct fixed_pin usb1_fs_pa_pins[] = {
    {PORT_A, 11, "USB1_OTG_HS DM"},
    {PORT_A, 12, "USB1_OTG_HS DP"},
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
		board_report_add(r,
		                 "%s: %s does not exist on the STM32H7 (ports A-K, PK0-PK7 only).",
		                 field, pin_text(p, t));
		return false;
	}
	return true;
}

static enum board_family line_family(const struct board *b);

/* The pins are checked for the bus the line has (a wrong .bus is reported
 * once, by check_family). */
static bool octospi_line(const struct board *b)
{
	return line_family(b) != BOARD_FAMILY_H74X;
}

static struct bus_pins bus_pins_of(const struct board *b)
{
	if (octospi_line(b))
		return (struct bus_pins){octospi_p1_pins, COUNT(octospi_p1_pins), octospi_signal};
	return (struct bus_pins){quadspi_pins, COUNT(quadspi_pins), quadspi_signal};
}

static void list_signal_pins(const struct bus_pins *t, enum qspi_signal s, char *buf, size_t size)
{
	size_t used = 0;
	char p_text[8];

	buf[0] = '\0';
	for (size_t i = 0; i < t->n && used < size; i++) {
		const struct pin_af *e = &t->pins[i];
		if (e->signal != s)
			continue;
		struct board_pin p = {e->port, e->pin, e->af, 1};
		int n = snprintf(buf + used, size - used, "%s%s AF%u", used ? ", " : "",
		                 pin_text(&p, p_text), e->af);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static void check_qspi_pin(struct board_report *r, const struct bus_pins *t, const char *field,
                           const struct board_pin *p, enum qspi_signal s)
{
	char p_text[8], where[160];
	const char *sig = t->names[s];

	if (pin_none(p)) {
		board_report_add(r,
		                 "%s: NO_PIN, but the %s needs %s. Write PIN(Pxn, AFk) from the "
		                 "schematic.",
		                 field, t->names == octospi_signal ? "OCTOSPI" : "QUADSPI", sig);
		return;
	}
	if (!pin_usable(r, field, p))
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct pin_af *e = &t->pins[i];
		if (e->signal != s || e->port != p->port || e->pin != p->pin)
			continue;
		if (e->af == p->af)
			return;
		board_report_add(r, "%s: %s has %s on AF%u, not AF%u. Write PIN(%s, AF%u).", field,
		                 pin_text(p, p_text), sig, e->af, p->af, p_text, e->af);
		return;
	}
	list_signal_pins(t, s, where, sizeof where);
	board_report_add(
	    r, "%s: %s AF%u is not %s; the STM32H7 has %s only on %s. Check the schematic.", field,
	    pin_text(p, p_text), p->af, sig, sig, where);
}

static bool all_none(const struct board_pin *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!pin_none(&p[i]))
			return false;
	return true;
}

/* Bank 2 / IO4..IO7. QUADSPI: only with two chips. OCTOSPI: all four (an
 * octal chip, or two quad chips: .qspi_dual) or none (one quad chip). */
static void check_upper_lines(const struct board *b, const struct bus_pins *t,
                              struct board_report *r)
{
	const struct board_pin *up = &b->hw.qspi_io[QSPI_BK2_IO0];
	bool octo = octospi_line(b);

	if (b->qspi_dual || (octo && !all_none(up, 4))) {
		for (unsigned i = QSPI_BK2_IO0; i < QSPI_LINES; i++)
			check_qspi_pin(r, t, io_field[i], &b->hw.qspi_io[i],
			               (enum qspi_signal)(SIG_BK1_IO0 + i));
		return;
	}
	for (unsigned i = QSPI_BK2_IO0; i < QSPI_LINES; i++)
		if (!pin_none(&b->hw.qspi_io[i]))
			board_report_add(
			    r,
			    "%s: bank 2 pin on a board with one flash chip. Write NO_PIN, or "
			    "set .qspi_dual = true if two chips share the QUADSPI.",
			    io_field[i]);
}

static void check_dqs(const struct board *b, const struct bus_pins *t, struct board_report *r)
{
	const struct board_pin *p = &b->hw.qspi_dqs;

	if (pin_left_out(p)) {
		(void)pin_usable(r, "qspi_dqs", p); /* says "not described" */
		return;
	}
	if (pin_none(p))
		return;
	if (!octospi_line(b)) {
		board_report_add(r, "qspi_dqs: the QUADSPI has no data strobe. Write NO_PIN.");
		return;
	}
	check_qspi_pin(r, t, "qspi_dqs", p, SIG_DQS);
}

static void check_qspi(const struct board *b, struct board_report *r)
{
	struct bus_pins t = bus_pins_of(b);

	check_qspi_pin(r, &t, "qspi_clk", &b->hw.qspi_clk, SIG_CLK);
	check_qspi_pin(r, &t, "qspi_ncs", &b->hw.qspi_ncs, SIG_BK1_NCS);
	for (unsigned i = QSPI_BK1_IO0; i < QSPI_BK2_IO0; i++)
		check_qspi_pin(r, &t, io_field[i], &b->hw.qspi_io[i],
		               (enum qspi_signal)(SIG_BK1_IO0 + i));
	check_upper_lines(b, &t, r);
	check_dqs(b, &t, r);
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

/* Internal flash per size letter of the part number (STM32 ordering
 * information: B = 128 KiB, E = 512 KiB, G = 1 MiB, I = 2 MiB). */
static uint32_t flash_bytes(char code)
{
	switch (code) {
	case 'B':
		return 128u * KIB;
	case 'E':
		return 512u * KIB;
	case 'G':
		return 1024u * KIB;
	case 'I':
		return 2048u * KIB;
	default:
		return 0;
	}
}

/*
 * The lines port/stm32h7 drives. SMPS: H745/H747/H755/H757 (RM0399; RM0433
 * parts have the LDO only); H725/H735 always, H730/H7A3/H7B0/H7B3 only in
 * their "Q" variants (the part number ends in Q): CMSIS defines SMPS and
 * PWR_CR3_SMPSEN only in stm32h725xx.h, stm32h735xx.h, stm32h730xxq.h,
 * stm32h7a3xxq.h, stm32h7b3xxq.h, stm32h7b0xxq.h (shared facts octospi.md
 * trap 7). Only the H745/H747/H755/H757 have a Cortex-M4.
 */
enum smps { SMPS_NO, SMPS_YES, SMPS_Q };
static const struct mcu_line {
	const char *line;
	enum board_family family;
	enum smps smps;
} mcu_lines[] = {
    {"H742", BOARD_FAMILY_H74X, SMPS_NO},  {"H743", BOARD_FAMILY_H74X, SMPS_NO},
    {"H745", BOARD_FAMILY_H74X, SMPS_YES}, {"H747", BOARD_FAMILY_H74X, SMPS_YES},
    {"H750", BOARD_FAMILY_H74X, SMPS_NO},  {"H753", BOARD_FAMILY_H74X, SMPS_NO},
    {"H755", BOARD_FAMILY_H74X, SMPS_YES}, {"H757", BOARD_FAMILY_H74X, SMPS_YES},
    {"H723", BOARD_FAMILY_H72X, SMPS_NO},  {"H725", BOARD_FAMILY_H72X, SMPS_YES},
    {"H730", BOARD_FAMILY_H72X, SMPS_Q},   {"H733", BOARD_FAMILY_H72X, SMPS_NO},
    {"H735", BOARD_FAMILY_H72X, SMPS_YES}, {"H7A3", BOARD_FAMILY_H7AB, SMPS_Q},
    {"H7B0", BOARD_FAMILY_H7AB, SMPS_Q},   {"H7B3", BOARD_FAMILY_H7AB, SMPS_Q},
};
static const char *const family_enum[] = {"BOARD_FAMILY_H74X", "BOARD_FAMILY_H72X",
                                          "BOARD_FAMILY_H7AB"};

static const struct mcu_line *find_line(const char *line)
{
	for (size_t i = 0; i < COUNT(mcu_lines); i++)
		if (strcmp(mcu_lines[i].line, line) == 0)
			return &mcu_lines[i];
	return NULL;
}

static bool has_smps(const struct mcu_line *l, const char *mcu)
{
	size_t n = strlen(mcu);
	return l->smps == SMPS_YES || (l->smps == SMPS_Q && n > 11 && mcu[n - 1] == 'Q');
}

/* The family the part number implies (the description's own when the part
 * is unknown): the rules that follow from the line use it, so a wrong
 * .family is one problem, not several. */
static enum board_family line_family(const struct board *b)
{
	char line[5], code;
	const struct mcu_line *l = mcu_line(b, line, &code) ? find_line(line) : NULL;
	return l ? l->family : b->family;
}

/* The family and bus the line implies. */
static void check_family(const struct board *b, const struct mcu_line *l, struct board_report *r)
{
	bool octo = l->family != BOARD_FAMILY_H74X;

	if (b->family != l->family)
		board_report_add(r, "family: the STM32%s is %s. Write .family = %s.", l->line,
		                 family_enum[l->family], family_enum[l->family]);
	if ((b->bus == BOARD_BUS_OCTOSPI) != octo)
		board_report_add(r, "bus: the STM32%s has %s. Write .bus = %s.", l->line,
		                 octo ? "OCTOSPI, no QUADSPI" : "QUADSPI, no OCTOSPI",
		                 octo ? "BOARD_BUS_OCTOSPI" : "BOARD_BUS_QUADSPI");
}

static void check_mcu(const struct board *b, struct board_report *r)
{
	char line[5], code;
	const struct mcu_line *l = NULL;

	if (mcu_line(b, line, &code))
		l = find_line(line);
	if (!l) {
		board_report_add(r,
		                 "mcu: \"%s\" is not an STM32H742/743/745/747/750/753/755/757, "
		                 "H723/725/730/733/735 or H7A3/B0/B3 part number (e.g. "
		                 "\"STM32H743VI\"); port/stm32h7 drives only those.",
		                 b->mcu ? b->mcu : "(null)");
		return;
	}
	check_family(b, l, r);
	bool smps = has_smps(l, b->mcu);
	if (b->hw.supply != BOARD_SUPPLY_LDO && !smps)
		board_report_add(r,
		                 "hw.supply: the STM32%s%s has no SMPS. Write BOARD_SUPPLY_LDO (a "
		                 "wrong PWR_CR3 value is written once and can stop the chip).",
		                 line, l->smps == SMPS_Q ? " (without Q)" : "");
	bool m4 = l->family == BOARD_FAMILY_H74X && l->smps == SMPS_YES;
	if (b->dual_core != m4)
		board_report_add(r, "dual_core: the STM32%s %s a Cortex-M4. Write .dual_core = %s.",
		                 line, m4 ? "has" : "has no", m4 ? "true" : "false");
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

/* Internal flash sector: 128 KiB on H74x/H75x (RM0433/RM0399) and H72x/H73x
 * (CMSIS stm32h735xx.h FLASH_SECTOR_SIZE 0x20000), 8 KiB on H7A3/B0/B3
 * (stm32h7b3xx.h FLASH_SECTOR_SIZE 0x2000). */
static uint32_t sector_size_of(enum board_family f)
{
	return f == BOARD_FAMILY_H7AB ? 8u * KIB : 128u * KIB;
}

static void check_memories(const struct board *b, struct board_report *r)
{
	uint32_t bank = b->iflash_sectors * b->iflash_sector_size;
	uint32_t app = b->default_app_base;
	uint32_t sector = sector_size_of(line_family(b));

	if (b->iflash_base != IFLASH_BASE || b->iflash_sector_size != sector ||
	    b->iflash_banks < 1 || b->iflash_banks > 2 || b->iflash_sectors < 1)
		board_report_add(r,
		                 "iflash: base 0x%08x, %u bank(s) of %u sector(s) of %u bytes; the "
		                 "%s has 1 or 2 banks of %u KiB sectors at 0x08000000.",
		                 (unsigned)b->iflash_base, (unsigned)b->iflash_banks,
		                 (unsigned)b->iflash_sectors, (unsigned)b->iflash_sector_size,
		                 b->mcu ? b->mcu : "MCU", (unsigned)(sector / KIB));
	if (b->bootloader_size == 0 || b->bootloader_size % sector || b->bootloader_size > bank)
		board_report_add(r,
		                 "bootloader_size: %u bytes; it must be whole %u KiB sectors of "
		                 "bank 1.",
		                 (unsigned)b->bootloader_size, (unsigned)(sector / KIB));
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

/* USB2_OTG_FS exists only on the H74x/H75x; on the other lines USB1_OTG_HS's
 * internal full-speed PHY is on PA11/PA12 (CMSIS: only USB1_OTG_HS in
 * stm32h735xx.h / stm32h7b3xx.h; shared facts octospi.md "Clocks, power,
 * memory per part"). */
static void check_usb_line(const struct board *b, struct board_report *r)
{
	bool h74 = line_family(b) == BOARD_FAMILY_H74X;

	if (h74 && b->hw.usb == BOARD_USB1_OTG_HS_FS_PA11_PA12)
		board_report_add(r,
		                 "hw.usb: the STM32H74x/H75x has USB2_OTG_FS on PA11/PA12. Write "
		                 "BOARD_USB2_OTG_FS_PA11_PA12.");
	if (!h74 && (b->hw.usb == BOARD_USB2_OTG_FS_PA11_PA12 ||
	             b->hw.usb == BOARD_USB1_OTG_HS_FS_PB14_PB15))
		board_report_add(r, "hw.usb: this line has only USB1_OTG_HS, its full-speed PHY on "
		                    "PA11/PA12. Write BOARD_USB1_OTG_HS_FS_PA11_PA12 or "
		                    "BOARD_USB1_OTG_HS_ULPI.");
}

/* The enum fields hold one of their choices. */
static void check_choices(const struct board *b, struct board_report *r)
{
	if (b->hw.usb != BOARD_USB2_OTG_FS_PA11_PA12 && b->hw.usb != BOARD_USB1_OTG_HS_ULPI &&
	    b->hw.usb != BOARD_USB1_OTG_HS_FS_PB14_PB15 &&
	    b->hw.usb != BOARD_USB1_OTG_HS_FS_PA11_PA12)
		board_report_add(r, "hw.usb: %d is not a BOARD_USB_* choice.", (int)b->hw.usb);
	if (b->family != BOARD_FAMILY_H74X && b->family != BOARD_FAMILY_H72X &&
	    b->family != BOARD_FAMILY_H7AB)
		board_report_add(r, "family: %d is not a BOARD_FAMILY_* choice.", (int)b->family);
	if (b->bus != BOARD_BUS_QUADSPI && b->bus != BOARD_BUS_OCTOSPI)
		board_report_add(r, "bus: %d is not a BOARD_BUS_* choice.", (int)b->bus);
	check_usb_line(b, r);
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
	else if (b->hw.usb == BOARD_USB1_OTG_HS_FS_PA11_PA12)
		use_fixed(r, &u, usb1_fs_pa_pins, COUNT(usb1_fs_pa_pins));
	else if (b->hw.usb == BOARD_USB1_OTG_HS_ULPI)
		use_fixed(r, &u, ulpi_pins, COUNT(ulpi_pins));
	if (b->hw.hse_hz)
		use_fixed(r, &u, hse_xtal_pins, b->hw.hse_bypass ? 1 : COUNT(hse_xtal_pins));
	use_field(r, &u, &b->hw.qspi_clk, "qspi_clk");
	use_field(r, &u, &b->hw.qspi_ncs, "qspi_ncs");
	for (unsigned i = 0; i < QSPI_LINES; i++)
		use_field(r, &u, &b->hw.qspi_io[i], io_field[i]);
	use_field(r, &u, &b->hw.qspi_dqs, "qspi_dqs");
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
