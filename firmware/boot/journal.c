/* SPDX-License-Identifier: MIT */
#include "boot/journal.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "mem/mem.h"
#include "hal/port.h"

#define SYNC_MARGIN_MS 200u

static struct {
	struct mem_region *r;
	uint32_t base, unit;
	bool ok;
	/* newest record */
	uint32_t seq, vtor, tag;
	enum journal_state state;
	/* where the next record goes */
	unsigned cur;  /* unit holding the newest record */
	uint32_t next; /* offset of the next free slot in that unit */
	/* unit 0 read blank in the last scan (every slot, no read error) */
	bool blank0;
	/* the pre-erase of unit 0 (journal_pre_erase): running; ended
	 * without error in this power cycle, nothing written there since */
	bool pre_erasing, pre_erased;
} journal;

void journal_encode_tag(uint8_t rec[JOURNAL_REC_SIZE], uint32_t seq, enum journal_state st,
                        uint32_t vtor, uint32_t tag)
{
	memset(rec, 0, JOURNAL_REC_SIZE);
	qdfu_put_le32(&rec[0], JOURNAL_MAGIC);
	qdfu_put_le32(&rec[4], seq);
	qdfu_put_le32(&rec[8], (uint32_t)st);
	qdfu_put_le32(&rec[12], vtor);
	qdfu_put_le32(&rec[16], tag);
	qdfu_put_le32(&rec[28], mem_crc32_update(0, rec, 28));
}

void journal_encode(uint8_t rec[JOURNAL_REC_SIZE], uint32_t seq, enum journal_state st,
                    uint32_t vtor)
{
	journal_encode_tag(rec, seq, st, vtor, 0);
}

uint32_t journal_record_tag(const uint8_t rec[JOURNAL_REC_SIZE])
{
	return qdfu_get_le32(&rec[16]);
}

bool journal_decode(const uint8_t rec[JOURNAL_REC_SIZE], uint32_t *seq, enum journal_state *st,
                    uint32_t *vtor)
{
	if (qdfu_get_le32(&rec[0]) != JOURNAL_MAGIC)
		return false;
	if (qdfu_get_le32(&rec[28]) != mem_crc32_update(0, rec, 28))
		return false;
	uint32_t s = qdfu_get_le32(&rec[8]);
	if (s < JOURNAL_OPEN || s > JOURNAL_VERIFIED)
		return false;
	*seq = qdfu_get_le32(&rec[4]);
	*st = (enum journal_state)s;
	*vtor = qdfu_get_le32(&rec[12]);
	return true;
}

static bool blank(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != 0xFFu)
			return false;
	return true;
}

/* Run one backend operation to completion, bounded by its own maximum. */
static int run_sync(int rc, const struct mem_time *t)
{
	if (rc)
		return rc;
	uint32_t deadline = port_millis() + t->max_ms + SYNC_MARGIN_MS;
	for (;;) {
		rc = journal.r->ops->poll(journal.r);
		if (rc != QDFU_E_BUSY)
			return rc;
		if (qdfu_time_reached(port_millis(), deadline))
			return QDFU_E_TIMEOUT;
		port_wait_hint();
	}
}

static void scan(void)
{
	uint8_t rec[JOURNAL_REC_SIZE];
	bool found = false;
	journal.state = JOURNAL_NONE;
	journal.seq = 0;
	journal.vtor = 0;
	journal.tag = 0;
	journal.cur = 0;
	journal.next = 0;
	journal.blank0 = false;
	journal.pre_erasing = false;
	journal.pre_erased = false;
	for (unsigned u = 0; u < 2; u++) {
		uint32_t last_used = 0, off;
		bool any = false;
		for (off = 0; off + JOURNAL_REC_SIZE <= journal.unit; off += JOURNAL_REC_SIZE) {
			if (journal.r->ops->read(journal.r, journal.base + u * journal.unit + off,
			                         rec, sizeof(rec)))
				break;
			if (blank(rec, sizeof(rec)))
				continue;
			any = true;
			last_used = off;
			uint32_t seq, vtor;
			enum journal_state st;
			if (journal_decode(rec, &seq, &st, &vtor) &&
			    (!found || (int32_t)(seq - journal.seq) > 0)) {
				found = true;
				journal.seq = seq;
				journal.state = st;
				journal.vtor = vtor;
				journal.tag = journal_record_tag(rec);
				journal.cur = u;
			}
		}
		/* records are appended: continue after the last used slot of
		 * the unit holding the newest record */
		if (found && journal.cur == u)
			journal.next = any ? last_used + JOURNAL_REC_SIZE : 0;
		if (u == 0)
			journal.blank0 = !any && off + JOURNAL_REC_SIZE > journal.unit;
	}
	if (!found) {
		/* nothing valid anywhere: the first append erases unit 0 and
		 * starts there, whatever debris it holds */
		journal.cur = 1;
		journal.next = journal.unit;
	}
}

