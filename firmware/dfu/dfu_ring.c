// SPDX-License-Identifier: MIT
#include "dfu/dfu_ring.h"

#include <string.h>

#include "common/compiler.h"

/* 128 KiB: too big for DTCM next to the rest; the bootloader's linker
 * script puts .bss.axi* in AXI SRAM (stm32h7_bootloader.ld), the flasher's
 * in its own RAM with the rest of its .bss. NOLOAD there: dfu_ring_init
 * writes every word once, so no read ever meets a word whose ECC was never
 * written (AXI SRAM is ECC-protected on the H74x/H75x). */
static uint8_t ring_data[DFU_RING_BLOCKS][DFU_TRANSFER_SIZE]
    __attribute__((section(".bss.axi_ring"), aligned(8)));

static struct {
	uint32_t addr[DFU_RING_BLOCKS];
	uint16_t len[DFU_RING_BLOCKS];
	bool taken[DFU_RING_BLOCKS]; /* programmed beside (dfu_ring_take) */
	unsigned head, count;
} ring;

QDFU_STATIC_ASSERT((DFU_RING_BLOCKS & (DFU_RING_BLOCKS - 1u)) == 0, "ring size is a power of 2");

void dfu_ring_init(void)
{
	memset(ring_data, 0, sizeof(ring_data));
	dfu_ring_clear();
}

unsigned dfu_ring_count(void)
{
	return ring.count;
}

uint32_t dfu_ring_capacity(void)
{
	return (uint32_t)sizeof(ring_data);
}

bool dfu_ring_full(void)
{
	return ring.count == DFU_RING_BLOCKS;
}

void dfu_ring_push(uint32_t addr, const uint8_t *data, uint16_t len)
{
	if (ring.count == DFU_RING_BLOCKS || len > DFU_TRANSFER_SIZE)
		return;
	unsigned i = (ring.head + ring.count) % DFU_RING_BLOCKS;
	memcpy(ring_data[i], data, len);
	ring.addr[i] = addr;
	ring.len[i] = len;
	ring.taken[i] = false;
	ring.count++;
}

bool dfu_ring_peek(uint32_t *addr, const uint8_t **data, uint16_t *len)
{
	if (ring.count == 0)
		return false;
	*addr = ring.addr[ring.head];
	*data = ring_data[ring.head];
	*len = ring.len[ring.head];
	return true;
}

void dfu_ring_pop(void)
{
	if (ring.count == 0)
		return;
	ring.head = (ring.head + 1u) % DFU_RING_BLOCKS;
	ring.count--;
}

bool dfu_ring_overlaps(uint32_t addr, uint32_t len)
{
	for (unsigned k = 0; k < ring.count; k++) {
		unsigned i = (ring.head + k) % DFU_RING_BLOCKS;
		if (ring.addr[i] < addr + len && addr < ring.addr[i] + ring.len[i])
			return true;
	}
	return false;
}

bool dfu_ring_at(unsigned k, uint32_t *addr, const uint8_t **data, uint16_t *len, bool *taken)
{
	if (k >= ring.count)
		return false;
	unsigned i = (ring.head + k) % DFU_RING_BLOCKS;
	*addr = ring.addr[i];
	*data = ring_data[i];
	*len = ring.len[i];
	*taken = ring.taken[i];
	return true;
}

void dfu_ring_take(unsigned k)
{
	if (k < ring.count)
		ring.taken[(ring.head + k) % DFU_RING_BLOCKS] = true;
}

void dfu_ring_clear(void)
{
	ring.head = 0;
	ring.count = 0;
}
