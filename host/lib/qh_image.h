/* SPDX-License-Identifier: MIT */
/*
 * A memory image: sorted, non-overlapping, non-adjacent segments of bytes
 * at 32-bit addresses. Every file parser adds its records here; adding
 * bytes that overlap existing ones is accepted when they are equal and an
 * error when they differ. Segments from several files merge the same way.
 */
#ifndef QH_IMAGE_H
#define QH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "qh_err.h"

struct qh_seg {
	uint32_t addr;
	uint32_t len;
	uint32_t cap;
	uint8_t *data;
};

struct qh_image {
	struct qh_seg *seg;
	size_t n, cap;
	int has_entry;
	uint32_t entry; /* start address from HEX 03/05, S7-S9 or ELF e_entry */
};

void qh_image_init(struct qh_image *img);
void qh_image_free(struct qh_image *img);
/* Add len bytes at addr. origin names the input in error messages. */
int qh_image_add(struct qh_image *img, uint32_t addr, const uint8_t *data, size_t len,
                 const char *origin, struct qh_error *e);
/* Add every segment of src to dst (same rules as qh_image_add). */
int qh_image_merge(struct qh_image *dst, const struct qh_image *src, const char *origin,
                   struct qh_error *e);
/* Total number of bytes. */
uint64_t qh_image_bytes(const struct qh_image *img);
/* Copy of the byte at addr, or -1 if no segment holds it. */
int qh_image_byte(const struct qh_image *img, uint32_t addr);

#endif
