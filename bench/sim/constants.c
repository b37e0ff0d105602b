// SPDX-License-Identifier: MIT
/*
 * Prints, as JSON, the constants the simulator charges time with (chip
 * models, internal flash, USB bus, QUADSPI kernel clock), so that
 * bench/bench.py computes each case's physical ceiling from exactly the
 * numbers the measured run was charged with.
 */
#include <stdio.h>

#include "sim/h7/crc_model.h"
#include "sim/h7/h7_iflash.h"
#include "sim/nor/nor_parts.h"
#include "sim/vusb/usb_timing.h"

static void chip(const struct nor_part *p, int last)
{
	printf("    \"%s\": {\"size\": %u, \"pp_typ_us\": %u, \"pp_max_us\": %u, \"erase\": [",
	       p->name, (unsigned)p->size, (unsigned)p->pp_typ_us, (unsigned)p->pp_max_us);
	int first = 1;
	for (unsigned i = 0; i < 4; i++) {
		if (!p->erase[i].log2)
			continue;
		printf("%s{\"size\": %u, \"typ_ms\": %u, \"max_ms\": %u}", first ? "" : ", ",
		       1u << p->erase[i].log2, (unsigned)p->erase[i].typ_ms,
		       (unsigned)p->erase[i].max_ms);
		first = 0;
	}
	printf("]}%s\n", last ? "" : ",");
}

int main(void)
{
	printf("{\n  \"chips\": {\n");
	for (unsigned i = 0; i < nor_parts_count; i++)
		chip(&nor_parts[i], i + 1 == nor_parts_count);
	printf("  },\n");
	/* per line: "h74x" also stands for the H72x/H73x (same 128 KiB sectors
	 * and figures), "h7ab" the H7A3/B3/B0 (8 KiB sectors, 16-byte words) */
	printf("  \"iflash\": {\"h74x\": {\"sector\": 131072, \"erase_typ_us\": %u, "
	       "\"erase_max_us\": %u, \"word\": 32, \"program_typ_us\": %u, "
	       "\"program_max_us\": %u},\n",
	       H7_IFLASH_ERASE_US, H7_IFLASH_ERASE_MAX_US, H7_IFLASH_PROGRAM_US,
	       H7_IFLASH_PROGRAM_MAX_US);
	printf("             \"h7ab\": {\"sector\": 8192, \"erase_typ_us\": %u, "
	       "\"erase_max_us\": %u, \"word\": 16, \"program_typ_us\": %u, "
	       "\"program_max_us\": %u}},\n",
	       H7_IFLASH_AB_ERASE_US, H7_IFLASH_AB_ERASE_MAX_US, H7_IFLASH_AB_PROGRAM_US,
	       H7_IFLASH_AB_PROGRAM_MAX_US);
	printf("  \"usb\": {\"fs\": {\"ctrl_bt\": %u, \"packet_bt\": %u, \"byte_ns\": %.4f, "
	       "\"mps\": 64},\n",
	       USB_FS_CTRL_OVERHEAD_BT, USB_FS_PACKET_OVERHEAD_BT, USB_FS_BYTE_NS_X3 / 3.0);
	printf("          \"hs\": {\"ctrl_bt\": %u, \"packet_bt\": %u, \"byte_ns\": %.4f, "
	       "\"mps\": 64}},\n",
	       USB_HS_CTRL_OVERHEAD_BT, USB_HS_PACKET_OVERHEAD_BT, USB_HS_BYTE_NS_X3 / 3.0);
	/* every line's clock plan (firmware/port/stm32h7/clock.c): QUADSPI on
	 * HCLK3 200 MHz (H74x), OCTOSPI on PLL2R 200 MHz (H72x/H73x, H7A3/B3/B0);
	 * tests/port_stm32h7/usb/test_h7_system.c checks it per board */
	printf("  \"crc_unit\": {\"cycles_per_word\": %u, \"ahb_hz\": %u},\n",
	       CRC_MODEL_CYCLES_PER_WORD, CRC_MODEL_AHB_HZ);
	printf("  \"qspi_kernel_hz\": 200000000\n}\n");
	return 0;
}
