/* SPDX-License-Identifier: MIT */
/*
 * Zero install through ST's ROM DFU bootloader (docs/zero-install.md):
 * recognise the ROM's family and bootloader version, check a flasher image
 * against it, load the flasher into RAM and start it. The flasher then
 * enumerates as a qdfu device of its own and the usual operations
 * (qh_ops.h) write every memory. No USB here: the transport is the
 * device's (libusb in the tool, a fake in the unit tests).
 */
#ifndef QH_ROM_H
#define QH_ROM_H

#include <stddef.h>
#include <stdint.h>

#include "qdfu_flasher.h"
#include "qh_dfu.h"

/* ST's ROM as read from it. */
struct qh_rom_info {
	char family[32];       /* "STM32H74x/H75x", ..., from its alt 0 layout */
	int have_boot_id;      /* the bootloader ID byte could be read */
	uint8_t boot_id;       /* AN2606: 0x90 = V9.0, ... */
	uint32_t iflash_bytes; /* FLASH_SIZE register; 0 if it could not be read */
};

/* A flasher image file and its identity record. */
struct qh_flasher {
	uint8_t *data;
	size_t len;
	struct qdfu_flasher_id id;
};

/* Where the ROM reads its bootloader ID and the flash size (RM0433 / AN2606;
 * H74x/H75x and H72x/H73x; H7A3/B3/B0: 0x1FF13FFE and 0x08FFF80C, qh_rom.c). */
#define QH_ROM_BOOT_ID_ADDR    0x1FF1E7FEu
#define QH_ROM_FLASH_SIZE_ADDR 0x1FF1E880u

/* Family from the layout, then the bootloader ID and flash size through
 * UPLOAD (a read the ROM may refuse: then have_boot_id / iflash_bytes stay
 * 0). QH_E_UNSUPPORTED: not a ROM layout qdfu knows. */
int qh_rom_identify(struct qh_dev *d, struct qh_rom_info *ri, struct qh_error *e);
/* Can this ROM start code in RAM? QH_E_UNSUPPORTED for V9.0 (broken
 * leave) and for IDs qdfu does not know, with what to do in the hint. */
int qh_rom_check_version(const struct qh_rom_info *ri, struct qh_error *e);

/* Read and check a flasher image (identity record, size, vector table). */
int qh_flasher_load(const char *path, struct qh_flasher *f, struct qh_error *e);
/* The same from memory (copied). */
int qh_flasher_parse(const uint8_t *data, size_t len, const char *what, struct qh_flasher *f,
                     struct qh_error *e);
void qh_flasher_free(struct qh_flasher *f);
/* Is f made for this ROM's family and flash size, and (board != NULL)
 * for that board? */
int qh_rom_check_flasher(const struct qh_rom_info *ri, const struct qh_flasher *f,
                         const char *board, struct qh_error *e);
/* The QSPI window of every STM32H7 (RM0433 2.3.2 memory map). */
#define QH_QSPI_WINDOW_BASE 0x90000000u
#define QH_QSPI_WINDOW_LAST 0x9FFFFFFFu
struct qh_image;
/* Before anything reaches the board: the image must lie in internal flash
 * (as big as the ROM says, else as the flasher was built for) or the QSPI
 * window. QH_E_MAP naming the first range outside, nothing changed. */
int qh_rom_check_image(const struct qh_rom_info *ri, const struct qh_flasher *f,
                       const struct qh_image *img, struct qh_error *e);
/* SET_ADDRESS + DNLOAD of the image into RAM, then leave to it. */
int qh_rom_start_flasher(struct qh_dev *d, const struct qh_flasher *f, struct qh_error *e);

/* The default file name of a board's flasher: "qdfu-flasher-<board>.bin". */
void qh_flasher_file_name(const char *board, char *out, size_t cap);

#endif
