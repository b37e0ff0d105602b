/* SPDX-License-Identifier: MIT */
/*
 * STM32H735G-DK: STM32H735IGK6 (one bank of 8 x 128 KiB), direct SMPS, 25 MHz crystal,
 * 64 MiB Macronix MX25LM51245G octal NOR on OCTOSPI1 / IO-manager port 1 (a HyperRAM on
 * port 2, not used), USB1_OTG_HS with its internal full-speed PHY on CN14 (micro-AB).
 * The bootloader finds the NOR in whichever protocol an application left it (SPI, OPI STR,
 * OPI DTR: the octal NOR layer resets it blind in all three) and runs it in SPI 1-1-1; it
 * hands applications the chip in octal DTR memory-mapped (DQS wired) when their vector
 * table reads the same there, else in SPI 1-1-1 (firmware/mem/region_qspi.c).
 *
 * Sources (shared facts octospi.md "Boards", checked 2026-12):
 * - OCTOSPI pins and AFs: STMicroelectronics/stm32h735g-dk-bsp, stm32h735g_discovery_ospi.h
 *   (NCS PG6 AF10, CLK PF10 AF9, DQS PB2 AF10, IO0-IO3 PD11 PD12 PE2 PD13 AF9, IO4 PD4, IO5 PD5,
 *   IO7 PD7 AF10, IO6 PG9 AF9); the same pins in Zephyr
 * boards/st/stm32h735g_disco/stm32h735g_disco.dts.
 * - Supply: STM32CubeH7 Projects/STM32H735G-DK/Templates/Src/main.c (PWR_DIRECT_SMPS_SUPPLY);
 *   HSE 25 MHz crystal (RCC_HSE_ON) there and in the Zephyr board.
 * - USB: STM32CubeH7 Projects/STM32H735G-DK/Applications/USB_Device/DFU_Standalone
 *   (readme.txt: CN14; usbd_conf.c: PA11/PA12 AF10 OTG1_FS, VBUS sensing off).
 * - Button and LED: stm32h735g_discovery.c/.h (user button PC13, pressed = high; LD1 green
 *   PC3, BSP_LED_On writes RESET: active-low); Zephyr agrees.
 * The NOR runs at 100 MHz: OCTOSPI kernel clock PLL2R 200 MHz / 2 (clock.c,
 * docs/clocks.md), as ST's BSP (stm32h735g_discovery_ospi.c: PLL2R 200 MHz, prescaler 2);
 * above 66 MHz the octal layer keeps the chip's power-on 20 dummy cycles (firmware/nor/octal.c).
 */
#include "boards/board_def.h"

const struct board board_stm32h735g_dk = {
    .name = "stm32h735g-dk",
    .title = "STM32H735G-DK",
    .mcu = "STM32H735IGK6",
    .family = BOARD_FAMILY_H72X,
    .dual_core = false,
    .iflash_base = 0x08000000u,
    .iflash_banks = 1,
    .iflash_sectors = 8,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .bus = BOARD_BUS_OCTOSPI,
    .qspi_dual = false,
    .qspi_chip = "MX25LM51245G",
    .qspi_clock_hz = 100000000u, /* bus <= this: PLL2R 200 MHz / 2 */
    /* the fastest: octal DTR memory-mapped (8DTRD 0xEE11, DQS) when the
     * application's vector table reads the same in it, else SPI 1-1-1
     * (docs/decisions/octal-protocol-at-handover.md; qdfu_handoff.xip says
     * which) */
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x08020000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader STM32H735G-DK",
    .hw =
        {
            .supply = BOARD_SUPPLY_DIRECT_SMPS,
            .hse_hz = 25000000u,
            .hse_bypass = false,
            .usb = BOARD_USB1_OTG_HS_FS_PA11_PA12,
            .hse_enable = NO_PIN,
            .ulpi_reset = NO_PIN,
            .qspi_clk = PIN(PF10, AF9),
            .qspi_ncs = PIN(PG6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PD11, AF9), /* IO0 */
                    [QSPI_BK1_IO1] = PIN(PD12, AF9), /* IO1 */
                    [QSPI_BK1_IO2] = PIN(PE2, AF9),  /* IO2 */
                    [QSPI_BK1_IO3] = PIN(PD13, AF9), /* IO3 */
                    [QSPI_BK2_IO0] = PIN(PD4, AF10), /* IO4 */
                    [QSPI_BK2_IO1] = PIN(PD5, AF10), /* IO5 */
                    [QSPI_BK2_IO2] = PIN(PG9, AF9),  /* IO6 */
                    [QSPI_BK2_IO3] = PIN(PD7, AF10), /* IO7 */
                },
            .qspi_dqs = PIN(PB2, AF10),
            .button = ACTIVE_HIGH(PC13),
            .led = ACTIVE_LOW(PC3), /* LD1 green */
        },
};
