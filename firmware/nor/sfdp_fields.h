/* SPDX-License-Identifier: MIT */
/*
 * JESD216 (revisions A..F) SFDP layout: header, parameter headers, the
 * Basic Flash Parameter Table (BFPT), the 4-byte address instruction table
 * (4BAIT) and the sector map, as field positions. A field is written
 * "shift, width" so one name serves the decoder (SFDP_GET) and the models'
 * SFDP generator (SFDP_PUT). DWORD numbers are the standard's (1-based):
 * BFPT DWORD n is dw[BFPT_DW(n)]. Sources: JESD216 as decoded by Linux
 * (drivers/mtd/spi-nor/sfdp.h), Zephyr (include/.../jesd216.h) and the
 * shared facts (spi-nor.md).
 */
#ifndef QDFU_NOR_SFDP_FIELDS_H
#define QDFU_NOR_SFDP_FIELDS_H

#include <stdint.h>

static inline uint32_t sfdp_bits(uint32_t v, unsigned shift, unsigned width)
{
	uint32_t mask = width >= 32u ? 0xFFFFFFFFu : (1u << width) - 1u;
	return (v >> shift) & mask;
}

static inline uint32_t sfdp_field(uint32_t val, unsigned shift, unsigned width)
{
	uint32_t mask = width >= 32u ? 0xFFFFFFFFu : (1u << width) - 1u;
	return (val & mask) << shift;
}

/* value of field f in v / v holding val in field f */
#define SFDP_GET(v, f)   sfdp_bits((v), f)
#define SFDP_PUT(f, val) sfdp_field((val), f)

/* ------------------------------------------------------------ header (8 bytes) */
#define SFDP_SIGNATURE  0x50444653u /* "SFDP", little-endian, bytes 0..3 */
#define SFDP_HDR_MINOR  4u
#define SFDP_HDR_MAJOR  5u
#define SFDP_HDR_NPH    6u /* number of parameter headers - 1 */
#define SFDP_HDR_ACCESS 7u /* access protocol, 0xFF legacy */
#define SFDP_HDR_LEN    8u
#define SFDP_MAJOR      1u

/* parameter header (8 bytes, after the header) */
#define SFDP_PH_ID_LSB 0u
#define SFDP_PH_MINOR  1u
#define SFDP_PH_MAJOR  2u
#define SFDP_PH_DWORDS 3u /* table length in DWORDs */
#define SFDP_PH_PTR    4u /* 24-bit byte pointer, bytes 4..6 */
#define SFDP_PH_ID_MSB 7u
#define SFDP_PH_LEN    8u

#define SFDP_ID_BFPT  0xFF00u
#define SFDP_ID_SMPT  0xFF81u /* sector map */
#define SFDP_ID_4BAIT 0xFF84u /* 4-byte address instruction table */

/* BFPT revisions (parameter header minor) and their lengths in DWORDs */
#define BFPT_MINOR_A 5u  /* JESD216A: DW10..16 */
#define BFPT_MINOR_D 8u  /* JESD216D: DW17..20 */
#define BFPT_MINOR_F 10u /* JESD216F: DW21..23 */
#define BFPT_DW_REV0 9u
#define BFPT_DW_REVA 16u
#define BFPT_DW_REVD 20u
#define BFPT_DW_REVF 23u
#define BFPT_DW(n)   ((n)-1u)

