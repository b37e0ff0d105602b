/* SPDX-License-Identifier: MIT */
/* GPIO helpers of h7.h: pins as the board files describe them. */
#include "h7.h"
#include "mmio.h"
#include "regs_gpio.h"
#include "regs_rcc.h"

static struct gpio_regs *port_regs(const struct board_pin *p)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);

	if (p->port >= GPIO_PORTS || p->pin > 15)
		return 0;
	if (!(mmio_read(&rcc->AHB4ENR) & RCC_AHB4ENR_GPIOEN(p->port))) {
		mmio_set(&rcc->AHB4ENR, RCC_AHB4ENR_GPIOEN(p->port));
		(void)mmio_read(&rcc->AHB4ENR); /* let the enable land */
	}
	return (struct gpio_regs *)MMIO_BASE(GPIO_BASE(p->port));
}

static void field2(volatile uint32_t *reg, unsigned pin, uint32_t v)
{
	mmio_modify(reg, 3u << (2 * pin), v << (2 * pin));
}

void h7_gpio_af(const struct board_pin *p)
{
	struct gpio_regs *g = port_regs(p);

	if (!g)
		return;
	/* Alternate function selected before the mode, so the pin never
	 * drives another function's signal. */
	mmio_modify(&g->AFR[p->pin / 8], 0xFu << (4 * (p->pin % 8)),
	            (uint32_t)(p->af & 0xF) << (4 * (p->pin % 8)));
	mmio_clear(&g->OTYPER, 1u << p->pin);
	field2(&g->OSPEEDR, p->pin, GPIO_SPEED_VHIGH);
	field2(&g->PUPDR, p->pin, GPIO_PULL_NONE);
	field2(&g->MODER, p->pin, GPIO_MODE_AF);
}

void h7_gpio_af_open_drain(const struct board_pin *p)
{
	struct gpio_regs *g = port_regs(p);

	if (!g)
		return;
	h7_gpio_af(p);
	mmio_set(&g->OTYPER, 1u << p->pin); /* I2C: the bus is open drain */
}

void h7_gpio_output(const struct board_pin *p, bool active)
{
	struct gpio_regs *g = port_regs(p);

	if (!g)
		return;
	bool high = active == (p->active_high != 0);
	/* Level first (BSRR: set in the low half, reset in the high half). */
	mmio_write(&g->BSRR, high ? 1u << p->pin : 1u << (p->pin + 16));
	mmio_clear(&g->OTYPER, 1u << p->pin);
	field2(&g->MODER, p->pin, GPIO_MODE_OUTPUT);
}

void h7_gpio_input(const struct board_pin *p)
{
	struct gpio_regs *g = port_regs(p);

	if (!g)
		return;
	field2(&g->PUPDR, p->pin, p->active_high ? GPIO_PULL_DOWN : GPIO_PULL_UP);
	field2(&g->MODER, p->pin, GPIO_MODE_INPUT);
}

bool h7_gpio_active(const struct board_pin *p)
{
	struct gpio_regs *g = port_regs(p);

	if (!g)
		return false;
	bool high = (mmio_read(&g->IDR) >> p->pin) & 1u;
	return high == (p->active_high != 0);
}
