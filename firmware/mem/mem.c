/* SPDX-License-Identifier: MIT */
#include "mem/mem.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"
#include "mem/blank_map.h"
#include "mem/crc_ff.h"
#include "mem/defer.h"
#include "mem/digest.h"

/* Compare/blank-check granule: one H7 flash word. A granule that already
 * holds the data is skipped; one that is blank is programmed; anything else
 * is "not erased" (internal flash words can be written once per erase). */
#define GRANULE 32u
#define SLICE   4096u /* bytes read per main-loop step (blank check, CRC) */
/* Changed pages in a row after which a pending page of the idle bank is
 * erased before its data arrives (docs/decisions/parallel-banks.md). */
#define SPECULATE_STREAK 2u
/* Extra time allowed past the backend's own maximum before giving up:
 * half the maximum again, plus a fixed margin. */
#define DEADLINE_MARGIN_MS 100u

enum learn_kind { LEARN_PROGRAM = 0, LEARN_ERASE, LEARN_COUNT };
#define SCALE_ONE 256u
#define SCALE_MIN 32u   /* 1/8 of the figure */
#define SCALE_MAX 1024u /* 4 x the figure */

/* internal flash: 16 sectors per MiB, 2 MiB at most on the supported parts */
#define MEM_TOUCHED_MAX 32u
/* regions with deferred erases: QSPI, and internal flash with a stage */
#define MEM_DEFERS 2u
/* banks of a region that work at once (dual-bank internal flash) */
#define MEM_BANKS 2u

enum op_kind { OP_NONE = 0, OP_ERASE, OP_MASS_ERASE, OP_WRITE, OP_CRC };
/* PH_PREP / PH_ERASING / PH_KEEPING: deferred erases a write needs first
 * (blank checks, erase, re-program of a granule kept aside). */
enum op_phase { PH_CHECK = 0, PH_RUN, PH_VERIFY, PH_PREP, PH_ERASING, PH_KEEPING, PH_DONE };

static struct {
	struct mem_region *regions[MEM_MAX_REGIONS];
	unsigned nregions;
	mem_write_hook hook;

	/* the running operation */
	enum op_kind kind;
	enum op_phase phase;
	struct mem_region *r;
	uint32_t addr, len, pos;
	const uint8_t *data;
	uint32_t run_start, run_len; /* write: current program run */
	struct mem_time t;
	uint32_t deadline;
	uint32_t began; /* port_millis() when the operation began */
	int result;
	uint32_t crc;
	uint32_t crc_result;
	uint8_t scratch[SLICE];
	/* Regions with a program unit > 1 byte (H7 flash words) hold back the
	 * last partial unit of a write, so that the next contiguous write can
	 * complete it: a flash word is programmed once per erase. */
	struct {
		bool valid;
		struct mem_region *r;
		uint32_t start, end; /* bytes [start, end) are known */
		uint8_t bytes[GRANULE];
	} tail;
	uint8_t wbuf[GRANULE + MEM_MAX_WRITE];

	/* deferred erases (one table per deferring region: the QSPI region,
	 * and internal flash where it has a staging buffer), and the pages the
	 * running write must first bring to "erased except what already holds
	 * the right data" (all in the running write's region) */
	struct mem_defer defer[MEM_DEFERS];
	struct {
		uint32_t idx, covered;
	} work[3];
	unsigned nwork, wi;
	uint32_t wunit; /* next erase unit of work[wi] */
	/* granules of a unit kept aside while it is erased (PH_ERASING), then
	 * programmed back (PH_KEEPING): in the region's staging buffer, else
	 * in keep (one granule: half of a dual-flash pair's 8 KiB unit) */
	uint32_t keep_addrs[32];
	unsigned keep_n, keep_i;
	uint32_t keep_off;
	uint8_t keep[MEM_DEFER_GRAN];

	/* auto-erase (mem_session_start): pages the session has written to,
	 * as bits of a deferral's page index, or as page addresses of the
	 * other regions (internal flash sectors without a staging buffer); and
	 * the page a write must erase first in a region without deferral
	 * (PH_PREP) */
	uint8_t touched[MEM_DEFERS][MEM_DEFER_PAGES / 8u];
	uint32_t touched_pages[MEM_TOUCHED_MAX];
	unsigned ntouched;
	uint32_t pre_erase_addr, pre_erase_len;

	/* page erases beside the running operation, at most one per bank of a
	 * region with banks (mem_look_ahead, docs/decisions/parallel-banks.md),
	 * or a queued block programmed beside it (mem_program_beside) */
	struct {
		struct mem_region *r; /* NULL: none running in this bank */
		uint32_t addr;
		uint32_t began, typ_ms, deadline;
		/* a program: the block, the granule after the run that
		 * programs now, and which granules need programming */
		const uint8_t *data; /* NULL: an erase */
		uint32_t len, pos;
		uint8_t need[SLICE / GRANULE / 8u];
		bool stopping; /* mem_program_beside_stop: no further run */
	} side[MEM_BANKS];
	int side_result; /* the first error of one, until an operation reports it */
	/* mem_program_beside: a block found to need the engine's work, not
	 * read again until the engine or a bank beside has moved on */
	uint32_t beside_no_addr, beside_no_gen, gen;

	/* adaptive estimates (learn_*): this chip's real time against the
	 * backend's typical figure, x/256, per kind of work */
	uint32_t scale[LEARN_COUNT];
	int busy_kind; /* LEARN_*, or -1 */
	uint32_t busy_since, busy_est;

	/* the running operation is a background one (mem_start_background_erase):
	 * nobody's request; this is told its result */
	void (*bg_done)(int rc);

	uint32_t dismissed;         /* blocks found in place by their digests */
	uint32_t programmed_beside; /* queued blocks programmed beside */
	/* pages in a row whose first data differed (0 after a block found in
	 * place): the other bank's pending pages are erased ahead of their
	 * data once it reaches SPECULATE_STREAK */
	unsigned changed_streak;
} engine;

QDFU_STATIC_ASSERT(SLICE % GRANULE == 0, "slice must hold whole granules");
QDFU_STATIC_ASSERT(DIGEST_GRAN == MEM_DEFER_GRAN && DIGEST_GRAN <= SLICE,
                   "a digest is one coverage granule, read through the scratch buffer");

/* ROM-style (benchmarks): erase on command, no blank or deferral skips.
 * Outside `engine` so that mem_init() keeps it. */
static bool plain_mode;
/* mem_set_intake: the client's pace and the class's queue, in bytes */
static uint32_t intake_bps, intake_queued;

void mem_set_plain(bool on)
{
	plain_mode = on;
}

void mem_init(void)
{
	memset(&engine, 0, sizeof(engine));
	for (unsigned i = 0; i < MEM_DEFERS; i++)
		mem_defer_init(&engine.defer[i], NULL);
	for (unsigned i = 0; i < LEARN_COUNT; i++)
		engine.scale[i] = SCALE_ONE;
	engine.busy_kind = -1;
	blank_map_reset();
	digest_clear();
}

void mem_note_programmed(const struct mem_region *r, uint32_t addr, uint32_t len)
{
	blank_map_forget(r, addr, len);
}

/* Adaptive busy estimates: the backend's typical figure (a datasheet
 * table, or SFDP's coarse encoding) scaled by what this chip really took,
 * so that bwPollTimeout follows the chip (docs/decisions/busy-reporting.md).
 * Deadlines keep using the unscaled maximum. */
static uint32_t learn_expect(enum learn_kind k, uint32_t typ_ms)
{
	if (typ_ms == 0)
		return 0;
	uint32_t e = (uint32_t)(((uint64_t)typ_ms * engine.scale[k] + SCALE_ONE - 1u) / SCALE_ONE);
	return QDFU_MAX(e, 1u);
}

static void learn_start(enum learn_kind k, uint32_t typ_ms)
{
	engine.busy_kind = (int)k;
	engine.busy_since = port_millis();
	engine.busy_est = typ_ms;
}

