/* SPDX-License-Identifier: MIT */
#include "cpu.h"
#include "h7.h"
#include "h7_flasher.h"
#include "h7_irqs.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_scb.h"

void h7_quiesce_after_rom(void)
{
	h7_irq_disable();
	h7_irqs_off();
	h7_dsb();
	h7_isb();
	/* our handlers are in place (VTOR) and nothing is enabled: the
	 * drivers enable what they use */
	h7_irq_enable();
}
