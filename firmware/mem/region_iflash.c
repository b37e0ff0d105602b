/* SPDX-License-Identifier: MIT */
/*
 * H7 internal flash backend: sector erase and 32-byte flash-word
 * programming through port_iflash_*, both asynchronous. Partial words are
 * padded with 0xFF (a flash word can be written once per erase, RM0399
 * 4.3.9), so the operation engine never hands a word out twice.
 */
#include "mem/region_iflash.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"

/* Timings per line. H74x/H75x and H72x/H73x, 128 KiB sectors (ST figures
 * for x32 parallelism): sector erase ~1.1 s typical, 2.2 s max; flash word
 * ~16 us typical, 600 us max. H7A3/B0/B3, 8 KiB sectors: erase 3 ms max
 * (Zephyr's stm32h7a3.dtsi, second-hand), 2 ms typical (assumed, the
 * datasheet table was not found); the flash word as above (unverified).
 * The typical time is the poll timeout the host is told, so the 8 KiB
 * sector must not report a 128 KiB sector's 1.1 s. The engine's deadline
 * adds half the maximum again (and 100 ms) before it calls an operation
 * failed. Same figures as the simulator's (sim/h7/h7_iflash.h). */
struct if_timing {
	uint32_t erase_typ_us, erase_max_us, word_typ_us, word_max_us;
};
static const struct if_timing if_line_timing[] = {
    [BOARD_FAMILY_H74X] = {1100000u, 2200000u, 16u, 600u},
    [BOARD_FAMILY_H72X] = {1100000u, 2200000u, 16u, 600u},
    [BOARD_FAMILY_H7AB] = {2000u, 3000u, 16u, 600u},
};
QDFU_STATIC_ASSERT(sizeof(if_line_timing) / sizeof(if_line_timing[0]) == BOARD_FAMILY_H7AB + 1u,
                   "a timing for every line");

static const struct if_timing *line_timing(enum board_family f)
{
	return &if_line_timing[(unsigned)f <= BOARD_FAMILY_H7AB ? (unsigned)f : 0u];
}

/* n operations of `us` each, in whole milliseconds (rounded up) */
static uint32_t ms_of(uint32_t n, uint32_t us)
{
	return (uint32_t)(((uint64_t)n * us + 999u) / 1000u);
}

enum { IF_IDLE = 0, IF_ERASE, IF_PROGRAM };

static struct {
	const struct board *b;
	int op;
	uint32_t sector, sector_end; /* erase: next sector, one past last */
	uint32_t addr, end;          /* program: next word address, end */
	const uint8_t *data;
	uint32_t data_addr, data_len;
	bool started;  /* the current port operation was started */
	unsigned bank; /* bank of the current port operation */
	/* a sector erase beside it, per bank (side_erase_start) */
	bool side[2];
	int side_rc[2]; /* its result, until if_side_poll hands it over */
	/* a program beside it, per bank (side_program_start): next word, end */
	struct {
		bool on, started;
		uint32_t addr, end;
		const uint8_t *data; /* the bytes from data_addr on */
		uint32_t data_addr;
	} sp[2];
} s;

static uint32_t sector_of(uint32_t addr)
{
	return (addr - s.b->iflash_base) / s.b->iflash_sector_size;
}

static unsigned bank_of_sector(uint32_t sector)
{
	return s.b->iflash_banks > 1u && sector >= s.b->iflash_sectors ? 1u : 0u;
}

static unsigned if_bank_of(struct mem_region *r, uint32_t addr)
{
	QDFU_UNUSED(r);
	return bank_of_sector(sector_of(addr));
}

/* Something runs beside in bank: an erase or a program. */
static bool side_busy(unsigned bank)
{
	return s.side[bank] || s.sp[bank].on;
}

/* One sector in its bank, beside the operation if_poll runs (in the other
 * bank: the engine never asks for both in one bank). */
