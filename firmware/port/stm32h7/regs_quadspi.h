/* SPDX-License-Identifier: MIT */
/* QUADSPI of the STM32H743/745/747/750 (RM0399 23.5). */
#ifndef QDFU_PORT_STM32H7_REGS_QUADSPI_H
#define QDFU_PORT_STM32H7_REGS_QUADSPI_H

#include <stddef.h>
#include <stdint.h>

#define QUADSPI_BASE 0x52005000u

struct quadspi_regs {
	volatile uint32_t CR;    /* 0x00 */
	volatile uint32_t DCR;   /* 0x04 */
	volatile uint32_t SR;    /* 0x08 */
	volatile uint32_t FCR;   /* 0x0C */
	volatile uint32_t DLR;   /* 0x10 */
	volatile uint32_t CCR;   /* 0x14 */
	volatile uint32_t AR;    /* 0x18 */
	volatile uint32_t ABR;   /* 0x1C */
	volatile uint32_t DR;    /* 0x20 (8/16/32-bit access) */
	volatile uint32_t PSMKR; /* 0x24 */
	volatile uint32_t PSMAR; /* 0x28 */
	volatile uint32_t PIR;   /* 0x2C */
	volatile uint32_t LPTR;  /* 0x30 */
};
_Static_assert(offsetof(struct quadspi_regs, CCR) == 0x14, "QUADSPI_CCR");
_Static_assert(offsetof(struct quadspi_regs, DR) == 0x20, "QUADSPI_DR");
_Static_assert(offsetof(struct quadspi_regs, LPTR) == 0x30, "QUADSPI_LPTR");

#define QUADSPI_CR_EN            (1u << 0)
#define QUADSPI_CR_ABORT         (1u << 1)
#define QUADSPI_CR_SSHIFT        (1u << 4)
#define QUADSPI_CR_DFM           (1u << 6)
#define QUADSPI_CR_FTHRES_Pos    8
#define QUADSPI_CR_APMS          (1u << 22)
#define QUADSPI_CR_PMM           (1u << 23) /* 1 = OR: never used */
#define QUADSPI_CR_PRESCALER_Pos 24

#define QUADSPI_DCR_CSHT_Pos  8
#define QUADSPI_DCR_FSIZE_Pos 16

#define QUADSPI_SR_TEF        (1u << 0)
#define QUADSPI_SR_TCF        (1u << 1)
#define QUADSPI_SR_FTF        (1u << 2)
#define QUADSPI_SR_SMF        (1u << 3)
#define QUADSPI_SR_TOF        (1u << 4)
#define QUADSPI_SR_BUSY       (1u << 5)
#define QUADSPI_SR_FLEVEL_Pos 8
#define QUADSPI_SR_FLEVEL_Msk (0x3Fu << 8)
#define QUADSPI_FCR_ALL       0x1Bu /* CTEF CTCF CSMF CTOF */

#define QUADSPI_CCR_IMODE_Pos  8
#define QUADSPI_CCR_ADMODE_Pos 10
#define QUADSPI_CCR_ADSIZE_Pos 12
#define QUADSPI_CCR_ABMODE_Pos 14
#define QUADSPI_CCR_ABSIZE_Pos 16
#define QUADSPI_CCR_DCYC_Pos   18
#define QUADSPI_CCR_DMODE_Pos  24
#define QUADSPI_CCR_FMODE_Pos  26
#define QUADSPI_CCR_FMODE_Msk  (3u << 26)
#define QUADSPI_FMODE_WRITE    0u
#define QUADSPI_FMODE_READ     1u
#define QUADSPI_FMODE_POLL     2u
#define QUADSPI_FMODE_MEMMAP   3u

#define RCC_AHB3ENR_QSPIEN (1u << 14)

#endif
