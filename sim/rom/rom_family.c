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
        .leave_broken = ROM_VERSION_V90,
        .boot_id_addr = 0x1FF1E7FEu,
        .uid_addr = 0x1FF1E800u,
        .flash_size_addr = 0x1FF1E880u,
        .axi = {0x24000000u, 512u * 1024u},
        .dtcm = {0x20000000u, 128u * 1024u},
        /* AN2606 Table 135: 16 KiB of DTCM from 0x20000000 and 20 KiB of
         * AXI SRAM from 0x24000000 (208 KiB before V9.1): the model takes
         * the larger claim, AXI below 0x24034000, DTCM below 0x20004100 */
        .used = {{0x24000000u, 0x34000u}, {0x20000000u, 0x4100u}},
    },
    {
        /* AN2606 Tables 3, 133, 134 (a Markdown transcription of a recent
         * revision): bootloader ID 0x93 (V9.3) at 0x1FF1E7FE, entry
         * 0x1FF09800, system memory 128 KiB from 0x1FF00000, 16 KiB of AXI
         * SRAM from 0x24000000 used, SYSCLK 66 MHz from PLL on HSI. V9.1
         * prints a wrong memory-size string (which one: not published, so
         * not modelled). Layout strings: public dfu-util listings (facts
         * "st-rom-dfu"). Product string: UNVERIFIED (as H74x). AXI SRAM as
         * with the default ITCM/AXI split (TCM_AXI_SHARED = 00): 320 KiB. */
        .name = "STM32H72x/H73x",
        .mcu_prefix = "STM32H72",
        .mcu_prefix2 = "STM32H73",
        .product = "DFU in FS Mode",
        .serial = "3A5C38733133", /* made up: UID-derived on these lines (facts) */
        .layout_flash = "@Internal Flash   /0x08000000/8*128Kg",
        .layout_options = "@Option Bytes   /0x5200201C/01*88 e",
        .transfer_size = 1024u,
        .default_version = ROM_VERSION_V93,
        .boot_id_addr = 0x1FF1E7FEu,
        .uid_addr = 0x1FF1E800u,
        .flash_size_addr = 0x1FF1E880u,
        .axi = {0x24000000u, 320u * 1024u},
        .dtcm = {0x20000000u, 128u * 1024u},
        /* AN2606 names only the AXI 16 KiB; the DTCM guard follows the
         * third-party tables (stm32loader, stm32flash: RAM from 0x20004100) */
        .used = {{0x24000000u, 0x4000u}, {0x20000000u, 0x4100u}},
    },
    {
        /* AN2606 Tables 3, 137, 138: ID 0x92 (V9.2) at 0x1FF13FFE, entry
         * 0x1FF0A000, 16 KiB of AXI SRAM from 0x24000000 used; V9.0 prints
         * its flash as 256 x 2 KB. UID and FLASH_SIZE at 0x08FFF800 /
         * 0x08FFF80C (CMSIS). The H7B0's ROM is assumed to print the H7A3/B3
         * layout (UNVERIFIED, as the H750 prints the H743's) and to have the
         * same 1 MiB of AXI SRAM (UNVERIFIED). */
        .name = "STM32H7A3/B3/B0",
        .mcu_prefix = "STM32H7A",
        .mcu_prefix2 = "STM32H7B",
        .product = "DFU in FS Mode",
        .serial = "3A5C38733133", /* made up: UID-derived on these lines (facts) */
        .layout_flash = "@Internal Flash   /0x08000000/256*08Kg",
        .layout_options = "@Option Bytes   /0x5200201C/01*297 e",
        .bad_layout_version = ROM_VERSION_V90,
        .bad_layout_flash = "@Internal Flash   /0x08000000/256*02Kg",
        .transfer_size = 1024u,
        .default_version = ROM_VERSION_V92,
        .boot_id_addr = 0x1FF13FFEu,
        .uid_addr = 0x08FFF800u,
        .flash_size_addr = 0x08FFF80Cu,
        .axi = {0x24000000u, 1024u * 1024u},
        .dtcm = {0x20000000u, 128u * 1024u},
        .used = {{0x24000000u, 0x4000u}, {0x20000000u, 0x4100u}},
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

bool rom_version_leave_broken(const struct rom_family *f, uint8_t version)
{
	/* ST community 148238 (H753 rev V, 0x90: no address works) and 112748
	 * (V9.0 broken, V9.1 fine); H7A3/B3/B0 V9.0 is another ROM */
	return f->leave_broken && version == f->leave_broken;
}

const char *rom_layout_flash(const struct rom_family *f, uint8_t version)
{
	if (f->bad_layout_flash && version == f->bad_layout_version)
		return f->bad_layout_flash;
	return f->layout_flash;
}
