/* SPDX-License-Identifier: MIT */
/*
 * Electrosmith Daisy Seed: STM32H750IB (one 128 KiB internal flash sector: the bootloader's),
 * LDO, IS25LP064A 8 MiB single QSPI flash, USB2_OTG_FS on the micro-USB connector.
 * Applications live in QSPI (libDaisy links them at 0x90040000).
 *
 * Sources (checked 2026-12), electro-smith/libDaisy:
 * - QSPI pins: src/daisy_seed.cpp, DaisySeed::ConfigureQspi (IO0 PF8, IO1 PF9, IO2 PF7,
 *   IO3 PF6, CLK PF10, NCS PG6); AFs: src/per/qspi.cpp, GetAF (AF10, AF10, AF9, AF9, AF9, AF10).
 * - LED: src/daisy_seed.cpp (SEED_LED_PORT C, SEED_LED_PIN 7, written true = on).
 * - Supply and HSE: src/sys/system.cpp (PWR_LDO_SUPPLY, RCC_HSE_ON) and Makefile
 *   (-DHSE_VALUE=16000000).
 * - USB: src/usbd/usbd_conf.c (PA11/PA12 AF10, OTG1_FS = USB2_OTG_FS on the H750).
 * The BOOT button is the hardware BOOT0 (ST's ROM bootloader); there is no user button.
 */
#include "boards/board_def.h"

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
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x90040000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader Daisy Seed",
    /* libDaisy's System::ResetToBootloader(DAISY...) requests in backup SRAM
     * (firmware/port/stm32h7/board_entry.c cites libDaisy's sources) */
    .entry = BOARD_ENTRY_DAISY,
    /* libDaisy core/Makefile program-dfu: dfu-util -a 0 -s 0x90040000:leave;
     * the Daisy web programmer (electro-smith/Programmer app/dfu-util.js)
     * connects to the alt whose name holds "0x08000000" and writes to its
     * first writable segment, + 0x40000 when that starts at 0x90000000 */
    .alt0_lists_qspi = true,
    .hw =
        {
            .supply = BOARD_SUPPLY_LDO,
            .hse_hz = 16000000u,
            .hse_bypass = false,
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .hse_enable = NO_PIN,
            .ulpi_reset = NO_PIN,
            .qspi_clk = PIN(PF10, AF9),
            .qspi_ncs = PIN(PG6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PF8, AF10),
                    [QSPI_BK1_IO1] = PIN(PF9, AF10),
                    [QSPI_BK1_IO2] = PIN(PF7, AF9),
                    [QSPI_BK1_IO3] = PIN(PF6, AF9),
                    [QSPI_BK2_IO0] = NO_PIN,
                    [QSPI_BK2_IO1] = NO_PIN,
                    [QSPI_BK2_IO2] = NO_PIN,
                    [QSPI_BK2_IO3] = NO_PIN,
                },
            .qspi_dqs = NO_PIN,
            .button = NO_PIN,
            .led = ACTIVE_HIGH(PC7),
        },
};