static int if_side_erase_start(struct mem_region *r, uint32_t addr, struct mem_time *t)
{
	QDFU_UNUSED(r);
	uint32_t sector = sector_of(addr);
	unsigned bank = bank_of_sector(sector);
	if ((addr - s.b->iflash_base) % s.b->iflash_sector_size)
		return QDFU_E_PARAM;
	if (addr - s.b->iflash_base < s.b->bootloader_size)
		return QDFU_E_PROTECTED; /* never our own sector */
	if (side_busy(bank) || s.side_rc[bank] != QDFU_OK || (s.op != IF_IDLE && s.bank == bank))
		return QDFU_E_BUSY;
	int rc = port_iflash_erase_start(sector);
	if (rc)
		return rc;
	s.side[bank] = true;
	const struct if_timing *lt = line_timing(s.b->family);
	t->typ_ms = ms_of(1, lt->erase_typ_us);
	t->max_ms = ms_of(1, lt->erase_max_us);
	return QDFU_OK;
}

/* Advance bank's program beside: a finished word, the next one started
 * (a few per call, as if_poll). At its end, or at an error, the result
 * waits in side_rc. */
static void side_program_step(unsigned bank)
{
	uint32_t word = board_iflash_word(s.b->family);
	/* a few words per call; each call returns with a word programming
	 * (or the run over), so the bank never idles until the next call */
	for (unsigned budget = 16; s.sp[bank].on && budget; budget--) {
		int rc = QDFU_OK;
		if (s.sp[bank].started) {
			rc = port_iflash_poll_bank(bank);
			if (rc == QDFU_E_BUSY)
				return;
			s.sp[bank].started = false;
			if (rc == QDFU_OK)
				s.sp[bank].addr += word;
		}
		if (rc == QDFU_OK && s.sp[bank].addr < s.sp[bank].end) {
			uint8_t w[PORT_IFLASH_WORD];
			memset(w, 0xFF, sizeof(w));
			memcpy(w, s.sp[bank].data + (s.sp[bank].addr - s.sp[bank].data_addr), word);
			rc = port_iflash_program_start(s.sp[bank].addr, w);
			if (rc == QDFU_OK) {
				s.sp[bank].started = true;
				continue;
			}
		}
		s.sp[bank].on = false; /* the end of the run, or an error */
		s.side_rc[bank] = rc;
	}
}

/* Has bank's operation beside finished? Its result waits in side_rc. */
static void side_check(unsigned bank)
{
	if (s.sp[bank].on) {
		side_program_step(bank);
		return;
	}
	if (!s.side[bank])
		return;
	int rc = port_iflash_poll_bank(bank);
	if (rc != QDFU_E_BUSY) {
		s.side[bank] = false;
		s.side_rc[bank] = rc;
	}
}

/* Whole flash words in one bank, beside the operation if_poll runs (in the
 * other bank), the first word issued at once. */
static int if_side_program_start(struct mem_region *r, uint32_t addr, const uint8_t *data,
                                 uint32_t len, struct mem_time *t)
{
	QDFU_UNUSED(r);
	uint32_t word = board_iflash_word(s.b->family);
	if (len == 0 || addr % word || len % word || addr < s.b->iflash_base ||
	    bank_of_sector(sector_of(addr)) != bank_of_sector(sector_of(addr + len - 1u)))
		return QDFU_E_PARAM;
	if (addr - s.b->iflash_base < s.b->bootloader_size)
		return QDFU_E_PROTECTED;
	unsigned bank = bank_of_sector(sector_of(addr));
	if (side_busy(bank) || s.side_rc[bank] != QDFU_OK || (s.op != IF_IDLE && s.bank == bank))
		return QDFU_E_BUSY;
	s.sp[bank].on = true;
	s.sp[bank].started = false;
	s.sp[bank].addr = addr;
	s.sp[bank].end = addr + len;
	s.sp[bank].data = data;
	s.sp[bank].data_addr = addr;
	const struct if_timing *lt = line_timing(s.b->family);
	t->typ_ms = ms_of(len / word, lt->word_typ_us);
	t->max_ms = ms_of(len / word, lt->word_max_us);
	side_program_step(bank);
	if (s.sp[bank].on || s.side_rc[bank] == QDFU_OK)
		return QDFU_OK;
	int rc = s.side_rc[bank]; /* the first word was refused: nothing runs */
	s.side_rc[bank] = QDFU_OK;
	return rc;
}

static void if_side_stop(struct mem_region *r, unsigned bank)
{
	QDFU_UNUSED(r);
	bank = bank ? 1u : 0u;
	if (!s.sp[bank].on)
		return;
	if (s.sp[bank].started)
		s.sp[bank].end = s.sp[bank].addr + board_iflash_word(s.b->family);
	else
		s.sp[bank].on = false;
}

