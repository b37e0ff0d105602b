/* SPDX-License-Identifier: MIT */
/* Arduino GIGA R1 WiFi: H747, LDO, AT25SF128A 16 MiB, USB2_OTG_FS on USB-C. */
#include "boards/board.h"

const struct board board_giga_r1 = {
    .name = "giga-r1",
    .title = "Arduino GIGA R1 WiFi",
    .mcu = "STM32H747XI",
    .dual_core = true,
    .iflash_base = 0x08000000u,
    .iflash_banks = 2,
    .iflash_sectors = 8,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = false,
    .qspi_chip = "AT25SF128A",
    .qspi_clock_hz = 50000000u,
    .default_app_base = 0x08040000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader GIGA R1",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 16000000u,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = BOARD_PIN_NONE,
            .ulpi_reset = BOARD_PIN_NONE,
            .qspi_clk = {5, 10, 9, 1},
            .qspi_ncs = {6, 6, 10, 0},
            .qspi_io = {{3, 11, 9, 1},
                        {3, 12, 9, 1},
                        {4, 2, 9, 1},
                        {5, 6, 9, 1},
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE},
            .button = {2, 13, 0, 1}, /* BOOT0 button readable on PC13 */
            .led = {8, 12, 0, 0},    /* PI12 red, active-low */
        },
};
