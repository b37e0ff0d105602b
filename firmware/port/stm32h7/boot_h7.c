/* SPDX-License-Identifier: MIT */
/*
 * Starting the application (shared facts "Jumping to the application";
 * ARMv7-M B3.5 for the MPU): interrupts, SysTick and the NVIC quiesced, USB
 * detached, caches clean, the MPU guarding the QSPI window when the
 * application executes in place, VTOR, MSP, then the reset handler.
 * The caller (boot/boot.c) has already checked the vector table.
 */
#include "common/compiler.h"
#include "cpu.h"
#include "h7.h"
#include "h7_irqs.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "qdfu_app.h"
#include "regs_scb.h"

/* what applications write (include/qdfu_app.h) is what we read */
QDFU_STATIC_ASSERT(QDFU_ENTER_DFU == PORT_NOINIT_ENTER_DFU, "request value");

void h7_quiesce_for_app(void)
{
	h7_irq_disable();
	port_usb_connect(false);
	h7_irqs_off();
	/* The bootloader never enables the caches; leave them off (the
	 * application's SystemInit enables them after invalidating). */
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	mmio_clear(&scb->CCR, SCB_CCR_DC | SCB_CCR_IC);
	h7_dsb();
	h7_isb();
}

/* Memory-mapped mode for execute-in-place, if the NOR layer did not set
 * it up: single-line fast read, 4-byte address above 16 MiB (0x0C) else
 * 3-byte (0x0B), 8 dummy cycles: every supported chip answers these (the
 * octal chip in SPI mode too). The bus driver says what it runs
 * (port_qspi_memmapped): QUADSPI and OCTOSPI registers differ. */
static void qspi_xip(uint32_t *size_log2)
{
	struct port_qspi_window w = {0};
	bool on = port_qspi_memmapped(&w);
	*size_log2 = w.size_log2;
	if (on)
		return;
	uint32_t chip_log2 = w.dual_flash ? w.size_log2 - 1u : w.size_log2;
	bool four = chip_log2 > 24u;
	struct port_qspi_cmd c = {
	    .instruction = four ? 0x0C : 0x0B,
	    .instruction_lines = 1,
	    .address_lines = 1,
	    .address_bytes = four ? 4 : 3,
	    .dummy_cycles = 8,
	    .data_lines = 1,
	};
	(void)port_qspi_memmap(&c);
}

/*
 * Leave the application the state a reset leaves (ARMv7-M B1.5.5), as far
 * as interrupts go. A tick that arrived after cpsid i stays pending although
 * SYST_CSR is 0 (only ICSR.PENDSTCLR clears it), and would run the
 * application's SysTick_Handler before its start-up code; the same for
 * PendSV. The NVIC pending bits are cleared again here, after USB was
 * detached. Then PRIMASK = 0 (at the branch, below), FAULTMASK = 0 and
 * BASEPRI = 0: ST's HAL and the CMSIS start-up files never clear PRIMASK
 * (ST's DFU_Standalone example for the STM32H747I-DISCO jumps without ever
 * masking), so an application started with PRIMASK = 1 never takes SysTick
 * and hangs in HAL_Delay (issue 11 item 1; facts "Jumping", step 6).
 */
static void leave_reset_state(void)
{
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	struct nvic_regs *nvic = (struct nvic_regs *)MMIO_BASE(NVIC_BASE);
	mmio_write(&scb->ICSR, SCB_ICSR_PENDSTCLR | SCB_ICSR_PENDSVCLR);
	for (unsigned i = 0; i < (H7_IRQ_COUNT + 31u) / 32u; i++)
		mmio_write(&nvic->ICPR[i], 0xFFFFFFFFu);
	h7_basepri(0);
	h7_fault_enable();
	h7_dsb();
	h7_isb();
}

void port_start_app(uint32_t vtor)
{
	uint32_t size_log2 = 0;
	bool xip = vtor >= QSPI_MEM_BASE && vtor < QSPI_MEM_BASE + (1u << QSPI_WINDOW_LOG2);
	if (xip)
		qspi_xip(&size_log2);
	h7_quiesce_for_app();
	if (xip && size_log2 >= 5u && size_log2 <= QSPI_WINDOW_LOG2)
		h7_mpu_open_qspi_flash(size_log2);
	else if (!xip)
		h7_mpu_off(); /* the guard of the QSPI window was ours: reset state */
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);
	mmio_write(&scb->VTOR, vtor);
	leave_reset_state();
#ifndef QDFU_HOST_MMIO
	const volatile uint32_t *vt = (const volatile uint32_t *)vtor;
	uint32_t sp = vt[0], pc = vt[1];
	/* nothing can be pending or enabled now: unmasking takes nothing */
	__asm volatile("msr msp, %0\n"
	               "msr control, %1\n"
	               "isb\n"
	               "cpsie i\n"
	               "bx %2\n" ::"r"(sp),
	               "r"(0u), "r"(pc)
	               : "memory");
	for (;;) {
	}
#else
	h7_irq_enable();
	mmio_cpu_branch(vtor);
#endif
}
