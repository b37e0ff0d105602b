/* SPDX-License-Identifier: MIT */
/*
 * Inside one NOR chip model: the state shared by the SPI command model
 * (nor_model.c) and the octal front end of the OPI parts (nor_octal.c).
 * Private to sim/nor: everything else uses nor_model.h.
 */
#ifndef QDFU_SIM_NOR_CHIP_H
#define QDFU_SIM_NOR_CHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/port.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_parts.h"
#include "sim/nor/nor_torn.h"

#define SFDP_MAX 256u

enum busy_kind { B_NONE = 0, B_PROGRAM, B_ERASE, B_OTHER };

/* The protocol an octal chip listens in (MX25LM51245G CR2 address
 * 0x00000000: SOPI bit 0, DOPI bit 1). */
enum nor_opi_proto { OPI_SPI = 0, OPI_STR, OPI_DTR };

/* Configuration register 2 of the octal parts (nor_octal.c). */
struct nor_opi {
	enum nor_opi_proto proto;
	uint8_t cr2_mode;   /* 0x00000000: SOPI / DOPI (volatile) */
	uint8_t cr2_dqs;    /* 0x00000200: DQSPRC / DOS */
	uint8_t cr2_dc;     /* 0x00000300: DC[2:0] dummy cycles */
	uint8_t cr2_pp;     /* 0x00000500: PPTSEL */
	uint8_t cr2_nv;     /* 0x40000000: DEFSOPI / DEFDOPI (non-volatile) */
	uint8_t cr2_nv_new; /* written, lands when the busy period ends */
	bool nv_pending;
	uint32_t complement_errors; /* OPI commands with a wrong complement byte */
	uint32_t dtr_errors;        /* odd DTR data, DTR read without DQS */
};

struct nor_chip {
	const struct nor_part *p;
	uint8_t *mem;
	char *map_path; /* mem is this state file, mapped (nor_chip_load) */
	uint8_t sfdp[SFDP_MAX];
	uint32_t sfdp_len;
	/* status */
	uint8_t sr1, sr2, sr3, fsr, scur;
	uint8_t cr3;            /* S25FS-S CR3NV (non-volatile: sector architecture) */
	uint8_t sr1_nv, sr2_nv; /* non-volatile copies: what a power cycle restores */
	bool vsr_we, vsr_armed; /* Winbond family 0x50: the next status write is volatile */
	bool wel, addr4, qpi, dpd, rst_en;
	uint8_t crm;         /* continuous read (XIP) after this 1-4-4 opcode, 0 = off */
	uint64_t deaf_until; /* tRES1 / tRST: nothing heard, data line not driven */
	/* running operation */
	enum busy_kind busy;
	uint64_t busy_until;
	bool fail_pending; /* the running op failed: set error bits at its end */
	uint32_t tgt_addr, tgt_len;
	unsigned faults;
	uint8_t ignored_ops[256 / 8]; /* opcodes this instance does not have */
	uint8_t id[3];                /* JEDEC ID answered (the part's unless set) */
	struct nor_torn torn;         /* what a power cut leaves (nor_torn.c) */
	uint32_t rng;
	struct nor_chip_state st;
	struct nor_opi opi; /* octal parts only */
	/* fuzz targets' checkpoint (nor_chip_checkpoint): the 64 KiB
	 * granules changed since (bits), and everything as it was */
	uint8_t *dirty;
	uint8_t *ck_mem;
	struct nor_chip *ck;
};

/* nor_model.c internals the octal front end drives. */
int nor_model_spi_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                          uint8_t *rx);
void nor_model_start_busy(struct nor_chip *c, enum busy_kind k, uint64_t us, uint32_t a,
                          uint32_t len);

#endif
