/* SPDX-License-Identifier: MIT */
/* CRC calculation unit of the STM32H7 (RM0433 / RM0399 "Cyclic redundancy
 * check calculation unit"): D3 domain, AHB4, clock RCC_AHB4ENR.CRCEN. */
#ifndef QDFU_PORT_STM32H7_REGS_CRC_H
#define QDFU_PORT_STM32H7_REGS_CRC_H

#include <stddef.h>
#include <stdint.h>

#define CRC_BASE 0x58024C00u /* D3 AHB1 peripherals (0x58020000) + 0x4C00 */

struct crc_regs {
	volatile uint32_t DR;   /* 0x00 data (8/16/32-bit writes); reset 0xFFFFFFFF */
	volatile uint32_t IDR;  /* 0x04 independent data, not touched by RESET */
	volatile uint32_t CR;   /* 0x08 control; reset 0 */
	uint32_t reserved0;     /* 0x0C */
	volatile uint32_t INIT; /* 0x10 initial value; reset 0xFFFFFFFF; a write loads DR */
	volatile uint32_t POL;  /* 0x14 polynomial; reset 0x04C11DB7 */
};
_Static_assert(offsetof(struct crc_regs, CR) == 0x08, "CRC_CR");
_Static_assert(offsetof(struct crc_regs, INIT) == 0x10, "CRC_INIT");
_Static_assert(offsetof(struct crc_regs, POL) == 0x14, "CRC_POL");
_Static_assert(sizeof(struct crc_regs) == 0x18, "CRC register block");

#define CRC_CR_RESET        (1u << 0) /* load INIT into DR; reads 0 */
#define CRC_CR_POLYSIZE_Pos 3         /* 00: 32-bit, 01: 16, 10: 8, 11: 7 */
#define CRC_CR_POLYSIZE_Msk (3u << CRC_CR_POLYSIZE_Pos)
#define CRC_CR_REV_IN_Pos                                                                          \
	5 /* input bit reversal: 00 none, 01 by byte, 10 by half-word, 11 by word */
#define CRC_CR_REV_IN_Msk  (3u << CRC_CR_REV_IN_Pos)
#define CRC_CR_REV_IN_BYTE (1u << CRC_CR_REV_IN_Pos)
#define CRC_CR_REV_IN_HALF (2u << CRC_CR_REV_IN_Pos)
#define CRC_CR_REV_IN_WORD (3u << CRC_CR_REV_IN_Pos)
#define CRC_CR_REV_OUT     (1u << 7) /* DR reads bit-reversed */

#define CRC_POL_CRC32 0x04C11DB7u /* CRC-32 (Ethernet, zlib): POL's reset value */

/* RCC_AHB4ENR (offset 0x0E0, regs_rcc.h) */
#define RCC_AHB4ENR_CRCEN (1u << 19)

#endif
