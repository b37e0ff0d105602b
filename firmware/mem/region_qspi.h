/* SPDX-License-Identifier: MIT */
/* The external NOR flash (QUADSPI) as a memory region (alt 1). */
#ifndef QDFU_MEM_REGION_QSPI_H
#define QDFU_MEM_REGION_QSPI_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"
#include "mem/region.h"

/* Probe the chip(s) and fill r; QDFU_E_NO_DEVICE when none answers. */
int region_qspi_init(struct mem_region *r, const struct board *b, uint8_t alt);
/* The two erase units reserved for the boot journal (read-only to hosts). */
bool region_qspi_journal(const struct mem_region *r, uint32_t *base, uint32_t *unit);
/* What the probe found, for the INFO answer: QDFU_PROTO_FLAG_DUAL_FLASH,
 * _PROTECT_FOUND, _PROTECT_CLEARED (include/qdfu_proto.h). */
uint16_t region_qspi_info_flags(const struct mem_region *r);

/* The hand-over to an application (include/qdfu_app.h): the chip's part of
 * the record (JEDEC ID, chips, size, 4-byte mode), then memory-mapped mode
 * with the fastest read the chip answers correctly (or the 1-1-1 fast read
 * when single), checked at check_addr (the application's vector table),
 * and the read's part of the record. */
struct qdfu_handoff;
void region_qspi_describe(const struct mem_region *r, struct qdfu_handoff *h);
int region_qspi_handover(const struct mem_region *r, bool single, uint32_t check_addr,
                         struct qdfu_handoff *h);

#endif
