/* SPDX-License-Identifier: MIT */
/*
 * What ST's ROM DFU bootloader shows and does, per STM32H7 family: the data
 * the ROM model (rom_dfu.c) serves. Sources: ../shared facts "st-rom-dfu"
 * (AN2606 tables, dfu-util listings in public threads, ST community threads
 * 112748 and 148238 for the V9.0 leave failure). Values marked "guess" in
 * the comments are not confirmed on silicon.
 */
#ifndef QDFU_SIM_ROM_FAMILY_H
#define QDFU_SIM_ROM_FAMILY_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

/* A RAM range: [base, base + size). */
struct rom_range {
	uint32_t base, size;
};

struct rom_family {
	const char *name;       /* "STM32H74x/H75x" */
	const char *mcu_prefix; /* matched against board->mcu: "STM32H74", ... */
	const char *mcu_prefix2;
	const char *product;        /* "DFU in FS Mode" */
	const char *serial;         /* not unique across boards on H74x */
	const char *layout_flash;   /* alt 0, as the ROM prints it */
	const char *layout_options; /* alt 1 */
	uint16_t transfer_size;     /* wTransferSize (guess: read it at run time) */
	uint8_t default_version;    /* bootloader ID byte modelled by default */
	struct rom_range axi, dtcm; /* RAM the model holds */
	struct rom_range used[2];   /* RAM the ROM itself uses: writing there crashes it */
};

/* The bootloader ID byte (AN2606: at 0x1FF1E7FE on H74x/H75x). */
#define ROM_VERSION_V90  0x90u /* rev V, first: DFU leave broken */
#define ROM_VERSION_V91  0x91u /* rev V, fixed */
#define ROM_VERSION_REVY 0xD2u

/* The family of board b's MCU, or NULL if the model has none. */
const struct rom_family *rom_family_for(const struct board *b);
/* ROM versions whose leave (jump) does not work. */
bool rom_version_leave_broken(uint8_t version);

#endif
