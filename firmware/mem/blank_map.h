/* SPDX-License-Identifier: MIT */
/*
 * Known-blank map: which units of one NOR region read all 0xFF, learned
 * from the device CRCs the host asks before writing (a CRC equal to that of
 * erased bytes), so that the compare read before programming a fresh unit
 * can be skipped (docs/decisions/known-blank-map.md). Every program the
 * firmware issues forgets its units; erases never mark anything blank. A
 * wrong "blank" (a CRC collision, 2^-32) costs no data: the program is
 * verified by reading it back, which then fails the write.
 */
#ifndef QDFU_MEM_BLANK_MAP_H
#define QDFU_MEM_BLANK_MAP_H

#include <stdbool.h>
#include <stdint.h>

struct mem_region;

/* Bits of the map: 4 KiB of RAM; units of 4 KiB up to 128 MiB (a dual
 * MT25QL512 pair), larger beyond so that the whole region fits. */
#define BLANK_MAP_BITS 32768u

void blank_map_reset(void);
/* [addr, addr + len) of r reads erased: mark the units wholly inside it
 * (a map kept for another region is dropped first). */
void blank_map_note(const struct mem_region *r, uint32_t addr, uint32_t len);
/* Something is programmed into [addr, addr + len): forget its units. */
void blank_map_forget(const struct mem_region *r, uint32_t addr, uint32_t len);
/* Every unit touching [addr, addr + len) of r is known blank. */
bool blank_map_known(const struct mem_region *r, uint32_t addr, uint32_t len);

#endif
