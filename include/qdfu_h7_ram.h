/* SPDX-License-Identifier: MIT */
/*
 * Where an STM32H74x/H75x application's vector table may point: the RAM
 * an initial stack pointer may lie in (RM0399 2.3.2: DTCM, AXI SRAM,
 * SRAM1-3, SRAM4) and the vector table alignment. One table for the
 * bootloader's boot check (firmware/boot/boot.c) and the host tool's image
 * checks (host/lib/qh_desc.c). Also the RAM blocks a RAM application may be
 * linked to (firmware/boot/ram_app.c).
 */
#ifndef QDFU_H7_RAM_H
#define QDFU_H7_RAM_H

#include <stdbool.h>
#include <stdint.h>

/* VTOR.TBLOFF: 1 KiB alignment covers the H7's 166 vectors. */
#define QDFU_H7_VTOR_ALIGN 1024u

/* True when sp is a plausible initial stack pointer: word aligned, above
 * the start and at most the end of one RAM block (a full-descending stack
 * starts at the end). */
static inline bool qdfu_h7_sp_ok(uint32_t sp)
{
	static const struct {
		uint32_t base, size;
	} ram[] = {
	    {0x20000000u, 128u * 1024u},
	    {0x24000000u, 512u * 1024u},
	    {0x30000000u, 288u * 1024u},
	    {0x38000000u, 64u * 1024u},
	};
	for (unsigned i = 0; i < sizeof(ram) / sizeof(ram[0]); i++)
		if (sp > ram[i].base && sp - ram[i].base <= ram[i].size && (sp & 3u) == 0)
			return true;
	return false;
}

/*
 * RAM applications: an image stored in flash whose reset handler lies in
 * one of these RAM blocks (RM0399 2.3.2 memory map) is copied to the start
 * of that block before it starts, its vector table first: the layout of
 * libDaisy's BOOT_SRAM applications (electro-smith/libDaisy
 * core/STM32H750IB_sram.lds: .isr_vector then .text at ORIGIN(SRAM) =
 * 0x24000000, stored at 0x90040000). Returns false when addr is in none.
 */
static inline bool qdfu_h7_ram_block(uint32_t addr, uint32_t *base, uint32_t *size)
{
	static const struct {
		uint32_t base, size;
	} blk[] = {
	    {0x00000000u, 64u * 1024u},  /* ITCM */
	    {0x20000000u, 128u * 1024u}, /* DTCM */
	    {0x24000000u, 512u * 1024u}, /* AXI SRAM */
	    {0x30000000u, 288u * 1024u}, /* SRAM1..3 */
	    {0x38000000u, 64u * 1024u},  /* SRAM4 */
	};
	for (unsigned i = 0; i < sizeof(blk) / sizeof(blk[0]); i++)
		if (addr - blk[i].base < blk[i].size) {
			*base = blk[i].base;
			*size = blk[i].size;
			return true;
		}
	return false;
}

#endif
