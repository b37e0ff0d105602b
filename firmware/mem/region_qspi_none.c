/* SPDX-License-Identifier: MIT */
/* Placeholder until the NOR driver lands: no external flash detected. */
#include "common/err.h"
#include "mem/region_qspi.h"

int region_qspi_init(struct mem_region *r, const struct board *b, uint8_t alt)
{
	(void)r;
	(void)b;
	(void)alt;
	return QDFU_E_NO_DEVICE;
}

bool region_qspi_journal(const struct mem_region *r, uint32_t *base, uint32_t *unit)
{
	(void)r;
	(void)base;
	(void)unit;
	return false;
}