static void learn_done(void)
{
	/* only work long enough for the millisecond clock to measure */
	if (engine.busy_kind >= 0 && engine.busy_est >= 4u) {
		uint32_t took = port_millis() - engine.busy_since;
		uint64_t r = (uint64_t)took * SCALE_ONE / engine.busy_est;
		uint32_t ratio = (uint32_t)QDFU_MIN(QDFU_MAX(r, SCALE_MIN), SCALE_MAX);
		uint32_t *sc = &engine.scale[engine.busy_kind];
		*sc = (*sc + ratio) / 2u;
	}
	engine.busy_kind = -1;
}

int mem_add_region(struct mem_region *r)
{
	if (engine.nregions >= MEM_MAX_REGIONS)
		return QDFU_E_PARAM;
	engine.regions[engine.nregions++] = r;
	for (unsigned i = 0; i < MEM_DEFERS; i++)
		if (!engine.defer[i].r) {
			mem_defer_init(&engine.defer[i], r);
			break;
		}
	return QDFU_OK;
}

/* The deferral table of r, or NULL when r's erases are not deferred. */
static struct mem_defer *defer_of(const struct mem_region *r)
{
	for (unsigned i = 0; i < MEM_DEFERS; i++)
		if (r && engine.defer[i].r == r)
			return &engine.defer[i];
	return NULL;
}

static uint32_t defer_index(const struct mem_region *r, uint32_t addr)
{
	const struct mem_defer *d = defer_of(r);
	return d ? mem_defer_index(d, r, addr) : MEM_DEFER_NONE;
}

/* Every change of a page's pending state goes through here: the digests
 * of its granules are kept only while it is pending and untouched. */
static void set_pending(struct mem_defer *d, uint32_t idx, bool on)
{
	mem_defer_set_pending(d, idx, on);
	digest_forget(mem_defer_page_addr(d, idx), d->page);
}

unsigned mem_region_count(void)
{
	return engine.nregions;
}

struct mem_region *mem_region_at(unsigned index)
{
	return index < engine.nregions ? engine.regions[index] : NULL;
}

struct mem_region *mem_find(uint32_t addr)
{
	for (unsigned i = 0; i < engine.nregions; i++) {
		struct mem_region *r = engine.regions[i];
		if (addr >= r->base && addr - r->base < r->size)
			return r;
	}
	return NULL;
}

struct mem_region *mem_find_alt(uint8_t alt)
{
	for (unsigned i = 0; i < engine.nregions; i++)
		if (engine.regions[i]->alt == alt)
			return engine.regions[i];
	return NULL;
}

void mem_set_write_hook(mem_write_hook hook)
{
	engine.hook = hook;
}

/* A queued block programs beside (its bytes are still read). */
static bool side_programming(void)
{
	for (unsigned b = 0; b < MEM_BANKS; b++)
		if (engine.side[b].r && engine.side[b].data)
			return true;
	return false;
}

bool mem_busy(void)
{
	return engine.kind != OP_NONE || side_programming();
}

bool mem_engine_busy(void)
{
	return engine.kind != OP_NONE;
}

bool mem_beside_reads(const uint8_t *p, uint32_t len)
{
	for (unsigned b = 0; b < MEM_BANKS; b++) {
		const uint8_t *d = engine.side[b].data;
		if (engine.side[b].r && d && d < p + len && p < d + engine.side[b].len)
			return true;
	}
	return false;
}

uint32_t mem_crc_result(void)
{
	return engine.crc_result;
}

/* CRC-32 of each 4-bit value (reflected polynomial 0xEDB88320): two table
 * steps per byte instead of eight shift steps, for 64 bytes of flash. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t mem_crc32_update(uint32_t crc, const uint8_t *p, uint32_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc_nibble[crc & 0xFu];
		crc = (crc >> 4) ^ crc_nibble[crc & 0xFu];
	}
	return ~crc;
}

static void arm_deadline(void)
{
	engine.deadline =
	    port_millis() + engine.t.max_ms + engine.t.max_ms / 2u + DEADLINE_MARGIN_MS;
}

/* ------------------------------------------------- the erase beside */

static bool side_next_run(unsigned b);

/* Advance the operations beside (if any): their end, or their deadline; a
 * program beside goes on with its next run of granules. */
static void side_step(void)
{
	for (unsigned b = 0; b < MEM_BANKS; b++) {
		struct mem_region *r = engine.side[b].r;
		if (!r)
			continue;
		int rc = r->ops->side_poll(r, b);
		if (rc == QDFU_E_BUSY) {
			if (!qdfu_time_reached(port_millis(), engine.side[b].deadline))
				continue;
			rc = QDFU_E_TIMEOUT;
			if (r->ops->side_stop)
				r->ops->side_stop(r, b); /* its data is not read again */
		}
		if (rc == QDFU_OK && engine.side[b].data && side_next_run(b))
			continue;
		engine.side[b].r = NULL;
		engine.side[b].data = NULL;
		engine.gen++;
		if (rc != QDFU_OK && engine.side_result == QDFU_OK)
			engine.side_result = rc;
	}
}

static bool side_running(void)
{
	for (unsigned b = 0; b < MEM_BANKS; b++)
		if (engine.side[b].r)
			return true;
	return false;
}

/* Their error, once (QDFU_OK if none). */
static int side_take(void)
{
	int rc = engine.side_result;
	engine.side_result = QDFU_OK;
	return rc;
}

/* Wait for the erases beside to end (bounded by their deadlines): before
 * work that may touch their banks outside the step machine (reads, a mass
 * erase). */
static int side_wait(void)
{
	for (side_step(); side_running(); side_step())
		port_wait_hint();
	return side_take();
}

static bool in_bank(struct mem_region *r, uint32_t a, uint32_t n, unsigned b)
{
	return r->ops->bank_of(r, a) == b || r->ops->bank_of(r, a + (n ? n : 1u) - 1u) == b;
}

/* Does the running operation read, erase or program anything in bank b of
 * r (its range, its deferred pages, its auto-erase page)? */
static bool op_in_bank(const struct mem_region *r, unsigned b)
{
	if (engine.kind == OP_NONE || engine.r != r)
		return false;
	if (engine.kind == OP_MASS_ERASE || in_bank(engine.r, engine.addr, engine.len, b))
		return true;
	const struct mem_defer *d = defer_of(r);
	for (unsigned i = 0; d && i < engine.nwork; i++)
		if (in_bank(engine.r, mem_defer_page_addr(d, engine.work[i].idx), d->page, b))
			return true;
	return engine.pre_erase_len && in_bank(engine.r, engine.pre_erase_addr, 1u, b);
}

/* The running operation must wait for an erase beside (the bank it waits
 * for, or -1). */
static int waits_for_side(void)
{
	for (unsigned b = 0; b < MEM_BANKS; b++)
		if (engine.side[b].r && op_in_bank(engine.side[b].r, b))
			return (int)b;
	return -1;
}

static int begin(enum op_kind kind, struct mem_region *r, uint32_t addr, uint32_t len)
{
	if (engine.kind != OP_NONE)
		return QDFU_E_BUSY;
	engine.kind = kind;
	engine.phase = PH_CHECK;
	engine.began = port_millis();
	engine.r = r;
	engine.addr = addr;
	engine.len = len;
	engine.pos = 0;
	engine.result = QDFU_OK;
	engine.t.typ_ms = 0;
	engine.t.max_ms = 0;
	engine.nwork = 0;
	engine.wi = 0;
	engine.wunit = 0;
	engine.keep_n = 0;
	engine.bg_done = NULL;
	return QDFU_OK;
}

static int flush_tail(void);

static void finish(int result)
{
	engine.result = result;
	engine.phase = PH_DONE;
}

/* -------------------------------------------------------------- starting */

int mem_start_erase_page(uint32_t addr, struct mem_time *t)
{
	struct mem_region *r = mem_find(addr);
	uint32_t pb, ps;
	uint8_t attr;
	if (!r || !mem_region_page(r, addr, &pb, &ps, &attr))
		return QDFU_E_ADDRESS;
	if (!(attr & MEM_ATTR_ERASE))
		return QDFU_E_PROTECTED;
	int rc = flush_tail();
	if (rc)
		return rc;
	struct mem_defer *d = defer_of(r);
	uint32_t idx = defer_index(r, pb);
	if (idx != MEM_DEFER_NONE && ps == d->page && !plain_mode) {
		if (engine.kind != OP_NONE)
			return QDFU_E_BUSY;
		/* erased when data for it arrives and differs (defer.h) */
		set_pending(d, idx, true);
		if (t)
			t->typ_ms = t->max_ms = 0;
		return QDFU_OK;
	}
	rc = begin(OP_ERASE, r, pb, ps);
	if (rc)
		return rc;
	/* Until the blank check says otherwise, expect a real erase: the
	 * backend reports the estimate when the erase starts. Give a
	 * conservative figure from a worst-case read speed for now. */
	engine.t.typ_ms = 1;
	engine.t.max_ms = 1;
	if (t)
		*t = engine.t;
	return QDFU_OK;
}

