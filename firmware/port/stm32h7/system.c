/* SPDX-License-Identifier: MIT */
/*
 * System services of port.h on the STM32H7: bring-up order, unique ID,
 * no-init word, button, LED, reset. (The bounded register wait every
 * driver uses is in regwait.c, so drivers link without these services.)
 */
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_scb.h"

/* 96-bit unique ID (H74x/H75x), three 32-bit words. */
#define UID_BASE 0x1FF1E800u

static const struct board *board;

/* Survives a software reset: the linker script keeps .noinit out of the
 * zeroed .bss. Stored with its complement so that power-on garbage never
 * reads as a request. */
static uint32_t noinit_word[2] __attribute__((section(".noinit")));

const struct board *h7_board(void)
{
	return board;
}

int port_init(const struct board *b)
{
	int rc, first = QDFU_OK;

	board = b;
	h7_timebase_init(64000000u); /* HSI: waits below are timed */
	/* Portenta: the 25 MHz oscillator (also the ULPI PHY's reference) is
	 * powered by PH1; switch it on first. */
	h7_gpio_output(&b->hw.hse_enable, true);
	rc = h7_power_init(b);
	if (rc)
		first = rc;
	rc = h7_clock_init(b);
	if (rc && !first)
		first = rc;
	h7_timebase_init(h7_sysclk_hz());
	if (b->hw.button.port != 0xFF)
		h7_gpio_input(&b->hw.button);
	port_led(false);
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
	if (noinit_word[0] != ~noinit_word[1])
		return 0;
	return noinit_word[0];
}

void port_noinit_set(uint32_t v)
{
	noinit_word[0] = v;
	noinit_word[1] = ~v;
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
