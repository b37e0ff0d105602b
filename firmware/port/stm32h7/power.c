/* SPDX-License-Identifier: MIT */
/*
 * Power: the supply configuration (PWR_CR3), voltage scaling and the USB
 * regulator. PWR_CR3's supply bits can be written once after power-on and a
 * value the board is not wired for can stop the chip (facts, trap 1), so:
 *  - the board file says how it is wired (verified table in the facts);
 *  - we write only when the register still holds its power-on value: when
 *    ST's ROM bootloader or an application already configured it (and then
 *    started us), we never write it again;
 *  - one single store, then wait for ACTVOSRDY.
 */
#include "common/err.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_pwr.h"

#define PWR_READY_TIMEOUT_US 10000u /* ACTVOSRDY, VOSRDY: tens of us typ. */
#define USB33_TIMEOUT_US     10000u

static uint32_t supply_bits(enum board_supply s)
{
	switch (s) {
	case BOARD_SUPPLY_DIRECT_SMPS:
		return PWR_CR3_SMPSEN;
	case BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO:
		return PWR_CR3_SMPSLEVEL_1V8 | PWR_CR3_SMPSEN | PWR_CR3_LDOEN;
	case BOARD_SUPPLY_LDO:
	default:
		/* LDOEN alone: also clears SCUEN on parts without SMPS. */
		return PWR_CR3_LDOEN;
	}
}

int h7_power_init(const struct board *b)
{
	struct pwr_regs *pwr = (struct pwr_regs *)MMIO_BASE(PWR_BASE);
	uint32_t want = supply_bits(b->hw.supply);
	uint32_t cr3 = mmio_read(&pwr->CR3);
	int rc = QDFU_OK;

	if ((cr3 & PWR_CR3_CONFIGURED_Msk) == PWR_CR3_SUPPLY_RESET) {
		mmio_write(&pwr->CR3, (cr3 & ~PWR_CR3_SUPPLY_Msk) | want);
	} else if ((cr3 & PWR_CR3_SUPPLY_Msk) != want) {
		/* Configured by an earlier stage with another value: it is
		 * locked until power-off; keep running on what we have. */
		rc = QDFU_E_STATE;
	}
	if (h7_wait_reg(&pwr->CSR1, PWR_CSR1_ACTVOSRDY, PWR_CSR1_ACTVOSRDY, PWR_READY_TIMEOUT_US))
		return QDFU_E_TIMEOUT;

	/* VOS1: needed for the 400 MHz CPU / 200 MHz AXI clock (H74x/H75x). The
	 * other lines keep the reset VOS: they stay on HSI (clock.c), and on the
	 * H7A3/B0/B3 this register is PWR_SRDCR, where the H74x value 11 means
	 * VOS0 (ST's stm32h7xx_hal_pwr.h). */
	if (b->family != BOARD_FAMILY_H74X)
		return rc;
	mmio_modify(&pwr->D3CR, PWR_D3CR_VOS_Msk, PWR_D3CR_VOS1);
	if (h7_wait_reg(&pwr->D3CR, PWR_D3CR_VOSRDY, PWR_D3CR_VOSRDY, PWR_READY_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	return rc;
}

int h7_power_usb_init(void)
{
	struct pwr_regs *pwr = (struct pwr_regs *)MMIO_BASE(PWR_BASE);

	/* USB33DEN: the USB transceivers' 3.3 V detector; without it the host
	 * sees nothing. USBREGEN stays off: no board here powers the PHY from
	 * VDD50USB. */
	mmio_set(&pwr->CR3, PWR_CR3_USB33DEN);
	return h7_wait_reg(&pwr->CR3, PWR_CR3_USB33RDY, PWR_CR3_USB33RDY, USB33_TIMEOUT_US);
}
