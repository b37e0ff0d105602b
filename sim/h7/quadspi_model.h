/* SPDX-License-Identifier: MIT */
/*
 * Register model of the STM32H7 QUADSPI (RM0399 23.5) wired to one or two
 * NOR chip models (sim/nor): CCR/DLR/AR/ABR/DR indirect transfers become
 * one chip command each, FTF/TCF/BUSY/SMF as the hardware shows them,
 * status auto-polling in AND mode (OR mode is flagged as a fault), the
 * dual-flash rules of AN4760 (address halved on the wire, even bytes to
 * chip 0, odd bytes to chip 1), memory-mapped mode, abort.
 */
#ifndef QDFU_SIM_H7_QUADSPI_MODEL_H
#define QDFU_SIM_H7_QUADSPI_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct nor_chip;

int quadspi_model_init(struct nor_chip *chip0, struct nor_chip *chip1);
/* Faults the model saw (e.g. OR-mode polling, a register written while
 * busy, data phases that do not match DLR). */
unsigned quadspi_model_faults(void);
const char *quadspi_model_last_fault(void);
/* Commands started on the bus so far, and the alternate bytes the last one
 * sent (ABR as it was when the command started). */
unsigned quadspi_model_commands(void);
uint32_t quadspi_model_last_alt(void);
bool quadspi_model_memmapped(void);
/* The core reading len bytes at 0x90000000 + off (memory-mapped mode):
 * the CCR command runs on the chip(s) with that address. Returns the bus
 * clock cycles it took (instruction, address, alternate bytes, dummy and
 * data phases at their line widths; both chips in parallel), 0 and a
 * fault when the window is not mapped. quadspi_model_bus_cycles() sums
 * them. */
uint32_t quadspi_model_mem_read(uint32_t off, void *buf, uint32_t len);
uint64_t quadspi_model_bus_cycles(void);

#endif
