/* SPDX-License-Identifier: MIT */
/*
 * Internal API shared by the files of port/stm32h7 (not part of port.h).
 * Owners: clocks/power/gpio/usb (part 1), quadspi/flash/boot (part 2).
 */
#ifndef QDFU_PORT_STM32H7_H7_H
#define QDFU_PORT_STM32H7_H7_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

/* GPIO (gpio.c) */
void h7_gpio_af(const struct board_pin *p); /* alternate function, very high speed */
void h7_gpio_output(const struct board_pin *p, bool active);
void h7_gpio_input(const struct board_pin *p);  /* input, pull towards inactive */
bool h7_gpio_active(const struct board_pin *p); /* honours active_high */

/* Clocks (clock.c): valid after port_init() */
uint32_t h7_hclk_hz(void);        /* AXI/AHB clock */
uint32_t h7_qspi_kernel_hz(void); /* QUADSPI kernel clock */

/* Time base (systick or DWT based, system.c) */
void h7_delay_us(uint32_t us);

/* Boot-time helpers (boot_h7.c) */
void h7_quiesce_for_app(void); /* interrupts, SysTick, USB off, caches clean */

#endif
