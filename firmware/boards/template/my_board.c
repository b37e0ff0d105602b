/* SPDX-License-Identifier: MIT */
/*
 * A board description to copy for your own PCB (docs/porting.md walks through it).
 *
 * 1. Copy this file anywhere, named after your board: my_board.c -> acme_ctl.c.
 * 2. Rename `board_my_board` below to `board_<file name>` (board_acme_ctl) and `.name` to the
 *    file name ("acme_ctl" or "acme-ctl").
 * 3. Fill in every field from your schematic. The build checks the description before it
 *    builds anything and says what cannot be right.
 * 4. Try it in the simulator:    make build BOARD_FILE=path/to/acme_ctl.c
 *                                build/host/qdfu-sim --board acme-ctl -- qdfu list
 *    Build the bootloader:       make firmware BOARD_FILE=path/to/acme_ctl.c
 *                                -> build/acme_ctl/qdfu-acme_ctl.{elf,hex,bin}
 *
 * The values below describe a made-up board: an STM32H743VI with a 25 MHz crystal, the LDO,
 * one 8 MiB W25Q64JV on the QUADSPI pins WeAct's boards use, USB on PA11/PA12, a button on
 * PC13 and an LED on PE3. The test suite checks and compiles this file, so it stays valid.
 */
#include "boards/board_def.h"

const struct board board_my_board = {
    /* Identity. `name` is what qdfu-sim --board takes; `title` is for people. */
    .name = "my-board",
    .title = "My Board rev A",
    /* The full part number printed on the chip: the checker reads the line (H743) and
     * the flash size letter (I = 2 MiB, G = 1 MiB, B = 128 KiB) from it. */
    .mcu = "STM32H743VI",
    /* The line: BOARD_FAMILY_H74X (H742..H757, QUADSPI), BOARD_FAMILY_H72X (H723..H735) or
     * BOARD_FAMILY_H7AB (H7A3/B0/B3, 8 KiB sectors); those two have OCTOSPI (.bus). */
    .family = BOARD_FAMILY_H74X,
    .dual_core = false, /* true only for STM32H745/H747/H755/H757 (a Cortex-M4 beside the M7) */

    /* Internal flash: the STM32H74x/H75x have 128 KiB sectors at 0x08000000, one bank per
     * MiB (an H750 has a single sector). The bootloader takes its first sector. */
    .iflash_base = 0x08000000u,
    .iflash_banks = 2,
    .iflash_sectors = 8, /* per bank */
    .iflash_sector_size = 128u * 1024u,
    .bootloader_size = 128u * 1024u,

    /* External NOR flash on the QUADSPI. The part is a hint (the simulator's default chip
     * model; the bootloader reads the real chip's JEDEC ID and SFDP tables). Two chips on
     * one QUADSPI (dual-flash mode, as on ST's DISCO boards): .qspi_dual = true and the
     * bank 2 pins below. */
    .bus = BOARD_BUS_QUADSPI, /* BOARD_BUS_OCTOSPI on the H72x/H73x/H7A3/B0/B3 */
    .qspi_dual = false,
    .qspi_chip = "W25Q64JV",
    .qspi_clock_hz = 50000000u,
    .xip = BOARD_XIP_FASTEST,

    /* Where an application starts when the bootloader has not learned it from a vector
     * table yet: right after the bootloader (0x08020000), or 0x90000000 (QSPI, execute in
     * place) on a board whose internal flash is all bootloader. */
    .default_app_base = 0x08020000u,

    /* USB identity. 0483:DF11 is what STM32CubeProgrammer and dfu-util look for; the
     * product string tells the bootloader apart from ST's ROM (same IDs). A product uses
     * its own IDs (pid.codes for open source) and may set .usb_manufacturer (default
     * "qdfu"); a build can override all four (docs/decisions/usb-identity.md). */
    .usb_vid = 0x0483,
    .usb_pid = 0xDF11,
    .usb_product = "qdfu bootloader My Board",

    .hw =
        {
            /* Power: how VCORE is wired (PWR_CR3 is written once: a wrong value can stop
             * the chip). LDO for every part without SMPS (H742/743/750/753); the H745/747
             * boards use BOARD_SUPPLY_DIRECT_SMPS or BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO as
             * their schematic shows. */
            .supply = BOARD_SUPPLY_LDO,

            /* HSE: the crystal's frequency (4-48 MHz), or an oscillator module with
             * .hse_bypass = true (up to 50 MHz). 0 when there is none. The bootloader
             * itself runs from the internal oscillators; the value is checked and kept for
             * the application. */
            .hse_hz = 25000000u,
            .hse_bypass = false,
            .hse_enable = NO_PIN, /* a GPIO that powers the oscillator (Portenta: PH1) */

            /* USB: which controller and PHY the connector is wired to.
             *   BOARD_USB2_OTG_FS_PA11_PA12    full speed on PA11/PA12 (most boards)
             *   BOARD_USB1_OTG_HS_FS_PB14_PB15 full speed on PB14/PB15
             *   BOARD_USB1_OTG_HS_FS_PA11_PA12 full speed on PA11/PA12 (H72x/H73x, H7A3/B0/B3)
             *   BOARD_USB1_OTG_HS_ULPI         high speed through an external ULPI PHY
             *                                  (pins as on ST's and Arduino's boards) */
            .usb = BOARD_USB2_OTG_FS_PA11_PA12,
            .ulpi_reset = NO_PIN, /* the ULPI PHY's reset GPIO, if it has one */

            /* QUADSPI pins, each with its alternate function from the datasheet's table
             * (the checker knows which pins can carry which signal). */
            .qspi_clk = PIN(PB2, AF9),
            .qspi_ncs = PIN(PB6, AF10),
            .qspi_io =
                {
                    [QSPI_BK1_IO0] = PIN(PD11, AF9),
                    [QSPI_BK1_IO1] = PIN(PD12, AF9),
                    [QSPI_BK1_IO2] = PIN(PE2, AF9),
                    [QSPI_BK1_IO3] = PIN(PD13, AF9),
                    [QSPI_BK2_IO0] = NO_PIN, /* bank 2: dual-flash boards only */
                    [QSPI_BK2_IO1] = NO_PIN,
                    [QSPI_BK2_IO2] = NO_PIN,
                    [QSPI_BK2_IO3] = NO_PIN,
                },
            .qspi_dqs = NO_PIN, /* OCTOSPI boards: the data strobe (octal DTR) */

            /* Held at reset: stay in the bootloader. ACTIVE_HIGH when pressing it pulls
             * the pin high. NO_PIN if the board has none (enter DFU from the application
             * with qdfu_enter_bootloader(), or boot ST's ROM with BOOT0). */
            .button = ACTIVE_HIGH(PC13),
            /* Lit while the bootloader runs. ACTIVE_LOW when the LED's cathode goes to the
             * pin. */
            .led = ACTIVE_HIGH(PE3),
        },
};
