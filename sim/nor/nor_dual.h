/* SPDX-License-Identifier: MIT */
/*
 * Dual-flash mode (RM0399 QUADSPI "dual-flash mode", AN4760): two chips
 * share the clock and chip select; every byte on the controller side
 * alternates between them, even bytes on chip 0 (BK1), odd bytes on chip 1
 * (BK2), and each chip sees half of the address. The one implementation of
 * that interleave, used by the PC port's flash-command bus (sim/port/qspi.c)
 * and the QUADSPI register model (sim/h7/quadspi_model.c).
 */
#ifndef QDFU_SIM_NOR_DUAL_H
#define QDFU_SIM_NOR_DUAL_H

#include <stdint.h>

#include "hal/port.h"

struct nor_chip;

/* Run per_chip (address and data_len already halved) on both chips. tx and
 * rx hold 2 * per_chip->data_len interleaved bytes (either may be NULL);
 * scratch holds at least per_chip->data_len bytes. */
void nor_dual_command(struct nor_chip *const chips[2], const struct port_qspi_cmd *per_chip,
                      const uint8_t *tx, uint8_t *rx, uint8_t *scratch);

#endif
