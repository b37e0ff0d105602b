/* SPDX-License-Identifier: MIT */
/*
 * Clocks. The bootloader does not depend on the board's crystal: the CPU
 * runs from PLL1 fed by the 64 MHz HSI (400 MHz CPU, 200 MHz AXI/AHB, APBs
 * 100 MHz), and USB full speed from HSI48 trimmed by the CRS on the SOF of
 * the USB port actually used (CRS_CFGR.SYNCSRC = 3 for USB2_OTG_FS on
 * PA11/PA12). High speed through a ULPI PHY takes its 60 MHz clock from the
 * PHY. Order matters: VOS1 (power.c), then flash wait states raised BEFORE
 * the faster clock is selected. Every wait is bounded; if the PLL does not
 * lock in time we stay on HSI 64 MHz (slower, still fully functional).
 */
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_crs.h"
#include "regs_rcc.h"

/* FLASH_ACR: the only FLASH register this file needs (the FLASH driver and
 * its register file belong to part 2). LATENCY[3:0], WRHIGHFREQ[5:4]. */
#define FLASH_ACR_ADDR           0x52002000u
#define FLASH_ACR_LATENCY_Msk    (0xFu << 0)
#define FLASH_ACR_WRHIGHFREQ_Msk (3u << 4)
/* 200 MHz AXI clock at VOS1: 4 wait states, WRHIGHFREQ = 2 (safe value of
 * the facts; RM0399 allows 2 WS up to 210 MHz). */
#define FLASH_ACR_200MHZ (4u | (2u << 4))

#define HSI_HZ        64000000u
#define PLL1_REF_DIV  4u  /* 16 MHz reference */
#define PLL1_N        50u /* VCO 800 MHz (wide range) */
#define PLL1_P        2u  /* 400 MHz CPU */
#define PLL1_Q        4u  /* 200 MHz, available as a kernel clock */
#define PLL1_R        2u
#define PLL_SYSCLK_HZ (HSI_HZ / PLL1_REF_DIV * PLL1_N / PLL1_P)

#define PLL_LOCK_TIMEOUT_US  2000u
#define SWITCH_TIMEOUT_US    2000u
#define HSI48_TIMEOUT_US     2000u
#define FLASH_ACR_TIMEOUT_US 100u

static uint32_t sysclk_hz = HSI_HZ;
static uint32_t hclk_hz = HSI_HZ;

uint32_t h7_sysclk_hz(void)
{
	return sysclk_hz;
}

uint32_t h7_hclk_hz(void)
{
	return hclk_hz;
}

/* QUADSPI kernel clock: RCC_D1CCIPR.QSPISEL keeps its reset value (HCLK3). */
uint32_t h7_qspi_kernel_hz(void)
{
	return hclk_hz;
}

