/* SPDX-License-Identifier: MIT */
/*
 * STM32H7B3I-DK: STM32H7B3LIH6Q (2 banks of 128 x 8 KiB, 16-byte flash words), direct SMPS,
 * 24 MHz crystal, 64 MiB Macronix MX25LM51245G octal NOR on OCTOSPI1 / IO-manager port 1,
 * USB1_OTG_HS through an external ULPI PHY (high speed; PA11/PA12 go to FDCAN1 through solder
 * bridges). The bootloader finds the NOR in whichever protocol an application left it (SPI,
 * OPI STR, OPI DTR: the octal NOR layer resets it blind in all three) and runs it in SPI 1-1-1;
 * it hands applications the chip in octal DTR memory-mapped (DQS on PC5) when their vector
 * table reads the same there, else in SPI 1-1-1 (firmware/mem/region_qspi.c).
 *
 * Sources (shared facts octospi.md "Boards", checked 2026-12):
 * - OCTOSPI pins and AFs: STMicroelectronics/stm32h7b3i-dk-bsp, stm32h7b3i_discovery_ospi.h
 *   (NCS PG6 AF10, CLK PB2 AF9, DQS PC5 AF10, IO0 PD11 AF9, IO1 PF9, IO2 PF7, IO3 PF6, IO4 PC1
 *   AF10, IO5 PH3 AF9, IO6 PG9 AF9, IO7 PD7 AF10); the same in Zephyr
 *   boards/st/stm32h7b3i_dk/stm32h7b3i_dk.dts.
 * - Supply, HSE: STM32CubeH7 Projects/STM32H7B3I-DK/Applications/USB_Device/DFU_Standalone
 *   Core/Src/main.c (PWR_DIRECT_SMPS_SUPPLY, RCC_HSE_ON, 24 MHz); Zephyr "smps-direct".
 * - USB: the same example's USB_Device/Target/usbd_conf.c (ULPI on USB1_OTG_HS, the ULPI pins
 *   of board_check.c). The PHY's part and whether a GPIO resets it: UNVERIFIED (none given).
 * - Button: stm32h7b3i_discovery.h (PC13, pressed = high). LED: LED2 PG2; the BSP drives it
 *   active-low (BSP_LED_On writes RESET) while Zephyr declares it active-high: the BSP's
 *   level is used, check on hardware (UNVERIFIED).
 */
#include "boards/board_def.h"

const struct board board_stm32h7b3i_dk = {
    .name = "stm32h7b3i-dk",
    .title = "STM32H7B3I-DK",
    .mcu = "STM32H7B3LIH6Q",
    .family = BOARD_FAMILY_H7AB,
    .dual_core = false,
    .iflash_base = 0x08000000u,
    .iflash_banks = 2,
    .iflash_sectors = 128,
    .iflash_sector_size = 8u * 1024u,
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
    .usb_product = "qdfu bootloader STM32H7B3I-DK",
    .hw =
        {
            .supply = BOARD_SUPPLY_DIRECT_SMPS,
            .hse_hz = 24000000u,
            .hse_bypass = false,
            .usb = BOARD_USB1_OTG_HS_ULPI,
            .hse_enable = NO_PIN,
            .ulpi_reset = NO_PIN,
            .qspi_clk = PIN(PB2, AF9),
            .qspi_ncs = PIN(PG6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PD11, AF9), /* IO0 */
                    [QSPI_BK1_IO1] = PIN(PF9, AF10), /* IO1 */
                    [QSPI_BK1_IO2] = PIN(PF7, AF10), /* IO2 */
                    [QSPI_BK1_IO3] = PIN(PF6, AF10), /* IO3 */
                    [QSPI_BK2_IO0] = PIN(PC1, AF10), /* IO4 */
                    [QSPI_BK2_IO1] = PIN(PH3, AF9),  /* IO5 */
                    [QSPI_BK2_IO2] = PIN(PG9, AF9),  /* IO6 */
                    [QSPI_BK2_IO3] = PIN(PD7, AF10), /* IO7 */
                },
            .qspi_dqs = PIN(PC5, AF10),
            .button = ACTIVE_HIGH(PC13),
            .led = ACTIVE_LOW(PG2), /* LED2 */
        },
};
