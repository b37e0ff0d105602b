/* SPDX-License-Identifier: MIT */
/* Arduino Portenta H7: H747, SMPS 1.8 V supplying the LDO, 16 MiB QSPI (MX25L12833F: UNVERIFIED),
 * USB1_OTG_HS + USB3320 ULPI. */
#include "boards/board.h"

const struct board board_portenta_h7 = {
    .name = "portenta-h7",
    .title = "Arduino Portenta H7",
    .mcu = "STM32H747XI",
    .dual_core = true,
    .iflash_base = 0x08000000u,
    .iflash_banks = 2,
    .iflash_sectors = 8,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = false,
    .qspi_chip = "MX25L12833F",
    .qspi_clock_hz = 50000000u,
    .default_app_base = 0x08040000u,
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader Portenta H7",
    .hw =
        {
            .supply = BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO,
            .hse_hz = 25000000u,
            .hse_bypass = true,
            .usb = BOARD_USB1_OTG_HS_ULPI,
            .hse_enable = {7, 1, 0, 1}, /* PH1 high powers the oscillator */
            .ulpi_reset = {9, 4, 0, 0}, /* PJ4 */
            .qspi_clk = {5, 10, 9, 1},
            .qspi_ncs = {6, 6, 10, 0},
            .qspi_io = {{3, 11, 9, 1},
                        {3, 12, 9, 1},
                        {5, 7, 9, 1},
                        {3, 13, 9, 1},
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE,
                        BOARD_PIN_NONE},
            .button = BOARD_PIN_NONE,
            .led = {10, 6, 0, 0}, /* PK6 green, active-low */
            /* PF1550 on I2C1: SCL PB6, SDA PB7 (AF4); STANDBY PJ0, high =
             * standby (Arduino's mcuboot-arduino-stm32h7 app/board.h,
             * app/power/power.cpp; shared facts "Traps found by review" 2) */
            .pmic = BOARD_PMIC_PF1550,
            .pmic_scl = {1, 6, 4, 1},
            .pmic_sda = {1, 7, 4, 1},
            .pmic_standby = {9, 0, 0, 1},
        },
};
