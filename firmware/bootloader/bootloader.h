/* SPDX-License-Identifier: MIT */
/*
 * The bootloader as a whole: init once, then call bootloader_task() from
 * the main loop forever. The target's main() and the simulator both use
 * exactly this.
 */
#ifndef QDFU_APP_BOOTLOADER_H
#define QDFU_APP_BOOTLOADER_H

#include <stdbool.h>

#include "boards/board.h"
#include "boot/boot.h"

enum bootloader_enter {
	BOOTLOADER_ENTER_DFU = 0, /* stay in DFU (as if the button were held) */
	BOOTLOADER_ENTER_AUTO,    /* take the real boot decision */
	BOOTLOADER_ENTER_FLASHER, /* the RAM flasher (zero install): no boot
	                             decision, and leave starts the application
	                             written instead of resetting (a reset
	                             would only return to ST's ROM) */
};

/* The board as the flasher presents it: nothing of qdfu in internal flash
 * (bootloader_size 0, all of it writable from 0x08000000) and its own
 * product string ("qdfu flasher <title>"). One static copy; pass it to
 * port_init and bootloader_init(.., BOOTLOADER_ENTER_FLASHER). */
const struct board *bootloader_flasher_board(const struct board *b);

/* port_init(b) must have run. Returns true when the bootloader stays in DFU mode (USB connected);
 * false when it started the application (port_start_app was called). */
bool bootloader_init(const struct board *b, enum bootloader_enter how);

/* One pass of the main loop: USB events, DFU work, flash operations. */
void bootloader_task(void);

/* The decision taken by the last bootloader_init() (for logs). */
const struct boot_decision *bootloader_decision(void);

#endif
