/* SPDX-License-Identifier: MIT */
/*
 * A board: the MCU, its memories and wiring. Every file in firmware/boards/
 * is one board, defining `const struct board board_<file name>` in the words
 * of boards/board_def.h (PIN(PB2, AF9), ACTIVE_LOW(PJ2), NO_PIN); an
 * out-of-tree board file joins them with BOARD_FILE= (docs/porting.md). The
 * build generates board_list[] from the files (cmake/QdfuBoards.cmake) and
 * checks every description first (boards/check/). The generic part is used
 * by the portable core and the simulator; the `hw` part only by port/stm32h7
 * (supply, clocks, pins).
 */
#ifndef QDFU_BOARDS_BOARD_H
#define QDFU_BOARDS_BOARD_H

#include <stdbool.h>
#include <stdint.h>

enum board_supply {
	BOARD_SUPPLY_LDO = 0,
	BOARD_SUPPLY_DIRECT_SMPS,
	BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO,
};

enum board_usb_port {
	BOARD_USB2_OTG_FS_PA11_PA12 = 0, /* H74x/H75x: USB2_OTG_FS, AF10 */
	BOARD_USB1_OTG_HS_ULPI,          /* external ULPI PHY, high speed */
	BOARD_USB1_OTG_HS_FS_PB14_PB15,  /* H74x/H75x: USB1 with its internal FS PHY */
	BOARD_USB1_OTG_HS_FS_PA11_PA12,  /* H72x/H73x, H7A3/B0/B3: USB1's internal FS PHY, AF10 */
};

/* The MCU's line: what the port drives differently (flash-command bus,
 * internal flash, clocks). Zero is the H74x/H75x, so board files written
 * before the other lines existed keep meaning what they meant. */
enum board_family {
	BOARD_FAMILY_H74X = 0, /* H742/743/745/747/750/753/755/757: QUADSPI, 128 KiB sectors */
	BOARD_FAMILY_H72X,     /* H723/725/730/733/735: OCTOSPI, 128 KiB sectors, 32-byte words */
	BOARD_FAMILY_H7AB,     /* H7A3/H7B0/H7B3: OCTOSPI, 8 KiB sectors, 16-byte words */
};

/* The external flash's controller (the board's line decides: the checker
 * refuses a mismatch); the image links quadspi.c or octospi.c for it. */
enum board_bus {
	BOARD_BUS_QUADSPI = 0,
	BOARD_BUS_OCTOSPI, /* OCTOSPI1 on IO-manager port 1 */
};

/* Internal flash program unit: 256-bit flash words on H74x/H75x (RM0433)
 * and H72x/H73x, 128-bit on H7A3/B0/B3 (CMSIS FLASH_NB_32BITWORD_IN_FLASHWORD
 * 4 in stm32h7a3xx.h; openocd stm32h7x.c "add support of STM32H7Ax/H7Bx"). */
#define BOARD_IFLASH_WORD_MAX 32u
static inline uint32_t board_iflash_word(enum board_family f)
{
	return f == BOARD_FAMILY_H7AB ? 16u : 32u;
}

/* A GPIO: port letter index (0 = A ... 10 = K), pin 0..15, alternate
 * function (BOARD_AF_GPIO for a plain input or output), active level (plain
 * GPIOs only). port = 0xFF means "none". */
struct board_pin {
	uint8_t port;
	uint8_t pin;
	uint8_t af;
	uint8_t active_high;
};
#define BOARD_PIN_NONE                                                                             \
	{                                                                                          \
		0xFF, 0, 0, 0                                                                      \
	}

/* board_pin.af of a plain GPIO (LED, button, enables): no alternate function.
 * Never 0, so a pin field a description left out (all zero) is told apart. */
#define BOARD_AF_GPIO 0x10u

/* Index of each QUADSPI data line in board_hw.qspi_io[]. On OCTOSPI boards
 * the eight entries are IO0..IO7 of OCTOSPIM port 1 in order
 * (QSPI_BK1_IO0..3 = IO0..3, QSPI_BK2_IO0..3 = IO4..7). */
enum board_qspi_line {
	QSPI_BK1_IO0 = 0,
	QSPI_BK1_IO1,
	QSPI_BK1_IO2,
	QSPI_BK1_IO3,
	QSPI_BK2_IO0,
	QSPI_BK2_IO1,
	QSPI_BK2_IO2,
	QSPI_BK2_IO3,
	QSPI_LINES
};

enum board_pmic {
	BOARD_PMIC_NONE = 0,
	BOARD_PMIC_PF1550, /* NXP PF1550 on I2C1 (Portenta H7) */
};

/* How the board's own ecosystem asks for the bootloader, honoured besides
 * qdfu's own request (port_board_entry_requested(), hal/port.h). */
