/* SPDX-License-Identifier: MIT */
#include "mem/digest.h"

#include "common/compiler.h"

QDFU_STATIC_ASSERT((DIGEST_GRAN & (DIGEST_GRAN - 1u)) == 0, "granule is a power of two");

static struct {
	uint32_t addr[DIGEST_MAX];
	struct digest dg[DIGEST_MAX];
	unsigned n;
} table;

void digest_clear(void)
{
	table.n = 0;
}

unsigned digest_count(void)
{
	return table.n;
}

static int slot_of(uint32_t addr)
{
	for (unsigned i = 0; i < table.n; i++)
		if (table.addr[i] == addr)
			return (int)i;
	return -1;
}

bool digest_find(uint32_t addr, struct digest *out)
{
	int i = slot_of(addr);
	if (i < 0)
		return false;
	*out = table.dg[i];
	return true;
}

bool digest_add(uint32_t addr, const struct digest *dg)
{
	int i = slot_of(addr);
	if (i < 0) {
		if (table.n == DIGEST_MAX)
			return false;
		i = (int)table.n++;
		table.addr[i] = addr;
	}
	table.dg[i] = *dg;
	return true;
}

void digest_forget(uint32_t addr, uint32_t len)
{
	for (unsigned i = 0; i < table.n;) {
		if (table.addr[i] - addr < len) { /* unsigned: addr <= a < addr + len */
			table.n--;
			table.addr[i] = table.addr[table.n];
			table.dg[i] = table.dg[table.n];
		} else {
			i++;
		}
	}
}

uint32_t digest_fnv1a(uint32_t h, const uint8_t *p, uint32_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x01000193u;
	}
	return h;
}
