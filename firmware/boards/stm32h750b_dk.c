/* SPDX-License-Identifier: MIT */
/* STM32H750B-DK: H750 (128 KiB internal), LDO, two MT25QL512ABB dual-flash, USB on CN13
 * (USB2_OTG_FS). */
#include "boards/board.h"

const struct board board_stm32h750b_dk = {
    .name = "stm32h750b-dk",
    .title = "STM32H750B-DK",
    .mcu = "STM32H750XB",
    .dual_core = false,
    .iflash_base = 0x08000000u,
    .iflash_banks = 1,
    .iflash_sectors = 1,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = true,
    .qspi_chip = "MT25QL512ABB",
    .qspi_clock_hz = 50000000u,
    .default_app_base = 0x90000000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader STM32H750B-DK",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 25000000u,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = BOARD_PIN_NONE,
            .ulpi_reset = BOARD_PIN_NONE,
            .qspi_clk = {5, 10, 9, 1},
            .qspi_ncs = {6, 6, 10, 0},
            .qspi_io = {{3, 11, 9, 1},
                        {5, 9, 10, 1},
                        {5, 7, 9, 1},
                        {5, 6, 9, 1},
                        {7, 2, 9, 1},
                        {7, 3, 9, 1},
                        {6, 9, 9, 1},
                        {6, 14, 9, 1}},
            .button = {2, 13, 0, 1},
            .led = {9, 2, 0, 0},
        },
};
