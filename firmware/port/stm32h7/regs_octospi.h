/* SPDX-License-Identifier: MIT */
/*
 * OCTOSPI and its IO manager (OCTOSPIM) of the STM32H72x/H73x and
 * H7A3/H7B0/H7B3 (RM0468 / RM0455, OCTOSPI and OCTOSPIM chapters). Bit
 * positions as in ST's CMSIS device headers stm32h735xx.h / stm32h7b3xx.h
 * (identical in both); sequences from ST's stm32h7xx_hal_ospi.c. Offsets and
 * fields cross-checked with an SVD-derived STM32H73x register file
 * (currentmakers/cmforthlib stm32h73x/octospi.fs): equal, except that it
 * makes DCR1.CSHT 6 bits wide; the HAL allows 1..8 cycles, the driver uses 4.
 *
 * NOT the QUADSPI layout although OCTOSPI1 sits at the QUADSPI address:
 * the prescaler is in DCR2, FMODE in CR[29:28], dummy cycles in TCR, the
 * instruction in IR, line modes are 3 bits wide (100 = 8 lines) and DTR is
 * chosen per phase (shared facts octospi.md, "Critical traps" 1, 2).
 */
#ifndef QDFU_PORT_STM32H7_REGS_OCTOSPI_H
#define QDFU_PORT_STM32H7_REGS_OCTOSPI_H

#include <stddef.h>
#include <stdint.h>

#define OCTOSPI1_BASE      0x52005000u
#define DLYB_OCTOSPI1_BASE 0x52006000u
#define OCTOSPI2_BASE      0x5200A000u
#define DLYB_OCTOSPI2_BASE 0x5200B000u
#define OCTOSPIM_BASE      0x5200B400u
#define OCTOSPI1_MEM_BASE  0x90000000u
#define OCTOSPI2_MEM_BASE  0x70000000u