int mem_start_mass_erase(struct mem_region *r, struct mem_time *t)
{
	if (!r)
		return QDFU_E_ADDRESS;
	int rc = flush_tail();
	if (rc == QDFU_OK)
		rc = side_wait();
	if (rc)
		return rc;
	rc = begin(OP_MASS_ERASE, r, r->base, r->size);
	if (rc)
		return rc;
	rc = r->ops->mass_erase_start(r, &engine.t);
	if (rc) {
		engine.kind = OP_NONE;
		return rc;
	}
	engine.phase = PH_RUN;
	arm_deadline();
	struct mem_defer *d = defer_of(r);
	if (d) { /* everything goes: nothing left to defer */
		mem_defer_init(d, r);
		digest_clear();
	}
	if (t)
		*t = engine.t;
	return QDFU_OK;
}

static uint32_t unit_of(const struct mem_region *r)
{
	return r->program_unit > 1u && r->program_unit <= GRANULE ? r->program_unit : 1u;
}

/* Start a write of exactly [addr, addr + len) from engine.wbuf. */
static int begin_write(struct mem_region *r, uint32_t addr, uint32_t len)
{
	int rc = begin(OP_WRITE, r, addr, len);
	if (rc)
		return rc;
	engine.data = engine.wbuf;
	engine.run_len = 0;
	engine.t.typ_ms = 1;
	engine.t.max_ms = 1;
	if (len == 0) /* everything went into the held-back tail */
		finish(QDFU_OK);
	return QDFU_OK;
}

/* Run the operation just begun to its end (bounded by its deadlines). */
static int run_sync(void)
{
	int rc;
	while ((rc = mem_poll()) == QDFU_E_BUSY)
		port_wait_hint();
	return rc;
}

static void queue_work(struct mem_defer *d, uint32_t idx)
{
	engine.work[engine.nwork].idx = idx;
	engine.work[engine.nwork].covered = mem_defer_coverage(d, idx);
	engine.nwork++;
	set_pending(d, idx, false);
}

/* Carry out every deferred erase still pending (end of a download, or
 * before a read or CRC that must see the pages as the client left them). */
static int finalize_pending(void)
{
	for (unsigned i = 0; i < MEM_DEFERS; i++) {
		struct mem_defer *d = &engine.defer[i];
		uint32_t idx;
		while ((idx = mem_defer_any(d)) != MEM_DEFER_NONE) {
			int rc = begin(OP_WRITE, d->r, mem_defer_page_addr(d, idx), 0);
			if (rc)
				return rc;
			engine.data = engine.wbuf;
			engine.run_len = 0;
			queue_work(d, idx);
			engine.phase = PH_PREP;
			if ((rc = run_sync()))
				return rc;
		}
	}
	return QDFU_OK;
}

int mem_flush(void)
{
	int rc = flush_tail();
	if (rc == QDFU_OK)
		rc = side_wait();
	return rc ? rc : finalize_pending();
}

static int flush_tail(void)
{
	if (!engine.tail.valid)
		return QDFU_OK;
	if (engine.kind != OP_NONE)
		return QDFU_E_BUSY;
	uint32_t n = engine.tail.end - engine.tail.start;
	memcpy(engine.wbuf, engine.tail.bytes, n);
	engine.tail.valid = false;
	int rc = begin_write(engine.tail.r, engine.tail.start, n);
	if (rc)
		return rc;
	/* one flash word: microseconds; bounded by the backend's deadline */
	return run_sync();
}

/* The deferred erases a write of [addr, addr + len) needs: queued in
 * engine.work. True when the data is already in place and nothing at all
 * is to be done. */
static bool plan_deferred(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len)
{
	struct mem_defer *d = defer_of(r);
	uint32_t first = mem_defer_index(d, r, addr), last = mem_defer_index(d, r, addr + len - 1u);
	bool p1 = mem_defer_is_pending(d, first);
	bool p2 = last != first && mem_defer_is_pending(d, last);
	uint32_t cur = d->cur;
	if (!p1 && !p2)
		return false;
	/* leaving another page half-checked: finish it first */
	if (cur != MEM_DEFER_NONE && cur != first && cur != last && mem_defer_is_pending(d, cur))
		queue_work(d, cur);
	bool granules = first == last && addr % MEM_DEFER_GRAN == 0 && len % MEM_DEFER_GRAN == 0;
	if (granules && r->ops->read(r, addr, engine.scratch, len) == QDFU_OK &&
	    memcmp(engine.scratch, data, len) == 0) {
		mem_defer_cover(d, first, addr, len); /* unchanged: reads only */
		engine.changed_streak = 0;
		return engine.nwork == 0;
	}
	if (p1)
		queue_work(d, first);
	if (p2)
		queue_work(d, last);
	engine.changed_streak++;
	return false;
}

static int auto_erase_plan(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len);

/* A write that continues the held-back partial unit starts with it (the
 * two are programmed together: a flash word is programmed once per erase);
 * any other write first programs the held-back bytes on their own. */
static int join_tail(const struct mem_region *r, uint32_t addr, uint32_t unit, uint32_t *waddr,
                     uint32_t *wlen)
{
	if (engine.tail.valid && engine.tail.r == r && engine.tail.end == addr &&
	    (engine.tail.start & ~(unit - 1u)) == (addr & ~(unit - 1u))) {
		*wlen = engine.tail.end - engine.tail.start;
		memcpy(engine.wbuf, engine.tail.bytes, *wlen);
		*waddr = engine.tail.start;
		engine.tail.valid = false;
		return QDFU_OK;
	}
	return flush_tail();
}

int mem_start_write(uint32_t addr, const uint8_t *data, uint32_t len, struct mem_time *t)
{
	struct mem_region *r = mem_find(addr);
	if (!r)
		return QDFU_E_ADDRESS;
	if (len == 0 || len > MEM_MAX_WRITE)
		return QDFU_E_PARAM;
	if (len > r->size - (addr - r->base))
		return QDFU_E_ADDRESS; /* crosses the end of the region */
	if (!(mem_region_attr_range(r, addr, len) & MEM_ATTR_WRITE))
		return QDFU_E_PROTECTED;
	if (engine.kind != OP_NONE)
		return QDFU_E_BUSY;
	if (engine.hook)
		engine.hook(addr, data, len);

	uint32_t unit = unit_of(r), waddr = addr, wlen = 0;
	int rc = join_tail(r, addr, unit, &waddr, &wlen);
	if (rc)
		return rc;
	memcpy(engine.wbuf + wlen, data, len);
	engine.nwork = 0;
	int ae = auto_erase_plan(r, addr, data, len);
	if (ae < 0)
		return ae;
	bool in_place = defer_of(r) && plan_deferred(r, addr, data, len);
	wlen += len;
	uint32_t end = waddr + wlen;
	if (unit > 1u && (end % unit) != 0) {
		uint32_t keep_from = QDFU_MAX(end & ~(unit - 1u), waddr);
		engine.tail.valid = true;
		engine.tail.r = r;
		engine.tail.start = keep_from;
		engine.tail.end = end;
		memcpy(engine.tail.bytes, engine.wbuf + (keep_from - waddr), end - keep_from);
		wlen -= end - keep_from;
	}
	unsigned nwork = engine.nwork;
	rc = begin_write(r, waddr, wlen);
	if (rc) {
		engine.pre_erase_len = 0;
		return rc;
	}
	engine.nwork = nwork;
	if (nwork || engine.pre_erase_len)
		engine.phase = PH_PREP;
	else if (in_place)
		finish(QDFU_OK);
	if (t)
		*t = engine.t;
	return QDFU_OK;
}