/* ------------------------------------------------------------ BFPT DWORD 1 */
#define BFPT_DW1_ERASE_4K    0, 2 /* 01: 4 KiB erase supported, 11: not */
#define BFPT_DW1_WRITE_GRAN  2, 1 /* 1: buffer >= 64 bytes */
#define BFPT_DW1_VSR_BP      3, 1 /* block protect bits volatile */
#define BFPT_DW1_VSR_WREN    4, 1 /* volatile SR write enable: 0 -> 0x50, 1 -> 0x06 */
#define BFPT_DW1_ERASE_4K_OP 8, 8
#define BFPT_DW1_READ_1_1_2  16, 1
#define BFPT_DW1_ADDR_BYTES  17, 2 /* BFPT_ADDR_* */
#define BFPT_DW1_DTR         19, 1
#define BFPT_DW1_READ_1_2_2  20, 1
#define BFPT_DW1_READ_1_4_4  21, 1
#define BFPT_DW1_READ_1_1_4  22, 1
#define BFPT_DW1_RESERVED    23, 9 /* all ones */
#define BFPT_ERASE_4K_YES    1u
#define BFPT_ADDR_3          0u /* 3-byte only */
#define BFPT_ADDR_3_OR_4     1u /* 3 or 4, booting in 3 */
#define BFPT_ADDR_4          2u /* 4-byte only */

/* ------------------------------------------------------------ DWORD 2: density */
#define BFPT_DW2_POW2    31, 1 /* 1: 2^N bits, 0: N + 1 bits */
#define BFPT_DW2_DENSITY 0, 31

/* ------------------------------------------------------------ DWORDs 3, 4, 6, 7: fast reads */
/* each 16-bit half: wait states, mode clocks, opcode */
#define BFPT_DW3_1_4_4     0u /* shift of the half in DW3 */
#define BFPT_DW3_1_1_4     16u
#define BFPT_DW4_1_1_2     0u
#define BFPT_DW4_1_2_2     16u
#define BFPT_DW67_SETTINGS 16u /* 2-2-2 (DW6), 4-4-4 (DW7) */
#define BFPT_READ_WAIT     0, 5
#define BFPT_READ_MODE     5, 3
#define BFPT_READ_OP       8, 8
#define BFPT_READ_HALF     16u

/* ------------------------------------------------------------ DWORD 5 */
#define BFPT_DW5_2_2_2 0, 1
#define BFPT_DW5_4_4_4 4, 1

/* ------------------------------------------------------------ DWORDs 8, 9: erase types */
/* erase type t (0..3) is the 16-bit half t % 2 of DW8 + t / 2 */
#define BFPT_ERASE_TYPES 4u
#define BFPT_ERASE_HALF  16u
#define BFPT_ERASE_SIZE  0, 8 /* 2^N bytes, 0 = absent */
#define BFPT_ERASE_OP    8, 8

/* ------------------------------------------------------------ DWORD 10: erase times */
#define BFPT_DW10_MULT   0, 4 /* max = typical * 2 * (M + 1) */
#define BFPT_DW10_TYPE0  4u   /* shift of erase type 0's time field */
#define BFPT_DW10_TYPE_W 7u   /* width of each type's time field */
#define BFPT_TIME_COUNT  0, 5 /* typical = (count + 1) * unit */
#define BFPT_TIME_UNIT   5, 2

/* ------------------------------------------------------------ DWORD 11: program, chip erase */
#define BFPT_DW11_MULT       0, 4  /* max = typical * 2 * (M + 1) */
#define BFPT_DW11_PAGE       4, 4  /* page size 2^N bytes */
#define BFPT_DW11_PP_COUNT   8, 5  /* page program: (count + 1) * unit */
#define BFPT_DW11_PP_UNIT    13, 1 /* 0: 8 us, 1: 64 us */
#define BFPT_DW11_BYTE1      14, 4 /* first byte program: count */
#define BFPT_DW11_BYTE1_UNIT 18, 1 /* 0: 1 us, 1: 8 us */
#define BFPT_DW11_BYTEN      19, 4 /* additional byte program: count */
#define BFPT_DW11_BYTEN_UNIT 23, 1
#define BFPT_DW11_CHIP       24, 7 /* chip erase time: BFPT_TIME_COUNT / UNIT */
#define BFPT_DW11_RESERVED   31, 1

/* ------------------------------------------------------------ DWORD 12: suspend / resume */
#define BFPT_DW12_NO_SUSPEND 31, 1

