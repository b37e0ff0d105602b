/* SPDX-License-Identifier: MIT */
/*
 * Cortex-M7 special registers the port changes (ARMv7-M B1.4.3, B5.2):
 * PRIMASK, FAULTMASK, BASEPRI, and the branch to an application. Like the
 * memory-mapped registers (mmio.h), they have a host seam: with
 * QDFU_HOST_MMIO each change goes to the core model (sim/h7/scs_model.c),
 * which records them at the branch and decides whether a bus error is
 * ignored (FAULTMASK + SCB_CCR.BFHFNMIGN) or taken.
 */
#ifndef QDFU_PORT_STM32H7_CPU_H
#define QDFU_PORT_STM32H7_CPU_H

#include <stdbool.h>
#include <stdint.h>

#ifdef QDFU_HOST_MMIO
/* Implemented by the core model (sim/h7/scs_model.c). */
void mmio_cpu_primask(bool set);
void mmio_cpu_faultmask(bool set);
void mmio_cpu_basepri(uint32_t v);
void mmio_cpu_branch(uint32_t vector_table);

static inline void h7_irq_disable(void)
{
	mmio_cpu_primask(true);
}
static inline void h7_irq_enable(void)
{
	mmio_cpu_primask(false);
}
static inline void h7_fault_disable(void)
{
	mmio_cpu_faultmask(true);
}
static inline void h7_fault_enable(void)
{
	mmio_cpu_faultmask(false);
}
static inline void h7_basepri(uint32_t v)
{
	mmio_cpu_basepri(v);
}
#else
static inline void h7_irq_disable(void)
{
	__asm volatile("cpsid i" ::: "memory");
}
static inline void h7_irq_enable(void)
{
	__asm volatile("cpsie i" ::: "memory");
}
/* FAULTMASK = 1: execution priority -1 (every exception but NMI held off;
 * with SCB_CCR.BFHFNMIGN, precise data bus faults are ignored). */
static inline void h7_fault_disable(void)
{
	__asm volatile("cpsid f" ::: "memory");
}
static inline void h7_fault_enable(void)
{
	__asm volatile("cpsie f" ::: "memory");
}
static inline void h7_basepri(uint32_t v)
{
	__asm volatile("msr basepri, %0" ::"r"(v) : "memory");
}
#endif

#endif
