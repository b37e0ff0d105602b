/* SPDX-License-Identifier: MIT */
/*
 * The model of ST's ROM DFU bootloader on the USB side: its descriptors
 * (0483:DF11, bcdDevice 0x0200, "DFU in FS Mode", a serial shared by many
 * boards, alts "Internal Flash" and "Option Bytes", DFU 1.1a functional
 * descriptor), and its DfuSe class (AN3156: SET_ADDRESS, ERASE, mass erase,
 * writes at address + (wBlockNum - 2) * wTransferSize into flash or RAM,
 * UPLOAD, leave = jump to the address pointer). Runs on the firmware's USB
 * device core (firmware/usb) over the PC port: the ROM is not our code,
 * but its standard requests are USB 2.0 chapter 9 like ours.
 */
#ifndef QDFU_SIM_ROM_DFU_H
#define QDFU_SIM_ROM_DFU_H

#include <stdint.h>

#include "boards/board.h"
#include "sim/rom/rom_family.h"

enum rom_exit {
	ROM_RUNNING = 0, /* serving DFU */
	ROM_JUMPED,      /* left: jumped to the vector table at *addr */
	ROM_HUNG,        /* gone from the bus and doing nothing useful (*why) */
};

int rom_dfu_start(const struct rom_family *f, const struct board *b, uint8_t version,
                  const uint8_t uid[12]);
/* One pass of the ROM's loop: USB events, flash work, leave. */
void rom_dfu_task(void);
enum rom_exit rom_dfu_exit(uint32_t *addr, const char **why);

#endif
