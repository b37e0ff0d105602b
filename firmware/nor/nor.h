/* SPDX-License-Identifier: MIT */
/*
 * SPI-NOR driver over the flash-command bus of port.h: probe (reset to a
 * known state, JEDEC ID, SFDP, ID table, vendor fixups, quad enable), and
 * asynchronous erase / program / chip erase: start, then nor_poll() until
 * it stops returning QDFU_E_BUSY. Each nor_poll() call issues at most one
 * bus command or one status check. One chip, or two in dual-flash mode
 * (addresses, pages and erase blocks then count both chips' bytes).
 * No heap: one static driver instance.
 */
#ifndef QDFU_NOR_NOR_H
#define QDFU_NOR_NOR_H

#include <stdbool.h>
#include <stdint.h>

#define NOR_MAX_ERASE_TYPES 4

struct nor_erase {
	uint32_t size; /* bytes per chip, power of two; 0 = absent */
	uint8_t op;    /* 3-byte (or 4-byte mode) opcode */
	uint8_t op4;   /* dedicated 4-byte opcode, 0 = none */
	uint8_t type;  /* BFPT erase type index 0..3 it came from, NOR_ERASE_TYPE_NONE */
	uint32_t typ_ms, max_ms;
};
#define NOR_ERASE_TYPE_NONE 0xFFu /* from the ID table or BFPT DW1's 4 KiB opcode */

enum nor_addr_mode {
	NOR_ADDR_3 = 0,  /* <= 16 MiB */
	NOR_ADDR_4_OPS,  /* dedicated 4-byte opcodes */
	NOR_ADDR_4_MODE, /* 0xB7 stateful 4-byte mode (fallback) */
};

/* Parameters of one chip, filled in layers: defaults, JEDEC-ID table,
 * SFDP, vendor fixups. */
struct nor_params {
	uint32_t size;                               /* bytes per chip */
	uint32_t page;                               /* program page, bytes per chip */
	struct nor_erase erase[NOR_MAX_ERASE_TYPES]; /* ascending size, first nerase valid */
	uint8_t nerase;
	uint32_t pp_typ_us, pp_max_us;
	uint32_t chip_typ_ms, chip_max_ms;
	uint8_t qer;           /* JESD216 quad enable requirement 0..6, NOR_QER_UNKNOWN */
	uint8_t addr_bytes;    /* from BFPT DW1: 3, or 4 (4-byte only) */
	bool op4_read, op4_pp; /* 0x13/0x0C and 0x12 available */
	bool op4_quad_read;    /* 0x6C (1-1-4 read, 4-byte address) available */
	/* 1-4-4 fast read (BFPT DW1 bit 21, DW3 bits 15:0): opcode (0 = none),
	 * mode clocks and wait states as the BFPT gives them; 0xEC with a
	 * 4-byte address from the 4BAIT (or DW16's dedicated opcodes) */
	uint8_t read144_op, read144_mode, read144_wait;
	bool op4_quad_io_read;
	bool op4_erase; /* a dedicated 4-byte erase opcode known (for some types) */
	bool has_4bait; /* a 4BAIT was parsed: its erase opcodes are the truth */
	bool b7_wren;   /* 0xB7/0xE9 need WREN (Micron) */
	bool fsr;       /* Micron flag status register (0x70) */
	bool scur;      /* Macronix security register (0x2B) */
	bool quad_read; /* 1-1-4 read 0x6B supported */
	/* 1-1-4 page program 0x32 (no SFDP bit says so before the xSPI
	 * profile: the vendor layer), and 0x34 with a 4-byte address (4BAIT) */
	bool quad_pp, op4_quad_pp;
	bool nonuniform;    /* sector map: regions differ (restricted to common types) */
	uint8_t bp_mask;    /* SR1 bits holding block protection (vendor layer) */
	bool vsr_50;        /* volatile status write after 0x50 (Winbond, GD, Adesto) */
	bool rdsr2;         /* SR2 readable with 0x35 whatever the QER (vendor layer) */
	uint8_t sfdp_minor; /* BFPT revision used, 0xFF = no SFDP */
};
#define NOR_QER_UNKNOWN 0xFFu