int journal_init(struct mem_region *r, uint32_t base, uint32_t unit)
{
	memset(&journal, 0, sizeof(journal));
	if (!r || unit < 2u * JOURNAL_REC_SIZE)
		return QDFU_E_PARAM;
	journal.r = r;
	journal.base = base;
	journal.unit = unit;
	journal.ok = true;
	scan();
	return QDFU_OK;
}

bool journal_available(void)
{
	return journal.ok;
}

enum journal_state journal_state(void)
{
	return journal.state;
}

uint32_t journal_vtor(void)
{
	return journal.vtor;
}

uint32_t journal_seq(void)
{
	return journal.seq;
}

uint32_t journal_tag(void)
{
	return journal.tag;
}

static void pre_erase_done(int rc)
{
	if (!journal.pre_erasing)
		return; /* rescanned meanwhile: the erase is nobody's now */
	journal.pre_erasing = false;
	journal.pre_erased = rc == QDFU_OK;
}

bool journal_pre_erase(void)
{
	/* only where nothing can be lost: no record anywhere (the first
	 * append erases unit 0 anyway) and unit 0 reading blank (a unit
	 * holding anything else keeps it until an update starts) */
	if (!journal.ok || journal.state != JOURNAL_NONE || !journal.blank0 || journal.pre_erased ||
	    journal.pre_erasing)
		return false;
	journal.pre_erasing = true;
	if (mem_start_background_erase(journal.r, journal.base, journal.unit, pre_erase_done)) {
		journal.pre_erasing = false;
		return false;
	}
	return true;
}

static int write_rec(uint32_t addr, const uint8_t *rec)
{
	struct mem_time t;
	mem_note_programmed(journal.r, addr, JOURNAL_REC_SIZE);
	int rc =
	    run_sync(journal.r->ops->program_start(journal.r, addr, rec, JOURNAL_REC_SIZE, &t), &t);
	if (rc)
		return rc;
	uint8_t back[JOURNAL_REC_SIZE];
	rc = journal.r->ops->read(journal.r, addr, back, sizeof(back));
	if (rc == QDFU_OK && memcmp(back, rec, sizeof(back)) != 0)
		rc = QDFU_E_VERIFY;
	return rc;
}

int journal_append(enum journal_state st, uint32_t vtor)
{
	return journal_append_tag(st, vtor, 0);
}

int journal_append_tag(enum journal_state st, uint32_t vtor, uint32_t tag)
{
	uint8_t rec[JOURNAL_REC_SIZE];
	int rc;
	if (!journal.ok)
		return QDFU_E_NO_DEVICE;
	mem_wait_background(); /* a pre-erase still running ends first */
	uint32_t seq = journal.seq + 1u;
	journal_encode_tag(rec, seq, st, vtor, tag);
	for (unsigned attempt = 0; attempt < 4; attempt++) {
		if (journal.next + JOURNAL_REC_SIZE > journal.unit) {
			/* unit full: move to the other one (erased first); the
			 * newest record stays in the full unit meanwhile */
			unsigned other = journal.cur ^ 1u;
			struct mem_time t;
			/* unit 0 erased at DFU entry needs no second erase */
			rc = other == 0u && journal.pre_erased
			         ? QDFU_OK
			         : run_sync(journal.r->ops->erase_start(
			                        journal.r, journal.base + other * journal.unit,
			                        journal.unit, &t),
			                    &t);
			journal.pre_erased = false;
			if (rc)
				return rc;
			journal.cur = other;
			journal.next = 0;
		}
		uint32_t addr = journal.base + journal.cur * journal.unit + journal.next;
		journal.next += JOURNAL_REC_SIZE;
		rc = write_rec(addr, rec);
		if (rc == QDFU_OK) {
			journal.seq = seq;
			journal.state = st;
			journal.vtor = vtor;
			journal.tag = tag;
			return QDFU_OK;
		}
		/* a bad slot (torn earlier write): skip it and try the next */
	}
	return QDFU_E_PROGRAM;
}

int journal_restore(void)
{
	if (!journal.ok)
		return QDFU_E_NO_DEVICE;
	mem_wait_background();
	enum journal_state st = journal.state;
	uint32_t vtor = journal.vtor, tag = journal.tag;
	scan(); /* units are blank now: start over at unit 0 */
	if (st == JOURNAL_NONE)
		return QDFU_OK;
	return journal_append_tag(st, vtor, tag);
}
