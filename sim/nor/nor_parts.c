/* SPDX-License-Identifier: MIT */
/*
 * The modelled parts. Timings are typ / max in ms (program in us), each
 * with its source next to it:
 *  - "DS": the part's datasheet as summarised in the shared facts
 *    (spi-nor.md: W25Q64JV, W25Q128JV, MT25QL512ABB, MX25L51245G) or quoted
 *    here (AT25SF128A: DS-AT25SF128A-168E, 11/2019, features page);
 *  - "cons.": no datasheet figure checked; a conservative value, the
 *    largest of the checked parts of that size (4 KiB 400 ms, 32 KiB
 *    1600 ms, 64 KiB 2000 ms, page 3 ms), so deadlines err long;
 *  - "unverified": a typical value kept as a plausible figure.
 */
#include <stddef.h>

#include "nor/nor_cmds.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_parts.h"

#define K4(t, m)                                                                                   \
	{                                                                                          \
		12, NOR_OP_BE_4K, t, m                                                             \
	}
#define K32(t, m)                                                                                  \
	{                                                                                          \
		15, NOR_OP_BE_32K, t, m                                                            \
	}
#define K64(t, m)                                                                                  \
	{                                                                                          \
		16, NOR_OP_SE, t, m                                                                \
	}
#define MIB (1024u * 1024u)

