/* SPDX-License-Identifier: MIT */
/*
 * Between the NOR core (nor.c) and its octal layer (octal.c): nor.c builds
 * every command as SPI 1-1-1 and sends it through nor_bus_*, which frame
 * it in the protocol the chip is in now (pass-through without an octal
 * bus). Private to firmware/nor.
 */
#ifndef QDFU_NOR_NOR_OCTAL_H
#define QDFU_NOR_NOR_OCTAL_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/port.h"
#include "nor/nor.h"

int nor_bus_read(const struct port_qspi_cmd *c, void *data);
int nor_bus_write(const struct port_qspi_cmd *c, const void *data);
/* An array read c (nor.c's read command) through the CRC unit as it
 * drains, its bytes not kept (port_qspi_read_crc); in OPI DTR the address
 * and length must be even (QDFU_E_PARAM otherwise). */
int nor_bus_read_crc(const struct port_qspi_cmd *c, uint32_t *crc);
int nor_bus_poll(const struct port_qspi_cmd *c, uint32_t mask, uint32_t match, uint32_t timeout_ms,
                 uint32_t *last);
/* The command c becomes in the current protocol (for memory-mapped mode);
 * QDFU_E_UNSUPPORTED if it has no OPI form. */
int nor_octal_frame(struct port_qspi_cmd *c);

bool nor_octal_bus(void);
/* Data moves in 2-byte words (OPI DTR): addresses and lengths even. */
bool nor_octal_dtr(void);
/* Probe steps: the blind reset in the three protocols; the ID read in
 * each protocol until one answers (read_id is nor.c's, through nor_bus_*);
 * then into the board's protocol. */
void nor_octal_reset_blind(uint32_t clock_hz);
int nor_octal_find(int (*read_id)(void));
int nor_octal_enter(void);
/* nor_set_proto(): the board's protocol from now on. */
int nor_octal_switch(enum nor_proto p);
/* A soft reset just went out (recover): the chip is back in its default. */
void nor_octal_after_reset(void);

/* The XIP hand-over on an octal bus (for nor_xip.c): protocol p if a read
 * of the application's first bytes in p agrees, else SPI 1-1-1; then
 * memory-mapped with that read (*used). */
int nor_octal_handover(enum nor_proto p, uint32_t check_addr, struct port_qspi_cmd *used);

/* nor.c's bounded wait. */
void nor_wait_ms(uint32_t ms);

#endif