static int switch_to_hsi(struct rcc_regs *rcc)
{
	mmio_set(&rcc->CR, RCC_CR_HSION);
	if (h7_wait_reg(&rcc->CR, RCC_CR_HSIRDY, RCC_CR_HSIRDY, SWITCH_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_modify(&rcc->CFGR, RCC_CFGR_SW_Msk, 0);
	return h7_wait_reg(&rcc->CFGR, RCC_CFGR_SWS_Msk, 0, SWITCH_TIMEOUT_US);
}

int h7_clock_init(const struct board *b)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	volatile uint32_t *acr = (volatile uint32_t *)MMIO_BASE(FLASH_ACR_ADDR);

	(void)b; /* the CPU clock does not depend on the board */
	/* Whoever ran before us (ROM bootloader, an application resetting
	 * into DFU without a full reset) may have left PLL1 running: go back
	 * to HSI 64 MHz, undivided, before touching PLL1. */
	if ((mmio_read(&rcc->CFGR) & RCC_CFGR_SWS_Msk) != 0 && switch_to_hsi(rcc))
		return QDFU_E_TIMEOUT;
	mmio_clear(&rcc->CR, RCC_CR_HSIDIV);
	sysclk_hz = hclk_hz = HSI_HZ;
	mmio_write(&rcc->D1CFGR, 0);
	mmio_clear(&rcc->CR, RCC_CR_PLL1ON);
	if (h7_wait_reg(&rcc->CR, RCC_CR_PLL1RDY, 0, PLL_LOCK_TIMEOUT_US))
		return QDFU_E_TIMEOUT;

	/* Flash wait states first, and read back: the new latency must be in
	 * effect before the clock goes up. */
	mmio_modify(acr, FLASH_ACR_LATENCY_Msk | FLASH_ACR_WRHIGHFREQ_Msk, FLASH_ACR_200MHZ);
	if (h7_wait_reg(acr, FLASH_ACR_LATENCY_Msk | FLASH_ACR_WRHIGHFREQ_Msk, FLASH_ACR_200MHZ,
	                FLASH_ACR_TIMEOUT_US))
		return QDFU_E_TIMEOUT;

	/* Bus prescalers before the switch: AXI/AHB /2, every APB /2. */
	mmio_write(&rcc->D1CFGR, RCC_D1CFGR_HPRE_DIV2 | RCC_D1CFGR_D1PPRE_DIV2);
	mmio_write(&rcc->D2CFGR, RCC_D2CFGR_D2PPRE1_DIV2 | RCC_D2CFGR_D2PPRE2_DIV2);
	mmio_write(&rcc->D3CFGR, RCC_D3CFGR_D3PPRE_DIV2);
	hclk_hz = HSI_HZ / 2;

	mmio_modify(&rcc->PLLCKSELR, RCC_PLLCKSELR_PLLSRC_Msk | RCC_PLLCKSELR_DIVM1_Msk,
	            RCC_PLLCKSELR_PLLSRC_HSI | (PLL1_REF_DIV << RCC_PLLCKSELR_DIVM1_Pos));
	mmio_write(&rcc->PLL1DIVR, ((PLL1_N - 1u) << RCC_PLL1DIVR_N1_Pos) |
	                               ((PLL1_P - 1u) << RCC_PLL1DIVR_P1_Pos) |
	                               ((PLL1_Q - 1u) << RCC_PLL1DIVR_Q1_Pos) |
	                               ((PLL1_R - 1u) << RCC_PLL1DIVR_R1_Pos));
	/* 8-16 MHz input range, wide VCO, integer mode, P/Q/R outputs on. */
	mmio_modify(&rcc->PLLCFGR,
	            RCC_PLLCFGR_PLL1FRACEN | RCC_PLLCFGR_PLL1VCOSEL | RCC_PLLCFGR_PLL1RGE_Msk |
	                RCC_PLLCFGR_DIVP1EN | RCC_PLLCFGR_DIVQ1EN | RCC_PLLCFGR_DIVR1EN,
	            (3u << RCC_PLLCFGR_PLL1RGE_Pos) | RCC_PLLCFGR_DIVP1EN | RCC_PLLCFGR_DIVQ1EN |
	                RCC_PLLCFGR_DIVR1EN);
	mmio_set(&rcc->CR, RCC_CR_PLL1ON);
	if (h7_wait_reg(&rcc->CR, RCC_CR_PLL1RDY, RCC_CR_PLL1RDY, PLL_LOCK_TIMEOUT_US)) {
		mmio_clear(&rcc->CR, RCC_CR_PLL1ON);
		return QDFU_E_TIMEOUT; /* still on HSI, AHB 32 MHz */
	}
	mmio_modify(&rcc->CFGR, RCC_CFGR_SW_Msk, RCC_CFGR_SW_PLL1);
	if (h7_wait_reg(&rcc->CFGR, RCC_CFGR_SWS_Msk, RCC_CFGR_SWS_PLL1, SWITCH_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	sysclk_hz = PLL_SYSCLK_HZ;
	hclk_hz = PLL_SYSCLK_HZ / 2;
	return QDFU_OK;
}

int h7_clock_usb_init(const struct board *b)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	struct crs_regs *crs = (struct crs_regs *)MMIO_BASE(CRS_BASE);
	uint32_t syncsrc;

	mmio_set(&rcc->CR, RCC_CR_HSI48ON);
	if (h7_wait_reg(&rcc->CR, RCC_CR_HSI48RDY, RCC_CR_HSI48RDY, HSI48_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_modify(&rcc->D2CCIP2R, RCC_D2CCIP2R_USBSEL_Msk, RCC_D2CCIP2R_USBSEL_HSI48);

	switch (b->hw.usb) {
	case BOARD_USB2_OTG_FS_PA11_PA12:
		syncsrc = CRS_CFGR_SYNCSRC_USB2;
		break;
	case BOARD_USB1_OTG_HS_FS_PB14_PB15:
		syncsrc = CRS_CFGR_SYNCSRC_USB1;
		break;
	case BOARD_USB1_OTG_HS_ULPI:
	default:
		return QDFU_OK; /* the ULPI PHY clocks the high-speed core */
	}
	mmio_set(&rcc->APB1HENR, RCC_APB1HENR_CRSEN);
	(void)mmio_read(&rcc->APB1HENR); /* the enable must land before CRS access */
	/* CFGR is writable only while CEN = 0. */
	mmio_clear(&crs->CR, CRS_CR_CEN);
	mmio_write(&crs->CFGR,
	           syncsrc | (CRS_FELIM_DEFAULT << CRS_CFGR_FELIM_Pos) | CRS_RELOAD_48MHZ_1KHZ);
	mmio_set(&crs->CR, CRS_CR_AUTOTRIMEN | CRS_CR_CEN);
	return QDFU_OK;
}
