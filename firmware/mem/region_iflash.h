/* SPDX-License-Identifier: MIT */
/* The MCU's internal flash as a memory region (alt 0). */
#ifndef QDFU_MEM_REGION_IFLASH_H
#define QDFU_MEM_REGION_IFLASH_H

#include "boards/board.h"
#include "mem/region.h"

/* Fill r for board b: the bootloader's own sectors read-only ('a'), the
 * rest read/erase/write ('g'). */
int region_iflash_init(struct mem_region *r, const struct board *b, uint8_t alt);
/* Write every word of r's staging buffer once (DFU entry only: the buffer
 * is AXI SRAM an application may use across a reset), so that no partial
 * write meets an ECC word of it that was never written. */
void region_iflash_stage_init(struct mem_region *r);

#endif