const struct nor_part nor_parts[] = {
    {.name = "MT25QL512ABB",
     .id = {0x20, 0xBA, 0x20},
     .size = 64 * MIB,
     .vendor = NOR_V_MICRON,
     /* DS: 4K 50/400, 32K -/1000 (typ unverified), 64K 150/1000 */
     .erase = {K4(50, 400), K32(100, 1000), K64(150, 1000)},
     .pp_typ_us = 120,      /* unverified */
     .pp_max_us = 1800,     /* DS */
     .chip_typ_ms = 153000, /* DS */
     .chip_max_ms = 460000, /* DS */
     .qer = 0,
     .eb_clocks = 10,
     .addr4 = true,
     .b7_needs_wren = true,
     .sfdp_minor = 6,
     .tres1_us = 30, /* MT25Q datasheet tRDP / reset recovery (unverified) */
     .trst_us = 30},
    {.name = "MT25QL128ABA",
     .id = {0x20, 0xBA, 0x18},
     .size = 16 * MIB,
     .vendor = NOR_V_MICRON,
     /* the MT25QL512ABB's figures (same MT25Q family; not checked for this part) */
     .erase = {K4(50, 400), K32(100, 1000), K64(150, 1000)},
     .pp_typ_us = 120,
     .pp_max_us = 1800,
     .chip_typ_ms = 38000,  /* unverified */
     .chip_max_ms = 200000, /* cons. */
     .qer = 0,
     .eb_clocks = 10,
     .sfdp_minor = 6,
     .tres1_us = 30, /* MT25Q datasheet (unverified) */
     .trst_us = 30},
    {.name = "W25Q64JV",
     .id = {0xEF, 0x40, 0x17},
     .size = 8 * MIB,
     .vendor = NOR_V_WINBOND,
     /* DS (W25Q64JV): 4K 45/400, 32K 120/1600, 64K 150/2000, page 0.4/3,
      * chip 20/100 s */
     .erase = {K4(45, 400), K32(120, 1600), K64(150, 2000)},
     .pp_typ_us = 400,
     .pp_max_us = 3000,
     .chip_typ_ms = 20000,
     .chip_max_ms = 100000,
     .qer = 4,
     .qe_factory = true, /* IQ/JQ ship with QE = 1 */
     .eb_clocks = 6,
     .sfdp_minor = 0 /* original JESD216 BFPT (unverified) */,
     .tres1_us = 3, /* W25Q64JV datasheet: tRES1 3 us, tRST 30 us */
     .trst_us = 30},
    {.name = "W25Q128JV",
     .id = {0xEF, 0x40, 0x18},
     .size = 16 * MIB,
     .vendor = NOR_V_WINBOND,
     /* DS (W25Q128JV): 4K 45/400, 32K -/1600 (typ unverified), 64K 150/2000,
      * page 0.4..0.7/3, chip 40/200 s */
     .erase = {K4(45, 400), K32(120, 1600), K64(150, 2000)},
     .pp_typ_us = 500,
     .pp_max_us = 3000,
     .chip_typ_ms = 40000,
     .chip_max_ms = 200000,
     .qer = 4, /* unverified */
     .eb_clocks = 6,
     .sfdp_minor = 5,
     .tres1_us = 3, /* W25Q128JV datasheet: tRES1 3 us, tRST 30 us */
     .trst_us = 30},
    {.name = "W25Q256JV",
     .id = {0xEF, 0x40, 0x19},
     .size = 32 * MIB,
     .vendor = NOR_V_WINBOND,
     /* the W25Q128JV's figures (same JV family; not checked for this part) */
     .erase = {K4(45, 400), K32(120, 1600), K64(150, 2000)},
     .pp_typ_us = 500,
     .pp_max_us = 3000,
     .chip_typ_ms = 80000,  /* unverified */
     .chip_max_ms = 400000, /* cons.: twice the W25Q128JV's */
     .qer = 4,
     .eb_clocks = 6,
     .addr4 = true,
     .sfdp_minor = 5,
     .tres1_us = 3, /* W25Q256JV datasheet: tRES1 3 us, tRST 30 us */
     .trst_us = 30},
    {.name = "MX25L12833F",
     .id = {0xC2, 0x20, 0x18},
     .size = 16 * MIB,
     .vendor = NOR_V_MACRONIX,
     /* typ unverified, max cons. */
     .erase = {K4(40, 400), K32(150, 1600), K64(300, 2000)},
     .pp_typ_us = 500,
     .pp_max_us = 3000,
     .chip_typ_ms = 50000,
     .chip_max_ms = 200000,
     .qer = 2,
     .eb_clocks = 6,
     .sfdp_minor = 6,
     .tres1_us = 30, /* MX25L12833F datasheet tRES1 / tREADY2 (unverified) */
     .trst_us = 40},
    {.name = "MX25L51245G",
     .id = {0xC2, 0x20, 0x1A},
     .size = 64 * MIB,
     .vendor = NOR_V_MACRONIX,
     /* DS: 4K -/800, 64K -/2000, chip -/600 s; typicals unverified; 32K max
      * and page max cons. */
     .erase = {K4(40, 800), K32(150, 1600), K64(300, 2000)},
     .pp_typ_us = 150,
     .pp_max_us = 3000,
     .chip_typ_ms = 150000,
     .chip_max_ms = 600000,
     .qer = 2,
     .eb_clocks = 6,
     .addr4 = true,
     .sfdp_minor = 8 /* JESD216D BFPT (unverified) */,
     .tres1_us = 30, /* MX25L51245G datasheet tRES1 / tREADY2 (unverified) */
     .trst_us = 40},
    /* MX25LM51245G (Macronix 3 V octal, ST's H735G-DK / H7B3I-DK): values
     * from ST's component driver (shared facts octospi.md [MXC]); the
     * Macronix datasheet was not read: ST's maxima are MT25QL512's numbers
     * (facts), kept as the model's maxima; typicals unverified. 4 KiB and
     * 64 KiB erase only, 1-1-1 in SPI (no dual/quad: datasheet Rev. 1.1,
     * June 2020, features page "Single I/O and Octa I/O"), OPI through CR2
     * (nor_octal.c). tRST unverified (ST waits 100 ms after a reset during
     * an erase). */
    {.name = "MX25LM51245G",
     .id = {0xC2, 0x85, 0x3A}, /* read on H735G-DK hardware [EMB6441] */
     .size = 64 * MIB,
     .vendor = NOR_V_MACRONIX,
     .erase = {K4(30, 400), {0, 0, 0, 0}, K64(250, 1000)},
     .pp_typ_us = 150,
     .pp_max_us = 3000,
     .chip_typ_ms = 150000,
     .chip_max_ms = 460000,
     .qer = 0,
     .eb_clocks = 0,
     .addr4 = true,
     .sfdp_minor = 6 /* JESD216B BFPT (unverified) */,
     .tres1_us = 30,
     .trst_us = 40,
     .octal = true},
    {.name = "IS25LP064A",
     .id = {0x9D, 0x60, 0x17},
     .size = 8 * MIB,
     .vendor = NOR_V_ISSI,
     /* typ unverified, max cons. (the W25Q64JV's) */
     .erase = {K4(70, 400), K32(100, 1600), K64(150, 2000)},
     .pp_typ_us = 200,
     .pp_max_us = 3000,
     .chip_typ_ms = 25000,
     .chip_max_ms = 100000,
     .qer = 2,
     .eb_clocks = 6,
     .sfdp_minor = 6,
     .tres1_us = 5, /* IS25LP064A datasheet tRES1 / tRST (unverified) */
     .trst_us = 35},
    {.name = "GD25Q128",
     .id = {0xC8, 0x40, 0x18},
     .size = 16 * MIB,
     .vendor = NOR_V_GIGADEVICE,
     /* typ unverified, max cons. (the W25Q128JV's) */
     .erase = {K4(50, 400), K32(150, 1600), K64(200, 2000)},
     .pp_typ_us = 600,
     .pp_max_us = 3000,
     .chip_typ_ms = 60000,
     .chip_max_ms = 200000,
     .qer = 5, /* unverified */
     .eb_clocks = 6,
     .sfdp_minor = 0 /* unverified */,
     .tres1_us = 20, /* GD25Q128 datasheet tRES1 / tRST (unverified) */
     .trst_us = 60},
    {.name = "AT25SF128A",
     .id = {0x1F, 0x89, 0x01},
     .size = 16 * MIB,
     .vendor = NOR_V_ADESTO,
     /* DS (AT25SF128A features): typical page 0.6 ms, 4K 70, 32K 150, 64K
      * 250 ms, chip 30 s; maxima cons. (64K 3 s, chip 250 s kept) */
     .erase = {K4(70, 400), K32(150, 1600), K64(250, 3000)},
     .pp_typ_us = 600,
     .pp_max_us = 3000,
     .chip_typ_ms = 30000,
     .chip_max_ms = 250000,
     .qer = 4, /* SR2 bit1 (unverified) */
     .eb_clocks = 6,
     .sfdp_minor = 10 /* JESD216F BFPT, to exercise the longest table (unverified) */,
     .tres1_us = 10, /* AT25SF128A datasheet tRDPD / tRST (unverified) */
     .trst_us = 30},
    /* The same JEDEC ID as the AT25SF128A; listed without SFDP by third-party
     * chip tables (ufprog atmel.c: AT25QF128A, alias AT25SF128A, NO_SFDP, QE in
     * SR2 bit 1, 0x50 volatile status write): the driver's JEDEC-ID table path. */
    {.name = "AT25QF128A",
     .id = {0x1F, 0x89, 0x01},
     .size = 16 * MIB,
     .vendor = NOR_V_ADESTO,
     /* DS (AT25SF128A features): typical page 0.6 ms, 4K 70, 32K 150, 64K
      * 250 ms, chip 30 s; maxima cons. (64K 3 s, chip 250 s kept) */
     .erase = {K4(70, 400), K32(150, 1600), K64(250, 3000)},
     .pp_typ_us = 600,
     .pp_max_us = 3000,
     .chip_typ_ms = 30000,
     .chip_max_ms = 250000,
     .qer = 4, /* SR2 bit1 (unverified) */
     .eb_clocks = 6,
     .no_sfdp = true,
     .tres1_us = 10, /* AT25SF128A datasheet tRDPD / tRST (unverified) */
     .trst_us = 30},
    /* Cypress / Infineon S25FS512S (1.8 V, 64 MiB, 256 KiB sectors): the
     * modelled part with a multi-configuration sector map. Configuration
     * detection and IDs as the Linux MTD discussion of the S25FS-S sector map
     * quotes the datasheet ("Sector Map Parameter Table"): ID = CR3NV[3]
     * (1 uniform, 0 hybrid) << 2 | CR1NV[2] (1 parameter sectors at the
     * top) << 1 | CR3NV[1] (1 on the parts that table was written for), read
     * with RDAR 0x65 whose latency is 8 clocks by default; 8 x 4 KiB
     * parameter sectors. Times cons. (datasheet not checked); shipped
     * uniform here (the factory setting is unverified). */
    {.name = "S25FS512S",
     .id = {0x01, 0x02, 0x20},
     .size = 64 * MIB,
     .vendor = NOR_V_SPANSION,
     .erase = {K4(200, 725), {0, 0, 0, 0}, {18, NOR_OP_SE, 900, 3000}},
     .pp_typ_us = 500,
     .pp_max_us = 2000,
     .chip_typ_ms = 200000,
     .chip_max_ms = 460000,
     .qer = 5, /* CR1 bit 1, read with 0x35, written with 0x01 + SR1, CR1 */
     .eb_clocks = 10,
     .addr4 = true,
     .sfdp_minor = 6,
     .hybrid_sectors = true,
     .tres1_us = 30, /* unverified */
     .trst_us = 35}, /* unverified */
};
const unsigned nor_parts_count = sizeof(nor_parts) / sizeof(nor_parts[0]);

const char *const *nor_model_names(void)
{
	static const char *names[sizeof(nor_parts) / sizeof(nor_parts[0]) + 1];
	for (unsigned i = 0; i < nor_parts_count; i++)
		names[i] = nor_parts[i].name;
	names[nor_parts_count] = NULL;
	return names;
}
