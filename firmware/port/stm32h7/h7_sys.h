/* SPDX-License-Identifier: MIT */
/*
 * Internal API between the part-1 files of port/stm32h7 (start-up, power,
 * clocks, time base, USB). Not part of port.h or the shared h7.h.
 */
#ifndef QDFU_PORT_STM32H7_H7_SYS_H
#define QDFU_PORT_STM32H7_H7_SYS_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

/* power.c: supply (PWR_CR3, written at most once), VOS1, USB regulator.
 * Returns 0, QDFU_E_TIMEOUT or QDFU_E_STATE (supply already configured
 * differently, e.g. by another boot stage: we keep running as we are). */
/* The board given to port_init() (NULL before). */
const struct board *h7_board(void);

int h7_power_init(const struct board *b);
int h7_power_usb_init(void);

/* clock.c: flash wait states, PLL1 (or stay on HSI 64 MHz when something
 * does not come up in time), HSI48 + CRS for USB. */
int h7_clock_init(const struct board *b);
int h7_clock_usb_init(const struct board *b);
uint32_t h7_sysclk_hz(void);
/* FLASH_ACR (LATENCY | WRHIGHFREQ << 4) for an AXI clock at VOS 1..3, per
 * the RM table (clock.c). */
uint32_t h7_flash_acr_for(uint32_t aclk_hz, unsigned vos);

/* timebase.c: SysTick at 1 kHz from the CPU clock. */
void h7_timebase_init(uint32_t cpu_hz);

/* system.c: keep a fault record in the no-init words (port_take_fault
 * returns it after the reset). fault.c: the fault handlers' body: record
 * what the core says (exception, CFSR, HFSR, BFAR/MMFAR, stacked PC from
 * frame when it lies in RAM) and reset into DFU. */
struct port_fault;
void h7_fault_record(const struct port_fault *f);
void h7_fault_entry(uint32_t exception, const uint32_t *frame);

/* usb_dwc2.c: the interrupt body (called by the OTG_HS/OTG_FS vectors;
 * on the host by the model's test harness when the interrupt is pending). */
void h7_usb_irq(void);
#ifdef QDFU_HOST_MMIO
/* Host builds only: the driver's state as after .bss clearing (a simulated
 * MCU reset keeps the process, and with it the statics). */
void h7_usb_forget_state(void);
#endif

/*
 * Bounded register wait: poll until (reg & mask) == value, checking every
 * step_us, for at most timeout_us (measured with h7_delay_us, so the same
 * code runs in virtual time on the host). Returns 0 or QDFU_E_TIMEOUT.
 */
int h7_wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t value, uint32_t timeout_us);

/* Memory barriers (no-ops against the host models, which are sequential). */
#ifdef QDFU_HOST_MMIO
static inline void h7_dsb(void)
{
}
static inline void h7_isb(void)
{
}
#else
static inline void h7_dsb(void)
{
	__asm volatile("dsb 0xF" ::: "memory");
}
static inline void h7_isb(void)
{
	__asm volatile("isb 0xF" ::: "memory");
}
#endif

#endif
