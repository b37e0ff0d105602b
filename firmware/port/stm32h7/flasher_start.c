/* SPDX-License-Identifier: MIT */
#include "cpu.h"
#include "h7.h"
#include "h7_flasher.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_scb.h"

#define SCB_ICSR_PENDSTCLR (1u << 25) /* ARMv7-M B3.2.4 */
#define SCB_ICSR_PENDSVCLR (1u << 27)

void h7_quiesce_after_rom(void)
{
	h7_irq_disable();
	struct systick_regs *st = (struct systick_regs *)MMIO_BASE(SYSTICK_BASE);
	mmio_write(&st->CSR, 0);
	struct nvic_regs *nvic = (struct nvic_regs *)MMIO_BASE(NVIC_BASE);
	for (unsigned i = 0; i < (H7_IRQ_COUNT + 31u) / 32u; i++) {
		mmio_write(&nvic->ICER[i], 0xFFFFFFFFu);
		mmio_write(&nvic->ICPR[i], 0xFFFFFFFFu);
	}
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	mmio_write(&scb->ICSR, SCB_ICSR_PENDSTCLR | SCB_ICSR_PENDSVCLR);
	h7_dsb();
	h7_isb();
	/* our handlers are in place (VTOR) and nothing is enabled: the
	 * drivers enable what they use */
	h7_irq_enable();
}
