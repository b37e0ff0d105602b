/* SPDX-License-Identifier: MIT */
/* Electrosmith Daisy Seed: H750, LDO, IS25LP064A 8 MiB, USB2_OTG_FS on the micro-USB. */
#include "boards/board.h"

const struct board board_daisy_seed = {
    .name = "daisy-seed",
    .title = "Daisy Seed",
    .mcu = "STM32H750IB",
    .dual_core = false,
    .iflash_base = 0x08000000u,
    .iflash_banks = 1,
    .iflash_sectors = 1,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = false,
    .qspi_chip = "IS25LP064A",
    .qspi_clock_hz = 50000000u,
    .default_app_base = 0x90040000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader Daisy Seed",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 16000000u,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = BOARD_PIN_NONE,
            .ulpi_reset = BOARD_PIN_NONE,
            .qspi_clk = {5, 10, 9, 1},
            .qspi_ncs = {6, 6, 10, 0},
            .qspi_io = {{5, 8, 10, 1},
                        {5, 9, 10, 1},
                        {5, 7, 9, 1},
                        {5, 6, 9, 1},
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE},
            .button = BOARD_PIN_NONE, /* BOOT is hardware BOOT0 */
            .led = {2, 7, 0, 1},      /* PC7 active-high */
        },
};
