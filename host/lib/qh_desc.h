/* SPDX-License-Identifier: MIT */
/*
 * The image descriptor qdfu writes last (include/qdfu_image.h,
 * docs/decisions/image-descriptor.md): built from a flash plan, it lists
 * every run of pages the plan touches with the CRC-32 those pages will hold
 * (the image's bytes, 0xFF elsewhere), and the application's vector table.
 */
#ifndef QH_DESC_H
#define QH_DESC_H

#include <stddef.h>
#include <stdint.h>

#include "qdfu_image.h"
#include "qh_err.h"
#include "qh_memmap.h"

struct qh_desc {
	uint8_t bytes[QDFU_IMG_MAX_SIZE];
	size_t len;
	uint32_t vtor;
	unsigned nranges;
};

/* The lowest DFU block start (addr + k * xfer, 1 KiB aligned) of the plan
 * that holds a plausible Cortex-M vector table whose reset handler lies in
 * the plan's pages: what the bootloader learns too. 0 if none. */
uint32_t qh_desc_find_vtor(const struct qh_plan *p, uint16_t xfer);

/* Build the descriptor for plan p (vtor from qh_desc_find_vtor). Fails with
 * QH_E_UNSUPPORTED when the image has no vector table, QH_E_MAP when it has
 * more separate page runs than a descriptor holds. */
int qh_desc_build(const struct qh_plan *p, uint32_t vtor, struct qh_desc *out, struct qh_error *e);

/* Does the plan touch [addr, addr + len)? */
int qh_plan_touches(const struct qh_plan *p, uint32_t addr, uint32_t len);

#endif
