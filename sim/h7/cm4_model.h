/* SPDX-License-Identifier: MIT */
/*
 * The second core of the STM32H745/H747 as the Cortex-M7's bootloader sees
 * it, with ST's dual-core start-up (STM32CubeH7 dual-core examples, e.g.
 * STM32H747I-DISCO DFU_Standalone CM4/CM7 main.c):
 *  - with BCM4 set, the M4 boots from bank 2 at reset, runs for a while,
 *    arms a notification on hardware semaphore 0 and parks in D2 stop
 *    (RCC_CR.D2CKRDY reads 0 while it is parked and no D2 peripheral is
 *    clocked); firmware that is not ST's template never parks;
 *  - a release of HSEM 0 wakes it (it then runs from bank 2 again).
 * Rules (counted in the system model's errors): power and clock registers
 * written while an M4 that is going to park has not parked yet (ST's M7
 * waits first); the M4 woken while the bootloader still runs.
 * The HSEM block (0x58026400): R[n] / RLR[n] with the 1-step read lock,
 * core IDs of RM0399 (CM7 3, CM4 1).
 */
#ifndef QDFU_SIM_H7_CM4_MODEL_H
#define QDFU_SIM_H7_CM4_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct cm4_config {
	bool boots;       /* BCM4 = 1: the M4 runs from bank 2 at reset */
	uint32_t park_us; /* it parks this long after reset; 0 = never */
};

enum cm4_state { CM4_GATED, CM4_STARTING, CM4_PARKED, CM4_RUNNING };

/* Register the HSEM block (after mmio_reset()). fail() reports a rule. */
int cm4_model_init(const struct cm4_config *cfg, void (*fail)(const char *msg));
enum cm4_state cm4_model_state(void);
/* RCC_CR.D2CKRDY as the M7 reads it; d2_clocked: a D2 peripheral is on. */
bool cm4_model_d2ckrdy(bool d2_clocked);
/* The M7 changes power or clocks (RCC CFGR/PLL/D1CFGR, PWR supply/VOS). */
void cm4_model_clock_touched(const char *what);
/* HSEM 0 is held by the M7 (core 3). */
bool cm4_model_hsem0_held_by_cm7(void);

#endif
