/* SPDX-License-Identifier: MIT */
/* Embedded flash controller of the STM32H74x/H75x (RM0399 4.9), two banks; the
 * H72x/H73x (one bank) and H7A3/B0/B3 differences as in the CMSIS headers. */
#ifndef QDFU_PORT_STM32H7_REGS_FLASH_H
#define QDFU_PORT_STM32H7_REGS_FLASH_H

#include <stddef.h>
#include <stdint.h>

#define FLASH_BASE 0x52002000u

/* One bank's program/erase registers (bank 2 is the same block + 0x100). */
struct flash_bank_regs {
	volatile uint32_t ACR;          /* 0x00 (bank 1 only; alias in bank 2) */
	volatile uint32_t KEYR;         /* 0x04 KEYR1 / 0x104 KEYR2 */
	volatile uint32_t OPTKEYR;      /* 0x08 */
	volatile uint32_t CR;           /* 0x0C CR1 / 0x10C CR2 */
	volatile uint32_t SR;           /* 0x10 SR1 / 0x110 SR2 */
	volatile uint32_t CCR;          /* 0x14 CCR1 / 0x114 CCR2 */
	volatile uint32_t OPTCR;        /* 0x18 */
	volatile uint32_t OPTSR_CUR;    /* 0x1C */
	volatile uint32_t RESERVED[16]; /* 0x20..0x5C */
	volatile uint32_t ECC_FA;       /* 0x60 ECC_FA1 / 0x160 ECC_FA2 */
};
_Static_assert(offsetof(struct flash_bank_regs, KEYR) == 0x04, "FLASH_KEYR1");
_Static_assert(offsetof(struct flash_bank_regs, CR) == 0x0C, "FLASH_CR1");
_Static_assert(offsetof(struct flash_bank_regs, SR) == 0x10, "FLASH_SR1");
_Static_assert(offsetof(struct flash_bank_regs, CCR) == 0x14, "FLASH_CCR1");
_Static_assert(offsetof(struct flash_bank_regs, ECC_FA) == 0x60, "FLASH_ECC_FA1");

#define FLASH_BANK2_OFFSET 0x100u

/* FLASH_OPTSR2_CUR (H72x/H73x only; CMSIS stm32h735xx.h and the RM0468 SVD:
 * offset 0x70, TCM_AXI_SHARED[1:0], CPUFREQ_BOOST bit 2). TCM_AXI_SHARED
 * moves 64 KiB blocks of the shared 192 KiB from AXI SRAM to ITCM; 0, the
 * default, leaves all of it to AXI SRAM (320 KiB from 0x24000000). */
#define FLASH_OPTSR2_CUR_OFFSET       0x70u
#define FLASH_OPTSR2_TCM_AXI_SHARED_M 0x3u

#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu

/* CR (H74x/H75x) */
#define FLASH_CR_LOCK      (1u << 0)
#define FLASH_CR_PG        (1u << 1)
#define FLASH_CR_SER       (1u << 2)
#define FLASH_CR_BER       (1u << 3)
#define FLASH_CR_PSIZE_Pos 4
#define FLASH_CR_PSIZE_Msk (3u << 4)
#define FLASH_CR_PSIZE_X32 (2u << 4)
#define FLASH_CR_FW        (1u << 6)
#define FLASH_CR_START     (1u << 7)
#define FLASH_CR_SNB_Pos   8
#define FLASH_CR_SNB_Msk   (7u << 8)

/* CR on the H7A3/B0/B3 (CMSIS stm32h7b3xx.h FLASH_CR_*_Pos): no PSIZE (the
 * flash word is 128 bits), FW and START moved down, SNB 7 bits wide for the
 * 128 sectors of 8 KiB per bank. The H72x/H73x have the H74x layout
 * (stm32h735xx.h: PSIZE 4, FW 6, START 7, SNB[10:8]). */
#define FLASH_CR_AB_FW      (1u << 4)
#define FLASH_CR_AB_START   (1u << 5)
#define FLASH_CR_AB_SNB_Pos 6
#define FLASH_CR_AB_SNB_Msk (0x7Fu << 6)

/* SR; the same bit positions clear the flags in CCR */
#define FLASH_SR_BSY      (1u << 0)
#define FLASH_SR_WBNE     (1u << 1)
#define FLASH_SR_QW       (1u << 2)
#define FLASH_SR_EOP      (1u << 16)
#define FLASH_SR_WRPERR   (1u << 17)
#define FLASH_SR_PGSERR   (1u << 18)
#define FLASH_SR_STRBERR  (1u << 19)
#define FLASH_SR_INCERR   (1u << 21)
#define FLASH_SR_OPERR    (1u << 22)
#define FLASH_SR_RDPERR   (1u << 23)
#define FLASH_SR_RDSERR   (1u << 24)
#define FLASH_SR_SNECCERR (1u << 25)
#define FLASH_SR_DBECCERR (1u << 26)
#define FLASH_SR_ERRORS                                                                            \
	(FLASH_SR_WRPERR | FLASH_SR_PGSERR | FLASH_SR_STRBERR | FLASH_SR_INCERR | FLASH_SR_OPERR | \
	 FLASH_SR_RDPERR | FLASH_SR_RDSERR | FLASH_SR_SNECCERR | FLASH_SR_DBECCERR)
#define FLASH_CCR_ALL (FLASH_SR_EOP | FLASH_SR_ERRORS)

/* OPTSR_CUR */
#define FLASH_OPTSR_BCM4 (1u << 22) /* the Cortex-M4 boots at reset */

/* RCC_GCR (RCC + 0xA0): BOOT_C2 releases the Cortex-M4 */
#define RCC_GCR_OFFSET  0xA0u
#define RCC_GCR_BOOT_C2 (1u << 3)

#endif
