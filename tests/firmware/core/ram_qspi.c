/* SPDX-License-Identifier: MIT */
/*
 * A RAM-backed stand-in for the QSPI region, linked into the core's unit
 * tests in place of the NOR driver (its region_qspi_init wins over the
 * library's). NOR rules: erase sets 0xFF, program only clears bits; times
 * run on the virtual clock like the chip models.
 */
#include "ram_qspi.h"

#include <string.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "mem/region_qspi.h"
#include "qdfu_app.h"

struct ram_qspi ram_qspi;
uint32_t ram_qspi_erase_unit;

static uint64_t busy_until;
static int pending;
/* per erase unit: changed since the last reset / rollback (the journal
 * at the end and data at the start: one lowest-to-highest span would be
 * the whole memory on nearly every fuzz input) */
static uint8_t dirty[RAM_QSPI_SIZE / RAM_QSPI_UNIT];

static void touched(uint32_t off, uint32_t len)
{
	if (len && off < RAM_QSPI_SIZE) {
		uint32_t last =
		    off + len - 1u < RAM_QSPI_SIZE ? off + len - 1u : RAM_QSPI_SIZE - 1u;
		memset(dirty + off / RAM_QSPI_UNIT, 1,
		       last / RAM_QSPI_UNIT - off / RAM_QSPI_UNIT + 1u);
	}
}

static bool busy(void)
{
	return vclock_now_us() < busy_until;
}

static void set_busy(uint32_t us)
{
	busy_until = vclock_now_us() + us;
	vclock_note_deadline(busy_until);
}

static int rq_erase_start(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t)
{
	if (busy() || addr < r->base || len > r->size - (addr - r->base)) {
		ram_qspi.refused++;
		return QDFU_E_PARAM;
	}
	touched(addr - r->base, len);
	memset(ram_qspi.mem + (addr - r->base), 0xFF, len);
	ram_qspi.erases++;
	if (addr - r->base < RAM_QSPI_JOURNAL)
		ram_qspi.data_erases++;
	uint32_t blocks = len / RAM_QSPI_PAGE + 1u;
	set_busy(blocks * (ram_qspi.worst_case ? RAM_QSPI_ERASE_MAX_MS : RAM_QSPI_ERASE_TYP_MS) *
	         1000u);
	pending = ram_qspi.fail_erase ? QDFU_E_ERASE : QDFU_OK;
	t->typ_ms = blocks * RAM_QSPI_ERASE_TYP_MS;
	t->max_ms = blocks * RAM_QSPI_ERASE_MAX_MS;
	return QDFU_OK;
}

static int rq_mass_erase_start(struct mem_region *r, struct mem_time *t)
{
	return rq_erase_start(r, r->base, r->size, t);
}

static int rq_program_start(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len,
                            struct mem_time *t)
{
	if (busy() || addr < r->base || len > r->size - (addr - r->base)) {
		ram_qspi.refused++;
		return QDFU_E_PARAM;
	}
	touched(addr - r->base, len);
	if (!ram_qspi.fail_program)
		for (uint32_t i = 0; i < len; i++)
			ram_qspi.mem[addr - r->base + i] &= data[i];
	ram_qspi.programs++;
	if (addr - r->base < RAM_QSPI_JOURNAL)
		ram_qspi.data_programs++;
	uint32_t pages = len / 256u + 1u;
	set_busy(pages * (ram_qspi.worst_case ? 3000u : 700u));
	pending = ram_qspi.fail_program ? QDFU_E_PROGRAM : QDFU_OK;
	t->typ_ms = pages;
	t->max_ms = pages * 3u;
	return QDFU_OK;
}

static int rq_poll(struct mem_region *r)
{
	(void)r;
	return busy() ? QDFU_E_BUSY : pending;
}

static int rq_read(struct mem_region *r, uint32_t addr, uint8_t *buf, uint32_t len)
{
	if (addr < r->base || len > r->size - (addr - r->base))
		return QDFU_E_ADDRESS;
	if (busy()) {
		ram_qspi.busy_reads++;
		return QDFU_E_BUSY;
	}
	memcpy(buf, ram_qspi.mem + (addr - r->base), len);
	ram_qspi.reads++;
	return QDFU_OK;
}

