/* SPDX-License-Identifier: MIT */
/*
 * WeAct MiniSTM32H723: STM32H723VGT6 (1 MiB internal flash, 8 sectors of 128 KiB), LDO (the
 * H723 has no SMPS), 25 MHz crystal, 8 MiB quad NOR on OCTOSPI1 / port 1 low nibble (W25Q64:
 * UNVERIFIED part), USB1_OTG_HS's full-speed PHY on the USB-C connector.
 *
 * Sources (checked 2026-12), WeActStudio/WeActStudio.MiniSTM32H723, Examples/06-SPIFlash_Test:
 * - 06-SPIFlash_Test.ioc: Mcu.CPN STM32H723VGT6; OCTOSPIM_P1 CLK PB2, NCS PB6, IO0 PD11, IO1
 *   PD12, IO2 PE2, IO3 PD13 (quad mode, DeviceSize 23, clock mode 3); USB_OTG_HS
 *   Device_Only_FS on PA11/PA12; HSE (crystal) with PLLM 5 for a 5 MHz VCO input: 25 MHz.
 * - Core/Src/octospi.c: the AFs (PB2 AF9, PB6 AF10, PD11/PD12/PD13/PE2 AF9).
 * The button (K1 on PC13, pressed = high) and the LED (PE3, active-high) are not in this
 * board's examples read here: taken from the WeAct H7B0 / H750 boards (UNVERIFIED).
 */
#include "boards/board_def.h"

const struct board board_weact_h723 = {
    .name = "weact-h723",
    .title = "WeAct MiniSTM32H723",
    .mcu = "STM32H723VGT6",
    .family = BOARD_FAMILY_H72X,
    .dual_core = false,
    .iflash_base = 0x08000000u,
    .iflash_banks = 1,
    .iflash_sectors = 8,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .bus = BOARD_BUS_OCTOSPI,
    .qspi_dual = false,
    .qspi_chip = "W25Q64JV",
    .qspi_clock_hz = 50000000u,
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x08020000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader WeAct H723",
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 25000000u,
            .hse_bypass = false,
            .usb = BOARD_USB1_OTG_HS_FS_PA11_PA12,
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
            .button = ACTIVE_HIGH(PC13), /* K1 (UNVERIFIED) */
            .led = ACTIVE_HIGH(PE3),     /* UNVERIFIED */
        },
};
