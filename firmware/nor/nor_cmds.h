/* SPDX-License-Identifier: MIT */
/*
 * SPI-NOR instruction opcodes and status-register bits, named as in the
 * datasheets (shared facts, spi-nor.md). One definition for the driver
 * (firmware/nor) and the chip models (sim/nor). Where one value has two
 * meanings on different vendors, both names exist and the comment says
 * who uses which.
 */
#ifndef QDFU_NOR_NOR_CMDS_H
#define QDFU_NOR_NOR_CMDS_H

#include <stdint.h>

/* ------------------------------------------------------------ opcodes */

/* Status and configuration registers */
#define NOR_OP_WRSR       0x01u /* write SR1 (+ SR2 / Macronix CR as a second byte) */
#define NOR_OP_WRDI       0x04u /* write disable */
#define NOR_OP_RDSR       0x05u /* read SR1 */
#define NOR_OP_WREN       0x06u /* write enable */
#define NOR_OP_WRSR3      0x11u /* Winbond: write SR3 */
#define NOR_OP_RDSR3      0x15u /* Winbond: read SR3 */
#define NOR_OP_RDCR       0x15u /* Macronix: read configuration register */
#define NOR_OP_RDSCUR     0x2Bu /* Macronix: read security register */
#define NOR_OP_WRSR2      0x31u /* Winbond / GigaDevice: write SR2 alone (QER 6) */
#define NOR_OP_RDSR2      0x35u /* Winbond / GigaDevice / Adesto: read SR2 */
#define NOR_OP_WRSR2_QER3 0x3Eu /* QER 3: write SR2 (bit 7 = QE) */
#define NOR_OP_RDSR2_QER3 0x3Fu /* QER 3: read SR2 */
#define NOR_OP_CLFSR      0x50u /* Micron: clear flag status register */
#define NOR_OP_VSR_WREN   0x50u /* Winbond: write enable for volatile status register */
#define NOR_OP_RDFSR      0x70u /* Micron: read flag status register */

/* Identification */
#define NOR_OP_RDSFDP 0x5Au /* JESD216: 3-byte address, 8 dummy clocks */
#define NOR_OP_RDID   0x9Fu /* JEDEC ID: manufacturer, type, capacity */

/* Array reads (1-x-y: instruction-address-data lines) and their 4-byte forms */
#define NOR_OP_READ          0x03u
#define NOR_OP_READ_4B       0x13u
#define NOR_OP_FAST_READ     0x0Bu
#define NOR_OP_FAST_READ_4B  0x0Cu
#define NOR_OP_READ_1_1_2    0x3Bu
#define NOR_OP_READ_1_1_2_4B 0x3Cu
#define NOR_OP_READ_1_2_2    0xBBu
#define NOR_OP_READ_1_2_2_4B 0xBCu
#define NOR_OP_READ_1_1_4    0x6Bu
#define NOR_OP_READ_1_1_4_4B 0x6Cu
#define NOR_OP_READ_1_4_4    0xEBu
#define NOR_OP_READ_1_4_4_4B 0xECu

/* Page program */
#define NOR_OP_PP          0x02u
#define NOR_OP_PP_4B       0x12u
#define NOR_OP_PP_1_1_4    0x32u /* not on Macronix */
#define NOR_OP_PP_1_1_4_4B 0x34u
#define NOR_OP_PP_1_4_4    0x38u /* Micron, Macronix */
#define NOR_OP_PP_1_4_4_4B 0x3Eu

/* Erase */
#define NOR_OP_BE_4K       0x20u
#define NOR_OP_BE_4K_4B    0x21u
#define NOR_OP_BE_32K      0x52u
#define NOR_OP_BE_32K_4B   0x5Cu
#define NOR_OP_SE          0xD8u /* 64 KiB */
#define NOR_OP_SE_4B       0xDCu
#define NOR_OP_CHIP_ERASE  0xC7u
#define NOR_OP_CHIP_ERASE2 0x60u

