/* SPDX-License-Identifier: MIT */
#ifndef QDFU_TESTS_RAM_QSPI_H
#define QDFU_TESTS_RAM_QSPI_H

#include <stdbool.h>
#include <stdint.h>

#define RAM_QSPI_BASE         0x90000000u
#define RAM_QSPI_SIZE         (1024u * 1024u)
#define RAM_QSPI_PAGE         (64u * 1024u)
#define RAM_QSPI_UNIT         (4u * 1024u)
#define RAM_QSPI_JOURNAL      (RAM_QSPI_SIZE - 2u * RAM_QSPI_UNIT) /* offset */
#define RAM_QSPI_ERASE_TYP_MS 150u
#define RAM_QSPI_ERASE_MAX_MS 2000u

struct ram_qspi {
	uint8_t mem[RAM_QSPI_SIZE];
	bool absent, fail_erase, fail_program;
	bool worst_case; /* operations take their reported maximum time */
	unsigned erases, programs;
	unsigned data_erases, data_programs; /* outside the boot journal */
	unsigned refused;                    /* operations outside the region or while busy */
	unsigned busy_reads;                 /* reads while busy (refused too) */
	unsigned reads;                      /* reads served */
	unsigned busy_resets;                /* MCU resets (port_reset) while busy */
};
extern struct ram_qspi ram_qspi;
/* erase_unit of the region at the next boot (0: erases not deferred, as
 * the busy-reporting tests need real erases) */
extern uint32_t ram_qspi_erase_unit;
void ram_qspi_reset(void);
/* An erase or program still runs. */
bool ram_qspi_busy(void);
/* Fuzz targets, per input: the bytes changed since the last reset or
 * rollback take SNAPSHOT's contents, counters and fault switches clear. */
void ram_qspi_rollback(const uint8_t *snapshot);
/* Power lost: nothing runs any more when it comes back. */
void ram_qspi_power_cut(void);

#endif
