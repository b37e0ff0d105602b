/* SPDX-License-Identifier: MIT */
/* GPIO ports A..K. */
#ifndef QDFU_PORT_STM32H7_REGS_GPIO_H
#define QDFU_PORT_STM32H7_REGS_GPIO_H

#include <stddef.h>
#include <stdint.h>

#define GPIOA_BASE      0x58020000u
#define GPIO_PORT_STEP  0x400u
#define GPIO_PORTS      11u /* A..K */
#define GPIO_BASE(port) (GPIOA_BASE + (uint32_t)(port)*GPIO_PORT_STEP)

struct gpio_regs {
	volatile uint32_t MODER;   /* 0x00: 2 bits per pin, 0 in, 1 out, 2 AF, 3 analog */
	volatile uint32_t OTYPER;  /* 0x04 */
	volatile uint32_t OSPEEDR; /* 0x08: 3 = very high */
	volatile uint32_t PUPDR;   /* 0x0C: 1 pull-up, 2 pull-down */
	volatile uint32_t IDR;     /* 0x10 */
	volatile uint32_t ODR;     /* 0x14 */
	volatile uint32_t BSRR;    /* 0x18: set low half, reset high half */
	volatile uint32_t LCKR;    /* 0x1C */
	volatile uint32_t AFR[2];  /* 0x20, 0x24: 4 bits per pin */
};

_Static_assert(offsetof(struct gpio_regs, IDR) == 0x10, "GPIOx_IDR");
_Static_assert(offsetof(struct gpio_regs, BSRR) == 0x18, "GPIOx_BSRR");
_Static_assert(offsetof(struct gpio_regs, AFR) == 0x20, "GPIOx_AFRL");
_Static_assert(sizeof(struct gpio_regs) == 0x28, "GPIO block size");

#define GPIO_MODE_INPUT  0u
#define GPIO_MODE_OUTPUT 1u
#define GPIO_MODE_AF     2u
#define GPIO_MODE_ANALOG 3u
#define GPIO_PULL_NONE   0u
#define GPIO_PULL_UP     1u
#define GPIO_PULL_DOWN   2u
#define GPIO_SPEED_VHIGH 3u

#endif
