/* SPDX-License-Identifier: MIT */
/*
 * RCC (reset and clock control), STM32H74x/H75x, RM0399/RM0433 names.
 * Only what the port uses is named; the layout covers the whole block up to
 * the CPU1 enable registers so offsets can be checked.
 */
#ifndef QDFU_PORT_STM32H7_REGS_RCC_H
#define QDFU_PORT_STM32H7_REGS_RCC_H

#include <stddef.h>
#include <stdint.h>

#define RCC_BASE 0x58024400u

struct rcc_regs {
	volatile uint32_t CR;        /* 0x000 */
	volatile uint32_t HSICFGR;   /* 0x004 */
	volatile uint32_t CRRCR;     /* 0x008 */
	volatile uint32_t CSICFGR;   /* 0x00C */
	volatile uint32_t CFGR;      /* 0x010 */
	volatile uint32_t RESERVED0; /* 0x014 */
	volatile uint32_t D1CFGR;    /* 0x018 */
	volatile uint32_t D2CFGR;    /* 0x01C */
	volatile uint32_t D3CFGR;    /* 0x020 */
	volatile uint32_t RESERVED1; /* 0x024 */
	volatile uint32_t PLLCKSELR; /* 0x028 */
	volatile uint32_t PLLCFGR;   /* 0x02C */
	volatile uint32_t PLL1DIVR;  /* 0x030 */
	volatile uint32_t PLL1FRACR; /* 0x034 */
	volatile uint32_t PLL2DIVR;  /* 0x038 */
	volatile uint32_t PLL2FRACR; /* 0x03C */
	volatile uint32_t PLL3DIVR;  /* 0x040 */
	volatile uint32_t PLL3FRACR; /* 0x044 */
	volatile uint32_t RESERVED2; /* 0x048 */
	volatile uint32_t D1CCIPR;   /* 0x04C */
	volatile uint32_t D2CCIP1R;  /* 0x050 */
	volatile uint32_t D2CCIP2R;  /* 0x054 */
	volatile uint32_t D3CCIPR;   /* 0x058 */
	volatile uint32_t RESERVED3; /* 0x05C */
	volatile uint32_t CIER;      /* 0x060 */
	volatile uint32_t CIFR;      /* 0x064 */
	volatile uint32_t CICR;      /* 0x068 */
	volatile uint32_t RESERVED4; /* 0x06C */
	volatile uint32_t BDCR;      /* 0x070 */
	volatile uint32_t CSR;       /* 0x074 */
	volatile uint32_t RESERVED5; /* 0x078 */
	volatile uint32_t AHB3RSTR;  /* 0x07C */
	volatile uint32_t AHB1RSTR;  /* 0x080 */
	volatile uint32_t AHB2RSTR;  /* 0x084 */
	volatile uint32_t AHB4RSTR;  /* 0x088 */
	volatile uint32_t APB3RSTR;  /* 0x08C */
	volatile uint32_t APB1LRSTR; /* 0x090 */
	volatile uint32_t APB1HRSTR; /* 0x094 */
	volatile uint32_t APB2RSTR;  /* 0x098 */
	volatile uint32_t APB4RSTR;  /* 0x09C */
	volatile uint32_t GCR;       /* 0x0A0 */
	volatile uint32_t RESERVED6; /* 0x0A4 */
	volatile uint32_t D3AMR;     /* 0x0A8 */
	volatile uint32_t RESERVED7[9];
	volatile uint32_t RSR;      /* 0x0D0 */
	volatile uint32_t AHB3ENR;  /* 0x0D4 */
	volatile uint32_t AHB1ENR;  /* 0x0D8 */
	volatile uint32_t AHB2ENR;  /* 0x0DC */
	volatile uint32_t AHB4ENR;  /* 0x0E0 */
	volatile uint32_t APB3ENR;  /* 0x0E4 */
	volatile uint32_t APB1LENR; /* 0x0E8 */
	volatile uint32_t APB1HENR; /* 0x0EC */
	volatile uint32_t APB2ENR;  /* 0x0F0 */
	volatile uint32_t APB4ENR;  /* 0x0F4 */
};

