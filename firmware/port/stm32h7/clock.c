/* SPDX-License-Identifier: MIT */
/*
 * Clocks. The bootloader does not depend on the board's crystal: every
 * PLL runs from the 64 MHz HSI (HSI / 4 = 16 MHz reference), and USB full
 * speed from HSI48 trimmed by the CRS on the SOF of the USB port actually
 * used (CRS_CFGR.SYNCSRC = 3 for USB2_OTG_FS on PA11/PA12). High speed
 * through a ULPI PHY takes its 60 MHz clock from the PHY. One plan per line
 * (limits and tables: docs/clocks.md; docs/decisions/octospi-lines-on-hsi.md):
 *  - H74x/H75x: VOS1, PLL1 VCO 800 MHz, CPU 400 MHz, AXI/AHB 200 MHz;
 *  - H72x/H73x and H7A3/B3/B0 (the OCTOSPI lines): VOS0, PLL1 VCO 400 MHz,
 *    CPU 200 MHz, AXI/AHB 100 MHz (far inside every limit of both lines:
 *    what counts there is the NOR bus), and PLL2 VCO 400 MHz with
 *    R = 200 MHz as the OCTOSPI kernel clock (ST's H735G-DK BSP value;
 *    OCTOSPISEL = PLL2R), so the NOR bus runs at 100 MHz with prescaler 2.
 * Order matters: VOS (power.c), then flash wait states raised BEFORE the
 * faster clock is selected. Every wait is bounded; if a PLL does not lock
 * in time we stay on HSI 64 MHz (slower, still fully functional) or keep
 * the OCTOSPI on HCLK.
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

#define HSI_HZ       64000000u
#define PLL_REF_DIV  4u /* 16 MHz reference: PLLxRGE 3 (8-16 MHz) */
#define PLL_REF_HZ   (HSI_HZ / PLL_REF_DIV)
#define PLL_RGE_8_16 3u

/* A plan: PLL1 N/P/Q (R 2; AXI = CPU / 2, APBs / 2 more), and PLL2 for the NOR's
 * kernel clock (N 0: none). VCOs in the wide range (VCOSEL 0). */
struct clock_plan {
	uint16_t n1, p1, q1, n2, r2;
};
static const struct clock_plan plan_h74x = {50, 2, 4, 0, 0};  /* VCO 800: 400/200 */
static const struct clock_plan plan_ospi = {25, 2, 4, 25, 2}; /* VCO 400: 200/100; 200 */

static const struct clock_plan *plan_of(const struct board *b)
{
	return b->family == BOARD_FAMILY_H74X ? &plan_h74x : &plan_ospi;
}

#define PLL_HZ(n, d) (PLL_REF_HZ * (n) / (d))
/* The plans against the limits of docs/clocks.md (VCO wide range 192-836 /
 * 128-560 MHz, CPU and HCLK per VOS): checked when built. */
_Static_assert(PLL_HZ(50, 1) <= 836000000u && PLL_HZ(50, 1) >= 192000000u, "H74x VCO");
_Static_assert(PLL_HZ(25, 1) >= 192000000u && PLL_HZ(25, 1) <= 560000000u, "OSPI-line VCO");
_Static_assert(PLL_HZ(25, 2) <= 225000000u, "OSPI-line CPU: inside VOS1 even");
_Static_assert(PLL_HZ(25, 2) / 2u <= 114000000u, "OSPI-line HCLK: 2 WS on H7A3 VOS1");

#define PLL_LOCK_TIMEOUT_US  2000u
#define SWITCH_TIMEOUT_US    2000u
#define HSI48_TIMEOUT_US     2000u
#define FLASH_ACR_TIMEOUT_US 100u

static uint32_t sysclk_hz = HSI_HZ;
static uint32_t hclk_hz = HSI_HZ;
static uint32_t ospi_kernel_hz; /* 0: HCLK (OCTOSPISEL / QSPISEL reset) */

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

/* QUADSPI / OCTOSPI kernel clock: PLL2R when the plan selected it, else
 * HCLK (the QSPISEL / OCTOSPISEL reset value). */
uint32_t h7_qspi_kernel_hz(void)
{
	return ospi_kernel_hz ? ospi_kernel_hz : hclk_hz;
}

/*
 * Flash read latency and programming delay for an AXI clock: per line and
 * VOS (index 0..3), the highest ACLK in MHz each row allows (0: not at this
 * VOS). Sources in docs/clocks.md:
 *  - H74x/H75x: RM0399 / RM0433 table as recalled, cross-checked with ST's
 *    LL_SetFlashLatency (DEV_ID 0x450) and stm32h7xx_hal_flash_ex.h's
 *    WRHIGHFREQ bands; VOS0 (ODEN) is not used;
 *  - H72x/H73x: ST's LL (DEV_ID 0x483) = embassy's RM0468 transcription;
 *  - H7A3/B3/B0: embassy's RM0455 transcription (stricter than ST's LL at
 *    VOS0/VOS1; WRHIGHFREQ from it only).
 */
