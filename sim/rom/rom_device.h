/* SPDX-License-Identifier: MIT */
/*
 * A board started with BOOT0 high (qdfu-sim --rom): ST's ROM DFU bootloader
 * model first; when the ROM jumps, what it jumps to:
 *  - internal flash: the application starts (port_start_app);
 *  - RAM holding a qdfu flasher image for this board (its identity record,
 *    include/qdfu_flasher.h): the host build of the same flasher runs
 *    instead of the Arm code, which the simulator cannot execute;
 *  - anything else: the board drops off the bus (a fault or code the
 *    simulator cannot run), and says why.
 * A reset (port_reset) comes back to the ROM, as BOOT0 is still high.
 */
#ifndef QDFU_SIM_ROM_DEVICE_H
#define QDFU_SIM_ROM_DEVICE_H

#include <stdint.h>

#include "boards/board.h"

/* Receives one line for the simulator's log per notable event. */
typedef void (*rom_note_fn)(const char *line);

/* Power-on or reset into the ROM. version: the bootloader ID byte to
 * model (0: the family's default). b: the board as the simulator set it up
 * (bootloader_flasher_board: nothing of qdfu installed). Returns QDFU_OK or
 * QDFU_E_NO_DEVICE (no ROM model for this MCU). */
int rom_device_boot(const struct board *b, uint8_t version, const uint8_t uid[12],
                    rom_note_fn note);
/* One pass of whatever runs now (ROM or flasher). */
void rom_device_task(void);

#endif
