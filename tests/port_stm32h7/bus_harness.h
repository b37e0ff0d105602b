/* SPDX-License-Identifier: MIT */
/*
 * What the rest of the STM32H7 port provides to a flash-bus driver
 * (quadspi.c, octospi.c) in a host test: time on the virtual clock, RCC as
 * plain storage, no board pins, h7_wait_reg with a deadline. Shared by the
 * QUADSPI and OCTOSPI driver tests.
 */
#ifndef QDFU_TESTS_BUS_HARNESS_H
#define QDFU_TESTS_BUS_HARNESS_H

#include <stdint.h>

extern uint32_t bus_rcc[0x100]; /* RCC registers by offset / 4 */

/* Fresh virtual clock, MMIO bus, RCC storage and core (SCS) model. */
void bus_harness_reset(void);
/* The CRC unit's model, fresh, its clock always on (port_qspi_read_crc;
 * the harness's port_crc32_update is the port's crc.c driver on it). */
void bus_harness_crc(void);

#endif
