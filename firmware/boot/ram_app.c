/* SPDX-License-Identifier: MIT */
#include "boot/ram_app.h"

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"
#include "mem/mem.h"
#include "qdfu_h7_ram.h"

enum ram_app_plan_result ram_app_plan(uint32_t vtor, uint32_t image_len, struct ram_app *p,
                                      const char **why)
{
	uint8_t v[8];
	uint32_t got = 0, base, size;
	struct mem_region *r = mem_find(vtor);
	if (!r || mem_read(vtor, v, sizeof(v), &got) || got != sizeof(v))
		return RAM_APP_NONE;
	uint32_t reset = qdfu_get_le32(v + 4) & ~1u;
	if (!qdfu_h7_ram_block(reset, &base, &size))
		return RAM_APP_NONE;
	uint32_t avail = r->base + r->size - vtor;
	uint32_t len = image_len ? image_len : (size < avail ? size : avail);
	if (len > size) {
		*why = "the RAM application is larger than the RAM it is linked to";
		return RAM_APP_REFUSED;
	}
	/* the vector table is linked first in its RAM block (libDaisy
	 * STM32H750IB_sram.lds: .isr_vector at ORIGIN(SRAM)) */
	if (reset - base >= len) {
		*why = "the RAM application's reset handler lies beyond the image";
		return RAM_APP_REFUSED;
	}
	p->ram = port_app_ram(base, vtor, len);
	if (!p->ram) {
		*why = "the RAM application would overwrite the bootloader's own RAM (code, data, "
		       "stack) during the copy: link it to AXI SRAM 0x24000000 as libDaisy's "
		       "BOOT_SRAM does";
		return RAM_APP_REFUSED;
	}
	p->src = vtor;
	p->dst = base;
	p->len = len;
	return RAM_APP_READY;
}

int ram_app_load(const struct ram_app *p, const char **why)
{
	uint32_t got = 0;
	int rc = mem_read(p->src, p->ram, p->len, &got);
	if (rc == QDFU_OK && got != p->len)
		rc = QDFU_E_ADDRESS;
	if (rc != QDFU_OK)
		*why = "the RAM application could not be read from flash for the copy";
	return rc;
}
