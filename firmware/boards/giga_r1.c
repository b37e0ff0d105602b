/* SPDX-License-Identifier: MIT */
/*
 * Arduino GIGA R1 WiFi: STM32H747XI, LDO, AT25SF128A 16 MiB single QSPI flash, USB2_OTG_FS on
 * USB-C (full speed).
 *
 * Sources (checked 2026-12):
 * - Supply, HSE, button, LEDs: micropython ports/stm32/boards/ARDUINO_GIGA/mpconfigboard.h
 *   (PWR_LDO_SUPPLY; MICROPY_HW_CLK_USE_BYPASS 0 and PLLM 4 for a 16 MHz crystal; USRSW PC13,
 *   pull-down, pressed = 1; MICROPY_HW_LED_ON = pin low; USB FS).
 * - QSPI pins: micropython ARDUINO_GIGA/pins.csv (QSPI2_CS PG6, CLK PF10, D0 PD11, D1 PD12,
 *   D2 PE2, D3 PF6); AFs from ARMmbed/mbed-os TARGET_PORTENTA_H7/PeripheralPins.c (the same
 *   STM32H747XI: AF9, CS on PG6 AF10).
 * - LEDs and BOOT0 on PC13: arduino/ArduinoCore-mbed variants/GIGA/variant.cpp (LEDR PI12,
 *   LEDG PJ13, LEDB PE3; D100 BOOT0 PC13).
 */
#include "boards/board_def.h"

const struct board board_giga_r1 = {
    .name = "giga-r1",
    .title = "Arduino GIGA R1 WiFi",
    .mcu = "STM32H747XI",
    .dual_core = true,
    .iflash_base = 0x08000000u,
    .iflash_banks = 2,
    .iflash_sectors = 8,
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,
    .qspi_dual = false,
    .qspi_chip = "AT25SF128A",
    .qspi_clock_hz = 50000000u,
    .xip = BOARD_XIP_FASTEST,
    .default_app_base = 0x08040000u,
    /* Arduino's bootloader IDs, so the Arduino IDE's upload finds qdfu unchanged
     * (arduino/ArduinoCore-mbed boards.txt: giga.upload.vid=0x2341,
     * giga.upload.pid=0x0366; platform.txt tools.dfu-util.upload.pattern:
     * dfu-util --device {upload.vid}:{upload.pid} -D sketch.bin -a{upload.interface}
     * --dfuse-address={upload.address}:leave, interface 0, address 0x08040000;
     * docs/decisions/usb-identity.md) */
    .usb_vid = 0x2341,
    .usb_pid = 0x0366,
    .usb_product = "qdfu bootloader GIGA R1",
    /* 0xDF59 in RTC_BKP0R: double-tap RESET, a sketch's 1200 bps touch
     * (firmware/port/stm32h7/board_entry.c cites Arduino's sources) */
    .entry = BOARD_ENTRY_ARDUINO,
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
                    [QSPI_BK1_IO0] = PIN(PD11, AF9),
                    [QSPI_BK1_IO1] = PIN(PD12, AF9),
                    [QSPI_BK1_IO2] = PIN(PE2, AF9),
                    [QSPI_BK1_IO3] = PIN(PF6, AF9),
                    [QSPI_BK2_IO0] = NO_PIN,
                    [QSPI_BK2_IO1] = NO_PIN,
                    [QSPI_BK2_IO2] = NO_PIN,
                    [QSPI_BK2_IO3] = NO_PIN,
                },
            .qspi_dqs = NO_PIN,
            .button = ACTIVE_HIGH(PC13), /* the BOOT0 button, readable on PC13 */
            .led = ACTIVE_LOW(PI12),     /* LEDR */
        },
};
