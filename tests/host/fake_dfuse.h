/* SPDX-License-Identifier: MIT */
/*
 * An in-memory DfuSe device behind libqdfu's transport interface, for the
 * unit tests of the flash/verify/erase logic. Two memories: internal flash
 * 0x08000000 (8 x 16 KiB, first page read-only) and external flash
 * 0x90000000 (16 x 4 KiB); programming only clears bits (NOR semantics),
 * so writing unerased memory is detected. Time is virtual.
 */
#ifndef FAKE_DFUSE_H
#define FAKE_DFUSE_H

#include <stdint.h>

#include "qh_dfu.h"

#define FAKE_INT_BASE  0x08000000u
#define FAKE_INT_PAGE  (16u * 1024u)
#define FAKE_INT_PAGES 8u
#define FAKE_EXT_BASE  0x90000000u
#define FAKE_EXT_PAGE  4096u
#define FAKE_EXT_PAGES 16u
#define FAKE_XFER      1024u

struct fake_dfuse {
	uint8_t internal[FAKE_INT_PAGE * FAKE_INT_PAGES];
	uint8_t external[FAKE_EXT_PAGE * FAKE_EXT_PAGES];
	uint8_t state, status, alt;
	uint32_t pointer;
	uint8_t pending[8];
	int pending_len; /* -1: none; command or data waiting for GETSTATUS */
	uint16_t pending_block;
	uint8_t pending_data[FAKE_XFER];
	int busy_left;       /* DNBUSY answers still to give for the current op */
	uint32_t poll_ms;    /* bwPollTimeout reported while busy */
	int busy_polls;      /* DNBUSY reports per operation (default 1) */
	int has_crc;         /* answers qdfu INFO/CRC requests */
	uint16_t info_flags; /* INFO's flags (QDFU_PROTO_FLAG_*), as of each request */
	int crc_busy;        /* CRC_RESULT busy answers before done */
	uint32_t crc_addr, crc_len;
	int crc_started;
	unsigned crc_requests; /* CRC_START requests seen */
	int has_crc_table;     /* INFO says CRC_TABLE, and the device answers it */
	int table_stalls;      /* ... or says so but stalls CRC_TABLE (a broken device) */
	uint32_t tab_addr, tab_unit;
	uint16_t tab_count;
	int tab_started;
	unsigned table_requests; /* CRC_TABLE requests seen */
	uint64_t crc_bytes;      /* bytes the device read for CRC requests of any kind */
	uint32_t unreadable;     /* a byte whose reads fail (ECC), 0 none */
	uint64_t now;            /* virtual ms */
	uint64_t slept;
	unsigned erases, writes, uploads, set_alts, resets, leaves, detaches;
	uint16_t detach_timeout;
	int stall_getstatus;          /* make GETSTATUS stall */
	int corrupt_after_write;      /* flip a bit in memory after every write */
	int erased_unwritten;         /* an erase since the last data block */
	unsigned aborts_before_write; /* ABORTs between an erase and the data */
};

void fake_dfuse_init(struct fake_dfuse *f);
/* A qh_dev wired to f (info: alts 0 and 1 with matching layouts). */
void fake_dfuse_dev(struct fake_dfuse *f, struct qh_dev *d);
extern const struct qh_transport_ops fake_dfuse_ops;
/* Pointer to the byte at addr in f's memories, NULL if unmapped. */
uint8_t *fake_dfuse_mem(struct fake_dfuse *f, uint32_t addr);

#endif