static int if_side_poll(struct mem_region *r, unsigned bank)
{
	QDFU_UNUSED(r);
	bank = bank ? 1u : 0u;
	side_check(bank);
	if (side_busy(bank))
		return QDFU_E_BUSY;
	int rc = s.side_rc[bank];
	s.side_rc[bank] = QDFU_OK;
	return rc;
}

static int if_poll(struct mem_region *r);

/* A start issues its first step to the controller at once, so that the
 * operation runs from now even if the main loop then waits for another
 * bank's erase (the simulator's wait jumps to the next model event). */
static int kick(struct mem_region *r)
{
	int rc = if_poll(r);
	return rc == QDFU_E_BUSY ? QDFU_OK : rc;
}

static int if_erase_time(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t)
{
	QDFU_UNUSED(r);
	if ((addr - s.b->iflash_base) % s.b->iflash_sector_size || len == 0)
		return QDFU_E_PARAM;
	if (addr - s.b->iflash_base < s.b->bootloader_size)
		return QDFU_E_PROTECTED; /* never our own sector */
	uint32_t n = sector_of(addr + len - 1u) + 1u - sector_of(addr);
	const struct if_timing *lt = line_timing(s.b->family);
	t->typ_ms = ms_of(n, lt->erase_typ_us);
	t->max_ms = ms_of(n, lt->erase_max_us);
	return QDFU_OK;
}

static int if_erase_start(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t)
{
	int rc = if_erase_time(r, addr, len, t);
	if (rc)
		return rc;
	s.op = IF_ERASE;
	s.sector = sector_of(addr);
	s.sector_end = sector_of(addr + len - 1u) + 1u;
	s.started = false;
	return kick(r);
}

static int if_mass_erase_start(struct mem_region *r, struct mem_time *t)
{
	uint32_t first = s.b->iflash_base + s.b->bootloader_size;
	uint32_t total = s.b->iflash_banks * s.b->iflash_sectors * s.b->iflash_sector_size;
	if (total <= s.b->bootloader_size) { /* H750: nothing but the bootloader */
		s.op = IF_IDLE;
		t->typ_ms = 0;
		t->max_ms = 0;
		return QDFU_OK;
	}
	return if_erase_start(r, first, total - s.b->bootloader_size, t);
}

QDFU_STATIC_ASSERT(PORT_IFLASH_WORD == BOARD_IFLASH_WORD_MAX, "the port's buffers hold any word");

static int if_program_start(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len,
                            struct mem_time *t)
{
	QDFU_UNUSED(r);
	if (addr - s.b->iflash_base < s.b->bootloader_size)
		return QDFU_E_PROTECTED;
	s.op = IF_PROGRAM;
	s.data = data;
	s.data_addr = addr;
	s.data_len = len;
	uint32_t word = board_iflash_word(s.b->family);
	s.addr = addr & ~(word - 1u);
	s.end = addr + len;
	s.started = false;
	uint32_t words = (s.end - s.addr + word - 1u) / word;
	const struct if_timing *lt = line_timing(s.b->family);
	t->typ_ms = ms_of(words, lt->word_typ_us);
	t->max_ms = ms_of(words, lt->word_max_us);
	return kick(r);
}

/* Build the flash word at s.addr: the caller's bytes, 0xFF elsewhere. */
static void make_word(uint8_t w[PORT_IFLASH_WORD])
{
	memset(w, 0xFF, PORT_IFLASH_WORD);
	for (uint32_t i = 0; i < PORT_IFLASH_WORD; i++) {
		uint32_t a = s.addr + i;
		if (a >= s.data_addr && a < s.data_addr + s.data_len)
			w[i] = s.data[a - s.data_addr];
	}
}

