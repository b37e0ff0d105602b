/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for ST's ROM DFU bootloader at the moment of its DFU leave
 * (facts "st-rom-dfu", Leave and RAM; AN3156 and AN2662 note that a jump
 * from the bootloader can leave a pending USB interrupt issued by the
 * bootloader's code): its own vector table in VTOR, interrupts unmasked,
 * SysTick running with its interrupt, an NVIC line enabled. It then does
 * what the ROM does: SP from the loaded image's first word, a branch to the
 * second. Its SysTick handler keeps firing until the flasher stops it;
 * every run after the branch is counted in the mailbox, and the flasher
 * under test (flasher_main_m7.c) fails when one happened.
 */
#include <stdint.h>

#include "mailbox.h"

#define SYST_CSR   ((volatile uint32_t *)0xE000E010u)
#define SYST_RVR   ((volatile uint32_t *)0xE000E014u)
#define SYST_CVR   ((volatile uint32_t *)0xE000E018u)
#define NVIC_ISER0 ((volatile uint32_t *)0xE000E100u)
#define SCB_VTOR   ((volatile uint32_t *)0xE000ED08u)
#define ROM_STACK  0x20100000u

void rom_reset(void);
void rom_fault(void);
void rom_tick(void);

typedef void (*vec_t)(void);

/* what QEMU reads at reset (address 0): the ROM's stack and entry. The
 * flasher's ITCM copy later overwrites this, as the H7's ITCM is not the
 * ROM's; the ROM runs from its own table below. */
__attribute__((section(".reset_vectors"), used))
const vec_t rom_reset_vectors[4] = {(vec_t)(uintptr_t)ROM_STACK, rom_reset, rom_fault, rom_fault};

__attribute__((section(".rom_vectors"), aligned(512), used)) const vec_t rom_vectors[32] = {
    (vec_t)(uintptr_t)ROM_STACK, rom_reset, [2 ... 14] = rom_fault, [15] = rom_tick,
    [16 ... 31] = rom_tick,
};

void rom_fault(void)
{
	m7_semihost(M7_SYS_WRITE0, "rom: fault before the branch\n");
	m7_exit(0);
}

void rom_tick(void)
{
	if (M7_MAILBOX->jumped)
		M7_MAILBOX->rom_irqs_after_jump++;
	else
		M7_MAILBOX->rom_irqs_before++;
}

__attribute__((noreturn)) void rom_reset(void)
{
	volatile struct m7_mailbox *mb = M7_MAILBOX;
	mb->magic = M7_MAILBOX_MAGIC;
	mb->jumped = 0;
	mb->rom_irqs_before = 0;
	mb->rom_irqs_after_jump = 0;
	*SCB_VTOR = (uint32_t)(uintptr_t)rom_vectors;
	__asm volatile("dsb\n\tisb" ::: "memory");

	*NVIC_ISER0 = 1u << M7_ROM_IRQ;
	*SYST_RVR = 7u; /* a tick every few hundred instructions (QEMU -icount) */
	*SYST_CVR = 0u;
	*SYST_CSR = 7u; /* ENABLE | TICKINT | CLKSOURCE */
	__asm volatile("cpsie i" ::: "memory");
	/* the source is live before the branch: a few ticks handled */
	for (uint32_t i = 0; i < 100000000u && mb->rom_irqs_before < 3u; i++) {
	}
	if (mb->rom_irqs_before < 3u) {
		m7_semihost(M7_SYS_WRITE0, "rom: SysTick never fired (QEMU?)\n");
		m7_exit(0);
	}

	const volatile uint32_t *image = (const volatile uint32_t *)M7_FLASHER_LOAD;
	uint32_t sp = image[0], pc = image[1];
	mb->jumped = 1;
	__asm volatile("dsb" ::: "memory");
	__asm volatile("msr msp, %0\n\tbx %1" ::"r"(sp), "r"(pc) : "memory");
	for (;;) {
	}
}
