/* SPDX-License-Identifier: MIT */
/*
 * qdfu_app.h: for applications started by the qdfu bootloader.
 * Header only, no dependencies. Call qdfu_enter_bootloader() (from a
 * button handler, a command, or a DFU DETACH request) and the board comes
 * back up in the bootloader, whatever the button says.
 *
 * How: the bootloader keeps two no-init words at 0x20000000 (start of
 * DTCM, never cleared by its reset handler); the request is the value
 * 0x51D0F00D followed by its complement, then a system reset. The
 * bootloader clears the request when it reads it.
 */
#ifndef QDFU_APP_H
#define QDFU_APP_H

#include <stdint.h>

#define QDFU_NOINIT_ADDR 0x20000000u
#define QDFU_ENTER_DFU   0x51D0F00Du

static inline void qdfu_enter_bootloader(void)
{
	volatile uint32_t *w = (volatile uint32_t *)QDFU_NOINIT_ADDR;
	volatile uint32_t *aircr = (volatile uint32_t *)0xE000ED0Cu;
	w[0] = QDFU_ENTER_DFU;
	w[1] = ~QDFU_ENTER_DFU;
	__asm volatile("dsb 0xF" ::: "memory");
	*aircr = (0x05FAu << 16) | (1u << 2); /* VECTKEY | SYSRESETREQ */
	__asm volatile("dsb 0xF" ::: "memory");
	for (;;) {
	}
}

#endif
