/* SPDX-License-Identifier: MIT */
/*
 * Clocks. The bootloader does not depend on the board's crystal: the CPU
 * runs from PLL1 fed by the 64 MHz HSI (400 MHz CPU, 200 MHz AXI/AHB, APBs
 * 100 MHz; H74x/H75x only: the other lines stay on HSI, see h7_clock_init),
 * and USB full speed from HSI48 trimmed by the CRS on the SOF of
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
#include "regs_pwr.h"
#include "regs_rcc.h"

/* FLASH_ACR: the only FLASH register this file needs (the FLASH driver and
 * its register file belong to part 2). LATENCY[3:0], WRHIGHFREQ[5:4]. */
#define FLASH_ACR_ADDR           0x52002000u
#define FLASH_ACR_LATENCY_Msk    (0xFu << 0)
#define FLASH_ACR_WRHIGHFREQ_Pos 4
#define FLASH_ACR_WRHIGHFREQ_Msk (3u << 4)

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

/* APB1 (I2C1's kernel clock): HCLK / D2PPRE1 (RCC_D2CFGR[6:4]: 0xx /1,
 * 100 /2, 101 /4, 110 /8, 111 /16), read back so that whatever set it
 * (we, or an earlier stage on a fallback path) counts. */
uint32_t h7_pclk1_hz(void)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	uint32_t ppre = (mmio_read(&rcc->D2CFGR) >> 4) & 7u;
	return ppre < 4u ? hclk_hz : hclk_hz >> (ppre - 3u);
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

/*
 * Flash read latency and programming delay for an AXI clock, per the RM
 * table "FLASH recommended number of wait states and programming delay"
 * (RM0399 / RM0433, embedded flash; facts "Traps found by review" and
 * issue 11 item 6): per VOS, the highest ACLK each row allows. Cross-checked
 * with ST's code: the latency thresholds of LL_SetFlashLatency
 * (stm32h7xx_ll_utils.c, DEV_ID 0x450: VOS2 55/110/165/220 MHz, VOS3
 * 45/90/135/180/225 MHz) and the WRHIGHFREQ bands of
 * stm32h7xx_hal_flash_ex.h (FLASH_PROGRAMMING_DELAY_0 <= 70 MHz, _1 70-185,
 * _2 185-225). The VOS1 rows above 185 MHz are as recalled from the RM,
 * not re-read (LL allows 2 WS up to 240 MHz; the rows here are stricter).
 */
static const struct flash_row {
	uint8_t ws, wrhighfreq;
	uint16_t max_mhz[3]; /* VOS1, VOS2, VOS3 */
} flash_rows[] = {
    {0, 0, {70, 55, 45}},    {1, 1, {140, 110, 90}},  {2, 1, {185, 165, 135}},
    {2, 2, {210, 165, 135}}, {3, 2, {225, 225, 180}}, {4, 2, {225, 225, 225}},
};

/* The VOS in force (1..3); 3, the strictest, until VOSRDY. */
static unsigned vos_now(void)
{
	struct pwr_regs *pwr = (struct pwr_regs *)MMIO_BASE(PWR_BASE);
	uint32_t d3cr = mmio_read(&pwr->D3CR);
	uint32_t v = (d3cr & PWR_D3CR_VOS_Msk) >> 14;
	if (!(d3cr & PWR_D3CR_VOSRDY))
		return 3u;
	return v == 3u ? 1u : v == 2u ? 2u : 3u;
}

/* The ACR value for aclk_hz at the present VOS: 7 WS and WRHIGHFREQ 3
 * (the reset values) above the table. */
uint32_t h7_flash_acr_for(uint32_t aclk_hz, unsigned vos)
{
	for (unsigned i = 0; i < sizeof(flash_rows) / sizeof(flash_rows[0]); i++)
		if (vos >= 1u && vos <= 3u && aclk_hz <= flash_rows[i].max_mhz[vos - 1u] * 1000000u)
			return flash_rows[i].ws | (uint32_t)flash_rows[i].wrhighfreq
			                              << FLASH_ACR_WRHIGHFREQ_Pos;
	return 7u | 3u << FLASH_ACR_WRHIGHFREQ_Pos;
}

/* Write ACR and read it back: the new latency must be in effect before a
 * faster clock is selected (and is lowered only after a slower one is). */
static int set_flash_acr(uint32_t aclk_hz)
{
	volatile uint32_t *acr = (volatile uint32_t *)MMIO_BASE(FLASH_ACR_ADDR);
	uint32_t v = h7_flash_acr_for(aclk_hz, vos_now());
	mmio_modify(acr, FLASH_ACR_LATENCY_Msk | FLASH_ACR_WRHIGHFREQ_Msk, v);
	return h7_wait_reg(acr, FLASH_ACR_LATENCY_Msk | FLASH_ACR_WRHIGHFREQ_Msk, v,
	                   FLASH_ACR_TIMEOUT_US);
}

