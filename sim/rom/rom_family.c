/* SPDX-License-Identifier: MIT */
#include "sim/rom/rom_family.h"

#include <string.h>

#include "common/compiler.h"

static const struct rom_family families[] = {
    {
        .name = "STM32H74x/H75x",
        .mcu_prefix = "STM32H74",
        .mcu_prefix2 = "STM32H75",
        .product = "DFU in FS Mode",
        /* seen on many boards (facts): never tells two boards apart */
        .serial = "200364500000",
        /* H750 prints the same 16 sectors: flash is not sized from it */
        .layout_flash = "@Internal Flash   /0x08000000/16*128Kg",
        .layout_options = "@Option Bytes   /0x5200201C/01*128 e",
        .transfer_size = 1024u,
        .default_version = ROM_VERSION_V91,
        .axi = {0x24000000u, 512u * 1024u},
        .dtcm = {0x20000000u, 128u * 1024u},
        /* AN2606 transcriptions disagree (free AXI from 0x24005000 or from
         * 0x24034000): the model takes the larger claim, DTCM below
         * 0x20004100 */
        .used = {{0x24000000u, 0x34000u}, {0x20000000u, 0x4100u}},
    },
    {
        /* facts "st-rom-dfu": layout strings from public dfu-util listings,
         * free RAM from an AN2606 transcription (DTCM from 0x20004100, AXI
         * from 0x24004000 to 0x2404FFFF). Product string and bootloader ID:
         * UNVERIFIED; the ID byte's address on this line is not known, so the
         * model serves 0x00, which qdfu does not know (zero install refused,
         * nothing changed) */
        .name = "STM32H72x/H73x",
        .mcu_prefix = "STM32H72",
        .mcu_prefix2 = "STM32H73",
        .product = "DFU in FS Mode",
        .serial = "3A5C38733133", /* made up: UID-derived on these lines (facts) */
        .layout_flash = "@Internal Flash   /0x08000000/8*128Kg",
        .layout_options = "@Option Bytes   /0x5200201C/01*88 e",
        .transfer_size = 1024u,
        .default_version = 0x00u,
        .axi = {0x24000000u, 320u * 1024u},
        .dtcm = {0x20000000u, 128u * 1024u},
        .used = {{0x24000000u, 0x4000u}, {0x20000000u, 0x4100u}},
    },
    {
        /* facts "st-rom-dfu" as above (AXI free from 0x24034000); the H7B0's
         * ROM is assumed to print the H7A3/B3 layout (UNVERIFIED, as the H750
         * prints the H743's) */
        .name = "STM32H7A3/B3",
        .mcu_prefix = "STM32H7A",
        .mcu_prefix2 = "STM32H7B",
        .product = "DFU in FS Mode",
        .serial = "3A5C38733133", /* made up: UID-derived on these lines (facts) */
        .layout_flash = "@Internal Flash   /0x08000000/256*08Kg",
        .layout_options = "@Option Bytes   /0x5200201C/01*297 e",
        .transfer_size = 1024u,
        .default_version = 0x00u,
        .axi = {0x24000000u, 1024u * 1024u},
        .dtcm = {0x20000000u, 128u * 1024u},
        .used = {{0x24000000u, 0x34000u}, {0x20000000u, 0x4100u}},
    },
};

const struct rom_family *rom_family_for(const struct board *b)
{
	for (unsigned i = 0; i < QDFU_ARRAY_SIZE(families); i++) {
		const struct rom_family *f = &families[i];
		if (strncmp(b->mcu, f->mcu_prefix, strlen(f->mcu_prefix)) == 0 ||
		    strncmp(b->mcu, f->mcu_prefix2, strlen(f->mcu_prefix2)) == 0)
			return f;
	}
	return NULL;
}

bool rom_version_leave_broken(uint8_t version)
{
	/* ST community 148238 (H753 rev V, 0x90: no address works) and 112748
	 * (V9.0 broken, V9.1 fine) */
	return version == ROM_VERSION_V90;
}
