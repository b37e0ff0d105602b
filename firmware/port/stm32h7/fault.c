/* SPDX-License-Identifier: MIT */
/*
 * What the bootloader does on a fault (issue 11 item 3): record it and
 * reset into DFU instead of looping forever in the vector. A word cut by a
 * power loss on the boot path raises a bus error on every boot (facts,
 * "Traps found by review" 3); with looping vectors and no watchdog that
 * was a board that never answers again.
 *
 * One exception is expected: a bus error inside a guarded copy from the
 * internal flash (port_iflash_read: a double ECC error answers the load
 * with a bus error). Then the faulting load is skipped and the copy goes
 * on; SR.DBECCERR tells the caller. This replaces FAULTMASK + BFHFNMIGN,
 * which does the same in one instruction on the ARMv7-M ARM's word but
 * locks the core up wherever the bus error is not ignored: QEMU's
 * Cortex-M7 does exactly that (qemu_m7_fault_guard was first written for
 * the FAULTMASK version and locked up), and an imprecise error would too.
 *
 * The C bodies also run on the host, called by the core model
 * (sim/h7/scs_model.c) when a fault is taken (no stack frame there).
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

static volatile bool guard_active, guard_hit;

void h7_fault_guard_begin(void)
{
	guard_hit = false;
	guard_active = true;
	h7_dsb();
}

bool h7_fault_guard_end(void)
{
	h7_dsb(); /* an imprecise error of the last load is in by now */
	guard_active = false;
	return guard_hit;
}

/* Thumb-2: a 32-bit instruction starts with 0b11101, 0b11110 or 0b11111
 * (ARMv7-M A5.1). */
static uint32_t insn_size(uint32_t pc)
{
	uint16_t hw = *(const volatile uint16_t *)(uintptr_t)pc;
	return (hw >> 11) >= 0x1Du ? 4u : 2u;
}

/* A bus error while a guarded copy runs: note it, step the stacked PC over
 * the faulting load when the error is precise (the frame's PC is that
 * load), clear the status, and let the handler return. */
bool h7_fault_guard(uint32_t *frame)
{
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	uint32_t cfsr = mmio_read(&scb->CFSR);
	if (!guard_active || !(cfsr & (SCB_CFSR_PRECISERR | SCB_CFSR_IMPRECISERR)))
		return false;
	/* a precise error whose frame cannot be reached would fault again at
	 * the same load for ever: record it instead (frame is NULL only on
	 * the host, where the core model resumes after the load itself) */
	if ((cfsr & SCB_CFSR_PRECISERR) && frame) {
		if (!frame_readable(frame))
			return false;
		frame[6] += insn_size(frame[6]);
	}
	guard_hit = true;
	mmio_write(&scb->CFSR, SCB_CFSR_BUS_ALL);
	mmio_write(&scb->HFSR, SCB_HFSR_FORCED);
	return true;
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

#ifndef QDFU_HOST_MMIO
/* Every fault and unused interrupt (startup.c's Default_Handler). The
 * stacked frame is on the stack the exception used (EXC_RETURN bit 2: MSP
 * or PSP). A guarded bus error returns to the copy; anything else gets a
 * fresh stack at _estack (the fault may have been a stack overflow) and
 * h7_fault_entry(exception number from IPSR, frame), which does not
 * return. */
__attribute__((naked)) void h7_fault_vector(void)
{
	__asm volatile("tst lr, #4\n"
	               "ite eq\n"
	               "mrseq r0, msp\n"
	               "mrsne r0, psp\n"
	               "push {r0, lr}\n"
	               "bl h7_fault_guard\n"
	               "mov r2, r0\n"
	               "pop {r1, lr}\n"
	               "cbz r2, 1f\n"
	               "bx lr\n"
	               "1:\n"
	               "mrs r0, ipsr\n"
	               "ubfx r0, r0, #0, #9\n"
	               "ldr r2, =_estack\n"
	               "mov sp, r2\n"
	               "b h7_fault_entry\n");
}
#endif