/* ------------------------------------------------------------ DWORD 14: power-down, polling */
#define BFPT_DW14_NO_DPD     31, 1
#define BFPT_DW14_DPD_ENTER  23, 8
#define BFPT_DW14_DPD_EXIT   15, 8
#define BFPT_DW14_EXIT_DELAY 8, 7
#define BFPT_DW14_POLL_WIP   2, 1 /* legacy: SR1 bit 0 via 0x05 */
#define BFPT_DW14_POLL_FSR   3, 1 /* flag status register 0x70 bit 7 */

/* ------------------------------------------------------------ DWORD 15: quad enable, 4-4-4 */
#define BFPT_DW15_QER         20, 3 /* quad enable requirement 0..6 */
#define BFPT_DW15_444_ENABLE  4, 5
#define BFPT_DW15_444_DISABLE 0, 4
#define BFPT_QER_MAX          6u

/* ------------------------------------------------------------ DWORD 16: 4-byte, reset */
#define BFPT_DW16_4B_ENTER     24, 8
#define BFPT_DW16_4B_EXIT      14, 10
#define BFPT_DW16_SOFT_RESET   8, 6
#define BFPT_DW16_SR1_VOLATILE 0, 7
/* bits of the 4-byte enter field */
#define BFPT_4B_ENTER_B7        0x01u /* issue 0xB7 */
#define BFPT_4B_ENTER_WREN_B7   0x02u /* WREN, then 0xB7 */
#define BFPT_4B_ENTER_DEDICATED 0x20u /* dedicated 4-byte opcodes */
/* bits of the 4-byte exit field */
#define BFPT_4B_EXIT_E9      0x001u
#define BFPT_4B_EXIT_WREN_E9 0x002u
/* bits of the soft reset field */
#define BFPT_SOFT_RESET_66_99 0x10u

/* ------------------------------------------------------------ 4BAIT (2 DWORDs) */
#define FOURBAIT_DWORDS      2u
#define FOURBAIT_READ        (1u << 0) /* 0x13 */
#define FOURBAIT_FAST_READ   (1u << 1) /* 0x0C */
#define FOURBAIT_READ_1_1_2  (1u << 2) /* 0x3C */
#define FOURBAIT_READ_1_2_2  (1u << 3) /* 0xBC */
#define FOURBAIT_READ_1_1_4  (1u << 4) /* 0x6C */
#define FOURBAIT_READ_1_4_4  (1u << 5) /* 0xEC */
#define FOURBAIT_PP          (1u << 6) /* 0x12 */
#define FOURBAIT_PP_1_1_4    (1u << 7) /* 0x34 */
#define FOURBAIT_PP_1_4_4    (1u << 8) /* 0x3E */
#define FOURBAIT_ERASE_TYPE0 9u        /* bit of erase type t is 9 + t */
#define FOURBAIT_ERASE_OP    8u        /* DW2: type t's opcode in byte t */

/* ------------------------------------------------------------ sector map */
#define SMPT_LAST         0, 1  /* last descriptor */
#define SMPT_MAP          1, 1  /* 1: map descriptor, 0: configuration detection command */
#define SMPT_REGIONS      16, 8 /* map: number of regions - 1 */
#define SMPT_REGION_TYPES 0, 4  /* region: bit t = erase type t supported */
#define SMPT_REGION_SIZE  8, 24 /* region: (size / 256) - 1 */
#define SMPT_CMD_DWORDS   2u
#define SMPT_MAP_ID       8, 8 /* map: the configuration ID it describes */
/* configuration detection command (JESD216 sector map table; the same
 * fields as Linux drivers/mtd/spi-nor/sfdp.c SMPT_CMD_*): DWORD 1 holds the
 * instruction, read latency (0xF: variable), address length and the mask
 * applied to the byte read; DWORD 2 the address */
#define SMPT_CMD_OP       8, 8
#define SMPT_CMD_LATENCY  16, 4
#define SMPT_CMD_ADDR_LEN 22, 2 /* 0 none, 1 three bytes, 2 four, 3 current mode */
#define SMPT_CMD_MASK     24, 8
#define SMPT_LATENCY_VAR  0xFu

#endif