_Static_assert(offsetof(struct rcc_regs, CFGR) == 0x010, "RCC_CFGR");
_Static_assert(offsetof(struct rcc_regs, D1CFGR) == 0x018, "RCC_D1CFGR");
_Static_assert(offsetof(struct rcc_regs, PLLCKSELR) == 0x028, "RCC_PLLCKSELR");
_Static_assert(offsetof(struct rcc_regs, PLL1DIVR) == 0x030, "RCC_PLL1DIVR");
_Static_assert(offsetof(struct rcc_regs, D1CCIPR) == 0x04C, "RCC_D1CCIPR");
_Static_assert(offsetof(struct rcc_regs, D2CCIP2R) == 0x054, "RCC_D2CCIP2R");
_Static_assert(offsetof(struct rcc_regs, AHB1RSTR) == 0x080, "RCC_AHB1RSTR");
_Static_assert(offsetof(struct rcc_regs, GCR) == 0x0A0, "RCC_GCR");
_Static_assert(offsetof(struct rcc_regs, RSR) == 0x0D0, "RCC_RSR");
_Static_assert(offsetof(struct rcc_regs, AHB1ENR) == 0x0D8, "RCC_AHB1ENR");
_Static_assert(offsetof(struct rcc_regs, AHB4ENR) == 0x0E0, "RCC_AHB4ENR");
_Static_assert(offsetof(struct rcc_regs, APB1HENR) == 0x0EC, "RCC_APB1HENR");
_Static_assert(offsetof(struct rcc_regs, APB4ENR) == 0x0F4, "RCC_APB4ENR");
_Static_assert(sizeof(struct rcc_regs) == 0x0F8, "RCC block size");

/* RCC_CR */
#define RCC_CR_HSION    (1u << 0)
#define RCC_CR_HSIRDY   (1u << 2)
#define RCC_CR_HSIDIV   (3u << 3)
#define RCC_CR_HSI48ON  (1u << 12)
#define RCC_CR_HSI48RDY (1u << 13)
#define RCC_CR_HSEON    (1u << 16)
#define RCC_CR_HSERDY   (1u << 17)
#define RCC_CR_HSEBYP   (1u << 18)
#define RCC_CR_PLL1ON   (1u << 24)
#define RCC_CR_PLL1RDY  (1u << 25)
#define RCC_CR_PLL2ON   (1u << 26)
#define RCC_CR_PLL2RDY  (1u << 27)
#define RCC_CR_PLL3ON   (1u << 28)
#define RCC_CR_PLL3RDY  (1u << 29)

/* RCC_CFGR: SW[2:0], SWS[5:3]; 0 HSI, 1 CSI, 2 HSE, 3 PLL1 */
#define RCC_CFGR_SW_Msk   (7u << 0)
#define RCC_CFGR_SW_PLL1  (3u << 0)
#define RCC_CFGR_SWS_Msk  (7u << 3)
#define RCC_CFGR_SWS_PLL1 (3u << 3)

/* RCC_D1CFGR: HPRE[3:0] (0x8 = /2), D1PPRE[6:4] (0x4 = /2), D1CPRE[11:8] */
#define RCC_D1CFGR_HPRE_Msk    (0xFu << 0)
#define RCC_D1CFGR_HPRE_DIV2   (0x8u << 0)
#define RCC_D1CFGR_D1PPRE_Msk  (7u << 4)
#define RCC_D1CFGR_D1PPRE_DIV2 (4u << 4)
#define RCC_D1CFGR_D1CPRE_Msk  (0xFu << 8)
/* RCC_D2CFGR: D2PPRE1[6:4], D2PPRE2[10:8]; RCC_D3CFGR: D3PPRE[6:4] */
#define RCC_D2CFGR_D2PPRE1_DIV2 (4u << 4)
#define RCC_D2CFGR_D2PPRE2_DIV2 (4u << 8)
#define RCC_D3CFGR_D3PPRE_DIV2  (4u << 4)

/* RCC_PLLCKSELR */
#define RCC_PLLCKSELR_PLLSRC_Msk (3u << 0)
#define RCC_PLLCKSELR_PLLSRC_HSI (0u << 0)
#define RCC_PLLCKSELR_PLLSRC_HSE (2u << 0)
#define RCC_PLLCKSELR_DIVM1_Pos  4
#define RCC_PLLCKSELR_DIVM1_Msk  (0x3Fu << 4)
#define RCC_PLLCKSELR_DIVM2_Pos  12
#define RCC_PLLCKSELR_DIVM2_Msk  (0x3Fu << 12)