struct octospi_regs {
	volatile uint32_t CR;     /* 0x000 */
	uint32_t reserved0;       /* 0x004 */
	volatile uint32_t DCR1;   /* 0x008 */
	volatile uint32_t DCR2;   /* 0x00C */
	volatile uint32_t DCR3;   /* 0x010 */
	volatile uint32_t DCR4;   /* 0x014 */
	uint32_t reserved1[2];    /* 0x018 */
	volatile uint32_t SR;     /* 0x020 */
	volatile uint32_t FCR;    /* 0x024 */
	uint32_t reserved2[6];    /* 0x028 */
	volatile uint32_t DLR;    /* 0x040 */
	uint32_t reserved3;       /* 0x044 */
	volatile uint32_t AR;     /* 0x048 */
	uint32_t reserved4;       /* 0x04C */
	volatile uint32_t DR;     /* 0x050 (8/16/32-bit access) */
	uint32_t reserved5[11];   /* 0x054 */
	volatile uint32_t PSMKR;  /* 0x080 */
	uint32_t reserved6;       /* 0x084 */
	volatile uint32_t PSMAR;  /* 0x088 */
	uint32_t reserved7;       /* 0x08C */
	volatile uint32_t PIR;    /* 0x090 */
	uint32_t reserved8[27];   /* 0x094 */
	volatile uint32_t CCR;    /* 0x100 */
	uint32_t reserved9;       /* 0x104 */
	volatile uint32_t TCR;    /* 0x108 */
	uint32_t reserved10;      /* 0x10C */
	volatile uint32_t IR;     /* 0x110 */
	uint32_t reserved11[3];   /* 0x114 */
	volatile uint32_t ABR;    /* 0x120 */
	uint32_t reserved12[3];   /* 0x124 */
	volatile uint32_t LPTR;   /* 0x130 */
	uint32_t reserved13[3];   /* 0x134 */
	volatile uint32_t WPCCR;  /* 0x140 */
	uint32_t reserved14;      /* 0x144 */
	volatile uint32_t WPTCR;  /* 0x148 */
	uint32_t reserved15;      /* 0x14C */
	volatile uint32_t WPIR;   /* 0x150 */
	uint32_t reserved16[3];   /* 0x154 */
	volatile uint32_t WPABR;  /* 0x160 */
	uint32_t reserved17[7];   /* 0x164 */
	volatile uint32_t WCCR;   /* 0x180 */
	uint32_t reserved18;      /* 0x184 */
	volatile uint32_t WTCR;   /* 0x188 */
	uint32_t reserved19;      /* 0x18C */
	volatile uint32_t WIR;    /* 0x190 */
	uint32_t reserved20[3];   /* 0x194 */
	volatile uint32_t WABR;   /* 0x1A0 */
	uint32_t reserved21[23];  /* 0x1A4 */
	volatile uint32_t HLCR;   /* 0x200 */
	uint32_t reserved22[123]; /* 0x204 */
	volatile uint32_t HWCFGR; /* 0x3F0 */
	volatile uint32_t VER;    /* 0x3F4 */
	volatile uint32_t ID;     /* 0x3F8 */
	volatile uint32_t MID;    /* 0x3FC */
};
_Static_assert(offsetof(struct octospi_regs, DCR1) == 0x008, "OCTOSPI_DCR1");
_Static_assert(offsetof(struct octospi_regs, SR) == 0x020, "OCTOSPI_SR");
_Static_assert(offsetof(struct octospi_regs, DLR) == 0x040, "OCTOSPI_DLR");
_Static_assert(offsetof(struct octospi_regs, AR) == 0x048, "OCTOSPI_AR");
_Static_assert(offsetof(struct octospi_regs, DR) == 0x050, "OCTOSPI_DR");
_Static_assert(offsetof(struct octospi_regs, PSMKR) == 0x080, "OCTOSPI_PSMKR");
_Static_assert(offsetof(struct octospi_regs, PIR) == 0x090, "OCTOSPI_PIR");
_Static_assert(offsetof(struct octospi_regs, CCR) == 0x100, "OCTOSPI_CCR");
_Static_assert(offsetof(struct octospi_regs, TCR) == 0x108, "OCTOSPI_TCR");
_Static_assert(offsetof(struct octospi_regs, IR) == 0x110, "OCTOSPI_IR");
_Static_assert(offsetof(struct octospi_regs, ABR) == 0x120, "OCTOSPI_ABR");
_Static_assert(offsetof(struct octospi_regs, LPTR) == 0x130, "OCTOSPI_LPTR");
_Static_assert(offsetof(struct octospi_regs, WPCCR) == 0x140, "OCTOSPI_WPCCR");
_Static_assert(offsetof(struct octospi_regs, WPABR) == 0x160, "OCTOSPI_WPABR");
_Static_assert(offsetof(struct octospi_regs, WCCR) == 0x180, "OCTOSPI_WCCR");
_Static_assert(offsetof(struct octospi_regs, WIR) == 0x190, "OCTOSPI_WIR");
_Static_assert(offsetof(struct octospi_regs, WABR) == 0x1A0, "OCTOSPI_WABR");
_Static_assert(offsetof(struct octospi_regs, HLCR) == 0x200, "OCTOSPI_HLCR");
_Static_assert(offsetof(struct octospi_regs, HWCFGR) == 0x3F0, "OCTOSPI_HWCFGR");
_Static_assert(sizeof(struct octospi_regs) == 0x400, "OCTOSPI block");

