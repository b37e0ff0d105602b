/* SPDX-License-Identifier: MIT */
/*
 * Every interrupt source off, as a reset leaves them (ARMv7-M B1.5.5,
 * B3.2.4, B3.3.3): SysTick stopped, every NVIC line disabled and unpended,
 * the SysTick and PendSV exceptions unpended (a tick that arrived after
 * cpsid i stays pending although SYST_CSR is 0: only ICSR.PENDSTCLR
 * clears it). Before the application starts (boot_h7.c) and when the
 * flasher takes over from ST's ROM (flasher_start.c); call with PRIMASK set.
 */
#ifndef QDFU_PORT_STM32H7_H7_IRQS_H
#define QDFU_PORT_STM32H7_H7_IRQS_H

#include "h7.h"
#include "mmio.h"
#include "regs_scb.h"

static inline void h7_irqs_off(void)
{
	struct systick_regs *st = (struct systick_regs *)MMIO_BASE(SYSTICK_BASE);
	mmio_write(&st->CSR, 0);
	struct nvic_regs *nvic = (struct nvic_regs *)MMIO_BASE(NVIC_BASE);
	for (unsigned i = 0; i < (H7_IRQ_COUNT + 31u) / 32u; i++) {
		mmio_write(&nvic->ICER[i], 0xFFFFFFFFu);
		mmio_write(&nvic->ICPR[i], 0xFFFFFFFFu);
	}
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	mmio_write(&scb->ICSR, SCB_ICSR_PENDSTCLR | SCB_ICSR_PENDSVCLR);
}

#endif
