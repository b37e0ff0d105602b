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

	/* The voltage scale of the line's clock plan (clock.c; docs/clocks.md):
	 * H74x/H75x VOS1 (D3CR 11) for 400 MHz; H72x/H73x VOS0 (D3CR 00, no
	 * ODEN there) and H7A3/B3/B0 VOS0 (PWR_SRDCR 11: the encoding is
	 * reversed there), the scale ST's BSPs run the OCTOSPI's 200 MHz
	 * kernel clock at. */
	uint32_t vos = b->family == BOARD_FAMILY_H72X   ? PWR_D3CR_H72X_VOS0
	               : b->family == BOARD_FAMILY_H7AB ? PWR_SRDCR_VOS0
	                                                : PWR_D3CR_VOS1;
	mmio_modify(&pwr->D3CR, PWR_D3CR_VOS_Msk, vos);
	if (h7_wait_reg(&pwr->D3CR, PWR_D3CR_VOSRDY, PWR_D3CR_VOSRDY, PWR_READY_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	return rc;
}

/* The VOS in force (0..3), decoded per line; 3, the strictest, until
 * VOSRDY. */
unsigned h7_vos_now(const struct board *b)
{
	struct pwr_regs *pwr = (struct pwr_regs *)MMIO_BASE(PWR_BASE);
	uint32_t r = mmio_read(&pwr->D3CR);
	unsigned v = (unsigned)((r & PWR_D3CR_VOS_Msk) >> 14);
	if (!(r & PWR_D3CR_VOSRDY))
		return 3u;
	if (b->family == BOARD_FAMILY_H7AB)
		return 3u - v;
	if (v == 0u)
		return b->family == BOARD_FAMILY_H72X ? 0u : 3u; /* reserved on H74x */
	return 4u - v;
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
