/* SPDX-License-Identifier: MIT */
/*
 * Example application for the STM32H745I-DISCO, started by the qdfu
 * bootloader: blinks LED PJ2 (active-low) at a rate read from a table, and
 * goes back to the bootloader when the USER button (PC13) is pressed.
 * Built three ways (examples/CMakeLists.txt): in internal flash at
 * 0x08020000, executing in place from QSPI at 0x90000000, and as
 * App-CM7.hex with code in internal flash and its table in QSPI.
 */
#include <stdint.h>

#include "qdfu_app.h"

#define RCC_AHB4ENR   (*(volatile uint32_t *)0x580244E0u)
#define GPIOC_BASE    0x58020800u
#define GPIOJ_BASE    0x58022400u
#define GPIO_MODER(b) (*(volatile uint32_t *)((b) + 0x00u))
#define GPIO_IDR(b)   (*(volatile uint32_t *)((b) + 0x10u))
#define GPIO_BSRR(b)  (*(volatile uint32_t *)((b) + 0x18u))

/* Where the blink pattern lives: a section the linker script places in
 * internal flash or, for App-CM7, in QSPI. */
__attribute__((section(".pattern"), used)) const uint32_t pattern[8] = {
    200000u, 200000u, 200000u, 800000u, 200000u, 200000u, 200000u, 1600000u};

static void delay(uint32_t n)
{
	for (volatile uint32_t i = 0; i < n; i++) {
	}
}

int main(void)
{
	RCC_AHB4ENR |= (1u << 2) | (1u << 9); /* GPIOC, GPIOJ */
	(void)RCC_AHB4ENR;
	GPIO_MODER(GPIOJ_BASE) = (GPIO_MODER(GPIOJ_BASE) & ~(3u << 4)) | (1u << 4); /* PJ2 out */
	GPIO_MODER(GPIOC_BASE) &= ~(3u << 26);                                      /* PC13 in */
	for (unsigned i = 0;; i = (i + 1u) % 8u) {
		GPIO_BSRR(GPIOJ_BASE) = (i % 2u) ? (1u << 2) : (1u << 18); /* on: low */
		delay(pattern[i]);
		if (GPIO_IDR(GPIOC_BASE) & (1u << 13))
			qdfu_enter_bootloader();
	}
}
