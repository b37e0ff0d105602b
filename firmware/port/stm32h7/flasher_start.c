/* SPDX-License-Identifier: MIT */
#include <stdint.h>

#include "cpu.h"
#include "h7.h"
#include "h7_flasher.h"
#include "h7_irqs.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_scb.h"

#ifndef QDFU_HOST_MMIO /* target only: the host build tests the quiesce */
typedef void (*vector_t)(void);

extern uint32_t _estack[];
void Reset_Handler(void);
void boot_fault(void);
void Flasher_Reset_Handler(void);

/* The flasher's entry, what ST's ROM branches to at its DFU leave (SP from
 * the first word of the loaded image, PC from the second). The ROM's own
 * interrupts may still be live (AN3156 and AN2662: a jump from the
 * bootloader can leave a pending USB interrupt issued by its code; its
 * SysTick runs): until h7_quiesce_after_rom has cleared them, any of them
 * would run the ROM's handler (VTOR is still the ROM's) during the copy,
 * or one of ours before our drivers exist once the reset handler has moved
 * VTOR. So the first instruction masks them; the shared reset handler
 * (startup.c) follows. The test qemu_m7_flasher_start fails without it. */
__attribute__((section(".boot"), naked)) void Flasher_Reset_Handler(void)
{
	__asm volatile("cpsid i\n\t"
	               "b Reset_Handler\n");
}

__attribute__((section(".flasher_boot_vectors"), used)) const vector_t flasher_boot_vectors[16] = {
    [0] = (vector_t)(uintptr_t)_estack,
    [1] = Flasher_Reset_Handler,
    [2 ... 15] = boot_fault,
};
#endif

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