static int switch_to_hsi(struct rcc_regs *rcc)
{
	mmio_set(&rcc->CR, RCC_CR_HSION);
	if (h7_wait_reg(&rcc->CR, RCC_CR_HSIRDY, RCC_CR_HSIRDY, SWITCH_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_modify(&rcc->CFGR, RCC_CFGR_SW_Msk, 0);
	return h7_wait_reg(&rcc->CFGR, RCC_CFGR_SWS_Msk, 0, SWITCH_TIMEOUT_US);
}

/* HSI 64 MHz undivided as the system clock and every PLL off: whoever ran
 * before us (ROM bootloader, an application resetting into DFU without a
 * full reset, the RAM flasher's loader) may have left PLLs running, and
 * RCC_PLLCKSELR (PLLSRC, DIVMx) may be written only while all PLLs are off
 * (ST's stm32h7xx_hal_rcc.h, __HAL_RCC_PLL_PLLSOURCE_CONFIG). */
static int back_to_hsi(struct rcc_regs *rcc)
{
	if ((mmio_read(&rcc->CFGR) & RCC_CFGR_SWS_Msk) != 0 && switch_to_hsi(rcc))
		return QDFU_E_TIMEOUT;
	mmio_clear(&rcc->CR, RCC_CR_HSIDIV);
	sysclk_hz = hclk_hz = HSI_HZ;
	mmio_write(&rcc->D1CFGR, 0);
	mmio_clear(&rcc->CR, RCC_CR_PLL1ON | RCC_CR_PLL2ON | RCC_CR_PLL3ON);
	return h7_wait_reg(&rcc->CR, RCC_CR_PLL1RDY | RCC_CR_PLL2RDY | RCC_CR_PLL3RDY, 0,
	                   PLL_LOCK_TIMEOUT_US);
}

static int pll1_on(struct rcc_regs *rcc)
{
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
		return QDFU_E_TIMEOUT;
	}
	return QDFU_OK;
}

/* Something did not come up: stay on HSI (AHB 32 MHz) with the flash
 * wait states and programming delay for that clock, not the faster one we
 * prepared for. */
static int stay_on_hsi(struct rcc_regs *rcc, int rc)
{
	if ((mmio_read(&rcc->CFGR) & RCC_CFGR_SWS_Msk) != 0)
		(void)switch_to_hsi(rcc);
	sysclk_hz = HSI_HZ;
	(void)set_flash_acr(hclk_hz);
	return rc;
}

int h7_clock_init(const struct board *b)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);

	if (back_to_hsi(rcc))
		return QDFU_E_TIMEOUT;
	/* H72x/H73x and H7A3/B0/B3: stay on HSI 64 MHz at the reset VOS and the
	 * reset flash latency. Their VOS and wait-state tables (RM0468, RM0455)
	 * were not read, the H7A3/B0/B3 top out at 280 MHz and keep VOS in
	 * PWR_SRDCR with the encoding reversed (11 = VOS0), and the H72x has no
	 * ODEN: none of the H74x plan applies (docs/decisions/octospi-lines-on-hsi.md).
	 * USB FS and the OCTOSPI run fine from it (kernel clock HCLK, reset
	 * OCTOSPISEL). */
	if (b->family != BOARD_FAMILY_H74X)
		return QDFU_OK;
	/* 400 MHz needs VOS1 (power.c); without it, stay at 64 MHz */
	if (vos_now() != 1u)
		return stay_on_hsi(rcc, QDFU_E_STATE);
	/* Flash first, for the clock we are going to: raised before the switch. */
	if (set_flash_acr(PLL_SYSCLK_HZ / 2))
		return QDFU_E_TIMEOUT;

	/* Bus prescalers before the switch: AXI/AHB /2, every APB /2. */
	mmio_write(&rcc->D1CFGR, RCC_D1CFGR_HPRE_DIV2 | RCC_D1CFGR_D1PPRE_DIV2);
	mmio_write(&rcc->D2CFGR, RCC_D2CFGR_D2PPRE1_DIV2 | RCC_D2CFGR_D2PPRE2_DIV2);
	mmio_write(&rcc->D3CFGR, RCC_D3CFGR_D3PPRE_DIV2);
	hclk_hz = HSI_HZ / 2;

	if (pll1_on(rcc))
		return stay_on_hsi(rcc, QDFU_E_TIMEOUT);
	mmio_modify(&rcc->CFGR, RCC_CFGR_SW_Msk, RCC_CFGR_SW_PLL1);
	if (h7_wait_reg(&rcc->CFGR, RCC_CFGR_SWS_Msk, RCC_CFGR_SWS_PLL1, SWITCH_TIMEOUT_US))
		return stay_on_hsi(rcc, QDFU_E_TIMEOUT);
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
	case BOARD_USB1_OTG_HS_FS_PA11_PA12: /* SYNCSRC 2 on H72x/H7Ax too (facts
	                                        octospi.md trap 8: UNVERIFIED) */
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
