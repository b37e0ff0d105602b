/* SPDX-License-Identifier: MIT */
/*
 * Register model of the OCTOSPI1 of the STM32H72x/H73x and H7A3/B0/B3
 * (RM0468 / RM0455 OCTOSPI; bit positions of ST's CMSIS stm32h735xx.h),
 * with the IO manager (OCTOSPIM), OCTOSPI2's CR and OCTOSPI1's delay
 * block, wired to one NOR chip model or two (dual-quad) like
 * quadspi_model.c. As unkind as the silicon where the facts say how:
 *  - registers other than CR.EN/ABORT, FCR and DR ignored while BUSY;
 *  - FMODE in CR; a command starts at the IR write (no address phase) or
 *    the AR write, never at CCR; FMODE = 11 in CR is memory-mapped mode;
 *  - reserved 3-bit line modes; commands with EN = 0 go nowhere;
 *  - DQS: octal DTR reads without CCR.DQSE, DQSE without OCTOSPIM DQSEN,
 *    memory-mapped mode without WCCR.DQSE (erratum) are faults;
 *  - DTR: octal DTR data phases of an odd byte count (registers are read
 *    and written as 2-byte words); with TCR.DHQC a DTR command without a
 *    data phase and without CCR.DDTR does nothing on the bus;
 *  - the delay block in the sampling path (DLYBYP = 0) while not enabled;
 *  - OCTOSPIM only with RCC_AHB3ENR.IOMNGREN (when told where that is),
 *    PnCR changed with either OCTOSPI enabled, port 1 not routed to
 *    OCTOSPI1;
 *  - an address beyond DEVSIZE sets TEF and sends nothing.
 * Every command goes to the chip models: SPI parts ignore octal or DTR
 * framings (data lines undriven: 0x00), the octal part (sim/nor/nor_octal.c)
 * answers in the protocol its CR2 selects.
 */
#ifndef QDFU_SIM_H7_OCTOSPI_MODEL_H
#define QDFU_SIM_H7_OCTOSPI_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/port.h"

struct nor_chip;

int octospi_model_init(struct nor_chip *chip0, struct nor_chip *chip1);
/* Where RCC_AHB3ENR lives (the test's RCC storage): OCTOSPIM answers only
 * with IOMNGREN set there. NULL (default): always clocked. */
void octospi_model_rcc(const volatile uint32_t *ahb3enr);
/* Faults the model saw and the last one's text ("" if none). */
unsigned octospi_model_faults(void);
const char *octospi_model_last_fault(void);
/* Commands that went out on the bus, and the last one as decoded from the
 * registers (instruction 16-bit when ISIZE = 16 bits; dtr and dqs filled). */
unsigned octospi_model_commands(void);
const struct port_qspi_cmd *octospi_model_last_cmd(void);
bool octospi_model_memmapped(void);
/* A core read through the window (offset from 0x90000000) in memory-mapped
 * mode: 0, or -1 (a fault recorded: not mapped, beyond DEVSIZE). */
int octospi_model_window_read(uint32_t addr, uint8_t *buf, uint32_t n);
/* Raw register read for inspection (offset from OCTOSPI1's base). */
uint32_t octospi_model_reg(uint32_t off);

#endif