static int if_poll(struct mem_region *r)
{
	QDFU_UNUSED(r);
	int rc;
	/* Several words per call keep programming fast while bounding the
	 * time spent away from USB (each word is ~16 us). */
	for (unsigned budget = 16; budget; budget--) {
		if (s.op == IF_IDLE)
			return QDFU_OK;
		if (s.started) {
			rc = port_iflash_poll_bank(s.bank);
			if (rc == QDFU_E_BUSY)
				return rc;
			s.started = false;
			if (rc) {
				s.op = IF_IDLE;
				return rc;
			}
			if (s.op == IF_ERASE) {
				if (++s.sector >= s.sector_end)
					s.op = IF_IDLE;
			} else {
				s.addr += board_iflash_word(s.b->family);
				if (s.addr >= s.end)
					s.op = IF_IDLE;
			}
			continue;
		}
		s.bank = bank_of_sector(s.op == IF_ERASE ? s.sector : sector_of(s.addr));
		side_check(s.bank);
		if (side_busy(s.bank))
			return QDFU_E_BUSY; /* the bank still works beside: wait */
		if (s.op == IF_ERASE) {
			rc = port_iflash_erase_start(s.sector);
		} else {
			uint8_t w[PORT_IFLASH_WORD];
			make_word(w);
			rc = port_iflash_program_start(s.addr, w);
		}
		if (rc) {
			s.op = IF_IDLE;
			return rc;
		}
		s.started = true;
	}
	return QDFU_E_BUSY;
}

static int if_read(struct mem_region *r, uint32_t addr, uint8_t *buf, uint32_t len)
{
	QDFU_UNUSED(r);
	return port_iflash_read(addr, buf, len);
}

static const struct mem_ops iflash_ops = {
    .erase_start = if_erase_start,
    .erase_time = if_erase_time,
    .mass_erase_start = if_mass_erase_start,
    .program_start = if_program_start,
    .poll = if_poll,
    .read = if_read,
    .bank_of = if_bank_of,
    .side_erase_start = if_side_erase_start,
    .side_program_start = if_side_program_start,
    .side_poll = if_side_poll,
    .side_stop = if_side_stop,
};

void region_iflash_stage_init(struct mem_region *r)
{
	if (r->stage)
		memset(r->stage, 0, r->stage_size);
}

int region_iflash_init(struct mem_region *r, const struct board *b, uint8_t alt)
{
	uint32_t total_sectors = b->iflash_banks * b->iflash_sectors;
	uint32_t boot_sectors =
	    (b->bootloader_size + b->iflash_sector_size - 1u) / b->iflash_sector_size;
	memset(&s, 0, sizeof(s));
	memset(r, 0, sizeof(*r));
	s.b = b;
	r->name = "Internal Flash  ";
	r->base = b->iflash_base;
	r->size = total_sectors * b->iflash_sector_size;
	r->alt = alt;
	r->program_unit = board_iflash_word(b->family);
	r->ops = &iflash_ops;
	/* deferred sector erases need a sector's worth of staging RAM; the
	 * flasher (no bootloader sector) runs without (port_iflash_stage) */
	uint32_t stage_size = 0;
	uint8_t *stage = b->bootloader_size ? port_iflash_stage(&stage_size) : NULL;
	if (stage && stage_size >= b->iflash_sector_size) {
		r->stage = stage;
		r->stage_size = stage_size;
	}
	r->nseg = 0;
	if (boot_sectors) { /* none on the flasher (bootloader_flasher_board) */
		r->seg[0].count = boot_sectors;
		r->seg[0].page_size = b->iflash_sector_size;
		r->seg[0].attr = MEM_ATTR_READ;
		r->nseg = 1;
	}
	/* the rest of bank 1, then bank 2: writable unless the port says a
	 * bank is in use (the Cortex-M4 running from bank 2) */
	for (uint32_t bank = 0; bank < b->iflash_banks && r->nseg < MEM_MAX_SEGMENTS; bank++) {
		uint32_t first = bank == 0 ? boot_sectors : 0;
		if (first >= b->iflash_sectors)
			continue;
		uint8_t attr = port_iflash_bank_writable(bank)
		                   ? (MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE)
		                   : MEM_ATTR_READ;
		struct mem_segment *last = r->nseg ? &r->seg[r->nseg - 1] : NULL;
		if (last && last->attr == attr && last->page_size == b->iflash_sector_size) {
			last->count += b->iflash_sectors - first; /* merge equal runs */
			continue;
		}
		r->seg[r->nseg].count = b->iflash_sectors - first;
		r->seg[r->nseg].page_size = b->iflash_sector_size;
		r->seg[r->nseg].attr = attr;
		r->nseg++;
	}
	return QDFU_OK;
}
