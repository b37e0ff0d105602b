/* SPDX-License-Identifier: MIT */
/*
 * What a NOR array holds when power goes while it programs or erases:
 * kept apart from the command model (nor_model.c) so both stay small.
 *
 * Program (every vendor datasheet: programming only moves bits
 * from 1 to 0, pulse by pulse): a cut leaves a subset of the bits that were
 * to be cleared cleared, more of them the later the cut; bits never set.
 * Erase: pulses move the block's bits to 1 unevenly; a cut leaves each byte
 * erased, partly erased (some bits set) or still old, the proportions
 * following how far the erase had come.
 * The vendors give no model of it (datasheets only say the content is
 * undefined); this is deliberately as unkind as that allows.
 */
#ifndef QDFU_SIM_NOR_TORN_H
#define QDFU_SIM_NOR_TORN_H

#include <stdbool.h>
#include <stdint.h>

enum nor_torn_kind { NOR_TORN_NONE = 0, NOR_TORN_PROGRAM, NOR_TORN_ERASE };

struct nor_torn {
	enum nor_torn_kind kind;
	uint32_t addr, len;  /* target in the array */
	uint8_t *old;        /* contents before the operation (len bytes) */
	uint32_t cap;        /* size of old */
	uint64_t start, end; /* operation time (us) */
	uint32_t rng;
};

/* Remember the target's contents before an operation changes it. Erases
 * larger than what the snapshot buffer holds (chip erase) are torn from
 * random data instead. */
void nor_torn_begin(struct nor_torn *t, enum nor_torn_kind kind, const uint8_t *mem, uint32_t addr,
                    uint32_t len, uint64_t start, uint64_t end);
/* Power lost at time now: rewrite the target in mem (the array, already
 * holding the operation's full effect) to a torn state. No-op if the
 * operation had ended. Returns true if something was torn. */
bool nor_torn_cut(struct nor_torn *t, uint8_t *mem, uint64_t now);
/* The operation ended normally. */
void nor_torn_end(struct nor_torn *t);
void nor_torn_free(struct nor_torn *t);

#endif
