/* SPDX-License-Identifier: MIT */
/* WeAct MiniSTM32H750: H750, LDO, W25Q64JV 8 MiB (UNVERIFIED part), USB2_OTG_FS on USB-C. */
#include "boards/board.h"

const struct board board_weact_h750 = {
    .name = "weact-h750",
    .title = "WeAct MiniSTM32H750",
    .mcu = "STM32H750VBT6",
    .dual_core = false,
    .iflash_base = 0x08000000u,
    .iflash_banks = 1,
    .iflash_sectors = 1,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = false,
    .qspi_chip = "W25Q64JV",
    .qspi_clock_hz = 50000000u,
    .default_app_base = 0x90000000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader WeAct H750",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 25000000u,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = BOARD_PIN_NONE,
            .ulpi_reset = BOARD_PIN_NONE,
            .qspi_clk = {1, 2, 9, 1},  /* PB2 AF9 */
            .qspi_ncs = {1, 6, 10, 0}, /* PB6 AF10 */
            .qspi_io = {{3, 11, 9, 1},
                        {3, 12, 9, 1},
                        {4, 2, 9, 1},
                        {3, 13, 9, 1},
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE},
            .button = {2, 13, 0, 1}, /* K1 PC13 active-high */
            .led = {4, 3, 0, 1},     /* PE3 active-high */
        },
};
