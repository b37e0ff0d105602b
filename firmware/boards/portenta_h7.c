/* SPDX-License-Identifier: MIT */
/*
 * Arduino Portenta H7: STM32H747XI, SMPS 1.8 V supplying the LDO, 16 MiB single QSPI flash
 * (MX25L12833F per a third party: UNVERIFIED), USB1_OTG_HS with the USB3320 ULPI PHY on USB-C.
 *
 * Sources (checked 2026-12):
 * - Oscillator and supply: ARMmbed/mbed-os,
 *   targets/TARGET_STM/TARGET_STM32H7/TARGET_STM32H747xI/TARGET_PORTENTA_H7/
 *   system_clock_override.c (PH1 driven high powers the oscillator; RCC_HSE_BYPASS;
 *   PWR_SMPS_1V8_SUPPLIES_LDO, PLLM 5 for 25 MHz). The same file selects
 *   PWR_SMPS_1V8_SUPPLIES_EXT for a 27 MHz board variant: such a board needs its own
 *   description (another supply value), not this one.
 * - QSPI pins: the same target's PinNames.h (QSPI_FLASH1_*: PD11, PD12, PF7, PD13, PF10, PG6)
 *   and micropython ports/stm32/boards/ARDUINO_PORTENTA_H7/pins.csv (QSPI2_*); AFs from the
 *   target's PeripheralPins.c (PinMap_QSPI_*: AF9, CS on PG6 AF10).
 * - USB and LEDs: micropython ARDUINO_PORTENTA_H7/mpconfigboard.h (ULPI NXT PH4, STP PC0, DIR
 *   PI11; MICROPY_HW_LED_ON = pin low; HSE bypass; PWR_SMPS_1V8_SUPPLIES_LDO) and pins.csv
 *   (USB_HS_RST PJ4, OSCEN PH1, LEDG PK6). No user button.
 */
#include "boards/board_def.h"

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
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x08040000u,
    /* Arduino's bootloader IDs, so the Arduino IDE's upload finds qdfu unchanged
     * (arduino/ArduinoCore-mbed boards.txt: envie_m7.upload.vid=0x2341,
     * envie_m7.upload.pid=0x035b; platform.txt tools.dfu-util.upload.pattern:
     * dfu-util --device {upload.vid}:{upload.pid} -D sketch.bin -a{upload.interface}
     * --dfuse-address={upload.address}:leave, interface 0, address 0x08040000;
     * docs/decisions/usb-identity.md) */
    .usb_vid = 0x2341,
    .usb_pid = 0x035B,
    .usb_product = "qdfu bootloader Portenta H7",
    /* 0xDF59 in RTC_BKP0R: double-tap RESET, a sketch's 1200 bps touch
     * (firmware/port/stm32h7/board_entry.c cites Arduino's sources) */
    .entry = BOARD_ENTRY_ARDUINO,
    .hw =
        {
            .supply = BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO,
            .hse_hz = 25000000u,
            .hse_bypass = true,
            .usb = BOARD_USB1_OTG_HS_ULPI,
            .hse_enable = ACTIVE_HIGH(PH1), /* OSCEN: high powers the oscillator */
            .ulpi_reset = ACTIVE_LOW(PJ4),  /* USB_HS_RST */
            .qspi_clk = PIN(PF10, AF9),
            .qspi_ncs = PIN(PG6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PD11, AF9),
                    [QSPI_BK1_IO1] = PIN(PD12, AF9),
                    [QSPI_BK1_IO2] = PIN(PF7, AF9),
                    [QSPI_BK1_IO3] = PIN(PD13, AF9),
                    [QSPI_BK2_IO0] = NO_PIN,
                    [QSPI_BK2_IO1] = NO_PIN,
                    [QSPI_BK2_IO2] = NO_PIN,
                    [QSPI_BK2_IO3] = NO_PIN,
                },
            .qspi_dqs = NO_PIN,
            .button = NO_PIN,
            .led = ACTIVE_LOW(PK6), /* LEDG */
            /* PF1550 on I2C1: SCL PB6, SDA PB7 (AF4); STANDBY PJ0, high =
             * standby (Arduino's mcuboot-arduino-stm32h7 app/board.h,
             * app/power/power.cpp; shared facts "Traps found by review" 2) */
            .pmic = BOARD_PMIC_PF1550,
            .pmic_scl = PIN(PB6, AF4),
            .pmic_sda = PIN(PB7, AF4),
            .pmic_standby = ACTIVE_HIGH(PJ0),
        },
};
