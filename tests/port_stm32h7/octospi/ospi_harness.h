/* SPDX-License-Identifier: MIT */
/*
 * The OCTOSPI bus set up with the register model and NOR chip models, on
 * the shared port stand-ins of ../bus_harness.h (bus_rcc: RCC registers).
 */
#ifndef QDFU_TESTS_OSPI_HARNESS_H
#define QDFU_TESTS_OSPI_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "bus_harness.h"

struct nor_chip;

extern struct nor_chip *ospi_chips[2];

/* Fresh model time, MMIO, RCC, MPU, OCTOSPI model and chip(s) (part; a
 * second chip of the same part if dual). */
void ospi_setup(const char *part, bool dual);
int ospi_teardown(void **state);
/* Run a NOR operation to its end (nor_poll until not busy). */
int ospi_run(int rc);

#endif