int mem_start_crc(uint32_t addr, uint32_t len, struct mem_time *t)
{
	struct mem_region *r = mem_find(addr);
	if (!r || len > r->size - (addr - r->base))
		return QDFU_E_ADDRESS;
	int rc = mem_flush();
	if (rc)
		return rc;
	rc = begin(OP_CRC, r, addr, len);
	if (rc)
		return rc;
	engine.crc = 0;
	/* ~10 MB/s is a safe floor for reading internal or QSPI flash */
	engine.t.typ_ms = len / 10000u + 1u;
	engine.t.max_ms = len / 1000u + 10u;
	arm_deadline();
	if (t)
		*t = engine.t;
	return QDFU_OK;
}

/* ----------------------------------------------------------------- erase */

static bool all_ff(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != 0xFFu)
			return false;
	return true;
}

/* Start the backend's erase of the whole operation range (PH_RUN). */
static int launch_erase(void)
{
	int rc = engine.r->ops->erase_start(engine.r, engine.addr, engine.len, &engine.t);
	if (rc)
		return rc;
	learn_start(LEARN_ERASE, engine.t.typ_ms);
	engine.t.typ_ms = learn_expect(LEARN_ERASE, engine.t.typ_ms);
	engine.phase = PH_RUN;
	arm_deadline();
	return QDFU_OK;
}

int mem_start_background_erase(struct mem_region *r, uint32_t addr, uint32_t len,
                               void (*done)(int rc))
{
	if (!r || !done || len == 0 || addr - r->base >= r->size ||
	    len > r->size - (addr - r->base))
		return QDFU_E_PARAM;
	int rc = begin(OP_ERASE, r, addr, len);
	if (rc)
		return rc;
	/* no blank check: a unit whose erase was cut can read blank and still
	 * lose bits later (sim/nor/nor_torn.c) */
	rc = launch_erase();
	if (rc) {
		engine.kind = OP_NONE;
		return rc;
	}
	engine.bg_done = done;
	return QDFU_OK;
}

static int step(void);

/* The running operation is over (PH_DONE): the engine is free, and the
 * owner of a background one is told its result. */
static int end_op(void)
{
	engine.kind = OP_NONE;
	engine.gen++;
	if (engine.bg_done) {
		void (*done)(int rc) = engine.bg_done;
		engine.bg_done = NULL;
		done(engine.result);
	}
	return engine.result;
}

void mem_wait_background(void)
{
	/* bounded by the operation's own deadline (erase_step); the erases
	 * beside keep their results for the next operation (mem_poll) */
	while (engine.kind != OP_NONE && engine.bg_done) {
		if (engine.phase != PH_DONE)
			(void)step();
		if (engine.phase == PH_DONE)
			(void)end_op();
		else
			port_wait_hint();
	}
}

static int erase_step(void)
{
	if (engine.phase == PH_CHECK) {
		/* skip the erase when the page is already blank */
		uint32_t n = QDFU_MIN(SLICE, engine.len - engine.pos);
		int rc = engine.r->ops->read(engine.r, engine.addr + engine.pos, engine.scratch, n);
		if (rc == QDFU_OK && all_ff(engine.scratch, n) && !plain_mode) {
			engine.pos += n;
			if (engine.pos < engine.len)
				return QDFU_E_BUSY;
			finish(QDFU_OK);
			return QDFU_OK;
		}
		/* not blank (or unreadable, e.g. ECC): erase it */
		rc = launch_erase();
		if (rc) {
			finish(rc);
			return rc;
		}
		return QDFU_E_BUSY;
	}
	int rc = engine.r->ops->poll(engine.r);
	if (rc == QDFU_E_BUSY) {
		if (qdfu_time_reached(port_millis(), engine.deadline)) {
			finish(QDFU_E_TIMEOUT);
			return QDFU_E_TIMEOUT;
		}
		return QDFU_E_BUSY;
	}
	if (rc == QDFU_OK)
		learn_done();
	finish(rc);
	return rc;
}

/* ----------------------------------------------------------------- write */

/* Classify one granule: 0 already holds the data, 1 needs programming,
 * negative: cannot be programmed without an erase. */
static int granule_state(const uint8_t *cur, const uint8_t *want, uint32_t n, bool rewrite_ok)
{
	if (memcmp(cur, want, n) == 0)
		return 0;
	if (all_ff(cur, n))
		return 1;
	if (rewrite_ok) { /* NOR: bytes that are blank or already equal */
		for (uint32_t i = 0; i < n; i++)
			if (cur[i] != 0xFFu && cur[i] != want[i])
				return QDFU_E_NOT_ERASED;
		return 1;
	}
	return QDFU_E_NOT_ERASED;
}

/* 1 when [addr, addr + len) cannot take data without an erase (a granule
 * that is neither equal nor programmable, or a damaged word), 0 when it
 * can, or a read error. */
static int needs_erase(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len)
{
	bool rewrite_ok = r->program_unit <= 1u;
	for (uint32_t pos = 0; pos < len;) {
		uint32_t a = addr + pos;
		uint32_t n = QDFU_MIN(SLICE - (a % GRANULE), len - pos);
		int rc = r->ops->read(r, a, engine.scratch, n);
		if (rc == QDFU_E_ECC)
			return 1;
		if (rc)
			return rc;
		for (uint32_t off = 0; off < n;) {
			uint32_t gl = QDFU_MIN(GRANULE - ((a + off) % GRANULE), n - off);
			if (granule_state(engine.scratch + off, data + pos + off, gl, rewrite_ok) <
			    0)
				return 1;
			off += gl;
		}
		pos += n;
	}
	return 0;
}

/* First write of the session to the page at pb (region without deferral)?
 * Records it. False when the table is full: no auto-erase then. */
static bool first_touch_page(uint32_t pb)
{
	for (unsigned i = 0; i < engine.ntouched; i++)
		if (engine.touched_pages[i] == pb)
			return false;
	if (engine.ntouched == MEM_TOUCHED_MAX)
		return false;
	engine.touched_pages[engine.ntouched++] = pb;
	return true;
}

static bool first_touch_index(const struct mem_defer *d, uint32_t idx)
{
	uint8_t *touched = engine.touched[d - engine.defer];
	uint8_t bit = (uint8_t)(1u << (idx % 8u));
	if (touched[idx / 8u] & bit)
		return false;
	touched[idx / 8u] |= bit;
	return true;
}

/* Auto-erase (mem_session_start): in a region with deferral the page is
 * marked for a deferred erase, which keeps what already holds the right
 * data (plan_deferred); elsewhere the page is erased before the write
 * (PH_PREP). Only erasable pages, never in ROM-style mode. Returns 0 or a
 * read error. */
static int auto_erase_plan(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len)
{
	uint32_t pb, ps, pb2, ps2;
	uint8_t attr, attr2;
	engine.pre_erase_len = 0;
	if (plain_mode || !mem_region_page(r, addr, &pb, &ps, &attr) ||
	    !mem_region_page(r, addr + len - 1u, &pb2, &ps2, &attr2))
		return QDFU_OK;
	struct mem_defer *d = defer_of(r);
	uint32_t i1 = defer_index(r, pb);
	uint32_t i2 = defer_index(r, pb2);
	bool deferred = i1 != MEM_DEFER_NONE && i2 != MEM_DEFER_NONE;
	bool new1 = deferred ? first_touch_index(d, i1) : pb == pb2 && first_touch_page(pb);
	bool new2 = deferred && i2 != i1 && first_touch_index(d, i2);
	if (!new1 && !new2)
		return QDFU_OK;
	if (!(attr & MEM_ATTR_ERASE) || !(attr2 & MEM_ATTR_ERASE))
		return QDFU_OK;
	int ne = needs_erase(r, addr, data, len);
	if (ne <= 0)
		return ne;
	if (!deferred) {
		engine.pre_erase_addr = pb;
		engine.pre_erase_len = ps;
		return QDFU_OK;
	}
	if (new1 && !mem_defer_is_pending(d, i1))
		set_pending(d, i1, true);
	if (new2 && !mem_defer_is_pending(d, i2))
		set_pending(d, i2, true);
	return QDFU_OK;
}

