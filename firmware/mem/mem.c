/* SPDX-License-Identifier: MIT */
#include "mem/mem.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"

/* Compare/blank-check granule: one H7 flash word. A granule that already
 * holds the data is skipped; one that is blank is programmed; anything else
 * is "not erased" (internal flash words can be written once per erase). */
#define GRANULE 32u
#define SLICE   4096u /* bytes read per main-loop step (blank check, CRC) */
/* Extra time allowed past the backend's own maximum before giving up:
 * half the maximum again, plus a fixed margin. */
#define DEADLINE_MARGIN_MS 100u

enum op_kind { OP_NONE = 0, OP_ERASE, OP_MASS_ERASE, OP_WRITE, OP_CRC };
enum op_phase { PH_CHECK = 0, PH_RUN, PH_VERIFY, PH_DONE };

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
} g;

QDFU_STATIC_ASSERT(SLICE % GRANULE == 0, "slice must hold whole granules");

void mem_init(void)
{
	memset(&g, 0, sizeof(g));
}

int mem_add_region(struct mem_region *r)
{
	if (g.nregions >= MEM_MAX_REGIONS)
		return QDFU_E_PARAM;
	g.regions[g.nregions++] = r;
	return QDFU_OK;
}

unsigned mem_region_count(void)
{
	return g.nregions;
}

struct mem_region *mem_region_at(unsigned index)
{
	return index < g.nregions ? g.regions[index] : NULL;
}

struct mem_region *mem_find(uint32_t addr)
{
	for (unsigned i = 0; i < g.nregions; i++) {
		struct mem_region *r = g.regions[i];
		if (addr >= r->base && addr - r->base < r->size)
			return r;
	}
	return NULL;
}

struct mem_region *mem_find_alt(uint8_t alt)
{
	for (unsigned i = 0; i < g.nregions; i++)
		if (g.regions[i]->alt == alt)
			return g.regions[i];
	return NULL;
}

void mem_set_write_hook(mem_write_hook hook)
{
	g.hook = hook;
}

bool mem_busy(void)
{
	return g.kind != OP_NONE;
}

uint32_t mem_crc_result(void)
{
	return g.crc_result;
}

