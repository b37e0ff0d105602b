/* SPDX-License-Identifier: MIT */
/*
 * Model of the Cortex-M7 core state the STM32H7 port touches: the system
 * control space (SysTick, NVIC, SCB, MPU, cache maintenance) and the
 * special registers PRIMASK / FAULTMASK / BASEPRI, which the port changes
 * through the host hooks of firmware/port/stm32h7/cpu.h.
 *
 * As unkind as the core (ARMv7-M ARM B1.5, B3.2, B3.5; PM0253):
 *  - SysTick running with TICKINT while interrupts are masked: the tick
 *    is taken to arrive at the worst moment, so ICSR.PENDSTSET is set and
 *    stays set after SYST_CSR is cleared (only ICSR.PENDSTCLR clears it);
 *  - a bus error on a data load (a double ECC error in the internal flash,
 *    a read beyond the QSPI flash) is a precise BusFault (PM0253 2.5.3),
 *    ignored only while FAULTMASK is set AND SCB_CCR.BFHFNMIGN is 1; the
 *    fault is otherwise taken: the installed fault handler runs (the
 *    port's), or, with none installed, the core "hangs" (counted);
 *  - the branch to an application records PRIMASK, FAULTMASK, BASEPRI,
 *    pending SysTick/PendSV, NVIC enable/pending bits, SysTick, VTOR, CCR
 *    and MPU_CTRL, so tests compare them with the state a reset leaves.
 */
#ifndef QDFU_SIM_H7_SCS_MODEL_H
#define QDFU_SIM_H7_SCS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define SCS_NVIC_WORDS 8u

struct scs_branch {
	bool taken;
	uint32_t sp, pc;
	bool primask, faultmask;
	uint32_t basepri;
	uint32_t icsr; /* PENDSTSET b26, PENDSVSET b28 as at the branch */
	uint32_t iser[SCS_NVIC_WORDS], ispr[SCS_NVIC_WORDS];
	uint32_t syst_csr, vtor, ccr, mpu_ctrl;
};

struct scs_stats {
	unsigned errors;
	char last_error[160];
	unsigned bus_errors;     /* bus errors on data loads, in all */
	unsigned faults_ignored; /* ... ignored (FAULTMASK + BFHFNMIGN) */
	unsigned faults_taken;   /* ... that entered the fault handler */
	unsigned hangs;          /* ... with no handler: endless-loop vectors */
	uint32_t last_fault_addr;
};

/* The port's fault handler on the host (exception number, 3 HardFault,
 * 4 MemManage, 5 BusFault, 6 UsageFault). */
typedef void (*scs_fault_handler)(unsigned exception);

/* Reset the core state and register 0xE000E000..0xE000EFFF with the MMIO
 * bus (call mmio_reset() first). */
int scs_model_init(void);
/* Reset the core state only (for tests that register their own SCS). */
void scs_model_reset(void);
const struct scs_stats *scs_model_stats(void);
const struct scs_branch *scs_model_branch(void);
void scs_model_set_fault_handler(scs_fault_handler h);

/* Register value at an SCS offset (0xE000E000 + off), without side
 * effects; MPU region i's RBAR / RASR. For tests. */
uint32_t scs_model_peek(uint32_t off);
void scs_model_mpu_region(unsigned i, uint32_t *rbar, uint32_t *rasr);
bool scs_model_primask(void);
bool scs_model_faultmask(void);

/* A data load by the CPU got a bus error response (called by models). */
void scs_model_bus_error(uint32_t addr);
/* A peripheral interrupt line pulsed: the NVIC pending bit latches. */
void scs_model_irq_pend(unsigned irq);
/* SCB_AIRCR.SYSRESETREQ written since the last call. */
bool scs_model_take_reset(void);

/* The MPU's effective attributes for an address as the CPU would see
 * them: accessible at all (privileged), and executable. */
bool scs_model_mpu_readable(uint32_t addr);
bool scs_model_mpu_executable(uint32_t addr);

/* What differs from the state a reset leaves, at the recorded branch
 * ("" when nothing): PRIMASK, FAULTMASK, BASEPRI, pending SysTick/PendSV,
 * NVIC enabled or pending, SysTick on. */
const char *scs_model_branch_problems(void);

#endif