static const struct mem_ops rq_ops = {
    .erase_start = rq_erase_start,
    .mass_erase_start = rq_mass_erase_start,
    .program_start = rq_program_start,
    .poll = rq_poll,
    .read = rq_read,
};

bool ram_qspi_busy(void)
{
	return busy();
}

void ram_qspi_power_cut(void)
{
	/* the chip loses power: whatever ran stops (its effect, applied at
	 * the start, stays: one of the outcomes a cut can have) */
	busy_until = 0;
	pending = QDFU_OK;
}

void ram_qspi_rollback(const uint8_t *snapshot)
{
	for (uint32_t u = 0; u < sizeof(dirty); u++)
		if (dirty[u]) {
			memcpy(ram_qspi.mem + u * RAM_QSPI_UNIT, snapshot + u * RAM_QSPI_UNIT,
			       RAM_QSPI_UNIT);
			dirty[u] = 0;
		}
	ram_qspi.absent = ram_qspi.fail_erase = ram_qspi.fail_program = ram_qspi.worst_case = false;
	ram_qspi.erases = ram_qspi.programs = ram_qspi.data_erases = ram_qspi.data_programs = 0;
	ram_qspi.refused = ram_qspi.busy_reads = ram_qspi.busy_resets = ram_qspi.reads = 0;
	busy_until = 0;
	pending = QDFU_OK;
}

void ram_qspi_reset(void)
{
	memset(dirty, 0, sizeof(dirty));
	memset(&ram_qspi, 0, sizeof(ram_qspi));
	memset(ram_qspi.mem, 0xFF, sizeof(ram_qspi.mem));
	busy_until = 0;
	pending = QDFU_OK;
}

int region_qspi_init(struct mem_region *r, const struct board *b, uint8_t alt)
{
	(void)b;
	if (ram_qspi.absent)
		return QDFU_E_NO_DEVICE;
	/* the NOR driver's start-up waits for an operation the chip still runs
	 * from before an MCU reset (firmware/nor/nor.c reset_chips) */
	if (busy())
		vclock_advance_us(busy_until - vclock_now_us());
	memset(r, 0, sizeof(*r));
	r->name = "QSPI Flash";
	r->base = RAM_QSPI_BASE;
	r->size = RAM_QSPI_SIZE;
	r->alt = alt;
	r->program_unit = 1;
	r->erase_unit = ram_qspi_erase_unit;
	r->ops = &rq_ops;
	r->nseg = 3;
	r->seg[0] = (struct mem_segment){RAM_QSPI_SIZE / RAM_QSPI_PAGE - 1u, RAM_QSPI_PAGE,
	                                 MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE};
	r->seg[1] =
	    (struct mem_segment){(RAM_QSPI_PAGE - 2u * RAM_QSPI_UNIT) / RAM_QSPI_UNIT,
	                         RAM_QSPI_UNIT, MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE};
	r->seg[2] = (struct mem_segment){2, RAM_QSPI_UNIT, MEM_ATTR_READ};
	return QDFU_OK;
}

bool region_qspi_journal(const struct mem_region *r, uint32_t *base, uint32_t *unit)
{
	(void)r;
	*base = RAM_QSPI_BASE + RAM_QSPI_SIZE - 2u * RAM_QSPI_UNIT;
	*unit = RAM_QSPI_UNIT;
	return true;
}

uint16_t region_qspi_info_flags(const struct mem_region *r)
{
	(void)r;
	return 0; /* one RAM "chip", nothing protected */
}

/* The hand-over of a RAM "flash": always readable, nothing to map. */
void region_qspi_describe(const struct mem_region *r, struct qdfu_handoff *h)
{
	(void)r;
	h->chips = 1;
	h->flash_size = RAM_QSPI_SIZE;
	h->addr_bytes = 3;
}

int region_qspi_handover(const struct mem_region *r, bool single, uint32_t check_addr,
                         struct qdfu_handoff *h)
{
	(void)r;
	(void)check_addr;
	h->xip = single ? QDFU_XIP_1_1_1 : QDFU_XIP_1_1_4;
	return 0;
}
