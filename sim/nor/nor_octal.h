/* SPDX-License-Identifier: MIT */
/*
 * The octal front end of the chip models (MX25LM51245G): SPI, OPI STR
 * and OPI DTR protocols selected by configuration register 2, the 16-bit
 * opcode with its complement byte, 2-byte register transfers and DQS in
 * DTR, CR2's non-volatile boot-mode default. Commands that pass the
 * octal framing run on the SPI command model (nor_model.c): array,
 * status, protection, busy periods and torn states are shared.
 */
#ifndef QDFU_SIM_NOR_OCTAL_H
#define QDFU_SIM_NOR_OCTAL_H

#include <stdint.h>

#include "hal/port.h"

struct nor_chip;

/* nor_model.c's entry for parts with nor_part.octal. */
int nor_octal_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                      uint8_t *rx);
/* Reset (0x66/0x99 in any protocol) and power-on: volatile CR2 cleared,
 * the protocol taken from the non-volatile default (CR2 0x40000000). */
void nor_octal_reset(struct nor_chip *c);

/* ---- inspection and set-up for tests and the simulator ---- */

/* 0 SPI, 1 OPI STR, 2 OPI DTR; -1 for a chip without OPI. */
int nor_chip_opi_proto(const struct nor_chip *c);
/* Put the chip in a protocol now, as an application that wrote CR2 and
 * then jumped to the bootloader would leave it (volatile). */
void nor_chip_set_opi_proto(struct nor_chip *c, int proto);
/* Program the non-volatile default (CR2 0x40000000: bit 0 DEFSOPI, bit 1
 * DEFDOPI) as a programmer would; it applies from the next power-on or
 * reset. */
void nor_chip_set_cr2_nv(struct nor_chip *c, uint8_t v);
/* OPI commands ignored for a wrong complement byte / for a DTR rule (odd
 * byte count, read without DQS). */
uint32_t nor_chip_complement_errors(const struct nor_chip *c);
uint32_t nor_chip_dtr_errors(const struct nor_chip *c);

#endif
