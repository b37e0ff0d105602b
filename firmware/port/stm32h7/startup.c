/* SPDX-License-Identifier: MIT */
/*
 * Cortex-M7 start-up: the vector table (16 system exceptions + 150 STM32H74x
 * interrupts) and the reset handler (FPU on, code and constants copied to
 * ITCM, .data copied, .bss zeroed, VTOR to the ITCM table, then main).
 * Target only.
 *
 * Why ITCM (issue 11 item 4; facts "Traps found by review" 4): the
 * bootloader lives in bank 1, and while a bank-1 sector is erased (about
 * 1-2 s per 128 KiB) or a word programmed, every instruction fetch and data
 * read from bank 1 stalls until the operation ends: SysTick, the USB
 * interrupt and the main loop would all stop. After the copy nothing but the
 * flash controller touches bank 1 (the guarded reads of port_iflash_read
 * excepted, which the memory engine never issues during an operation).
 * Only the boot vector table and Reset_Handler (section .boot) run from
 * flash, before any operation can start.
 */
#include <stdint.h>

#include "common/compiler.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_scb.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
extern uint32_t __isr_vector_start[], __itcm_end[], __itcm_load[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_ALIAS __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_ALIAS;
void HardFault_Handler(void) WEAK_ALIAS;
void MemManage_Handler(void) WEAK_ALIAS;
void BusFault_Handler(void) WEAK_ALIAS;
void UsageFault_Handler(void) WEAK_ALIAS;
void SVC_Handler(void) WEAK_ALIAS;
void DebugMon_Handler(void) WEAK_ALIAS;
void PendSV_Handler(void) WEAK_ALIAS;
void SysTick_Handler(void) WEAK_ALIAS;
void OTG_HS_IRQHandler(void) WEAK_ALIAS;
void OTG_FS_IRQHandler(void) WEAK_ALIAS;

typedef void (*vector_t)(void);

#define VECTORS (16 + H7_IRQ_COUNT)

__attribute__((section(".isr_vector"), used)) const vector_t vector_table[VECTORS] = {
    [0] = (vector_t)(uintptr_t)_estack,
    [1] = Reset_Handler,
    [2] = NMI_Handler,
    [3] = HardFault_Handler,
    [4] = MemManage_Handler,
    [5] = BusFault_Handler,
    [6] = UsageFault_Handler,
    [11] = SVC_Handler,
    [12] = DebugMon_Handler,
    [14] = PendSV_Handler,
    [7 ... 10] = Default_Handler,
    [13] = Default_Handler,
    [15] = SysTick_Handler,
    /* GNU range designators, written so that no entry is set twice. */
    [16 ... 16 + IRQN_OTG_HS - 1] = Default_Handler,
    [16 + IRQN_OTG_HS] = OTG_HS_IRQHandler,
    [16 + IRQN_OTG_HS + 1 ... 16 + IRQN_OTG_FS - 1] = Default_Handler,
    [16 + IRQN_OTG_FS] = OTG_FS_IRQHandler,
    [16 + IRQN_OTG_FS + 1 ... VECTORS - 1] = Default_Handler,
};
QDFU_STATIC_ASSERT(sizeof(vector_table) == 4 * 166, "vector table: 16 + 150 entries");

/* Unused interrupt or fault: fault.c (h7_fault_vector) either resumes a
 * guarded flash read or records the fault and resets into DFU. */
__attribute__((naked)) void Default_Handler(void)
{
	__asm volatile("b h7_fault_vector\n");
}

/* A fault before the copy (nothing in ITCM yet): reset. Runs from flash. */
__attribute__((section(".boot"))) void boot_fault(void)
{
	*(volatile uint32_t *)(SCB_BASE + 0x0Cu) = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
	for (;;) {
	}
}

/* What the boot address (0x08000000) holds: the initial SP and the reset
 * handler, faults to boot_fault. The run-time table is vector_table, in
 * ITCM. */
__attribute__((section(".boot_vectors"), used)) const vector_t boot_vectors[16] = {
    [0] = (vector_t)(uintptr_t)_estack,
    [1] = Reset_Handler,
    [2 ... 15] = boot_fault,
};

/* Runs from flash and may call nothing else: plain volatile accesses, no
 * library calls (GCC must not turn the copy loops into memcpy, which lives
 * in ITCM and is not there yet). */
__attribute__((section(".boot"), optimize("no-tree-loop-distribute-patterns"))) void
Reset_Handler(void)
{
	volatile uint32_t *cpacr = (volatile uint32_t *)CPACR_ADDR;
	volatile uint32_t *vtor = (volatile uint32_t *)(SCB_BASE + 0x08u);

	/* The FPU first: the hard-float ABI lets the compiler use FP registers
	 * in any function called from here. */
	*cpacr |= SCB_CPACR_CP10_CP11_FULL;
	__asm volatile("dsb\n\tisb" ::: "memory");

	const volatile uint32_t *src = __itcm_load;
	/* cppcheck-suppress comparePointers ; linker symbols bound one region */
	for (volatile uint32_t *dst = __isr_vector_start; dst < __itcm_end;)
		*dst++ = *src++;
	src = _sidata;
	/* cppcheck-suppress comparePointers */
	for (volatile uint32_t *dst = _sdata; dst < _edata;)
		*dst++ = *src++;
	/* cppcheck-suppress comparePointers */
	for (volatile uint32_t *dst = _sbss; dst < _ebss;)
		*dst++ = 0;
	/* The code just written must be what is fetched (ARMv7-M A3.5.4:
	 * DSB + ISB after writing instructions); then the ITCM table. */
	__asm volatile("dsb\n\tisb" ::: "memory");
	*vtor = (uint32_t)(uintptr_t)__isr_vector_start;
	__asm volatile("dsb\n\tisb" ::: "memory");

	(void)main();
	for (;;) {
	}
}