void mem_session_start(void)
{
	memset(engine.touched, 0, sizeof(engine.touched));
	engine.ntouched = 0;
}

/* Start programming and count its (learned) time into the estimate. */
static int start_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
	struct mem_time t;
	blank_map_forget(engine.r, addr, len); /* before: a cut program is not blank */
	int rc = engine.r->ops->program_start(engine.r, addr, data, len, &t);
	if (rc)
		return rc;
	engine.t.typ_ms += learn_expect(LEARN_PROGRAM, t.typ_ms);
	engine.t.max_ms += t.max_ms;
	learn_start(LEARN_PROGRAM, t.typ_ms);
	arm_deadline();
	return QDFU_OK;
}

static int start_run(void)
{
	return start_program(engine.addr + engine.run_start, engine.data + engine.run_start,
	                     engine.run_len);
}

/* Compare the next slice with the wanted data, and start programming the
 * first run of granules that need it. */
static int write_scan(void)
{
	bool rewrite_ok = engine.r->program_unit <= 1u;
	while (engine.pos < engine.len) {
		/* granules are aligned to the region's address grid */
		uint32_t a = engine.addr + engine.pos;
		uint32_t n = QDFU_MIN(SLICE - (a % GRANULE), engine.len - engine.pos);
		int rc = QDFU_OK;
		if (blank_map_known(engine.r, a, n))
			memset(engine.scratch, 0xFF, n); /* the verify read checks it */
		else
			rc = engine.r->ops->read(engine.r, a, engine.scratch, n);
		if (rc == QDFU_E_ECC)
			return QDFU_E_NOT_ERASED;
		if (rc)
			return rc;
		uint32_t off = 0;
		while (off < n) {
			uint32_t gl = QDFU_MIN(GRANULE - ((a + off) % GRANULE), n - off);
			int st = granule_state(engine.scratch + off, engine.data + engine.pos + off,
			                       gl, rewrite_ok);
			if (st < 0)
				return st;
			if (st == 1) {
				if (engine.run_len == 0)
					engine.run_start = engine.pos + off;
				engine.run_len += gl;
			} else if (engine.run_len) {
				engine.pos += off;
				return start_run();
			}
			off += gl;
		}
		engine.pos += n;
		if (engine.run_len)
			return start_run();
	}
	return QDFU_OK;
}

/* ------------------------------------------------- deferred erase work */

/* 1 when [a, a + n) of r reads erased, 0 when not, or a read error. */
static int region_blank(struct mem_region *r, uint32_t a, uint32_t n)
{
	if (blank_map_known(r, a, n))
		return 1;
	for (uint32_t off = 0; off < n; off += SLICE) {
		uint32_t k = QDFU_MIN(SLICE, n - off);
		int rc = r->ops->read(r, a + off, engine.scratch, k);
		if (rc == QDFU_E_ECC)
			return 0;
		if (rc)
			return rc;
		if (!all_ff(engine.scratch, k))
			return 0;
	}
	return 1;
}

static int range_blank(uint32_t a, uint32_t n)
{
	return region_blank(engine.r, a, n);
}

/* ------------------------------------------- digests ahead of an erase */

/* Bytes the client can send while erasing [a, a + n) runs, beyond what the
 * class queues: how far ahead the digests must reach (0: none needed). */
static uint32_t intake_during(uint32_t a, uint32_t n)
{
	struct mem_time t;
	const struct mem_ops *o = engine.r->ops;
	if (!intake_bps || !o->erase_time || o->erase_time(engine.r, a, n, &t))
		return 0;
	/* this chip's erase time as learned so far (a slow part erases for
	 * longer than its typical figure, and the client sends all along) */
	uint64_t bytes = (uint64_t)intake_bps * learn_expect(LEARN_ERASE, t.typ_ms) / 1000u;
	return bytes > intake_queued ? (uint32_t)QDFU_MIN(bytes - intake_queued, 0xFFFFFFFFu) : 0u;
}

/* The page of r holding [a, a + n) can be read now: no erase beside runs
 * in its bank (a read there would hold the bus until it ends). */
static bool readable_now(struct mem_region *r, uint32_t a, uint32_t n)
{
	for (unsigned b = 0; b < MEM_BANKS; b++)
		if (engine.side[b].r == r && r->ops->bank_of && in_bank(r, a, n, b))
			return false;
	return true;
}

/* Digest of the granule at ga into the table; false on a read error. */
static bool digest_granule(struct mem_region *r, uint32_t ga)
{
	struct digest dg;
	if (r->ops->read(r, ga, engine.scratch, DIGEST_GRAN) != QDFU_OK)
		return false;
	dg.crc = port_crc32_update(0, engine.scratch, DIGEST_GRAN);
	dg.fnv = digest_fnv1a(DIGEST_FNV_INIT, engine.scratch, DIGEST_GRAN);
	return digest_add(ga, &dg);
}

/* Before the erase of [a, a + n) (its bank or chip unreadable until it
 * ends): the digests of the granules of the pending pages that follow the
 * pages the running write works on, as far as the client can send during
 * the erase (docs/decisions/dismiss-during-erase.md). Granules already
 * known right, or digested, are skipped. */
static void digest_ahead(uint32_t a, uint32_t n)
{
	struct mem_region *r = engine.r;
	const struct mem_defer *d = defer_of(r);
	/* after a run of changed pages the next ones likely change too: their
	 * digests would be read for nothing (the other bank is guessed at
	 * instead, speculate_other_bank) */
	if (plain_mode || !d || engine.kind != OP_WRITE || engine.nwork == 0 ||
	    engine.changed_streak >= SPECULATE_STREAK)
		return;
	uint32_t want = intake_during(a, n), seen = 0;
	uint32_t g = d->page / DIGEST_GRAN;
	for (uint32_t idx = engine.work[engine.nwork - 1u].idx + 1u;
	     idx < d->npages && seen < want && digest_count() < DIGEST_MAX; idx++) {
		uint32_t pa = mem_defer_page_addr(d, idx);
		if (!mem_defer_is_pending(d, idx) || !readable_now(r, pa, d->page)) {
			seen += d->page;
			continue;
		}
		uint32_t cov = mem_defer_coverage(d, idx);
		for (uint32_t i = 0; i < g && seen < want; i++, seen += DIGEST_GRAN) {
			struct digest dg;
			uint32_t ga = pa + i * DIGEST_GRAN;
			if (((cov >> i) & 1u) || digest_find(ga, &dg))
				continue;
			if (!digest_granule(r, ga))
				return; /* table full, or unreadable (ECC): no more */
		}
	}
}

static void speculate_other_bank(uint32_t a);

static int start_erase(uint32_t a, uint32_t n)
{
	struct mem_time t;
	digest_ahead(a, n);
	speculate_other_bank(a);
	int rc = engine.r->ops->erase_start(engine.r, a, n, &t);
	if (rc)
		return rc;
	learn_start(LEARN_ERASE, t.typ_ms);
	engine.t.typ_ms += learn_expect(LEARN_ERASE, t.typ_ms);
	engine.t.max_ms += t.max_ms;
	arm_deadline();
	engine.phase = PH_ERASING;
	return QDFU_E_BUSY;
}

/* Where granules are kept while their unit is erased: the region's
 * staging buffer (a whole page), else one granule. */
static uint8_t *keep_buf(uint32_t *cap)
{
	if (engine.r->stage) {
		*cap = engine.r->stage_size;
		return engine.r->stage;
	}
	*cap = sizeof(engine.keep);
	return engine.keep;
}

/* The unit at ua is partly right (ucov: its right granules, g of them):
 * when the rest of it is not blank, keep the right granules aside, erase
 * the unit and program them back (PH_ERASING, then PH_KEEPING). */