uint32_t mem_crc32_update(uint32_t crc, const uint8_t *p, uint32_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void arm_deadline(void)
{
	g.deadline = port_millis() + g.t.max_ms + g.t.max_ms / 2u + DEADLINE_MARGIN_MS;
}

static int begin(enum op_kind kind, struct mem_region *r, uint32_t addr, uint32_t len)
{
	if (g.kind != OP_NONE)
		return QDFU_E_BUSY;
	g.kind = kind;
	g.phase = PH_CHECK;
	g.r = r;
	g.addr = addr;
	g.len = len;
	g.pos = 0;
	g.result = QDFU_OK;
	g.t.typ_ms = 0;
	g.t.max_ms = 0;
	return QDFU_OK;
}

static void finish(int result)
{
	g.result = result;
	g.phase = PH_DONE;
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
	int rc = mem_flush();
	if (rc)
		return rc;
	rc = begin(OP_ERASE, r, pb, ps);
	if (rc)
		return rc;
	/* Until the blank check says otherwise, expect a real erase: the
	 * backend reports the estimate when the erase starts. Give a
	 * conservative figure from a worst-case read speed for now. */
	g.t.typ_ms = 1;
	g.t.max_ms = 1;
	if (t)
		*t = g.t;
	return QDFU_OK;
}

int mem_start_mass_erase(struct mem_region *r, struct mem_time *t)
{
	if (!r)
		return QDFU_E_ADDRESS;
	int rc = mem_flush();
	if (rc)
		return rc;
	rc = begin(OP_MASS_ERASE, r, r->base, r->size);
	if (rc)
		return rc;
	rc = r->ops->mass_erase_start(r, &g.t);
	if (rc) {
		g.kind = OP_NONE;
		return rc;
	}
	g.phase = PH_RUN;
	arm_deadline();
	if (t)
		*t = g.t;
	return QDFU_OK;
}

static uint32_t unit_of(const struct mem_region *r)
{
	return r->program_unit > 1u && r->program_unit <= GRANULE ? r->program_unit : 1u;
}

/* Start a write of exactly [addr, addr + len) from g.wbuf. */
static int begin_write(struct mem_region *r, uint32_t addr, uint32_t len)
{
	int rc = begin(OP_WRITE, r, addr, len);
	if (rc)
		return rc;
	g.data = g.wbuf;
	g.run_len = 0;
	g.t.typ_ms = 1;
	g.t.max_ms = 1;
	if (len == 0) /* everything went into the held-back tail */
		finish(QDFU_OK);
	return QDFU_OK;
}

int mem_flush(void)
{
	if (!g.tail.valid)
		return QDFU_OK;
	if (g.kind != OP_NONE)
		return QDFU_E_BUSY;
	uint32_t n = g.tail.end - g.tail.start;
	memcpy(g.wbuf, g.tail.bytes, n);
	g.tail.valid = false;
	int rc = begin_write(g.tail.r, g.tail.start, n);
	if (rc)
		return rc;
	/* one flash word: microseconds; bounded by the backend's deadline */
	while ((rc = mem_poll()) == QDFU_E_BUSY)
		port_wait_hint();
	return rc;
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
	if (g.kind != OP_NONE)
		return QDFU_E_BUSY;
	if (g.hook)
		g.hook(addr, data, len);

	uint32_t unit = unit_of(r), waddr = addr, wlen = 0;
	if (g.tail.valid && g.tail.r == r && g.tail.end == addr &&
	    (g.tail.start & ~(unit - 1u)) == (addr & ~(unit - 1u))) {
		/* continues the held-back partial unit: program them together */
		wlen = g.tail.end - g.tail.start;
		memcpy(g.wbuf, g.tail.bytes, wlen);
		waddr = g.tail.start;
		g.tail.valid = false;
	} else {
		int rc = mem_flush();
		if (rc)
			return rc;
	}
	memcpy(g.wbuf + wlen, data, len);
	wlen += len;
	uint32_t end = waddr + wlen;
	if (unit > 1u && (end % unit) != 0) {
		uint32_t keep_from = QDFU_MAX(end & ~(unit - 1u), waddr);
		g.tail.valid = true;
		g.tail.r = r;
		g.tail.start = keep_from;
		g.tail.end = end;
		memcpy(g.tail.bytes, g.wbuf + (keep_from - waddr), end - keep_from);
		wlen -= end - keep_from;
	}
	int rc = begin_write(r, waddr, wlen);
	if (rc)
		return rc;
	if (t)
		*t = g.t;
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
	g.crc = 0;
	/* ~10 MB/s is a safe floor for reading internal or QSPI flash */
	g.t.typ_ms = len / 10000u + 1u;
	g.t.max_ms = len / 1000u + 10u;
	arm_deadline();
	if (t)
		*t = g.t;
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

static int erase_step(void)
{
	if (g.phase == PH_CHECK) {
		/* skip the erase when the page is already blank */
		uint32_t n = QDFU_MIN(SLICE, g.len - g.pos);
		int rc = g.r->ops->read(g.r, g.addr + g.pos, g.scratch, n);
		if (rc == QDFU_OK && all_ff(g.scratch, n)) {
			g.pos += n;
			if (g.pos < g.len)
				return QDFU_E_BUSY;
			finish(QDFU_OK);
			return QDFU_OK;
		}
		/* not blank (or unreadable, e.g. ECC): erase it */
		rc = g.r->ops->erase_start(g.r, g.addr, g.len, &g.t);
		if (rc) {
			finish(rc);
			return rc;
		}
		g.phase = PH_RUN;
		arm_deadline();
		return QDFU_E_BUSY;
	}
	int rc = g.r->ops->poll(g.r);
	if (rc == QDFU_E_BUSY) {
		if (qdfu_time_reached(port_millis(), g.deadline)) {
			finish(QDFU_E_TIMEOUT);
			return QDFU_E_TIMEOUT;
		}
		return QDFU_E_BUSY;
	}
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

static int start_run(void)
{
	struct mem_time t;
	int rc =
	    g.r->ops->program_start(g.r, g.addr + g.run_start, g.data + g.run_start, g.run_len, &t);
	if (rc)
		return rc;
	g.t.typ_ms += t.typ_ms;
	g.t.max_ms += t.max_ms;
	arm_deadline();
	return QDFU_OK;
}

/* Compare the next slice with the wanted data, and start programming the
 * first run of granules that need it. */
static int write_scan(void)
{
	bool rewrite_ok = g.r->program_unit <= 1u;
	while (g.pos < g.len) {
		/* granules are aligned to the region's address grid */
		uint32_t a = g.addr + g.pos;
		uint32_t n = QDFU_MIN(SLICE - (a % GRANULE), g.len - g.pos);
		int rc = g.r->ops->read(g.r, a, g.scratch, n);
		if (rc == QDFU_E_ECC)
			return QDFU_E_NOT_ERASED;
		if (rc)
			return rc;
		uint32_t off = 0;
		while (off < n) {
			uint32_t gl = QDFU_MIN(GRANULE - ((a + off) % GRANULE), n - off);
			int st =
			    granule_state(g.scratch + off, g.data + g.pos + off, gl, rewrite_ok);
			if (st < 0)
				return st;
			if (st == 1) {
				if (g.run_len == 0)
					g.run_start = g.pos + off;
				g.run_len += gl;
			} else if (g.run_len) {
				g.pos += off;
				return start_run();
			}
			off += gl;
		}
		g.pos += n;
		if (g.run_len)
			return start_run();
	}
	return QDFU_OK;
}

static int write_step(void)
{
	int rc;
	if (g.phase == PH_CHECK) {
		rc = write_scan();
		if (rc) {
			finish(rc);
			return rc;
		}
		if (g.run_len == 0) { /* nothing (more) to program */
			g.phase = PH_VERIFY;
			g.pos = 0;
			return QDFU_E_BUSY;
		}
		g.phase = PH_RUN;
		return QDFU_E_BUSY;
	}
	if (g.phase == PH_RUN) {
		rc = g.r->ops->poll(g.r);
		if (rc == QDFU_E_BUSY) {
			if (qdfu_time_reached(port_millis(), g.deadline)) {
				finish(QDFU_E_TIMEOUT);
				return QDFU_E_TIMEOUT;
			}
			return QDFU_E_BUSY;
		}
		if (rc) {
			finish(rc);
			return rc;
		}
		g.run_len = 0;
		g.phase = PH_CHECK; /* scan the rest */
		return QDFU_E_BUSY;
	}
	/* PH_VERIFY: read back what should now be there */
	uint32_t n = QDFU_MIN(SLICE, g.len - g.pos);
	rc = g.r->ops->read(g.r, g.addr + g.pos, g.scratch, n);
	if (rc == QDFU_OK && memcmp(g.scratch, g.data + g.pos, n) != 0)
		rc = QDFU_E_VERIFY;
	if (rc) {
		finish(rc == QDFU_E_ECC ? QDFU_E_VERIFY : rc);
		return g.result;
	}
	g.pos += n;
	if (g.pos < g.len)
		return QDFU_E_BUSY;
	finish(QDFU_OK);
	return QDFU_OK;
}

/* ------------------------------------------------------------------- CRC */

static int crc_step(void)
{
	uint32_t n = QDFU_MIN(SLICE, g.len - g.pos);
	if (n) {
		int rc = g.r->ops->read(g.r, g.addr + g.pos, g.scratch, n);
		if (rc) {
			finish(rc);
			return rc;
		}
		g.crc = mem_crc32_update(g.crc, g.scratch, n);
		g.pos += n;
	}
	if (g.pos < g.len)
		return QDFU_E_BUSY;
	g.crc_result = g.crc;
	finish(QDFU_OK);
	return QDFU_OK;
}

/* ------------------------------------------------------------------ poll */

static int step(void)
{
	switch (g.kind) {
	case OP_ERASE:
		return erase_step();
	case OP_WRITE:
		return write_step();
	case OP_CRC:
		return crc_step();
	case OP_MASS_ERASE: {
		int rc = g.r->ops->poll(g.r);
		if (rc == QDFU_E_BUSY && qdfu_time_reached(port_millis(), g.deadline))
			rc = QDFU_E_TIMEOUT;
		if (rc != QDFU_E_BUSY)
			finish(rc);
		return rc;
	}
	default:
		return QDFU_OK;
	}
}

int mem_poll(void)
{
	if (g.kind == OP_NONE)
		return QDFU_OK;
	if (g.phase != PH_DONE)
		(void)step();
	if (g.phase != PH_DONE)
		return QDFU_E_BUSY;
	g.kind = OP_NONE;
	return g.result;
}

struct mem_time mem_settle(void)
{
	/* Run the quick phases (reads and compares) until the slow part has
	 * started or the operation is over: bounded by one region's size of
	 * reads, a few milliseconds at most. */
	while (g.kind != OP_NONE && g.phase == PH_CHECK) {
		(void)step();
	}
	struct mem_time t = {0, 0};
	if (g.kind != OP_NONE && g.phase != PH_DONE) {
		uint32_t now = port_millis();
		uint32_t left = (uint32_t)(g.deadline - now);
		uint32_t slack = g.t.max_ms / 2u + DEADLINE_MARGIN_MS;
		uint32_t max_left = left > slack ? left - slack : 0;
		t.max_ms = max_left;
		t.typ_ms = QDFU_MIN(g.t.typ_ms, max_left);
	}
	return t;
}

/* ------------------------------------------------------------------ read */

int mem_read(uint32_t addr, uint8_t *buf, uint32_t len, uint32_t *got)
{
	struct mem_region *r = mem_find(addr);
	*got = 0;
	if (!r)
		return QDFU_OK; /* unmapped: zero-length answer */
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
