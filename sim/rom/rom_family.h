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
	/* a version whose alt 0 string is wrong (AN2606 Table 138: H7A3/B3/B0
	 * V9.0 "returns 256 x 2 KB"), and that string; 0 / NULL: none */
	uint8_t bad_layout_version;
	const char *bad_layout_flash;
	uint16_t transfer_size;     /* wTransferSize (guess: read it at run time) */
	uint8_t default_version;    /* bootloader ID byte modelled by default */
	uint8_t leave_broken;       /* the version whose DFU leave does not jump (0: none) */
	uint32_t boot_id_addr;      /* AN2606 Table 3: where the bootloader ID byte is */
	uint32_t uid_addr;          /* the 96-bit unique ID (CMSIS UID_BASE) */
	uint32_t flash_size_addr;   /* FLASH_SIZE in KiB (CMSIS FLASHSIZE_BASE) */
	struct rom_range axi, dtcm; /* RAM the model holds */
	struct rom_range used[2];   /* RAM the ROM itself uses: writing there crashes it */
};

/* The bootloader ID byte (AN2606 Table 3). */
#define ROM_VERSION_V90  0x90u /* H74x/H75x rev V, first: DFU leave broken */
#define ROM_VERSION_V91  0x91u /* H74x/H75x rev V, fixed */
#define ROM_VERSION_REVY 0xD2u
#define ROM_VERSION_V93  0x93u /* H72x/H73x: the latest in AN2606 Table 134 */
#define ROM_VERSION_V92  0x92u /* H7A3/B3/B0: the latest in AN2606 Table 138 */

/* The family of board b's MCU, or NULL if the model has none. */
const struct rom_family *rom_family_for(const struct board *b);
/* Does this family's ROM of this version fail to jump on leave? */
bool rom_version_leave_broken(const struct rom_family *f, uint8_t version);
/* The alt 0 string this version prints. */
const char *rom_layout_flash(const struct rom_family *f, uint8_t version);

#endif
