/* SPDX-License-Identifier: MIT */
/*
 * The flasher's identity record: the RAM build of the bootloader
 * (build/<board>/qdfu-flasher-<board>.bin) carries this record in its first
 * 4 KiB (after the boot vector table and reset handler), so that
 *  - qdfu checks it loads the flasher made for the board it was told
 *    (board name, MCU family, internal flash size) and where it must go;
 *  - qdfu-sim recognises the image a ROM DFU "leave" starts and runs the
 *    host build of the same flasher instead (it cannot execute Arm code).
 * Shared by the firmware (firmware/bootloader/flasher.c), the simulator
 * (sim/rom/) and libqdfu (host/lib/qh_rom.c). Fields are little endian;
 * strings are NUL-padded ASCII. docs/zero-install.md describes the flow.
 */
#ifndef QDFU_FLASHER_H
#define QDFU_FLASHER_H

#include <stdint.h>

#define QDFU_FLASHER_MAGIC     "qdfu-flasher-id" /* 15 characters + NUL */
#define QDFU_FLASHER_MAGIC_LEN 16u
#define QDFU_FLASHER_VERSION   1u
/* The record is 4-byte aligned within the first QDFU_FLASHER_SCAN bytes. */
#define QDFU_FLASHER_SCAN 4096u

/* Where the flasher runs on STM32H74x/H75x: AXI SRAM at or above
 * 0x24040000, clear of the RAM ST's ROM bootloader uses (AN2606 lists it
 * from 0x24005000 or from 0x24034000 depending on the transcription; the
 * facts call 0x24040000 the safe choice), 256 KiB up to the end of AXI SRAM. */
#define QDFU_FLASHER_LOAD_H74X 0x24040000u
#define QDFU_FLASHER_SIZE_H74X 0x00040000u
/* STM32H72x/H73x: AXI SRAM is 0x24000000-0x2404FFFF with the default
 * ITCM/AXI split (TCM_AXI_SHARED = 00) and ends at 0x2403FFFF with the next
 * one (01); AN2606 (Table 133) gives the ROM bootloader the 16 KiB from
 * 0x24000000. The flasher takes 192 KiB from 0x24010000 (48 KiB clear of the
 * ROM's RAM), with a smaller block queue to fit (dfu/dfu_ring.h). */
#define QDFU_FLASHER_LOAD_H72X 0x24010000u
#define QDFU_FLASHER_SIZE_H72X 0x00030000u
/* STM32H7A3/B3/B0: AXI SRAM1-3 are 1 MiB from 0x24000000; the ROM uses the
 * 16 KiB from 0x24000000 (AN2606 Table 137): the H74x/H75x place fits. */
#define QDFU_FLASHER_LOAD_H7AB 0x24040000u
#define QDFU_FLASHER_SIZE_H7AB 0x00040000u

struct qdfu_flasher_id {
	char magic[QDFU_FLASHER_MAGIC_LEN];
	uint32_t version;      /* QDFU_FLASHER_VERSION */
	uint32_t load_addr;    /* where the image must be written (its vector table) */
	uint32_t max_size;     /* RAM the image may use from load_addr, bss and stack included */
	uint32_t iflash_bytes; /* the board's internal flash (128 KiB, 1 MiB or 2 MiB) */
	char board[32];        /* "stm32h745i-disco" */
	char family[16];       /* "STM32H74x/H75x", "STM32H72x/H73x", "STM32H7A3/B3/B0": the
	                        * ROM family the flasher runs under */
};

#endif