/* RCC_PLLCFGR */
#define RCC_PLLCFGR_PLL1FRACEN  (1u << 0)
#define RCC_PLLCFGR_PLL1VCOSEL  (1u << 1) /* 1 = medium VCO 150-420 MHz */
#define RCC_PLLCFGR_PLL1RGE_Pos 2
#define RCC_PLLCFGR_PLL1RGE_Msk (3u << 2)
#define RCC_PLLCFGR_DIVP1EN     (1u << 16)
#define RCC_PLLCFGR_DIVQ1EN     (1u << 17)
#define RCC_PLLCFGR_DIVR1EN     (1u << 18)
#define RCC_PLLCFGR_PLL2FRACEN  (1u << 4)
#define RCC_PLLCFGR_PLL2VCOSEL  (1u << 5)
#define RCC_PLLCFGR_PLL2RGE_Pos 6
#define RCC_PLLCFGR_PLL2RGE_Msk (3u << 6)
#define RCC_PLLCFGR_DIVR2EN     (1u << 21)
/* RCC_D1CCIPR (RCC_CDCCIPR on H7A3/B3/B0, same offset 0x4C): QSPISEL /
 * OCTOSPISEL[5:4]: 0 HCLK (reset), 1 PLL1Q, 2 PLL2R, 3 per_ck (octospi.md) */
#define RCC_D1CCIPR_OSPISEL_Msk   (3u << 4)
#define RCC_D1CCIPR_OSPISEL_PLL2R (2u << 4)

/* RCC_PLL1DIVR: value - 1 in each field */
#define RCC_PLL1DIVR_N1_Pos 0
#define RCC_PLL1DIVR_P1_Pos 9
#define RCC_PLL1DIVR_Q1_Pos 16
#define RCC_PLL1DIVR_R1_Pos 24

/* RCC_D2CCIP2R: USBSEL[21:20] (0 off, 1 PLL1Q, 2 PLL3Q, 3 HSI48) */
#define RCC_D2CCIP2R_USBSEL_Msk   (3u << 20)
#define RCC_D2CCIP2R_USBSEL_HSI48 (3u << 20)

/* Reset and enable bits */
#define RCC_AHB1ENR_USB1OTGHSEN     (1u << 25)
#define RCC_AHB1ENR_USB1OTGHSULPIEN (1u << 26)
#define RCC_AHB1ENR_USB2OTGFSEN     (1u << 27)
#define RCC_AHB1RSTR_USB1OTGRST     (1u << 25)
#define RCC_AHB1RSTR_USB2OTGRST     (1u << 27)
#define RCC_APB1HENR_CRSEN          (1u << 1)
#define RCC_APB4ENR_SYSCFGEN        (1u << 1)
#define RCC_AHB4ENR_GPIOEN(port)    (1u << (port)) /* GPIOA = bit 0 ... GPIOK = bit 10 */

/* RCC_AHB4ENR.BKPRAMEN: the backup SRAM's clock (RM0433/RM0399 RCC
 * "AHB4 peripheral clock enable register") */
#define RCC_AHB4ENR_BKPRAMEN (1u << 28)
/* RCC_APB4ENR.RTCAPBEN: the RTC's register interface clock */
#define RCC_APB4ENR_RTCAPBEN (1u << 16)
/* RCC_RSR (RM0399 "Reset source identification"): RMVF clears the flags.
 * A reset by the NRST pin sets PINRSTF; so does every internal reset
 * (power-on, brown-out, software, watchdogs, low-power), which also set
 * their own flag. */
#define RCC_RSR_RMVF    (1u << 16)
#define RCC_RSR_PINRSTF (1u << 22)
#define RCC_RSR_BORRSTF (1u << 21)
#define RCC_RSR_PORRSTF (1u << 23)
#define RCC_RSR_SFTRSTF (1u << 24) /* SFT1RSTF on dual-core parts: the CM7's SYSRESETREQ */
/* SFT1/2, IWDG1/2, WWDG1/2, LPWR1/2 (bits 24-31), POR (23), BOR (21) */
#define RCC_RSR_NOT_PIN_M (0xFFu << 24 | 1u << 23 | 1u << 21)

#endif