struct nor_info {
	uint8_t id[3];
	bool dual;
	uint8_t chips;                            /* 1 or 2 */
	uint32_t size;                            /* total bytes (both chips) */
	uint32_t page;                            /* total page size */
	uint32_t erase_size[NOR_MAX_ERASE_TYPES]; /* total per erase type, ascending */
	uint8_t nerase;
	enum nor_addr_mode addr_mode;
	bool quad;            /* reads on 4 lines (QE set where needed) */
	bool quad_pp;         /* page programs on 4 data lines (0x32 / 0x34) */
	bool protect_found;   /* block-protect bits were set at probe */
	bool protect_cleared; /* ... and are clear now (volatile where p.vsr_50) */
	struct nor_params p;
};

struct nor_time {
	uint32_t typ_ms, max_ms;
};

/* Probe and configure the chip(s). QDFU_E_NO_DEVICE if nothing answers. */
int nor_probe(bool dual, uint32_t clock_hz);
const struct nor_info *nor_get_info(void);

/* Synchronous read (any alignment). */
int nor_read(uint32_t addr, void *buf, uint32_t len);
/* The same bytes not stored but through the CRC unit as the bus delivers
 * them: *crc becomes port_crc32_update(*crc, those bytes, len) (on an
 * error, a value of no use). */
int nor_read_crc(uint32_t addr, uint32_t len, uint32_t *crc);

/* Memory-mapped mode for an application that executes in place: the
 * fastest read the probe set up and nor_read() uses, 1-1-4 (0x6B, or 0x6C
 * above 16 MiB, 8 dummy clocks, QE set) where the chip allows, else 1-1-1
 * fast read (0x0B / 0x0C). nor_xip_read_cmd() gives the command (address
 * field unused); nor_memmap() hands it to port_qspi_memmap(). The chip is
 * left in 3-byte address mode unless addr_mode is NOR_ADDR_4_MODE. */
struct port_qspi_cmd;
int nor_xip_read_cmd(struct port_qspi_cmd *c);
int nor_memmap(void);
/* Memory-mapped mode with read command c (no operation may be running). */
int nor_memmap_cmd(const struct port_qspi_cmd *c);

/* The hand-over to an application that executes in place or reads the
 * flash (nor_xip.c, docs/decisions/xip-handover.md): NOR_XIP_FASTEST tries
 * 1-4-4 (0xEB / 0xEC, wait states from the BFPT, mode bits 0xFF: never the
 * continuous-read pattern), then 1-1-4, then 1-1-1; NOR_XIP_SINGLE uses
 * 1-1-1 fast read only. A candidate is taken only if a read of 16 bytes
 * at check_addr (the application's vector table) agrees with a 1-1-1
 * read. *used is the command memory-mapped mode now runs. */
enum nor_xip_mode { NOR_XIP_FASTEST = 0, NOR_XIP_SINGLE };
int nor_xip_handover(enum nor_xip_mode mode, uint32_t check_addr, struct port_qspi_cmd *used);
/* The candidate read command of each kind: 1-4-4, 1-1-4, 1-1-1
 * (QDFU_E_UNSUPPORTED when the chip or its setup does not have it). */
enum nor_xip_kind { NOR_XIP_1_4_4 = 0, NOR_XIP_1_1_4, NOR_XIP_1_1_1 };
int nor_xip_cmd(enum nor_xip_kind kind, struct port_qspi_cmd *c);

/* Start erasing [addr, addr + len): both aligned to the smallest erase
 * size (total). Uses the largest aligned erase type that fits each step. */
int nor_erase_start(uint32_t addr, uint32_t len, struct nor_time *t);
/* The time nor_erase_start(addr, len) would report, starting nothing. */
int nor_erase_time(uint32_t addr, uint32_t len, struct nor_time *t);
/* Start programming (any alignment, split at page boundaries). data must
 * stay valid until the operation ends. */
