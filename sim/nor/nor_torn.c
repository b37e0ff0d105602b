/* SPDX-License-Identifier: MIT */
#include "sim/nor/nor_torn.h"
#include "sim/state/xorshift.h"

#include <stdlib.h>
#include <string.h>

#define SNAPSHOT_MAX (256u * 1024u) /* the largest sector erase of any modelled part */

static uint32_t rnd(struct nor_torn *t)
{
	return sim_xorshift32(&t->rng, 0x2545F491u);
}

void nor_torn_begin(struct nor_torn *t, enum nor_torn_kind kind, const uint8_t *mem, uint32_t addr,
                    uint32_t len, uint64_t start, uint64_t end)
{
	t->kind = kind;
	t->addr = addr;
	t->len = len;
	t->start = start;
	t->end = end;
	if (len > SNAPSHOT_MAX)
		return; /* chip erase: no snapshot, torn from random data */
	if (t->cap < len) {
		uint8_t *p = realloc(t->old, len);
		if (!p) {
			t->kind = NOR_TORN_NONE;
			return;
		}
		t->old = p;
		t->cap = len;
	}
	memcpy(t->old, mem + addr, len);
}

void nor_torn_end(struct nor_torn *t)
{
	t->kind = NOR_TORN_NONE;
}

void nor_torn_free(struct nor_torn *t)
{
	free(t->old);
	memset(t, 0, sizeof(*t));
}

/* progress in 1/1024 of the operation */
static uint32_t progress(const struct nor_torn *t, uint64_t now)
{
	if (now <= t->start || t->end <= t->start)
		return 0;
	return (uint32_t)((now - t->start) * 1024u / (t->end - t->start));
}

static void tear_program(struct nor_torn *t, uint8_t *mem, uint32_t done)
{
	for (uint32_t i = 0; i < t->len; i++) {
		uint8_t old = t->old[i], want = mem[t->addr + i];
		uint8_t clear = (uint8_t)(old & ~want); /* bits the program clears */
		uint8_t made = 0;
		for (unsigned b = 0; b < 8; b++)
			if ((clear >> b) & 1u && (rnd(t) & 1023u) < done)
				made |= (uint8_t)(1u << b);
		mem[t->addr + i] = (uint8_t)(old & ~made);
	}
}

/* Erase pulses move bits to 1 block-wide, unevenly: bytes whose phase is
 * below the progress are erased, the next ones have some bits set, the rest
 * still hold their old value. A cut right after the start still finds the
 * first pulses applied (the floor), so a torn erase always shows. */
static void tear_erase(struct nor_torn *t, uint8_t *mem, uint32_t done)
{
	bool have_old = t->len <= t->cap && t->old;
	if (done < 32u)
		done = 32u;
	for (uint32_t i = 0; i < t->len; i++) {
		uint32_t r = rnd(t);
		uint8_t old = have_old ? t->old[i] : (uint8_t)(r >> 24);
		uint32_t phase = r & 1023u;
		uint8_t v;
		if (phase < done)
			v = 0xFF;
		else if (phase < done + 128u)
			v = (uint8_t)(old | (r >> 12)); /* partly erased */
		else
			v = old; /* the pulses had not reached it */
		mem[t->addr + i] = v;
	}
}

bool nor_torn_cut(struct nor_torn *t, uint8_t *mem, uint64_t now)
{
	if (t->kind == NOR_TORN_NONE || now >= t->end)
		return false;
	uint32_t done = progress(t, now);
	if (t->kind == NOR_TORN_PROGRAM && t->old && t->len <= t->cap)
		tear_program(t, mem, done);
	else if (t->kind == NOR_TORN_ERASE)
		tear_erase(t, mem, done);
	t->kind = NOR_TORN_NONE;
	return true;
}
