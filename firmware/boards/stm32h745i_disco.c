/* SPDX-License-Identifier: MIT */
/*
 * STM32H745I-DISCO: STM32H745XI (Cortex-M7 + Cortex-M4), direct SMPS, two MT25QL512ABB dies
 * (MT25TL01G) in dual-flash mode, USB OTG FS connector CN13 (USB2_OTG_FS).
 *
 * Sources (checked 2026-12):
 * - QSPI pins and AFs: STMicroelectronics/stm32h745i-disco-bsp, stm32h745i_discovery_qspi.h
 *   (QSPI_CLK_PIN .. QSPI_BK2_D3_PIN) and stm32h745i_discovery_qspi.c (QSPI_MspInit: AF9, CS and
 *   BK1 D1 AF10).
 * - LED and button: stm32h745i_discovery.h (LED1 PJ2, BUTTON_USER PC13) and .c (BSP_LED_On
 *   writes 0: active-low; BSP_PB_GetState returns the pin: pressed = 1).
 * - Supply and HSE: STMicroelectronics/STM32CubeH7,
 *   Projects/STM32H745I-DISCO/Templates/BootCM7_CM4Gated/CM7/Src/main.c (PWR_DIRECT_SMPS_SUPPLY,
 *   RCC_HSE_ON with PLLM 5 for a 25 MHz crystal).
 */
#include "boards/board_def.h"

const struct board board_stm32h745i_disco = {
    .name = "stm32h745i-disco",
    .title = "STM32H745I-DISCO",
    .mcu = "STM32H745XI",
    .dual_core = true,
    .iflash_base = 0x08000000u,
    .iflash_banks = 2,
    .iflash_sectors = 8,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = true,
    .qspi_chip = "MT25QL512ABB",
    .qspi_clock_hz = 50000000u,
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x08020000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader STM32H745I-DISCO",
    .hw =
        {
            .supply = BOARD_SUPPLY_DIRECT_SMPS,
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
            .led = ACTIVE_LOW(PJ2),      /* LD1 green */
        },
};
