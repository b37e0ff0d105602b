/* SPDX-License-Identifier: MIT */
/*
 * A board description that passes the check (the template's board), with
 * each field a bad board file may replace: a bad file defines the one field
 * it gets wrong, then GOOD_BOARD(name) as its board.
 */
#ifndef QDFU_TESTS_BAD_GOOD_BOARD_H
#define QDFU_TESTS_BAD_GOOD_BOARD_H

#include "boards/board_def.h"

#ifndef HSE_HZ
#define HSE_HZ 25000000u
#endif
#ifndef QSPI_IO1
#define QSPI_IO1 PIN(PD12, AF9)
#endif
#ifndef BUTTON
#define BUTTON ACTIVE_HIGH(PC13)
#endif
#ifndef LED
#define LED ACTIVE_HIGH(PE3)
#endif
#ifndef XIP
#define XIP BOARD_XIP_FASTEST
#endif

#define GOOD_BOARD(board_name)                                                                     \
	{                                                                                          \
		.name = board_name, .title = "Test board", .mcu = "STM32H743VI",                   \
		.dual_core = false, .iflash_base = 0x08000000u, .iflash_banks = 2,                 \
		.iflash_sectors = 8, .iflash_sector_size = 128u * 1024u,                           \
		.bootloader_size = 128u * 1024u, .qspi_dual = false, .qspi_chip = "W25Q64JV",      \
		.qspi_clock_hz = 50000000u, .xip = XIP, .default_app_base = 0x08020000u,           \
		.usb_vid = 0x0483, .usb_pid = 0xDF11, .usb_product = "qdfu test board",            \
		.hw = {                                                                            \
		    .supply = BOARD_SUPPLY_LDO,                                                    \
		    .hse_hz = HSE_HZ,                                                              \
		    .hse_bypass = false,                                                           \
		    .usb = BOARD_USB2_OTG_FS_PA11_PA12,                                            \
		    .hse_enable = NO_PIN,                                                          \
		    .ulpi_reset = NO_PIN,                                                          \
		    .qspi_clk = PIN(PB2, AF9),                                                     \
		    .qspi_ncs = PIN(PB6, AF10),                                                    \
		    .qspi_io = {[QSPI_BK1_IO0] = PIN(PD11, AF9),                                   \
		                [QSPI_BK1_IO1] = QSPI_IO1,                                         \
		                [QSPI_BK1_IO2] = PIN(PE2, AF9),                                    \
		                [QSPI_BK1_IO3] = PIN(PD13, AF9),                                   \
		                [QSPI_BK2_IO0] = NO_PIN,                                           \
		                [QSPI_BK2_IO1] = NO_PIN,                                           \
		                [QSPI_BK2_IO2] = NO_PIN,                                           \
		                [QSPI_BK2_IO3] = NO_PIN},                                          \
		    .button = BUTTON,                                                              \
		    .led = LED,                                                                    \
		},                                                                                 \
	}

#endif
