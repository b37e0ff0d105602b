/* SPDX-License-Identifier: MIT */
/*
 * A board: the MCU, its memories and wiring. One file per board in
 * firmware/boards/, each defining one `const struct board`. The generic part
 * is used by the portable core and the simulator; the `hw` part only by
 * port/stm32h7 (supply, clocks, pins).
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
	BOARD_USB1_OTG_HS_FS_PB14_PB15,  /* USB1 with its internal FS PHY */
};

/* A GPIO: port letter index (0 = A ... 10 = K), pin 0..15, alternate
 * function, active level. port = 0xFF means "none". */
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

enum board_pmic {
	BOARD_PMIC_NONE = 0,
	BOARD_PMIC_PF1550, /* NXP PF1550 on I2C1 (Portenta H7) */
};

struct board_hw {
	enum board_supply supply;
	uint32_t hse_hz; /* 0 = no crystal: HSI48 + CRS */
	bool hse_bypass; /* oscillator instead of crystal */
	enum board_usb_port usb;
	struct board_pin hse_enable; /* Portenta: PH1 powers the oscillator */
	struct board_pin ulpi_reset; /* Portenta: PJ4 */
	struct board_pin qspi_clk, qspi_ncs;
	struct board_pin qspi_io[8]; /* bank 1 IO0..3, bank 2 IO0..3 */
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
	bool dual_core;
	/* internal flash */
	uint32_t iflash_base;        /* 0x08000000 */
	uint32_t iflash_banks;       /* 1 or 2 */
	uint32_t iflash_sectors;     /* per bank */
	uint32_t iflash_sector_size; /* bytes */
	uint32_t bootloader_size;    /* the bootloader's own sectors, read-only */
	/* external flash */
	bool qspi_dual;        /* two chips on one QUADSPI */
	const char *qspi_chip; /* default chip model / expected part */
	uint32_t qspi_clock_hz;
	/* where applications start when no vector table was learned */
	uint32_t default_app_base;
	/* USB identity */
	uint16_t usb_vid, usb_pid;
	const char *usb_product;
	struct board_hw hw;
};

/* Every board, NULL-terminated; and lookup by name (NULL if unknown). */
extern const struct board *const board_list[];
const struct board *board_find(const char *name);

#endif
