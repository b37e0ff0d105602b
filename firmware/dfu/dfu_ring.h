/* SPDX-License-Identifier: MIT */
/*
 * Blocks accepted while the engine is busy (pipelined reception,
 * docs/decisions/pipelined-writes.md): a FIFO of whole DNLOAD blocks with
 * their addresses, programmed in order when the engine is free. 32 blocks
 * of 4 KiB hold a whole 128 KiB dual-flash page, so the host keeps sending
 * while a deferred page erase runs. Pure data: dfu.c feeds the engine.
 */
#ifndef QDFU_DFU_DFU_RING_H
#define QDFU_DFU_DFU_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "dfu/dfu.h"

/* A build may set it smaller (a power of 2) where RAM is short: the
 * H72x/H73x flasher uses 16 (firmware/port/stm32h7/CMakeLists.txt). Only
 * dfu_ring.c uses it, so that build compiles dfu_ring.c itself. */
#ifndef DFU_RING_BLOCKS
#define DFU_RING_BLOCKS 32u
#endif

void dfu_ring_init(void);
unsigned dfu_ring_count(void);
/* Bytes the ring holds when full. */
uint32_t dfu_ring_capacity(void);
bool dfu_ring_full(void);
/* Copy a block in (the caller checked dfu_ring_full). */
void dfu_ring_push(uint32_t addr, const uint8_t *data, uint16_t len);
/* The oldest block: false when empty. *data stays valid until the pop. */
bool dfu_ring_peek(uint32_t *addr, const uint8_t **data, uint16_t *len);
void dfu_ring_pop(void);
/* The k-th oldest block (0: the one dfu_ring_peek gives), and whether it
 * was taken to program beside the engine (mem_program_beside): false
 * when there are not that many. */
bool dfu_ring_at(unsigned k, uint32_t *addr, const uint8_t **data, uint16_t *len, bool *taken);
void dfu_ring_take(unsigned k);
/* Some queued block overlaps [addr, addr + len). */
bool dfu_ring_overlaps(uint32_t addr, uint32_t len);
void dfu_ring_clear(void);

#endif
