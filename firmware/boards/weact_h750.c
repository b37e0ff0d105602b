/* SPDX-License-Identifier: MIT */
/*
 * WeAct MiniSTM32H750: STM32H750VBT6 (one 128 KiB internal flash sector: the bootloader's),
 * LDO, 8 MiB single QSPI flash (W25Q64JV; some batches PY25Q64HA: UNVERIFIED which),
 * USB2_OTG_FS on USB-C. Applications live in QSPI (0x90000000).
 *
 * Sources (checked 2026-12), WeActStudio/MiniSTM32H7xx, SDK/HAL/STM32H750/02-ExtMem_Boot:
 * - QSPI pins and AFs: Core/Src/quadspi.c (HAL_QSPI_MspInit: PE2 IO2, PB2 CLK, PD11 IO0,
 *   PD12 IO1, PD13 IO3 AF9; PB6 NCS AF10).
 * - Supply and HSE: Core/Src/main.c (PWR_LDO_SUPPLY, RCC_HSE_ON, PLLM 5) and 02-ExtMem_Boot.ioc
 *   (RCC.HSE_VALUE=25000000).
 * - Button and LED: the .ioc (K1 on PC13 with a pull-down: pressed = high; PE3 an output).
 *   The LED's active level is not stated there (the GPIO example only toggles it): active-high
 *   is from the facts table, UNVERIFIED.
 */
#include "boards/board_def.h"

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
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x90000000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader WeAct H750",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 25000000u,
            .hse_bypass = false,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = NO_PIN,
            .ulpi_reset = NO_PIN,
            .qspi_clk = PIN(PB2, AF9),
            .qspi_ncs = PIN(PB6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PD11, AF9),
                    [QSPI_BK1_IO1] = PIN(PD12, AF9),
                    [QSPI_BK1_IO2] = PIN(PE2, AF9),
                    [QSPI_BK1_IO3] = PIN(PD13, AF9),
                    [QSPI_BK2_IO0] = NO_PIN,
                    [QSPI_BK2_IO1] = NO_PIN,
                    [QSPI_BK2_IO2] = NO_PIN,
                    [QSPI_BK2_IO3] = NO_PIN,
                },
            .qspi_dqs = NO_PIN,
            .button = ACTIVE_HIGH(PC13), /* K1 */
            .led = ACTIVE_HIGH(PE3),
        },
};
