/* SPDX-License-Identifier: MIT */
/*
 * Time base on the target: SysTick at 1 kHz from the CPU clock gives
 * port_millis(); h7_delay_us() counts SysTick down-counter ticks, so it works
 * before interrupts are enabled and across clock changes (re-initialised
 * with the new frequency). The host tests provide their own (virtual time).
 */
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_scb.h"

static volatile uint32_t millis;
static uint32_t ticks_per_us = 64; /* HSI after reset */

void SysTick_Handler(void);
void SysTick_Handler(void)
{
	millis++;
}

void h7_timebase_init(uint32_t cpu_hz)
{
	struct systick_regs *st = (struct systick_regs *)MMIO_BASE(SYSTICK_BASE);

	ticks_per_us = cpu_hz / 1000000u;
	if (ticks_per_us == 0)
		ticks_per_us = 1;
	mmio_write(&st->CSR, 0);
	mmio_write(&st->RVR, cpu_hz / 1000u - 1u);
	mmio_write(&st->CVR, 0);
	mmio_write(&st->CSR, SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE);
}

uint32_t port_millis(void)
{
	return millis;
}

void h7_delay_us(uint32_t us)
{
	struct systick_regs *st = (struct systick_regs *)MMIO_BASE(SYSTICK_BASE);
	uint32_t reload = (mmio_read(&st->RVR) & SYST_RVR_MAX) + 1u;
	/* Split long delays so the tick count never overflows. */
	while (us) {
		uint32_t chunk = us > 1000000u ? 1000000u : us;
		uint32_t need = chunk * ticks_per_us;
		uint32_t elapsed = 0;
		uint32_t prev = mmio_read(&st->CVR);

		us -= chunk;
		while (elapsed < need) {
			uint32_t cur = mmio_read(&st->CVR);
			elapsed += prev >= cur ? prev - cur : prev + reload - cur;
			prev = cur;
		}
	}
}