/* CR */
#define OCTOSPI_CR_EN         (1u << 0)
#define OCTOSPI_CR_ABORT      (1u << 1)
#define OCTOSPI_CR_DMAEN      (1u << 2)
#define OCTOSPI_CR_TCEN       (1u << 3)
#define OCTOSPI_CR_DQM        (1u << 6) /* dual-quad: two quad chips on IO[3:0] / IO[7:4] */
#define OCTOSPI_CR_FSEL       (1u << 7)
#define OCTOSPI_CR_FTHRES_Pos 8
#define OCTOSPI_CR_FTHRES_Msk (0x1Fu << 8)
#define OCTOSPI_CR_APMS       (1u << 22)
#define OCTOSPI_CR_PMM        (1u << 23) /* 1 = OR: never used */
#define OCTOSPI_CR_FMODE_Pos  28
#define OCTOSPI_CR_FMODE_Msk  (3u << 28)
#define OCTOSPI_FMODE_WRITE   0u
#define OCTOSPI_FMODE_READ    1u
#define OCTOSPI_FMODE_POLL    2u
#define OCTOSPI_FMODE_MEMMAP  3u

/* DCR1..DCR4 */
#define OCTOSPI_DCR1_CKMODE        (1u << 0)
#define OCTOSPI_DCR1_FRCK          (1u << 1)
#define OCTOSPI_DCR1_DLYBYP        (1u << 3)
#define OCTOSPI_DCR1_CSHT_Pos      8
#define OCTOSPI_DCR1_CSHT_Msk      (7u << 8)
#define OCTOSPI_DCR1_DEVSIZE_Pos   16
#define OCTOSPI_DCR1_DEVSIZE_Msk   (0x1Fu << 16)
#define OCTOSPI_DCR1_MTYP_Pos      24
#define OCTOSPI_DCR1_MTYP_Msk      (7u << 24)
#define OCTOSPI_MTYP_MICRON        0u
#define OCTOSPI_MTYP_MACRONIX      1u
#define OCTOSPI_DCR2_PRESCALER_Pos 0
#define OCTOSPI_DCR2_PRESCALER_Msk 0xFFu
#define OCTOSPI_DCR2_WRAPSIZE_Msk  (7u << 16)
#define OCTOSPI_DCR3_CSBOUND_Msk   (0x1Fu << 16)

/* SR / FCR (as QUADSPI) */
#define OCTOSPI_SR_TEF        (1u << 0)
#define OCTOSPI_SR_TCF        (1u << 1)
#define OCTOSPI_SR_FTF        (1u << 2)
#define OCTOSPI_SR_SMF        (1u << 3)
#define OCTOSPI_SR_TOF        (1u << 4)
#define OCTOSPI_SR_BUSY       (1u << 5)
#define OCTOSPI_SR_FLEVEL_Pos 8
#define OCTOSPI_SR_FLEVEL_Msk (0x3Fu << 8)
#define OCTOSPI_FCR_ALL       0x1Bu /* CTEF CTCF CSMF CTOF */

/* CCR (and WPCCR, WCCR): per phase a 3-bit mode, a DTR bit, a size */
#define OCTOSPI_CCR_IMODE_Pos  0
#define OCTOSPI_CCR_IDTR       (1u << 3)
#define OCTOSPI_CCR_ISIZE_Pos  4
#define OCTOSPI_CCR_ADMODE_Pos 8
#define OCTOSPI_CCR_ADDTR      (1u << 11)
#define OCTOSPI_CCR_ADSIZE_Pos 12
#define OCTOSPI_CCR_ABMODE_Pos 16
#define OCTOSPI_CCR_ABDTR      (1u << 19)
#define OCTOSPI_CCR_ABSIZE_Pos 20
#define OCTOSPI_CCR_DMODE_Pos  24
#define OCTOSPI_CCR_DDTR       (1u << 27)
#define OCTOSPI_CCR_DQSE       (1u << 29)
#define OCTOSPI_CCR_SIOO       (1u << 31)
#define OCTOSPI_CCR_MODE_Msk   7u /* mask of each *MODE field at its position */
#define OCTOSPI_MODE_NONE      0u
#define OCTOSPI_MODE_1LINE     1u
#define OCTOSPI_MODE_2LINES    2u
#define OCTOSPI_MODE_4LINES    3u
#define OCTOSPI_MODE_8LINES    4u

