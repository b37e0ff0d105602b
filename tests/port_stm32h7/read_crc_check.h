/* SPDX-License-Identifier: MIT */
/*
 * nor_read_crc through a flash-bus driver's port_qspi_read_crc (the CRC
 * unit fed from the FIFO as it drains) checked against the table CRC,
 * shared by the QUADSPI and OCTOSPI driver tests.
 */
#ifndef QDFU_TESTS_READ_CRC_CHECK_H
#define QDFU_TESTS_READ_CRC_CHECK_H

#include <stdint.h>

/* d[0..n) is stored at NOR offset at. For every start 0..3 and a set of
 * lengths (0, 1..9, a FIFO's worth +-1, nor.c's 4 KiB chunk +-1, the rest):
 * nor_read_crc gives mem_crc32_update's value, continued from a previous
 * CRC too; every byte went through the CRC unit's model (one AHB cycle a
 * byte) and the model saw no misuse. */
void read_crc_check(uint32_t at, const uint8_t *d, uint32_t n);

#endif
