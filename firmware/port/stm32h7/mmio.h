/* SPDX-License-Identifier: MIT */
/*
 * Register access for port/stm32h7. Registers are described as structs named
 * and laid out as in the reference manual (offsets checked by static
 * asserts) and are ONLY accessed through these helpers, so the very same
 * driver code can run on the host against register models (sim/h7): there,
 * QDFU_HOST_MMIO is defined and every access is dispatched to the model
 * that owns the address (side effects such as "write START to begin an
 * erase" or "reading GRXSTSP pops the RX FIFO" happen in the model).
 *
 * Write-to-trigger registers take a plain store (mmio_write), never a
 * read-modify-write (DWC2 GRSTCTL flush bits, FCR/CCR clear registers).
 */
#ifndef QDFU_PORT_STM32H7_MMIO_H
#define QDFU_PORT_STM32H7_MMIO_H

#include <stdint.h>

#ifdef QDFU_HOST_MMIO
/* Implemented by sim/h7/mmio_bus.c: routes to the model owning addr. */
uint32_t mmio_read(const volatile uint32_t *reg);
void mmio_write(volatile uint32_t *reg, uint32_t v);
/* 8/16-bit data-register accesses (QUADSPI DR byte access). */
uint8_t mmio_read8(const volatile uint8_t *reg);
void mmio_write8(volatile uint8_t *reg, uint8_t v);
/* 16-bit data-register access (CRC_DR half-word writes). */
void mmio_write16(volatile uint16_t *reg, uint16_t v);
/* Peripheral base addresses are remapped to model memory on the host. */
uintptr_t mmio_base(uintptr_t target_base);
#define MMIO_BASE(addr) mmio_base(addr)
#else
static inline uint32_t mmio_read(const volatile uint32_t *reg)
{
	return *reg;
}
static inline void mmio_write(volatile uint32_t *reg, uint32_t v)
{
	*reg = v;
}
static inline uint8_t mmio_read8(const volatile uint8_t *reg)
{
	return *reg;
}
static inline void mmio_write8(volatile uint8_t *reg, uint8_t v)
{
	*reg = v;
}
static inline void mmio_write16(volatile uint16_t *reg, uint16_t v)
{
	*reg = v;
}
#define MMIO_BASE(addr) ((uintptr_t)(addr))
#endif

static inline void mmio_set(volatile uint32_t *reg, uint32_t bits)
{
	mmio_write(reg, mmio_read(reg) | bits);
}

static inline void mmio_clear(volatile uint32_t *reg, uint32_t bits)
{
	mmio_write(reg, mmio_read(reg) & ~bits);
}

static inline void mmio_modify(volatile uint32_t *reg, uint32_t mask, uint32_t value)
{
	mmio_write(reg, (mmio_read(reg) & ~mask) | (value & mask));
}

#endif
