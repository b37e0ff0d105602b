/* SPDX-License-Identifier: MIT */
/*
 * Behavioural SPI-NOR chip models: the contract between the chip models
 * (sim/nor, NOR area) and what drives them: the host port's QUADSPI
 * stand-in (sim/port/qspi.c) and the QUADSPI register model
 * (sim/h7). One command = one chip-select cycle, described by the same
 * descriptor the firmware uses on the real bus.
 *
 * The implementation may extend this header (fault injection, inspection),
 * but these functions keep their meaning.
 */
#ifndef QDFU_SIM_NOR_MODEL_H
#define QDFU_SIM_NOR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/port.h"

struct nor_chip;

/* Names of every modelled part ("MT25QL512ABB", "W25Q64JV", ...), NULL-terminated. */
const char *const *nor_model_names(void);

/* Create a chip by part name (case-insensitive); NULL if unknown. Contents
 * start erased (0xFF) unless loaded. */
struct nor_chip *nor_chip_create(const char *part);
void nor_chip_destroy(struct nor_chip *c);

/* Raw array contents (size bytes): for state files and test inspection. */
uint32_t nor_chip_size(const struct nor_chip *c);
uint8_t *nor_chip_array(struct nor_chip *c);
/* Load maps the state file (created erased if missing, sim/state/
 * state_file.h): from then on the file follows every operation, and save
 * to the same path only makes it durable. -1 if it cannot be mapped. */
int nor_chip_load(struct nor_chip *c, const char *path);
int nor_chip_save(const struct nor_chip *c, const char *path);

/* One command on one chip (single line of the bus, as the chip sees it):
 * address already as on the wire (halved in dual-flash mode). For a read
 * phase the model fills rx[0..c->data_len); for a write phase it consumes
 * tx. Returns 0, or a negative value if the command is malformed for this
 * chip (the model then ignores it, as silicon does). */
int nor_chip_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                     uint8_t *rx);

/* Fuzz targets, per input: remember the whole chip (checkpoint; -1 out of
 * memory), then go back to it (rollback: registers, the array bytes
 * operations changed, nothing running). */
int nor_chip_checkpoint(struct nor_chip *c);
void nor_chip_rollback(struct nor_chip *c);

/* Power cycle: volatile state lost (WEL, volatile SR bits, QPI, address
 * mode back to the power-up default); a running program/erase corrupts its
 * target. */
void nor_chip_power_cycle(struct nor_chip *c);

/* ---- extensions: inspection and fault injection (tests, simulator) ---- */

/* Part name of a chip (as in nor_model_names()). */
const char *nor_chip_name(const struct nor_chip *c);

/* The chip's SFDP image, generated from its descriptor. */
const uint8_t *nor_chip_sfdp(const struct nor_chip *c, uint32_t *len);

enum nor_fault {
	NOR_FAULT_PROGRAM = 1u,    /* the next page program fails */
	NOR_FAULT_ERASE = 2u,      /* the next erase (sector or chip) fails */
	NOR_FAULT_STUCK_BUSY = 4u, /* the next program/erase never ends (until power cycle) */
	NOR_FAULT_SLOW = 8u,       /* the next program/erase takes twice its maximum + 100 ms */
};
void nor_chip_inject(struct nor_chip *c, unsigned faults);

struct nor_chip_state {
	bool busy, wel, addr4, qpi, dpd, qe;
	bool deaf;              /* in tRES1 / tRST: every command ignored, data line undriven */
	bool crm;               /* continuous read (XIP): the next command is taken as an address */
	uint8_t sr1, sr2, sr3;  /* sr3: Winbond SR3 / Macronix CR */
	uint8_t fsr, scur;      /* Micron flag status, Macronix security register */
	uint32_t programs;      /* page programs executed */
	uint32_t quad_programs; /* ... of them with the data on 4 lines (0x32/0x34/0x38/0x3E) */
	uint32_t erases[4];     /* erases executed, by erase type 1..4 */
	uint32_t chip_erases;
	uint32_t ignored; /* commands ignored (busy, WEL, QPI mismatch, malformed) */
};
void nor_chip_get_state(const struct nor_chip *c, struct nor_chip_state *st);
/* Quirks of other chips, for tests: replace the SFDP image (len <= 256
 * bytes; 0 = no SFDP at all), and make the chip ignore an opcode (as a part
 * without that instruction does). */
void nor_chip_set_sfdp(struct nor_chip *c, const uint8_t *img, uint32_t len);
void nor_chip_ignore_opcode(struct nor_chip *c, uint8_t op);
/* Answer another JEDEC ID (a part of an unknown maker with these semantics). */
void nor_chip_set_id(struct nor_chip *c, const uint8_t id[3]);

/* Set SR1 directly (block protection bits) as a programmer would. */
void nor_chip_set_sr1(struct nor_chip *c, uint8_t sr1);
/* Set every block-protect bit of the part's layout (the whole array
 * protected, volatile and non-volatile copies): qdfu-sim --nor-protect. */
void nor_chip_protect_all(struct nor_chip *c);
/* S25FS-S parts: the sector architecture (CR3NV[3], CR1NV[2]): uniform
 * 256 KiB sectors (the model's default), or 4 KiB parameter sectors at the
 * bottom or top. Ignored on other parts. */
void nor_chip_set_sector_config(struct nor_chip *c, bool hybrid, bool top);

#endif
