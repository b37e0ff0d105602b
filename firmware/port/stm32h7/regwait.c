/* SPDX-License-Identifier: MIT */
/*
 * The bounded register wait of port/stm32h7 (h7_sys.h). On its own so the
 * drivers (power, clocks, USB) link without system.c: the simulator runs
 * them with the host's system services.
 */
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"

int h7_wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t value, uint32_t timeout_us)
{
	uint32_t step = timeout_us >= 10000u ? 10u : 1u;

	for (uint32_t waited = 0;; waited += step) {
		if ((mmio_read(reg) & mask) == value)
			return QDFU_OK;
		if (waited >= timeout_us)
			return QDFU_E_TIMEOUT;
		h7_delay_us(step);
	}
}
