/* SPDX-License-Identifier: MIT */
/*
 * System services of port.h on the STM32H7: bring-up order, unique ID,
 * no-init word, button, LED, reset. (The bounded register wait every
 * driver uses is in regwait.c, so drivers link without these services.)
 */
#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "qdfu_app.h"
#include "regs_scb.h"

/* 96-bit unique ID (H74x/H75x), three 32-bit words. */
#define UID_BASE 0x1FF1E800u

static const struct board *board;

/* Survives a software reset: the linker script keeps .noinit (32 bytes at
 * 0x20000000) out of the zeroed .bss. The request word first, where
 * applications write it (include/qdfu_app.h), stored with its complement
 * so that power-on garbage never reads as a request; then the record of a
 * fault (fault.c), closed by a check word for the same reason. */
enum { FAULT_EXC, FAULT_CFSR, FAULT_HFSR, FAULT_ADDR, FAULT_PC, FAULT_CHECK, FAULT_WORDS };
static struct {
	uint32_t request[2];
	uint32_t fault[FAULT_WORDS];
} noinit __attribute__((section(".noinit")));
QDFU_STATIC_ASSERT(sizeof(noinit) <= 32, "the linker script's NOINIT region is 32 bytes");

#define FAULT_MAGIC 0xFA17C0DEu

static uint32_t fault_check(void)
{
	uint32_t c = FAULT_MAGIC;
	for (unsigned i = 0; i < FAULT_CHECK; i++)
		c = (c ^ noinit.fault[i]) * 0x01000193u;
	return c;
}

void h7_fault_record(const struct port_fault *f)
{
	noinit.fault[FAULT_EXC] = f->exception;
	noinit.fault[FAULT_CFSR] = f->cfsr;
	noinit.fault[FAULT_HFSR] = f->hfsr;
	noinit.fault[FAULT_ADDR] = f->addr;
	noinit.fault[FAULT_PC] = f->pc;
	noinit.fault[FAULT_CHECK] = fault_check();
}

bool port_take_fault(struct port_fault *f)
{
	bool valid = noinit.fault[FAULT_CHECK] == fault_check() && noinit.fault[FAULT_EXC] != 0 &&
	             noinit.fault[FAULT_EXC] < 256u;
	if (valid) {
		f->exception = (uint8_t)noinit.fault[FAULT_EXC];
		f->cfsr = noinit.fault[FAULT_CFSR];
		f->hfsr = noinit.fault[FAULT_HFSR];
		f->addr = noinit.fault[FAULT_ADDR];
		f->pc = noinit.fault[FAULT_PC];
	}
	memset(noinit.fault, 0, sizeof(noinit.fault));
	return valid;
}

const struct board *h7_board(void)
{
	return board;
}

/* The failure code of a PMIC that did not come up: three short blinks,
 * then the LED stays off (the bootloader runs on, without USB). */
static void pmic_failed_blink(void)
{
	for (unsigned i = 0; i < 3; i++) {
		port_led(true);
		h7_delay_us(150000u);
		port_led(false);
		h7_delay_us(150000u);
	}
}

int port_init(const struct board *b)
{
	int rc, first = QDFU_OK;

	board = b;
	h7_timebase_init(64000000u); /* HSI: waits below are timed */
	/* Portenta: the 25 MHz oscillator (also the ULPI PHY's reference) is
	 * powered by PH1; switch it on first. */
	h7_gpio_output(&b->hw.hse_enable, true);
	/* Dual-core parts: the Cortex-M4 parks before we touch power or clocks,
	 * and is held while we run (dualcore.c). One that does not park keeps
	 * bank 2 read-only; that is no error for the bootloader itself. */
	(void)h7_dualcore_park(b);
	rc = h7_power_init(b);
	if (rc)
		first = rc;
	rc = h7_clock_init(b);
	if (rc && !first)
		first = rc;
	h7_timebase_init(h7_sysclk_hz());
	h7_crc_clock_enable(); /* port_crc32_update */
	if (b->hw.button.port != 0xFF)
		h7_gpio_input(&b->hw.button);
	port_led(false);
	/* Portenta: the PMIC powers the USB PHY. If it does not answer, USB
	 * stays off (port_usb_init refuses) and the LED says so. */
	rc = h7_pmic_init(b);
	if (rc) {
		pmic_failed_blink();
		if (!first)
			first = rc;
	}
	/* The core keeps going on any of these errors (slower clock, supply
	 * left as an earlier stage set it): report the first one. */
	return first;
}

void port_uid(uint8_t uid[12])
{
	volatile uint32_t *w = (volatile uint32_t *)MMIO_BASE(UID_BASE);

	for (unsigned i = 0; i < 3; i++) {
		uint32_t v = mmio_read(&w[i]);
		uid[4 * i + 0] = (uint8_t)v;
		uid[4 * i + 1] = (uint8_t)(v >> 8);
		uid[4 * i + 2] = (uint8_t)(v >> 16);
		uid[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

uint32_t port_noinit_get(void)
{
	if (noinit.request[0] != ~noinit.request[1])
		return 0;
	return noinit.request[0];
}

void port_noinit_set(uint32_t v)
{
	noinit.request[0] = v;
	noinit.request[1] = ~v;
}

/* The hand-over record (include/qdfu_app.h) at its fixed address: in the
 * bootloader's NOINIT region right after the no-init words (the linker
 * script reserves 64 bytes), in DTCM the flasher never uses. The host
 * build keeps it in a variable. */
QDFU_STATIC_ASSERT(QDFU_HANDOFF_ADDR == QDFU_NOINIT_ADDR + sizeof(noinit),
                   "record after the words");
#ifdef QDFU_HOST_MMIO
static uint32_t handoff_words[8];
#define HANDOFF_WORDS handoff_words
#else
#define HANDOFF_WORDS ((volatile uint32_t *)QDFU_HANDOFF_ADDR)
#endif

void port_app_handoff(const struct qdfu_handoff *h)
{
	uint32_t w[8];
	memcpy(w, h, sizeof(w));
	for (unsigned i = 0; i < 8u; i++)
		HANDOFF_WORDS[i] = w[i];
}

bool port_button_pressed(void)
{
	if (!board || board->hw.button.port == 0xFF)
		return false;
	return h7_gpio_active(&board->hw.button);
}

void port_led(bool on)
{
	if (board && board->hw.led.port != 0xFF)
		h7_gpio_output(&board->hw.led, on);
}

void port_reset(void)
{
	struct scb_regs *scb = (struct scb_regs *)MMIO_BASE(SCB_BASE);

	h7_dsb();
	mmio_write(&scb->AIRCR, SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ);
	h7_dsb();
#ifndef QDFU_HOST_MMIO
	for (;;) {
	}
#endif
}
