/* SPDX-License-Identifier: MIT */
/*
 * The flasher's start-up from the ROM's state, on the Cortex-M7 under QEMU
 * (issue 14 item 5): this image is the real start-up code of the flasher
 * (firmware/port/stm32h7/startup.c: boot vectors, reset handler, the ITCM
 * copy and VTOR; flasher_start.c: its entry and h7_quiesce_after_rom),
 * linked with the real stm32h7_flasher.ld moved to memory mps2-an500 has,
 * and this main() in place of main_flasher.c's (port_init and the USB core
 * are the register-model test h7_flasher_start's part). The stand-in ROM
 * (rom_m7.c) branches here with interrupts unmasked and SysTick firing.
 *
 * Checked once the quiesce is done: no interrupt handler ran after the
 * ROM's branch (neither the ROM's, through its VTOR, nor ours before our
 * drivers exist); VTOR is our ITCM table and the ITCM holds the loaded
 * code; every NVIC line disabled and unpended; SysTick stopped and its
 * exception unpended; interrupts unmasked again for the drivers.
 */
#include <stdint.h>
#include <string.h>

#include "h7_flasher.h"
#include "mailbox.h"

#define SYST_CSR       ((volatile uint32_t *)0xE000E010u)
#define NVIC_ISER      ((volatile uint32_t *)0xE000E100u)
#define NVIC_ISPR      ((volatile uint32_t *)0xE000E200u)
#define SCB_ICSR       ((volatile uint32_t *)0xE000ED04u)
#define SCB_VTOR       ((volatile uint32_t *)0xE000ED08u)
#define ICSR_PENDSTSET (1u << 26)

extern uint32_t __isr_vector_start[], __itcm_end[], __itcm_load[];

void h7_fault_vector(void);
int main(void);

static volatile uint32_t our_irqs;
static volatile uint32_t our_last_ipsr;
static int failures;

static void say(const char *s)
{
	m7_semihost(M7_SYS_WRITE0, s);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		say("[  FAILED  ] flasher start-up: ");
		say(what);
		say("\n");
		failures++;
	}
}

/* Every interrupt of ours lands here (startup.c's Default_Handler): one
 * that runs before our drivers exist is a failure, a fault ends the test. */
void h7_fault_vector(void)
{
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	our_last_ipsr = ipsr & 0x1FFu;
	our_irqs++;
	if (our_last_ipsr != 0 && our_last_ipsr < 15u) {
		say("[  FAILED  ] flasher start-up: a fault was taken\n");
		m7_exit(0);
	}
}

static uint32_t primask(void)
{
	uint32_t v;
	__asm volatile("mrs %0, primask" : "=r"(v));
	return v;
}

int main(void)
{
	volatile struct m7_mailbox *mb = M7_MAILBOX;
	check(mb->magic == M7_MAILBOX_MAGIC && mb->jumped == 1u, "not started by the stand-in ROM");
	check(primask() == 1u, "interrupts unmasked when main() starts (the entry must mask them)");

	h7_quiesce_after_rom();

	check(mb->rom_irqs_after_jump == 0u,
	      "the ROM's handlers ran after its branch (its interrupts were live during the copy)");
	check(our_irqs == 0u, "one of our handlers ran before the drivers were set up");
	check(*SCB_VTOR == (uint32_t)(uintptr_t)__isr_vector_start, "VTOR is not our ITCM table");
	size_t itcm = (size_t)((uintptr_t)__itcm_end - (uintptr_t)__isr_vector_start);
	check(itcm > 0 && memcmp(__isr_vector_start, __itcm_load, itcm) == 0,
	      "ITCM does not hold the loaded code");
	for (unsigned i = 0; i < 5u; i++) {
		check(NVIC_ISER[i] == 0u, "an NVIC line is still enabled");
		check(NVIC_ISPR[i] == 0u, "an NVIC line is still pending");
	}
	check((*SYST_CSR & 1u) == 0u, "SysTick still running");
	check((*SCB_ICSR & ICSR_PENDSTSET) == 0u, "a SysTick exception is still pending");
	check(primask() == 0u, "interrupts left masked for the drivers");
	for (volatile uint32_t i = 0; i < 200000u; i++) {
	}
	check(our_irqs == 0u && mb->rom_irqs_after_jump == 0u,
	      "an interrupt arrived after the quiesce");

	if (failures == 0)
		say("[  PASSED  ] flasher start-up from the ROM's state\n");
	m7_exit(failures == 0);
}
