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
#include "mmio.h"

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
/* The VOS in force, 0..3 (the register's encoding differs per line), 3
 * until VOSRDY (power.c). */
unsigned h7_vos_now(const struct board *b);
/* FLASH_ACR (LATENCY | WRHIGHFREQ << 4) for an AXI clock at VOS 0..3 on
 * the board's line, per the RM table (clock.c, docs/clocks.md). */
uint32_t h7_flash_acr_for(const struct board *b, uint32_t aclk_hz, unsigned vos);

/* timebase.c: SysTick at 1 kHz from the CPU clock. */
void h7_timebase_init(uint32_t cpu_hz);

/* dualcore.c: on dual-core boards whose Cortex-M4 may run, wait (bounded)
 * for it to park in D2 stop and hold HSEM 0 (QDFU_E_BUSY when it does not
 * park: bank 2 then stays read-only); h7_cm4_held(): parked and held. */
int h7_dualcore_park(const struct board *b);
bool h7_cm4_held(void);

/* system.c: keep a fault record in the no-init words (port_take_fault
 * returns it after the reset). fault.c: the fault handlers' body: record
 * what the core says (exception, CFSR, HFSR, BFAR/MMFAR, stacked PC from
 * frame when it lies in RAM) and reset into DFU. */
struct port_fault;
void h7_fault_record(const struct port_fault *f);
void h7_fault_entry(uint32_t exception, const uint32_t *frame);
/* A copy that may hit a bus error (fault.c): between begin and end, a bus
 * error makes the fault vector skip the load and return; end says whether
 * one happened. h7_fault_guard(frame) is the vector's first step (true:
 * handled, return from the exception). */
void h7_fault_guard_begin(void);
bool h7_fault_guard_end(void);
bool h7_fault_guard(uint32_t *frame);

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
static inline uint8_t h7_read8_guarded(const volatile uint8_t *p)
{
	return mmio_read8(p);
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
/* One byte from memory that may answer with a bus error, inside a fault
 * guard: a single load without writeback, so the fault vector can step
 * over it (a post-indexed ldrb the compiler would pick for a copy loop
 * loses its writeback when skipped, and the loop never ends: found by
 * qemu_m7_fault_guard). A skipped load leaves 0xFF. */
static inline uint8_t h7_read8_guarded(const volatile uint8_t *p)
{
	uint32_t v = 0xFFu;
	__asm volatile("ldrb %0, [%1]" : "+l"(v) : "l"(p) : "memory");
	return (uint8_t)v;
}
#endif

#endif
