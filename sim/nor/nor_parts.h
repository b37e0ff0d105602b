/* SPDX-License-Identifier: MIT */
/*
 * One descriptor per modelled SPI-NOR part: everything the behavioural
 * model (nor_model.c) and the SFDP generator (nor_sfdp_gen.c) need. Values
 * come from the shared facts (datasheet figures); the ones marked
 * "unverified" in nor_parts.c still need a datasheet check.
 */
#ifndef QDFU_SIM_NOR_PARTS_H
#define QDFU_SIM_NOR_PARTS_H

#include <stdbool.h>
#include <stdint.h>

enum nor_vendor {
	NOR_V_MICRON,
	NOR_V_WINBOND,
	NOR_V_MACRONIX,
	NOR_V_ISSI,
	NOR_V_GIGADEVICE,
	NOR_V_ADESTO,
	NOR_V_SPANSION, /* Cypress / Infineon S25FS-S */
};

/* S25FS-S read any register: address, 8 latency clocks, one byte */
#define NOR_MODEL_OP_RDAR 0x65u

struct nor_erase_type {
	uint8_t log2; /* 0 = absent */
	uint8_t opcode;
	uint32_t typ_ms, max_ms;
};

struct nor_part {
	const char *name;
	uint8_t id[3];
	uint32_t size;
	enum nor_vendor vendor;
	struct nor_erase_type erase[4];
	uint32_t pp_typ_us, pp_max_us;
	uint32_t chip_typ_ms, chip_max_ms;
	uint8_t qer;        /* JESD216 quad enable requirement */
	bool qe_factory;    /* QE set when shipped */
	uint8_t eb_clocks;  /* 0xEB: mode + dummy clocks */
	bool addr4;         /* > 16 MiB: 4-byte opcodes and 0xB7/0xE9 */
	bool b7_needs_wren; /* Micron: enter/exit 4-byte mode need WEL */
	uint8_t sfdp_minor; /* BFPT revision: 0 (9 DWORDs), 5/6 (16), 8 (20), 10 (23) */
	bool no_sfdp;       /* no SFDP at all: 0x5A is an unknown instruction */
	/* S25FS-S hybrid sectors: 4 KiB parameter sectors at the bottom or top
	 * or none (uniform), chosen by CR3NV[3] / CR1NV[2], read with RDAR 0x65;
	 * the SFDP has a sector map with configuration detection commands */
	bool hybrid_sectors;
	/* deaf windows: no command heard, data line not driven */
	uint32_t tres1_us; /* after 0xAB releases deep power-down */
	uint32_t trst_us;  /* after a 0x66/0x99 soft reset */
	/* OPI part (MX25LM51245G): SPI / OPI STR / OPI DTR through CR2
	 * (sim/nor/nor_octal.c); 1-1-1 only in SPI, no quad */
	bool octal;
};

extern const struct nor_part nor_parts[];
extern const unsigned nor_parts_count;

/* Build the SFDP image of p into buf (cap bytes); returns its length. */
uint32_t nor_sfdp_build(const struct nor_part *p, uint8_t *buf, uint32_t cap);

#endif
