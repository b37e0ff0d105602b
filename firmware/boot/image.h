/* SPDX-License-Identifier: MIT */
/*
 * Image descriptors (include/qdfu_image.h): read, check and verify the
 * descriptor that makes an image bootable. The descriptor lives in one
 * erase unit of the external flash, just below the commit journal.
 */
#ifndef QDFU_BOOT_IMAGE_H
#define QDFU_BOOT_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "qdfu_image.h"

struct image_range {
	uint32_t addr, len, crc;
};

struct image_desc {
	uint32_t vtor;
	uint32_t crc; /* the descriptor's own CRC: its identity */
	uint32_t nranges;
	struct image_range r[QDFU_IMG_MAX_RANGES];
};

enum image_verdict {
	IMAGE_NONE = 0,   /* the descriptor unit is blank */
	IMAGE_DAMAGED,    /* not a whole, well-formed descriptor (torn, garbage) */
	IMAGE_BAD_LAYOUT, /* ranges outside writable memory, or vtor outside them */
	IMAGE_MISMATCH,   /* a range does not hold what the descriptor says */
	IMAGE_UNREADABLE, /* a range could not be read (ECC error, bus error) */
	IMAGE_OK,
};

/* Where the descriptor unit is (0, 0: this board has none). */
void image_init(uint32_t addr, uint32_t unit);
bool image_available(void);
uint32_t image_desc_addr(void);
uint32_t image_desc_unit(void);

/* Decode and check a descriptor's bytes (pure: no memory access). Returns
 * QDFU_OK, or QDFU_E_CORRUPT. */
int image_desc_parse(const uint8_t *buf, uint32_t len, struct image_desc *d);

/* Read the descriptor unit and check its ranges against the memories'
 * layout: IMAGE_NONE, IMAGE_DAMAGED, IMAGE_BAD_LAYOUT, or IMAGE_OK (d
 * filled; ranges not verified yet). */
enum image_verdict image_read(struct image_desc *d);

/* CRC every range through mem/: IMAGE_OK, IMAGE_MISMATCH or
 * IMAGE_UNREADABLE; *bad = the first range that failed. */
enum image_verdict image_verify(const struct image_desc *d, uint32_t *bad);

/* Erase the descriptor unit now (not deferred, whatever mem/defer.c does
 * with the host's erases): the bootloader's own step when an update starts
 * over an image that would still start (bootloader.c hook_session_open,
 * docs/decisions/old-image-after-update-start.md). QDFU_OK, QDFU_E_BUSY
 * (the engine runs), or the erase's error. */
int image_erase_unit(void);

/* A reason sentence for a verdict (for the boot log). */
const char *image_verdict_text(enum image_verdict v);

#endif