static int erase_keeping(const struct mem_defer *d, uint32_t ua, uint32_t ucov, uint32_t g)
{
	int b = 1;
	for (uint32_t i = 0; i < g && b == 1; i++)
		if (!((ucov >> i) & 1u))
			b = range_blank(ua + i * MEM_DEFER_GRAN, MEM_DEFER_GRAN);
	engine.wunit++;
	if (b != 0)
		return b < 0 ? b : QDFU_E_BUSY; /* the rest is blank */
	uint32_t cap;
	uint8_t *buf = keep_buf(&cap);
	engine.keep_n = 0;
	for (uint32_t i = 0; i < g; i++) {
		if (!((ucov >> i) & 1u))
			continue;
		uint32_t at = engine.keep_n * MEM_DEFER_GRAN;
		if (at + MEM_DEFER_GRAN > cap ||
		    engine.keep_n >= QDFU_ARRAY_SIZE(engine.keep_addrs))
			return QDFU_E_PARAM; /* defer.c never lets this happen */
		int rc = engine.r->ops->read(engine.r, ua + i * MEM_DEFER_GRAN, buf + at,
		                             MEM_DEFER_GRAN);
		if (rc)
			return rc;
		engine.keep_addrs[engine.keep_n++] = ua + i * MEM_DEFER_GRAN;
	}
	engine.keep_i = 0;
	engine.keep_off = 0;
	return start_erase(ua, d->unit);
}

/* PH_KEEPING: program the kept granules back, run by run of flash words
 * that are not blank (a blank word stays unprogrammed: a flash word takes
 * one program per erase). PH_PREP when all are back. */
static int keep_next(void)
{
	uint32_t cap;
	uint8_t *buf = keep_buf(&cap);
	while (engine.keep_i < engine.keep_n) {
		const uint8_t *g = buf + engine.keep_i * MEM_DEFER_GRAN;
		uint32_t off = engine.keep_off, end;
		while (off < MEM_DEFER_GRAN && all_ff(g + off, GRANULE))
			off += GRANULE;
		for (end = off; end < MEM_DEFER_GRAN && !all_ff(g + end, GRANULE);)
			end += GRANULE;
		if (off >= MEM_DEFER_GRAN) {
			engine.keep_i++;
			engine.keep_off = 0;
			continue;
		}
		engine.keep_off = end;
		int rc = start_program(engine.keep_addrs[engine.keep_i] + off, g + off, end - off);
		if (rc)
			return rc;
		engine.phase = PH_KEEPING;
		return QDFU_E_BUSY;
	}
	engine.keep_n = 0;
	engine.phase = PH_PREP;
	return QDFU_E_BUSY;
}

/* Next step of the erase work: skip units that hold the right data or
 * are blank, erase the rest (runs of units in one go). PH_CHECK when done. */
static int prep_step(void)
{
	if (engine.pre_erase_len) { /* auto-erase of a page without deferral */
		uint32_t a = engine.pre_erase_addr, n = engine.pre_erase_len;
		engine.pre_erase_len = 0;
		return start_erase(a, n);
	}
	const struct mem_defer *d = defer_of(engine.r);
	if (engine.nwork == 0 || !d || !d->unit) {
		engine.phase = PH_CHECK;
		return QDFU_E_BUSY;
	}
	uint32_t units = d->page / d->unit, g = d->unit / MEM_DEFER_GRAN;
	uint32_t one = g >= 32u ? 0xFFFFFFFFu : (1u << g) - 1u;
	while (engine.wi < engine.nwork) {
		uint32_t cov = engine.work[engine.wi].covered, u = engine.wunit;
		uint32_t ua = mem_defer_page_addr(d, engine.work[engine.wi].idx) + u * d->unit;
		if (u >= units) {
			engine.wi++;
			engine.wunit = 0;
		} else if (((cov >> (u * g)) & one) == one) {
			engine.wunit++; /* holds the right data */
		} else if (((cov >> (u * g)) & one) != 0) {
			return erase_keeping(d, ua, (cov >> (u * g)) & one, g);
		} else {
			uint32_t n = 1;
			while (u + n < units && ((cov >> ((u + n) * g)) & one) == 0)
				n++;
			engine.wunit += n;
			int b = range_blank(ua, n * d->unit);
			if (b <= 0)
				return b < 0 ? b : start_erase(ua, n * d->unit);
		}
	}
	engine.phase = PH_CHECK;
	return QDFU_E_BUSY;
}

/* PH_ERASING / PH_KEEPING: wait for the backend, then go on preparing. */
static int prep_wait(void)
{
	int rc = engine.r->ops->poll(engine.r);
	if (rc == QDFU_E_BUSY) {
		if (qdfu_time_reached(port_millis(), engine.deadline))
			return QDFU_E_TIMEOUT;
		return QDFU_E_BUSY;
	}
	if (rc)
		return rc;
	learn_done();
	if (engine.keep_n) /* the kept granules go back first */
		return keep_next();
	engine.phase = PH_PREP;
	return QDFU_E_BUSY;
}

static int write_step(void)
{
	int rc;
	if (engine.phase >= PH_PREP && engine.phase < PH_DONE) {
		rc = engine.phase == PH_PREP ? prep_step() : prep_wait();
		if (rc != QDFU_E_BUSY)
			finish(rc);
		return rc;
	}
	if (engine.phase == PH_CHECK) {
		rc = write_scan();
		if (rc) {
			finish(rc);
			return rc;
		}
		if (engine.run_len == 0) { /* nothing (more) to program */
			engine.phase = PH_VERIFY;
			engine.pos = 0;
			return QDFU_E_BUSY;
		}
		engine.phase = PH_RUN;
		return QDFU_E_BUSY;
	}
	if (engine.phase == PH_RUN) {
		rc = engine.r->ops->poll(engine.r);
		if (rc == QDFU_E_BUSY) {
			if (qdfu_time_reached(port_millis(), engine.deadline)) {
				finish(QDFU_E_TIMEOUT);
				return QDFU_E_TIMEOUT;
			}
			return QDFU_E_BUSY;
		}
		if (rc) {
			finish(rc);
			return rc;
		}
		learn_done();
		engine.run_len = 0;
		engine.phase = PH_CHECK; /* scan the rest */
		return QDFU_E_BUSY;
	}
	/* PH_VERIFY: read back what should now be there */
	uint32_t n = QDFU_MIN(SLICE, engine.len - engine.pos);
	rc = engine.r->ops->read(engine.r, engine.addr + engine.pos, engine.scratch, n);
	if (rc == QDFU_OK && memcmp(engine.scratch, engine.data + engine.pos, n) != 0)
		rc = QDFU_E_VERIFY;
	if (rc) {
		finish(rc == QDFU_E_ECC ? QDFU_E_VERIFY : rc);
		return engine.result;
	}
	engine.pos += n;
	if (engine.pos < engine.len)
		return QDFU_E_BUSY;
	finish(QDFU_OK);
	return QDFU_OK;
}

/* ------------------------------------------------------------------- CRC */

/* Only entries up to a page pair are looked at: the long CRCs of a verify
 * are not blank. */
#define BLANK_CRC_MAX (256u * 1024u)
/* CRC-32 of len erased bytes (0xFF), computed (mem/crc_ff.h); the last
 * length asked is kept (a CRC table's entries share one). */
static uint32_t blank_crc(uint32_t len)
{
	static uint32_t known_len, known_crc;
	if (len != known_len) {
		known_crc = crc32_of_ff(len);
		known_len = len;
	}
	return known_crc;
}

static int crc_step(void)
{
	uint32_t n = QDFU_MIN(SLICE, engine.len - engine.pos);
	if (n) {
		const struct mem_ops *o = engine.r->ops;
		uint32_t a = engine.addr + engine.pos;
		int rc;
		/* the CRC unit: fed while the bus drains, or after the read */
		if (o->read_crc)
			rc = o->read_crc(engine.r, a, n, &engine.crc);
		else if ((rc = o->read(engine.r, a, engine.scratch, n)) == QDFU_OK)
			engine.crc = port_crc32_update(engine.crc, engine.scratch, n);
		if (rc) {
			finish(rc);
			return rc;
		}
		engine.pos += n;
	}
	if (engine.pos < engine.len)
		return QDFU_E_BUSY;
	engine.crc_result = engine.crc;
	if (engine.r->program_unit <= 1u && engine.len && engine.len <= BLANK_CRC_MAX &&
	    engine.crc == blank_crc(engine.len))
		blank_map_note(engine.r, engine.addr, engine.len);
	finish(QDFU_OK);
	return QDFU_OK;
}

/* ------------------------------------------------------------------ poll */

