/* SPDX-License-Identifier: MIT */
/*
 * What the rest of the STM32H7 port provides to a flash-bus driver on the
 * host (time, RCC storage, board pins, h7_wait_reg), and the OCTOSPI bus
 * set up with the register model and NOR chip models.
 */
#ifndef QDFU_TESTS_OSPI_HARNESS_H
#define QDFU_TESTS_OSPI_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

struct nor_chip;

extern struct nor_chip *ospi_chips[2];
extern uint32_t ospi_rcc[0x100]; /* RCC registers by offset / 4 */

/* Fresh model time, MMIO, RCC, MPU, OCTOSPI model and chip(s) (part; a
 * second chip of the same part if dual). */
void ospi_setup(const char *part, bool dual);
int ospi_teardown(void **state);
/* Run a NOR operation to its end (nor_poll until not busy). */
int ospi_run(int rc);

#endif