/* TCR (and WPTCR, WTCR) */
#define OCTOSPI_TCR_DCYC_Msk 0x1Fu
#define OCTOSPI_TCR_DHQC     (1u << 28)
#define OCTOSPI_TCR_SSHIFT   (1u << 30)

/* OCTOSPIM: CR and one PnCR per port (RM0468 OCTOSPIM registers; HAL
 * HAL_OSPIM_Config). *SRC = 0 -> OCTOSPI1, 1 -> OCTOSPI2; IOLSRC/IOHSRC
 * bit 1 picks the instance, bit 0 its low (0) or high (1) nibble. */
struct octospim_regs {
	volatile uint32_t CR;     /* 0x00 */
	volatile uint32_t PCR[3]; /* 0x04 P1CR, 0x08 P2CR (the HAL uses two ports) */
};
_Static_assert(offsetof(struct octospim_regs, PCR) == 0x04, "OCTOSPIM_P1CR");

#define OCTOSPIM_CR_MUXEN       (1u << 0)
#define OCTOSPIM_PCR_CLKEN      (1u << 0)
#define OCTOSPIM_PCR_CLKSRC     (1u << 1)
#define OCTOSPIM_PCR_DQSEN      (1u << 4)
#define OCTOSPIM_PCR_DQSSRC     (1u << 5)
#define OCTOSPIM_PCR_NCSEN      (1u << 8)
#define OCTOSPIM_PCR_NCSSRC     (1u << 9)
#define OCTOSPIM_PCR_IOLEN      (1u << 16)
#define OCTOSPIM_PCR_IOLSRC_Pos 17
#define OCTOSPIM_PCR_IOLSRC_Msk (3u << 17)
#define OCTOSPIM_PCR_IOHEN      (1u << 24)
#define OCTOSPIM_PCR_IOHSRC_Pos 25
#define OCTOSPIM_PCR_IOHSRC_Msk (3u << 25)
/* Port 1 driven wholly by OCTOSPI1 (clock, DQS, nCS, IO[3:0] on IO[3:0],
 * IO[7:4] on IO[7:4]): the reset value of P1CR (RM0468 OCTOSPIM_P1CR reset
 * 0x03010111; read back on silicon by a third party: shared facts). */
#define OCTOSPIM_P1CR_OCTOSPI1                                                                     \
	(OCTOSPIM_PCR_CLKEN | OCTOSPIM_PCR_DQSEN | OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_IOLEN |       \
	 OCTOSPIM_PCR_IOHEN | 1u << OCTOSPIM_PCR_IOHSRC_Pos)
_Static_assert(OCTOSPIM_P1CR_OCTOSPI1 == 0x03010111u, "OCTOSPIM_P1CR reset value");
/* Port 2 wholly on OCTOSPI2: the reset value of P2CR (0x07050333). */
#define OCTOSPIM_P2CR_OCTOSPI2                                                                     \
	(OCTOSPIM_PCR_CLKEN | OCTOSPIM_PCR_CLKSRC | OCTOSPIM_PCR_DQSEN | OCTOSPIM_PCR_DQSSRC |     \
	 OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_NCSSRC | OCTOSPIM_PCR_IOLEN |                           \
	 2u << OCTOSPIM_PCR_IOLSRC_Pos | OCTOSPIM_PCR_IOHEN | 3u << OCTOSPIM_PCR_IOHSRC_Pos)
_Static_assert(OCTOSPIM_P2CR_OCTOSPI2 == 0x07050333u, "OCTOSPIM_P2CR reset value");

/* Delay block (DLYB_OCTOSPIx): CR only; the driver bypasses it. */
#define DLYB_CR_DEN (1u << 0)

/* RCC_AHB3ENR (offsets as H74x; CMSIS stm32h735xx.h) */
#define RCC_AHB3ENR_OSPI1EN  (1u << 14)
#define RCC_AHB3ENR_OSPI2EN  (1u << 19)
#define RCC_AHB3ENR_IOMNGREN (1u << 21)

#endif
