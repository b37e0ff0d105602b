/* SPDX-License-Identifier: MIT */
/*
 * The bootloader's main() on the target. The board is chosen at build time:
 * each image is compiled with QDFU_BOARD_SYMBOL naming its `board_<id>`.
 */
#include "bootloader/bootloader.h"
#include "hal/port.h"
#include "h7.h"

#include <stdint.h>

#ifndef QDFU_BOARD_SYMBOL
#error "QDFU_BOARD_SYMBOL must name the board (e.g. board_stm32h745i_disco)"
#endif

extern const struct board QDFU_BOARD_SYMBOL;

/* The staging buffer of deferred internal-flash erases
 * (docs/decisions/sector-staging-buffer.md): one 128 KiB sector, in AXI
 * SRAM after the block queue (.bss.axi*, NOLOAD, stm32h7_bootloader.ld).
 * Used during DFU sessions only; written (from flash) before it is read,
 * and zeroed at DFU entry (region_iflash_stage_init) so every ECC word of
 * it is written before any partial write; left alone when an application
 * starts. */
static uint8_t iflash_stage[128u * 1024u] __attribute__((section(".bss.axi_stage"), aligned(8)));

uint8_t *port_iflash_stage(uint32_t *size)
{
	if (!h7_iflash_stage_fits()) {
		*size = 0; /* erase on command, as the flasher does */
		return (uint8_t *)0;
	}
	*size = sizeof(iflash_stage);
	return iflash_stage;
}

int main(void)
{
	const struct board *b = &QDFU_BOARD_SYMBOL;

	/* Errors here leave a slower but working system (see port_init). */
	(void)port_init(b);
	(void)bootloader_init(b, BOOTLOADER_ENTER_AUTO);
	for (;;)
		bootloader_task();
}