static int step(void)
{
	side_step();
	if (waits_for_side() >= 0)
		return QDFU_E_BUSY; /* its bank still erases beside */
	switch (engine.kind) {
	case OP_ERASE:
		return erase_step();
	case OP_WRITE:
		return write_step();
	case OP_CRC:
		return crc_step();
	case OP_MASS_ERASE: {
		int rc = engine.r->ops->poll(engine.r);
		if (rc == QDFU_E_BUSY && qdfu_time_reached(port_millis(), engine.deadline))
			rc = QDFU_E_TIMEOUT;
		if (rc != QDFU_E_BUSY)
			finish(rc);
		return rc;
	}
	default:
		return QDFU_OK;
	}
}

/* Run the quick phases (reads and compares, a write's read-back) until
 * the slow part has started or the operation is over: bounded by one
 * region's size of reads, a few milliseconds at most. Not a CRC: its
 * reads are the operation. */
static void run_quick(void)
{
	while (engine.kind != OP_NONE && engine.kind != OP_CRC &&
	       (engine.phase == PH_CHECK || engine.phase == PH_PREP || engine.phase == PH_VERIFY) &&
	       waits_for_side() < 0) {
		(void)step();
	}
}

int mem_poll(void)
{
	if (engine.kind == OP_NONE) {
		side_step(); /* reported by the next operation, or mem_flush */
		return QDFU_OK;
	}
	if (engine.phase != PH_DONE)
		(void)step();
	/* what a step leaves quick to do (a program that ended: the rest of
	 * the scan, the read-back) is done now, not one step per call */
	run_quick();
	if (engine.phase != PH_DONE)
		return QDFU_E_BUSY;
	int rc = end_op();
	return rc != QDFU_OK ? rc : side_take();
}

struct mem_time mem_settle(void)
{
	run_quick();
	struct mem_time t = {0, 0};
	if (engine.kind != OP_NONE && engine.phase != PH_DONE) {
		uint32_t now = port_millis();
		uint32_t left = (uint32_t)(engine.deadline - now);
		uint32_t slack = engine.t.max_ms / 2u + DEADLINE_MARGIN_MS;
		uint32_t max_left = left > slack ? left - slack : 0;
		/* the typical time still to go: a block accepted while the
		 * host sent the next one has already spent part of it */
		uint32_t spent = now - engine.began;
		uint32_t typ_left = engine.t.typ_ms > spent ? engine.t.typ_ms - spent : 0u;
		int wb = waits_for_side();
		if (wb >= 0) { /* first the erase beside, then its own work */
			uint32_t side_spent = now - engine.side[wb].began;
			typ_left += engine.side[wb].typ_ms > side_spent
			                ? engine.side[wb].typ_ms - side_spent
			                : 0u;
			max_left = QDFU_MAX(max_left, (uint32_t)(engine.side[wb].deadline - now));
		}
		t.max_ms = max_left;
		t.typ_ms = QDFU_MIN(typ_left, max_left);
	}
	return t;
}

/* ------------------------------------------------------------ look-ahead */

/* Bank b of r is free for an erase beside: none runs there, the engine
 * does not work there and holds no word for it. */
static bool side_free(struct mem_region *r, unsigned b)
{
	return b < MEM_BANKS && !engine.side[b].r && !op_in_bank(r, b) &&
	       !(engine.tail.valid && engine.tail.r == r && in_bank(r, engine.tail.start, 1u, b));
}

/* The pending page of r holding [addr, addr + len) that may be erased
 * beside the engine's work: a whole deferred page with nothing to keep, in
 * a bank the engine does not touch. False when there is none. */
static bool look_ahead_page(struct mem_region *r, uint32_t addr, uint32_t len,
                            struct mem_defer **dp, uint32_t *idxp, unsigned *bp)
{
	struct mem_defer *d = defer_of(r);
	uint32_t idx = defer_index(r, addr);
	if (!d || idx == MEM_DEFER_NONE || d->unit != d->page || !mem_defer_is_pending(d, idx) ||
	    mem_defer_coverage(d, idx) != 0u)
		return false; /* not a pending page, or part of it is to be kept */
	uint32_t pa = mem_defer_page_addr(d, idx);
	unsigned b = r->ops->bank_of(r, pa);
	if (addr + len > pa + d->page || !side_free(r, b))
		return false; /* the engine works in that bank (or holds a word for it) */
	*dp = d;
	*idxp = idx;
	*bp = b;
	return true;
}

/* Erase pending page idx of r beside the engine, in its (free) bank b,
 * unless it is blank. */
static void side_start(struct mem_region *r, struct mem_defer *d, uint32_t idx, unsigned b)
{
	uint32_t pa = mem_defer_page_addr(d, idx);
	if (region_blank(r, pa, d->page) != 0)
		return;
	struct mem_time t;
	if (r->ops->side_erase_start(r, pa, &t) != QDFU_OK)
		return;
	set_pending(d, idx, false);
	/* erased in this session: auto-erase leaves it alone (and reads
	 * nothing of the bank while it erases) */
	(void)first_touch_index(d, idx);
	engine.side[b].r = r;
	engine.side[b].addr = pa;
	engine.side[b].began = port_millis();
	engine.side[b].typ_ms = t.typ_ms;
	engine.side[b].deadline =
	    engine.side[b].began + t.max_ms + t.max_ms / 2u + DEADLINE_MARGIN_MS;
}

void mem_look_ahead(uint32_t addr, const uint8_t *data, uint32_t len)
{
	struct mem_region *r = mem_find(addr);
	struct mem_defer *d;
	uint32_t idx;
	unsigned b;
	if (plain_mode || !r || !r->ops->side_erase_start || engine.side_result != QDFU_OK ||
	    len == 0 || len > SLICE || len > r->size - (addr - r->base) ||
	    !look_ahead_page(r, addr, len, &d, &idx, &b))
		return;
	/* the erase the engine would start on reaching this block: it differs
	 * from the flash, and the page is not blank */
	if (r->ops->read(r, addr, engine.scratch, len) == QDFU_OK &&
	    memcmp(engine.scratch, data, len) == 0)
		return;
	engine.changed_streak++;
	side_start(r, d, idx, b);
}

/* The engine is about to erase at a in its bank, and the pages reached so
 * far all changed: the first pending page of the other bank, with nothing
 * known right in it, is erased now, beside, before its data arrives. A
 * client that sends in address order (dfu-util) reaches the second bank
 * only after the first; without this their erases could overlap only once.
 * The client asked for the erase; a wrong guess (the page's data turns out
 * unchanged) costs programming it again. */
static void speculate_other_bank(uint32_t a)
{
	struct mem_region *r = engine.r;
	struct mem_defer *d = defer_of(r);
	if (plain_mode || !d || !r->ops->side_erase_start || !r->ops->bank_of ||
	    engine.side_result != QDFU_OK || engine.changed_streak < SPECULATE_STREAK ||
	    d->unit != d->page)
		return;
	unsigned own = r->ops->bank_of(r, a);
	for (uint32_t idx = 0; idx < d->npages; idx++) {
		uint32_t pa = mem_defer_page_addr(d, idx);
		unsigned b = r->ops->bank_of(r, pa);
		if (b == own || !mem_defer_is_pending(d, idx) || mem_defer_coverage(d, idx) != 0u)
			continue;
		if (side_free(r, b))
			side_start(r, d, idx, b);
		return; /* the first such page only: pages are erased in order */
	}
}

/* ------------------------------------------------- the program beside */

static bool need_bit(const uint8_t *need, uint32_t g)
{
	return (need[g / 8u] >> (g % 8u)) & 1u;
}

/* Start bank b's next run of granules that need programming; false when
 * there is none (or it cannot start: its granules then stay as they are
 * and the engine, reaching the block, programs or reports them). */
