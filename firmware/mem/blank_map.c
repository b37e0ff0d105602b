/* SPDX-License-Identifier: MIT */
/* Known-blank map of one region (blank_map.h). */
#include "mem/blank_map.h"

#include <string.h>

#include "common/compiler.h"
#include "mem/region.h"

#define FIRST_SHIFT 12u /* 4 KiB, the DFU transfer size */

static struct {
	const struct mem_region *r;
	uint32_t shift;
	uint8_t bits[BLANK_MAP_BITS / 8u];
} map;

QDFU_STATIC_ASSERT(((uint64_t)BLANK_MAP_BITS << FIRST_SHIFT) == (128ull << 20),
                   "4 KiB units up to 128 MiB");

void blank_map_reset(void)
{
	memset(&map, 0, sizeof(map));
}

static bool ours(const struct mem_region *r, uint32_t addr, uint32_t len)
{
	return r && r == map.r && len && addr >= r->base && len <= r->size - (addr - r->base);
}

void blank_map_note(const struct mem_region *r, uint32_t addr, uint32_t len)
{
	if (!r || !len || addr < r->base || len > r->size - (addr - r->base))
		return;
	if (r != map.r) {
		blank_map_reset();
		map.r = r;
		map.shift = FIRST_SHIFT;
		while ((r->size >> map.shift) > BLANK_MAP_BITS)
			map.shift++;
	}
	uint32_t unit = 1u << map.shift, off = addr - r->base;
	uint32_t first = (off + unit - 1u) >> map.shift, end = (off + len) >> map.shift;
	for (uint32_t u = first; u < end; u++)
		map.bits[u / 8u] |= (uint8_t)(1u << (u % 8u));
}

void blank_map_forget(const struct mem_region *r, uint32_t addr, uint32_t len)
{
	if (!ours(r, addr, len))
		return;
	uint32_t off = addr - r->base;
	uint32_t first = off >> map.shift, last = (off + len - 1u) >> map.shift;
	for (uint32_t u = first; u <= last; u++)
		map.bits[u / 8u] &= (uint8_t) ~(1u << (u % 8u));
}

bool blank_map_known(const struct mem_region *r, uint32_t addr, uint32_t len)
{
	if (!ours(r, addr, len))
		return false;
	uint32_t off = addr - r->base;
	uint32_t first = off >> map.shift, last = (off + len - 1u) >> map.shift;
	for (uint32_t u = first; u <= last; u++)
		if (!(map.bits[u / 8u] & (1u << (u % 8u))))
			return false;
	return true;
}