struct flash_row {
	uint8_t ws, wrhighfreq;
	uint16_t max_mhz[4]; /* VOS0..VOS3 */
};
static const struct flash_row rows_h74x[] = {
    {0, 0, {0, 70, 55, 45}},    {1, 1, {0, 140, 110, 90}},  {2, 1, {0, 185, 165, 135}},
    {2, 2, {0, 210, 165, 135}}, {3, 2, {0, 225, 225, 180}}, {4, 2, {0, 225, 225, 225}},
    {0, 0, {0, 0, 0, 0}},
};
static const struct flash_row rows_h72x[] = {
    {0, 0, {70, 67, 50, 35}}, {1, 1, {140, 133, 100, 70}}, {2, 2, {210, 200, 150, 85}},
    {3, 3, {275, 0, 0, 0}},   {0, 0, {0, 0, 0, 0}},
};
static const struct flash_row rows_h7ab[] = {
    {0, 0, {42, 38, 34, 22}},    {1, 0, {84, 76, 68, 44}},   {2, 1, {126, 114, 102, 66}},
    {3, 1, {168, 152, 136, 88}}, {4, 2, {210, 190, 160, 0}}, {5, 2, {252, 225, 0, 0}},
    {6, 3, {280, 0, 0, 0}},      {0, 0, {0, 0, 0, 0}},
};

/* The ACR value for aclk_hz at this VOS: 7 WS and WRHIGHFREQ 3 (the H74x
 * reset values, the most conservative) above the table. */
uint32_t h7_flash_acr_for(const struct board *b, uint32_t aclk_hz, unsigned vos)
{
	const struct flash_row *r = b->family == BOARD_FAMILY_H72X   ? rows_h72x
	                            : b->family == BOARD_FAMILY_H7AB ? rows_h7ab
	                                                             : rows_h74x;
	for (; vos <= 3u && (r->max_mhz[0] | r->max_mhz[1] | r->max_mhz[2] | r->max_mhz[3]); r++)
		if (r->max_mhz[vos] && aclk_hz <= r->max_mhz[vos] * 1000000u)
			return r->ws | (uint32_t)r->wrhighfreq << FLASH_ACR_WRHIGHFREQ_Pos;
	return 7u | 3u << FLASH_ACR_WRHIGHFREQ_Pos;
}

/* Write ACR and read it back: the new latency must be in effect before a
 * faster clock is selected (and is lowered only after a slower one is). */