enum board_entry {
	BOARD_ENTRY_NONE = 0,
	BOARD_ENTRY_ARDUINO, /* 0xDF59 in RTC_BKP0R: 1200 bps touch, double-tap RESET */
	BOARD_ENTRY_DAISY,   /* libDaisy's BootInfo in backup SRAM: ResetToBootloader() */
};

/* What the bootloader leaves the external flash in for an application that
 * executes in place or reads it (docs/decisions/xip-handover.md). 0 is no
 * choice: each board says which (the board checker insists). */
enum board_xip {
	BOARD_XIP_UNSET = 0,
	BOARD_XIP_FASTEST, /* memory-mapped 1-4-4, else 1-1-4, else 1-1-1 */
	BOARD_XIP_SINGLE,  /* memory-mapped 1-1-1 fast read only */
	BOARD_XIP_OFF,     /* QUADSPI left idle for internal applications; one
	                    * in QSPI still gets the 1-1-1 fast read */
};

struct board_hw {
	enum board_supply supply;
	uint32_t hse_hz; /* 0 = no crystal: HSI48 + CRS */
	bool hse_bypass; /* oscillator instead of crystal */
	enum board_usb_port usb;
	struct board_pin hse_enable; /* Portenta: PH1 powers the oscillator */
	struct board_pin ulpi_reset; /* Portenta: PJ4 */
	struct board_pin qspi_clk, qspi_ncs;
	struct board_pin qspi_io[QSPI_LINES]; /* bank 1 IO0..3, bank 2 IO0..3 (OCTOSPI: IO0..7) */
	struct board_pin qspi_dqs;            /* OCTOSPI data strobe (octal DTR), else NO_PIN */
	struct board_pin button;
	struct board_pin led;
	/* a PMIC the bootloader must bring up (pins used only when pmic != NONE) */
	enum board_pmic pmic;
	struct board_pin pmic_scl, pmic_sda, pmic_standby;
};

struct board {
	const char *name;  /* "stm32h745i-disco" */
	const char *title; /* "STM32H745I-DISCO" */
	const char *mcu;   /* "STM32H745XI" */
	enum board_family family;
	bool dual_core;
	/* internal flash */
	uint32_t iflash_base;        /* 0x08000000 */
	uint32_t iflash_banks;       /* 1 or 2 */
	uint32_t iflash_sectors;     /* per bank */
	uint32_t iflash_sector_size; /* bytes */
	uint32_t bootloader_size;    /* the bootloader's own sectors, read-only */
	/* external flash */
	enum board_bus bus;    /* QUADSPI or OCTOSPI (follows .family) */
	bool qspi_dual;        /* two chips on one QUADSPI */
	const char *qspi_chip; /* default chip model / expected part */
	uint32_t qspi_clock_hz;
	enum board_xip xip; /* the memory-mapped read handed to applications */
	/* where applications start when no vector table was learned */
	uint32_t default_app_base;
	/* USB identity (docs/decisions/usb-identity.md); a build may override
	 * it with -DQDFU_USB_VID/PID/MANUFACTURER/PRODUCT */
	uint16_t usb_vid, usb_pid;
	const char *usb_product;
	const char *usb_manufacturer; /* NULL: "qdfu" */
	enum board_entry entry;       /* the ecosystem's "enter the bootloader" */
	/* alt 0 lists the external flash too (before the internal flash): the
	 * original bootloader's tools address QSPI through alt 0 (Daisy:
	 * libDaisy's dfu-util -a 0 -s 0x90040000, the web programmer) */
	bool alt0_lists_qspi;
	struct board_hw hw;
};

/* An octal chip on the board: OCTOSPI with all eight data lines wired to
 * one chip (the MX25LM51245G of ST's H735G-DK and H7B3I-DK). The WeAct
 * boards' quad chip on OCTOSPI (IO4..IO7 NO_PIN) is not one. */
static inline bool board_octal_chip(const struct board *b)
{
	if (b->bus != BOARD_BUS_OCTOSPI || b->qspi_dual)
		return false;
	for (unsigned i = QSPI_BK2_IO0; i < QSPI_LINES; i++)
		if (b->hw.qspi_io[i].port == 0xFF)
			return false;
	return true;
}

/* The octal chip runs, and is handed over, in octal DTR: DQS wired and the
 * board's applications get the fastest read (docs/decisions/
 * octal-protocol-at-handover.md). */
static inline bool board_octal_dtr(const struct board *b)
{
	return board_octal_chip(b) && b->hw.qspi_dqs.port != 0xFF && b->xip == BOARD_XIP_FASTEST;
}

/* Every board, NULL-terminated (generated by the build from the board files);
 * and lookup by name (NULL if unknown). */
extern const struct board *const board_list[];
const struct board *board_find(const char *name);

#endif
