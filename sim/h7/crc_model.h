/* SPDX-License-Identifier: MIT */
/*
 * Register model of the STM32H7 CRC calculation unit (RM0433 / RM0399,
 * firmware/port/stm32h7/regs_crc.h) at 0x58024C00.
 *
 * Unkind where silicon is: without its clock (the gate callback says
 * RCC_AHB4ENR.CRCEN is off) reads give 0 and writes are lost; each write
 * to DR feeds exactly its width (8, 16 or 32 bits, most-significant bit
 * first) after the REV_IN reversal; a REV_IN reversal wider than the write
 * gives a wrong value, as reported on H7 silicon for byte writes with
 * word reversal, and is counted as a fault; only 32-bit polynomials are
 * modelled (another POLYSIZE is a fault). Each DR write costs the AHB
 * clock cycles of the reference manual's figure: 4 for a word, 2 for a
 * half-word, 1 for a byte.
 */
#ifndef QDFU_SIM_H7_CRC_MODEL_H
#define QDFU_SIM_H7_CRC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Registers the model on the MMIO bus (again after an mmio_reset();
 * -1 when the range is taken, i.e. already registered). clock_on NULL:
 * the clock is always on (the simulator's port enables every clock). */
int crc_model_attach(bool (*clock_on)(void));
/* Registers as after a reset, counters cleared. */
void crc_model_reset(void);
unsigned crc_model_faults(void);
const char *crc_model_last_fault(void);
/* AHB clock cycles of the DR writes so far. */
uint64_t crc_model_cycles(void);

/* The cost of a word written to DR (reference manual: 4 AHB cycles), and
 * the AHB clock every board's plan gives (200 MHz): what the simulator's
 * port charges (sim/port/crc.c) and the benchmark's ceiling counts for a
 * CRC of internal flash (bench/sim/constants.c). */
#define CRC_MODEL_CYCLES_PER_WORD 4u
#define CRC_MODEL_AHB_HZ          200000000u

#endif