/* Modes */
#define NOR_OP_EN4B      0xB7u /* enter 4-byte address mode (Micron: needs WREN) */
#define NOR_OP_EX4B      0xE9u /* exit 4-byte address mode */
#define NOR_OP_EQIO      0x35u /* Micron / Macronix / ISSI: enter QPI */
#define NOR_OP_RSTQIO    0xF5u /* Micron / Macronix / ISSI: exit QPI */
#define NOR_OP_QPI_EN_WB 0x38u /* Winbond / GigaDevice: enter QPI (QE first) */
#define NOR_OP_QPI_EX_WB 0xFFu /* Winbond / GigaDevice: exit QPI (on 4 lines) */
#define NOR_OP_CRMR      0xFFu /* continuous read mode reset (on 1 line) */
#define NOR_OP_DP        0xB9u /* deep power-down */
#define NOR_OP_RES       0xABu /* release from deep power-down */
#define NOR_OP_RSTEN     0x66u /* reset enable */
#define NOR_OP_RST       0x99u /* reset (right after RSTEN) */

/* ------------------------------------------------------------ register bits */

#define NOR_SR1_WIP        0x01u /* write in progress */
#define NOR_SR1_WEL        0x02u /* write enable latch */
#define NOR_SR1_BP_MASK    0x1Cu /* block protect BP2..0 (Winbond layout) */
#define NOR_SR1_BP_SHIFT   2u
#define NOR_SR1_TB         0x20u /* Winbond, Micron: protect from the bottom */
#define NOR_SR1_BP3        0x20u /* Macronix, ISSI: BP3 (BP3..0 in bits 5:2) */
#define NOR_SR1_BP3_MICRON 0x40u /* Micron: BP3 */
#define NOR_SR1_QE         0x40u /* QER 2: Macronix / ISSI quad enable */
#define NOR_SR1_STATUS     (NOR_SR1_WIP | NOR_SR1_WEL) /* read-only, not written */
/* SR1 bits that hold block protection on most parts: BP2..0 and TB or BP3 */
#define NOR_SR1_PROTECT (NOR_SR1_BP_MASK | NOR_SR1_TB)

#define NOR_SR2_SRL     0x01u /* Winbond: status register lock (not written here) */
#define NOR_SR2_QE      0x02u /* QER 1, 4, 5, 6: quad enable */
#define NOR_SR2_QE_QER3 0x80u /* QER 3: quad enable */
#define NOR_SR2_SUS     0x80u /* Winbond: program/erase suspended (read-only) */

#define NOR_SR3_ADS  0x01u /* Winbond W25Q256: current address mode is 4-byte */
#define NOR_CR_4BYTE 0x20u /* Macronix configuration register: 4-byte mode */

#define NOR_FSR_READY        0x80u /* Micron flag status: ready (inverse of WIP) */
#define NOR_FSR_ERASE_FAIL   0x20u
#define NOR_FSR_PROGRAM_FAIL 0x10u
#define NOR_FSR_PROT_ERR     0x02u
#define NOR_FSR_ADDR4        0x01u /* 4-byte address mode */
#define NOR_FSR_ERRORS       (NOR_FSR_ERASE_FAIL | NOR_FSR_PROGRAM_FAIL | NOR_FSR_PROT_ERR)

#define NOR_SCUR_P_FAIL 0x20u /* Macronix security register: program failed */
#define NOR_SCUR_E_FAIL 0x40u /* erase failed */
#define NOR_SCUR_ERRORS (NOR_SCUR_P_FAIL | NOR_SCUR_E_FAIL)

/* ------------------------------------------------------------ JEDEC manufacturer IDs */

#define NOR_MFR_ADESTO     0x1Fu /* Adesto / Dialog / Renesas AT25 */
#define NOR_MFR_MICRON     0x20u
#define NOR_MFR_ISSI       0x9Du
#define NOR_MFR_MACRONIX   0xC2u
#define NOR_MFR_GIGADEVICE 0xC8u
#define NOR_MFR_WINBOND    0xEFu

/* ------------------------------------------------------------ 3 -> 4-byte erase map */

/* The dedicated 4-byte form of a 3-byte erase opcode (JESD216 4BAIT /
 * shared facts), 0 if there is none. */
static inline uint8_t nor_erase_op_4b(uint8_t op)
{
	switch (op) {
	case NOR_OP_BE_4K:
		return NOR_OP_BE_4K_4B;
	case NOR_OP_BE_32K:
		return NOR_OP_BE_32K_4B;
	case NOR_OP_SE:
		return NOR_OP_SE_4B;
	default:
		return 0;
	}
}

#endif
