/* SPDX-License-Identifier: MIT */
/*
 * What the bootloader does on a fault (issue 11 item 3): record it and
 * reset into DFU instead of looping forever in the vector. A word cut by a
 * power loss on the boot path raises a bus error on every boot (facts,
 * "Traps found by review" 3); with looping vectors and no watchdog that
 * was a board that never answers again. The naked vector that finds the
 * stacked frame is in startup.c (target only); this body also runs on the
 * host, called by the core model (sim/h7/scs_model.c) when a fault is
 * taken.
 */
#include "h7_sys.h"
#include "hal/port.h"
#include "mmio.h"
#include "regs_scb.h"

/* DTCM and AXI SRAM (RM0399 2.3.2): where a stack frame can be read
 * without faulting again (a second fault in the handler locks up). */
static bool frame_readable(const uint32_t *frame)
{
	uintptr_t a = (uintptr_t)frame;
	if (!frame || (a & 3u))
		return false;
	return (a >= 0x20000000u && a + 32u <= 0x20020000u) ||
	       (a >= 0x24000000u && a + 32u <= 0x24080000u);
}

void h7_fault_entry(uint32_t exception, const uint32_t *frame)
{
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	struct port_fault f = {.exception = (uint8_t)exception};

	f.cfsr = mmio_read(&scb->CFSR);
	f.hfsr = mmio_read(&scb->HFSR);
	if (f.cfsr & SCB_CFSR_BFARVALID)
		f.addr = mmio_read(&scb->BFAR);
	else if (f.cfsr & SCB_CFSR_MMARVALID)
		f.addr = mmio_read(&scb->MMFAR);
	f.pc = frame_readable(frame) ? frame[6] : 0u; /* r0-r3, r12, lr, pc, xpsr */
	h7_fault_record(&f);
	/* neither "start the application" nor "the application asked": the
	 * next boot sees the fault record and stays in DFU */
	port_noinit_set(0);
	port_reset();
}
