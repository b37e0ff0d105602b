/* SPDX-License-Identifier: MIT */
/*
 * port_app_ram() on the target: RAM a RAM application may be copied to is
 * any RAM except what the running image itself uses until the jump, as its
 * linker script places it (stm32h7_bootloader.ld: code and constants in
 * ITCM up to __itcm_end, no-init words, data, bss and stack in DTCM from
 * __qdfu_ram_start to _estack; stm32h7_flasher.ld: the same ITCM, and the
 * upper 256 KiB of AXI SRAM). The copy itself runs from ITCM with its stack
 * in that RAM, so overwriting either would end it half-way.
 */
#include <stdint.h>

#include "hal/port.h"

extern uint8_t __isr_vector_start[], __itcm_end[], __qdfu_ram_start[], _estack[];

static int overlaps(uint32_t a, uint32_t len, const uint8_t *lo, const uint8_t *hi)
{
	uint32_t b = (uint32_t)(uintptr_t)lo, e = (uint32_t)(uintptr_t)hi;
	return a < e && b < a + len;
}

uint8_t *port_app_ram(uint32_t dst, uint32_t src, uint32_t len)
{
	(void)src;
	if (len == 0 || dst + len < dst)
		return NULL;
	if (overlaps(dst, len, __isr_vector_start, __itcm_end) ||
	    overlaps(dst, len, __qdfu_ram_start, _estack))
		return NULL;
	return (uint8_t *)(uintptr_t)dst;
}