static bool side_next_run(unsigned b)
{
	struct mem_region *r = engine.side[b].r;
	uint32_t ng = engine.side[b].len / GRANULE, g = engine.side[b].pos / GRANULE;
	if (engine.side[b].stopping)
		return false;
	while (g < ng && !need_bit(engine.side[b].need, g))
		g++;
	uint32_t first = g;
	while (g < ng && need_bit(engine.side[b].need, g))
		g++;
	engine.side[b].pos = g * GRANULE;
	if (first == g)
		return false;
	struct mem_time t;
	uint32_t a = engine.side[b].addr + first * GRANULE;
	if (r->ops->side_program_start(r, a, engine.side[b].data + first * GRANULE,
	                               (g - first) * GRANULE, &t) != QDFU_OK)
		return false;
	engine.side[b].began = port_millis();
	engine.side[b].typ_ms = learn_expect(LEARN_PROGRAM, t.typ_ms);
	engine.side[b].deadline =
	    engine.side[b].began + t.max_ms + t.max_ms / 2u + DEADLINE_MARGIN_MS;
	return true;
}

/* The bank of r holding [addr, addr + len) when the block lies in one
 * bank, else MEM_BANKS. */
static unsigned bank_of_block(struct mem_region *r, uint32_t addr, uint32_t len)
{
	unsigned b = r->ops->bank_of(r, addr);
	return b < MEM_BANKS && b == r->ops->bank_of(r, addr + len - 1u) ? b : MEM_BANKS;
}

/* Not now: bank b works (or holds a word of the engine's), the block is
 * no whole granules of one writable page, or it was seen already and
 * nothing has moved on since. */
static bool beside_blocked(struct mem_region *r, unsigned b, uint32_t addr, uint32_t len)
{
	uint32_t idx = defer_index(r, addr);
	return !side_free(r, b) || addr % GRANULE || len % GRANULE || len > SLICE ||
	       !(mem_region_attr_range(r, addr, len) & MEM_ATTR_WRITE) ||
	       (idx != MEM_DEFER_NONE && idx != defer_index(r, addr + len - 1u)) ||
	       (addr == engine.beside_no_addr && engine.gen == engine.beside_no_gen);
}

static void beside_seen(uint32_t addr)
{
	engine.beside_no_addr = addr;
	engine.beside_no_gen = engine.gen;
}

/* What the engine would do with the block: every granule equal or blank
 * (else it erases first, or fails: its work, in its turn). Marks in need
 * the blank ones that differ; QDFU_OK, or why not. */
static int beside_need(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len,
                       uint8_t *need, uint32_t *needed)
{
	int rc = r->ops->read(r, addr, engine.scratch, len);
	*needed = 0;
	for (uint32_t g = 0; rc == QDFU_OK && g < len / GRANULE; g++) {
		int st = granule_state(engine.scratch + g * GRANULE, data + g * GRANULE, GRANULE,
		                       r->program_unit <= 1u);
		if (st < 0)
			rc = st;
		else if (st == 1) {
			need[g / 8u] |= (uint8_t)(1u << (g % 8u));
			(*needed)++;
		}
	}
	return rc;
}

enum mem_beside mem_program_beside(uint32_t addr, const uint8_t *data, uint32_t len)
{
	struct mem_region *r = mem_find(addr);
	if (plain_mode || engine.kind != OP_WRITE || engine.side_result != QDFU_OK || !r ||
	    len == 0 || len > r->size - (addr - r->base))
		return MEM_BESIDE_STOP;
	if (!r->ops->side_program_start || !r->ops->bank_of)
		return MEM_BESIDE_PASS; /* no banks: written in its turn, nothing beside */
	unsigned b = bank_of_block(r, addr, len);
	if (r != engine.r || b == MEM_BANKS)
		return MEM_BESIDE_STOP; /* the engine works in another memory */
	if (op_in_bank(r, b))
		return MEM_BESIDE_PASS; /* the engine's bank: written in its turn */
	/* the other bank: nothing of it may be written out of order */
	if (beside_blocked(r, b, addr, len))
		return MEM_BESIDE_STOP;
	struct mem_defer *d = defer_of(r);
	if (d && mem_defer_is_pending(d, defer_index(r, addr))) {
		/* its page is to be erased first: beside, if it differs (the
		 * bank was busy when the block came) */
		mem_look_ahead(addr, data, len);
		beside_seen(addr);
		return MEM_BESIDE_STOP;
	}
	uint32_t needed;
	uint8_t need[sizeof(engine.side[0].need)];
	memset(need, 0, sizeof(need));
	if (beside_need(r, addr, data, len, need, &needed) != QDFU_OK) {
		beside_seen(addr);
		return MEM_BESIDE_STOP;
	}
	if (needed == 0)
		return MEM_BESIDE_TAKEN; /* in place already: the engine reads it */
	blank_map_forget(r, addr, len);  /* before: a cut program is not blank */
	engine.side[b].r = r;
	engine.side[b].addr = addr;
	engine.side[b].data = data;
	engine.side[b].len = len;
	engine.side[b].pos = 0;
	engine.side[b].stopping = false;
	memcpy(engine.side[b].need, need, sizeof(need));
	if (!side_next_run(b)) {
		engine.side[b].r = NULL;
		engine.side[b].data = NULL;
		return MEM_BESIDE_STOP;
	}
	engine.programmed_beside++;
	return MEM_BESIDE_TAKEN;
}

void mem_program_beside_stop(void)
{
	for (unsigned b = 0; b < MEM_BANKS; b++) {
		struct mem_region *r = engine.side[b].r;
		if (r && engine.side[b].data) {
			engine.side[b].stopping = true;
			if (r->ops->side_stop)
				r->ops->side_stop(r, b);
		}
	}
}

uint32_t mem_programmed_beside(void)
{
	return engine.programmed_beside;
}

/* ------------------------------------------------------------- dismiss */

void mem_set_intake(uint32_t bytes_per_s, uint32_t queued)
{
	intake_bps = bytes_per_s;
	intake_queued = queued;
}

uint32_t mem_dismissed(void)
{
	return engine.dismissed;
}

static bool overlaps(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
	return a < b + m && b < a + n;
}

/* Every granule of [addr, addr + len) has a digest equal to data's. */
static bool digests_match(uint32_t addr, const uint8_t *data, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += DIGEST_GRAN) {
		struct digest want;
		if (!digest_find(addr + off, &want) ||
		    port_crc32_update(0, data + off, DIGEST_GRAN) != want.crc ||
		    digest_fnv1a(DIGEST_FNV_INIT, data + off, DIGEST_GRAN) != want.fnv)
			return false;
	}
	return true;
}

bool mem_dismiss(uint32_t addr, const uint8_t *data, uint32_t len)
{
	struct mem_region *r = mem_find(addr);
	struct mem_defer *d = defer_of(r);
	if (plain_mode || !d || len == 0 || addr % DIGEST_GRAN || len % DIGEST_GRAN ||
	    len > r->size - (addr - r->base) || digest_count() == 0)
		return false;
	uint32_t idx = mem_defer_index(d, r, addr);
	if (idx == MEM_DEFER_NONE || idx != mem_defer_index(d, r, addr + len - 1u) ||
	    !mem_defer_is_pending(d, idx))
		return false;
	/* nothing the engine holds or runs may write these bytes later */
	if ((engine.tail.valid && engine.tail.r == r &&
	     overlaps(addr, len, engine.tail.start, engine.tail.end - engine.tail.start)) ||
	    (engine.kind == OP_WRITE && engine.r == r &&
	     overlaps(addr, len, engine.addr, engine.len)))
		return false;
	if (!digests_match(addr, data, len) || !mem_defer_cover_ahead(d, idx, addr, len))
		return false;
	(void)first_touch_index(d, idx); /* auto-erase: this page is seen */
	digest_forget(addr, len);        /* the coverage says it now */
	engine.changed_streak = 0;
	if (engine.hook)
		engine.hook(addr, data, len);
	engine.dismissed++;
	return true;
}

/* ------------------------------------------------------------------ read */

int mem_read(uint32_t addr, uint8_t *buf, uint32_t len, uint32_t *got)
{
	struct mem_region *r = mem_find(addr);
	*got = 0;
	if (!r)
		return QDFU_OK; /* unmapped: zero-length answer */
	mem_wait_background();  /* the chip hears nothing else while it erases */
	int frc = mem_flush();  /* reads see everything written so far */
	if (frc)
		return frc;
	uint32_t n = QDFU_MIN(len, r->size - (addr - r->base));
	if (n == 0)
		return QDFU_OK;
	int rc = r->ops->read(r, addr, buf, n);
	if (rc)
		return rc;
	*got = n;
	return QDFU_OK;
}
