/* SPDX-License-Identifier: MIT */
/*
 * STM32H750B-DK: STM32H750XB (one 128 KiB internal flash sector: the bootloader's), LDO, two
 * MT25QL512ABB dies (MT25TL01G) in dual-flash mode, USB OTG FS connector CN13 (USB2_OTG_FS).
 * Applications live in QSPI (0x90000000).
 *
 * Sources (checked 2026-12):
 * - QSPI pins and AFs: STMicroelectronics/stm32h750b-dk-bsp, stm32h750b_discovery_qspi.h and
 *   stm32h750b_discovery_qspi.c (QSPI_MspInit): the same pins as the STM32H745I-DISCO.
 * - LED and button: stm32h750b_discovery.h (LED1 PJ2, BUTTON_USER PC13) and .c (BSP_LED_On
 *   writes 0: active-low).
 * - Supply and HSE: STMicroelectronics/STM32CubeH7,
 *   Projects/STM32H750B-DK/Templates/Template_Project/Src/main.c (PWR_LDO_SUPPLY "for the
 *   STM32H750B-DISCO board", RCC_HSE_ON, "HSE Frequency(Hz) = 25000000").
 */
#include "boards/board_def.h"

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
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x90000000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader STM32H750B-DK",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 25000000u,
            .hse_bypass = false,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = NO_PIN,
            .ulpi_reset = NO_PIN,
            .qspi_clk = PIN(PF10, AF9),
            .qspi_ncs = PIN(PG6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PD11, AF9),
                    [QSPI_BK1_IO1] = PIN(PF9, AF10),
                    [QSPI_BK1_IO2] = PIN(PF7, AF9),
                    [QSPI_BK1_IO3] = PIN(PF6, AF9),
                    [QSPI_BK2_IO0] = PIN(PH2, AF9),
                    [QSPI_BK2_IO1] = PIN(PH3, AF9),
                    [QSPI_BK2_IO2] = PIN(PG9, AF9),
                    [QSPI_BK2_IO3] = PIN(PG14, AF9),
                },
            .qspi_dqs = NO_PIN,
            .button = ACTIVE_HIGH(PC13), /* USER */
            .led = ACTIVE_LOW(PJ2),      /* LD1 */
        },
};
