/* SPDX-License-Identifier: MIT */
/*
 * Memory regions as the DFU class sees them: an address range with pages
 * (erase units), attributes, and asynchronous operations. Each backend
 * (internal flash: mem/region_iflash.c, external NOR: mem/region_qspi.c)
 * fills a struct mem_region; the operation engine (mem/mem.c) routes by
 * address and runs one operation at a time from the main loop.
 */
#ifndef QDFU_MEM_REGION_H
#define QDFU_MEM_REGION_H

#include <stdbool.h>
#include <stdint.h>

#define MEM_ATTR_READ  0x1u
#define MEM_ATTR_ERASE 0x2u
#define MEM_ATTR_WRITE 0x4u

/* A run of equal pages, as in a DfuSe layout string "NN*SSSu t". */
struct mem_segment {
	uint32_t count;
	uint32_t page_size; /* power of two */
	uint8_t attr;       /* MEM_ATTR_* */
};

#define MEM_MAX_SEGMENTS 6

/* Time an operation is expected to take: typical (what the device usually
 * needs) and maximum (datasheet worst case). Used for bwPollTimeout and for
 * the deadline after which the operation counts as failed. */
struct mem_time {
	uint32_t typ_ms;
	uint32_t max_ms;
};

struct mem_region;

struct mem_ops {
	/* Start erasing [addr, addr + len): addr and len are page-aligned
	 * (pages of this region's layout). */
	int (*erase_start)(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t);
	/* Erase everything erasable in the region (mass erase). */
	int (*mass_erase_start)(struct mem_region *r, struct mem_time *t);
	/* Start programming len bytes at addr (any alignment; the backend
	 * pads to its program unit with 0xFF). data stays valid until the
	 * operation ends. */
	int (*program_start)(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len,
	                     struct mem_time *t);
	/* Progress the running operation: QDFU_OK done, QDFU_E_BUSY, or an
	 * error. Must not block for more than a few hundred microseconds. */
	int (*poll)(struct mem_region *r);
	/* Synchronous read (memory-mapped or short bus transfers). */
	int (*read)(struct mem_region *r, uint32_t addr, uint8_t *buf, uint32_t len);
	/* Optional (NULL: read, then port_crc32_update): continue *crc with
	 * len bytes at addr, computed as the bus delivers them (the NOR
	 * region: the CRC unit fed from the QSPI FIFO while it drains). */
	int (*read_crc)(struct mem_region *r, uint32_t addr, uint32_t len, uint32_t *crc);
	/* Optional (NULL: unknown): the time erase_start(addr, len) would
	 * report, without starting anything. */
	int (*erase_time)(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t);
	/* Optional (NULL: the region is one bank). Regions whose memory is
	 * split into banks that work at once (dual-bank internal flash): the
	 * bank holding addr (0 or 1); start erasing the page at addr beside
	 * the operation above, which runs in the other bank (one such erase
	 * per bank); poll the one of a bank (QDFU_OK also when none runs).
	 * side_program_start: program [addr, addr + len) (whole program
	 * units, one bank, erased) beside it the same way: one operation
	 * beside per bank, an erase or a program; data must stay readable
	 * until side_poll says it is over or side_stop was called.
	 * side_stop: the bank's program beside ends after the unit it
	 * programs now, and reads nothing more of its data. */
	unsigned (*bank_of)(struct mem_region *r, uint32_t addr);
	int (*side_erase_start)(struct mem_region *r, uint32_t addr, struct mem_time *t);
	int (*side_program_start)(struct mem_region *r, uint32_t addr, const uint8_t *data,
	                          uint32_t len, struct mem_time *t);
	int (*side_poll)(struct mem_region *r, unsigned bank);
	void (*side_stop)(struct mem_region *r, unsigned bank);
};

struct mem_region {
	const char *name; /* "Internal Flash", "QSPI Flash" */
	uint32_t base;
	uint32_t size;
	uint8_t alt; /* DFU alternate setting that presents it */
	uint8_t nseg;
	struct mem_segment seg[MEM_MAX_SEGMENTS];
	uint32_t program_unit; /* bytes: 32 for H7 internal flash, 1 for NOR */
	/* Smallest erase the backend can do inside a page (NOR sectors), or
	 * 0: erases of this region's first-segment pages are then deferred
	 * until data for the page arrives and differs (mem/defer.h). */
	uint32_t erase_unit;
	/* RAM that holds a whole page (stage_size >= every page), or NULL: a
	 * region whose smallest erase is its page (internal flash) then defers
	 * page erases too; the parts of a page that already hold the right
	 * data are kept here while the page is erased, and programmed back
	 * (docs/decisions/sector-staging-buffer.md). */
	uint8_t *stage;
	uint32_t stage_size;
	const struct mem_ops *ops;
	void *ctx; /* backend state */
};

/* Page containing addr: base and size; false if addr is outside r. */
bool mem_region_page(const struct mem_region *r, uint32_t addr, uint32_t *page_base,
                     uint32_t *page_size, uint8_t *attr);

/* Attributes common to every byte of [addr, addr + len) (AND), 0 if any
 * byte is outside the region. */
uint8_t mem_region_attr_range(const struct mem_region *r, uint32_t addr, uint32_t len);

/* Build the DfuSe layout string "@Name/0xADDR/NN*SSSu t,..." into buf.
 * Honours every client's parser limits: <= 126 characters, counts and sizes
 * <= 999 (longer runs are split), power-of-two pages, lowercase 0x, no
 * space after commas, no trailing slash. Returns the length, or a negative
 * error if the layout cannot be expressed. */
int mem_region_layout(const struct mem_region *r, char *buf, uint32_t cap);
/* The same for r with the zones of first listed before its own, under r's
 * name: one alt setting that presents two memories (the Daisy Seed's alt 0,
 * board.alt0_lists_qspi). */
int mem_region_layout2(const struct mem_region *first, const struct mem_region *r, char *buf,
                       uint32_t cap);

#endif
