/* SPDX-License-Identifier: MIT */
/*
 * Cortex-M7 start-up: the vector table (16 system exceptions + 150 STM32H74x
 * interrupts) and the reset handler (FPU on, .data copied, .bss zeroed,
 * then main). Target only.
 */
#include <stdint.h>

#include "common/compiler.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_scb.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
extern uint32_t __isr_vector_start[];

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

/* Unused interrupt or fault: record it and reset into DFU (fault.c,
 * issue 11 item 3); looping here hung every boot when the fault came back
 * on each one (a damaged flash word on the boot path). The stacked frame is
 * on the stack the exception used (EXC_RETURN bit 2: MSP or PSP); then a
 * fresh stack at _estack, since the fault may have been a stack overflow.
 * h7_fault_entry(exception number from IPSR, frame) does not return. */
__attribute__((naked)) void Default_Handler(void)
{
	__asm volatile("tst lr, #4\n"
	               "ite eq\n"
	               "mrseq r1, msp\n"
	               "mrsne r1, psp\n"
	               "mrs r0, ipsr\n"
	               "ubfx r0, r0, #0, #9\n"
	               "ldr r2, =_estack\n"
	               "mov sp, r2\n"
	               "b h7_fault_entry\n");
}

void Reset_Handler(void)
{
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);

	/* The FPU first: the hard-float ABI lets the compiler use FP registers
	 * in any function called from here. */
	mmio_set(&scb->CPACR, SCB_CPACR_CP10_CP11_FULL);
	__asm volatile("dsb\n\tisb" ::: "memory");
	/* We are linked at 0x08000000 (the boot address), but a previous stage
	 * (ST's ROM bootloader, an application asking for DFU) may have moved
	 * VTOR. */
	mmio_write(&scb->VTOR, (uint32_t)(uintptr_t)__isr_vector_start);

	uint32_t *src = _sidata;
	/* cppcheck-suppress comparePointers ; linker symbols bound one region */
	for (uint32_t *dst = _sdata; dst < _edata;)
		*dst++ = *src++;
	/* cppcheck-suppress comparePointers */
	for (uint32_t *dst = _sbss; dst < _ebss;)
		*dst++ = 0;

	(void)main();
	for (;;) {
	}
}