int nor_program_start(uint32_t addr, const uint8_t *data, uint32_t len, struct nor_time *t);
int nor_mass_erase_start(struct nor_time *t);
/* QDFU_OK done (or idle), QDFU_E_BUSY, QDFU_E_ERASE / _PROGRAM / _TIMEOUT. */
int nor_poll(void);

/* Erase planner: index of the largest erase type (sizes ascending, each a
 * power of two) aligned at addr and not longer than len; -1 if none. */
int nor_erase_plan_step(const uint32_t *sizes, unsigned n, uint32_t addr, uint32_t len);

/* SFDP parser (pure): rd reads len bytes of the SFDP space at addr and
 * returns 0, or negative outside what the chip provides. On success
 * (QDFU_OK) *p is updated with what the tables define; on a missing or
 * unusable SFDP (QDFU_E_UNSUPPORTED / QDFU_E_CORRUPT) *p is untouched. */
typedef int (*nor_sfdp_read_fn)(void *ctx, uint32_t addr, uint8_t *buf, uint32_t len);
int nor_sfdp_parse(nor_sfdp_read_fn rd, void *ctx, struct nor_params *p);
/* The same, running the sector map's configuration detection commands
 * through reg (one byte read with opcode, address bytes 0/3/4, address and
 * dummy clocks; 0 or negative) to take the map of the configuration the
 * chip is in; without reg, or when detection fails, every configuration's
 * map counts (the erase types all of them support). */
typedef int (*nor_sfdp_reg_fn)(void *ctx, uint8_t op, uint8_t addr_bytes, uint32_t addr,
                               uint8_t dummy, uint8_t *val);
int nor_sfdp_parse_detect(nor_sfdp_read_fn rd, nor_sfdp_reg_fn reg, void *ctx,
                          struct nor_params *p);

/* Defaults and JEDEC-ID table layers (nor_ids.c). */
void nor_params_defaults(struct nor_params *p);
/* Apply the ID table entry; false if the ID is unknown. */
bool nor_ids_apply(const uint8_t id[3], struct nor_params *p);
/* Vendor fixups after SFDP (one file per vendor). */
void nor_vendor_fixup(const uint8_t id[3], struct nor_params *p);

/* ---- octal chips on an OCTOSPI bus (firmware/nor/octal.c) ----
 * Protocols of an OPI chip (MX25LM51245G), selected through its
 * configuration register 2: 1-1-1 SPI, 8-8-8 OPI STR, 8D-8D-8D OPI DTR
 * (16-bit opcodes: the opcode then its complement, 4-byte addresses,
 * 2-byte register transfers and DQS-strobed reads in DTR). */
enum nor_proto {
	NOR_PROTO_SPI = 0,
	NOR_PROTO_OPI_STR = 1,
	NOR_PROTO_OPI_DTR = 2,
};
/* Before nor_probe(): the bus has eight data lines wired to an octal chip
 * (OCTOSPI boards). nor_probe() then resets blind in SPI, OPI STR and OPI
 * DTR (an application or the chip's non-volatile default may have left
 * OPI), finds the chip in whichever protocol it answers, reads SFDP there,
 * and leaves it running in run. Never called, or octal false: nothing
 * octal is ever sent (the QUADSPI boards). */
void nor_set_octal(bool octal, enum nor_proto run);
/* Switch the probed chip to p now (volatile CR2; the non-volatile default
 * is never written): nor_read(), the operations and nor_xip_read_cmd() /
 * nor_memmap() follow. The XIP handover calls it with the protocol the
 * board's application expects, then nor_memmap(). QDFU_E_UNSUPPORTED
 * without an octal bus, QDFU_E_BUSY during an operation. */
int nor_set_proto(enum nor_proto p);
enum nor_proto nor_get_proto(void);

#endif
