/* SPDX-License-Identifier: MIT */
/*
 * What the stand-in ROM and the flasher under test share in the QEMU
 * flasher start-up test: a record at a fixed address that neither image
 * links anything into (mps2-an500 SSRAM2/3, between the ROM's stack and
 * the flasher's load address).
 */
#ifndef QDFU_TEST_CM7_FLASHER_MAILBOX_H
#define QDFU_TEST_CM7_FLASHER_MAILBOX_H

#include <stdint.h>

#define M7_MAILBOX_ADDR  0x20180000u
#define M7_MAILBOX_MAGIC 0x524F4D21u /* "ROM!" */
/* where the flasher image is loaded: the real stm32h7_flasher.ld with its
 * RAM origin (0x24040000 on the H7) moved to memory mps2-an500 has */
#define M7_FLASHER_LOAD 0x20200000u
/* the NVIC line the ROM leaves enabled, standing for OTG_FS (line 101 on
 * the H7; mps2-an500's NVIC has fewer lines) */
#define M7_ROM_IRQ 3u

struct m7_mailbox {
	uint32_t magic;
	uint32_t jumped;              /* set by the ROM just before the branch */
	uint32_t rom_irqs_before;     /* ROM handlers run before the branch */
	uint32_t rom_irqs_after_jump; /* ROM handlers run after it: must stay 0 */
};

#define M7_MAILBOX ((volatile struct m7_mailbox *)M7_MAILBOX_ADDR)

/* ARM semihosting (the "bkpt 0xAB" call) */
#define M7_SYS_WRITE0 0x04
#define M7_SYS_EXIT   0x18
#define M7_EXIT_OK    0x20026u /* ADP_Stopped_ApplicationExit */
#define M7_EXIT_FAIL  0x20023u /* ADP_Stopped_RunTimeErrorUnknown */

static inline int m7_semihost(int op, const void *arg)
{
	register int r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
	__asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

static inline __attribute__((noreturn)) void m7_exit(int ok)
{
	m7_semihost(M7_SYS_EXIT, (const void *)(uintptr_t)(ok ? M7_EXIT_OK : M7_EXIT_FAIL));
	for (;;) {
	}
}

#endif