static int set_flash_acr(const struct board *b, uint32_t aclk_hz)
{
	volatile uint32_t *acr = (volatile uint32_t *)MMIO_BASE(FLASH_ACR_ADDR);
	uint32_t v = h7_flash_acr_for(b, aclk_hz, h7_vos_now(b));
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
 * (ST's stm32h7xx_hal_rcc.h, __HAL_RCC_PLL_PLLSOURCE_CONFIG). The NOR's
 * kernel clock goes back to HCLK first: PLL2 is about to stop. */
static int back_to_hsi(struct rcc_regs *rcc)
{
	if ((mmio_read(&rcc->CFGR) & RCC_CFGR_SWS_Msk) != 0 && switch_to_hsi(rcc))
		return QDFU_E_TIMEOUT;
	mmio_clear(&rcc->CR, RCC_CR_HSIDIV);
	sysclk_hz = hclk_hz = HSI_HZ;
	ospi_kernel_hz = 0;
	mmio_write(&rcc->D1CFGR, 0);
	mmio_clear(&rcc->D1CCIPR, RCC_D1CCIPR_OSPISEL_Msk);
	mmio_clear(&rcc->CR, RCC_CR_PLL1ON | RCC_CR_PLL2ON | RCC_CR_PLL3ON);
	return h7_wait_reg(&rcc->CR, RCC_CR_PLL1RDY | RCC_CR_PLL2RDY | RCC_CR_PLL3RDY, 0,
	                   PLL_LOCK_TIMEOUT_US);
}

static int pll_lock(struct rcc_regs *rcc, uint32_t on, uint32_t rdy)
{
	mmio_set(&rcc->CR, on);
	if (h7_wait_reg(&rcc->CR, rdy, rdy, PLL_LOCK_TIMEOUT_US)) {
		mmio_clear(&rcc->CR, on);
		return QDFU_E_TIMEOUT;
	}
	return QDFU_OK;
}

/* PLLSRC and both dividers in one write, every PLL being off (above). */
static void pll_sources(struct rcc_regs *rcc)
{
	mmio_modify(&rcc->PLLCKSELR,
	            RCC_PLLCKSELR_PLLSRC_Msk | RCC_PLLCKSELR_DIVM1_Msk | RCC_PLLCKSELR_DIVM2_Msk,
	            RCC_PLLCKSELR_PLLSRC_HSI | (PLL_REF_DIV << RCC_PLLCKSELR_DIVM1_Pos) |
	                (PLL_REF_DIV << RCC_PLLCKSELR_DIVM2_Pos));
}

static int pll1_on(struct rcc_regs *rcc, const struct clock_plan *p)
{
	mmio_write(&rcc->PLL1DIVR,
	           ((p->n1 - 1u) << RCC_PLL1DIVR_N1_Pos) | ((p->p1 - 1u) << RCC_PLL1DIVR_P1_Pos) |
	               ((p->q1 - 1u) << RCC_PLL1DIVR_Q1_Pos) | ((2u - 1u) << RCC_PLL1DIVR_R1_Pos));
	/* 8-16 MHz input range, wide VCO, integer mode, P/Q/R outputs on. */
	mmio_modify(&rcc->PLLCFGR,
	            RCC_PLLCFGR_PLL1FRACEN | RCC_PLLCFGR_PLL1VCOSEL | RCC_PLLCFGR_PLL1RGE_Msk |
	                RCC_PLLCFGR_DIVP1EN | RCC_PLLCFGR_DIVQ1EN | RCC_PLLCFGR_DIVR1EN,
	            (PLL_RGE_8_16 << RCC_PLLCFGR_PLL1RGE_Pos) | RCC_PLLCFGR_DIVP1EN |
	                RCC_PLLCFGR_DIVQ1EN | RCC_PLLCFGR_DIVR1EN);
	return pll_lock(rcc, RCC_CR_PLL1ON, RCC_CR_PLL1RDY);
}

/* PLL2 R as the NOR's kernel clock (OCTOSPISEL = PLL2R), selected only
 * once it is locked; without it the OCTOSPI stays on HCLK. */
static void ospi_kernel_on(struct rcc_regs *rcc, const struct clock_plan *p)
{
	mmio_write(&rcc->PLL2DIVR,
	           ((p->n2 - 1u) << RCC_PLL1DIVR_N1_Pos) | ((2u - 1u) << RCC_PLL1DIVR_P1_Pos) |
	               ((2u - 1u) << RCC_PLL1DIVR_Q1_Pos) | ((p->r2 - 1u) << RCC_PLL1DIVR_R1_Pos));
	mmio_modify(&rcc->PLLCFGR,
	            RCC_PLLCFGR_PLL2FRACEN | RCC_PLLCFGR_PLL2VCOSEL | RCC_PLLCFGR_PLL2RGE_Msk |
	                RCC_PLLCFGR_DIVR2EN,
	            (PLL_RGE_8_16 << RCC_PLLCFGR_PLL2RGE_Pos) | RCC_PLLCFGR_DIVR2EN);
	if (pll_lock(rcc, RCC_CR_PLL2ON, RCC_CR_PLL2RDY))
		return;
	mmio_modify(&rcc->D1CCIPR, RCC_D1CCIPR_OSPISEL_Msk, RCC_D1CCIPR_OSPISEL_PLL2R);
	ospi_kernel_hz = PLL_HZ(p->n2, p->r2);
}

/* Something did not come up: stay on HSI (AXI 32 MHz) with the flash
 * wait states and programming delay for that clock, not the faster one we
 * prepared for. */
static int stay_on_hsi(const struct board *b, struct rcc_regs *rcc, int rc)
{
	if ((mmio_read(&rcc->CFGR) & RCC_CFGR_SWS_Msk) != 0)
		(void)switch_to_hsi(rcc);
	sysclk_hz = HSI_HZ;
	(void)set_flash_acr(b, hclk_hz);
	return rc;
}

int h7_clock_init(const struct board *b)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	const struct clock_plan *p = plan_of(b);

	if (back_to_hsi(rcc))
		return QDFU_E_TIMEOUT;
	pll_sources(rcc);
	if (p->n2)
		ospi_kernel_on(rcc, p);
	/* the plan's VOS (power.c): without it, stay at 64 MHz */
	if (h7_vos_now(b) != (b->family == BOARD_FAMILY_H74X ? 1u : 0u))
		return stay_on_hsi(b, rcc, QDFU_E_STATE);
	uint32_t sys = PLL_HZ(p->n1, p->p1), hclk = sys / 2u;
	/* Flash first, for the clock we are going to: raised before the switch. */
	if (set_flash_acr(b, hclk))
		return QDFU_E_TIMEOUT;

	/* Bus prescalers before the switch: AXI/AHB /2, every APB /2. */
	mmio_write(&rcc->D1CFGR, RCC_D1CFGR_HPRE_DIV2 | RCC_D1CFGR_D1PPRE_DIV2);
	mmio_write(&rcc->D2CFGR, RCC_D2CFGR_D2PPRE1_DIV2 | RCC_D2CFGR_D2PPRE2_DIV2);
	mmio_write(&rcc->D3CFGR, RCC_D3CFGR_D3PPRE_DIV2);
	hclk_hz = HSI_HZ / 2;

	if (pll1_on(rcc, p))
		return stay_on_hsi(b, rcc, QDFU_E_TIMEOUT);
	mmio_modify(&rcc->CFGR, RCC_CFGR_SW_Msk, RCC_CFGR_SW_PLL1);
	if (h7_wait_reg(&rcc->CFGR, RCC_CFGR_SWS_Msk, RCC_CFGR_SWS_PLL1, SWITCH_TIMEOUT_US))
		return stay_on_hsi(b, rcc, QDFU_E_TIMEOUT);
	sysclk_hz = sys;
	hclk_hz = hclk;
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
