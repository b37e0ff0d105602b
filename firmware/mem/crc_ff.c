/* SPDX-License-Identifier: MIT */
#include "mem/crc_ff.h"

#define POLY_REFLECTED 0xEDB88320u

/* A linear map of the 32-bit CRC register: column i is the image of bit i. */
struct gf2_map {
	uint32_t col[32];
};

static uint32_t apply(const struct gf2_map *m, uint32_t v)
{
	uint32_t r = 0;
	for (unsigned i = 0; v; i++, v >>= 1)
		if (v & 1u)
			r ^= m->col[i];
	return r;
}

/* m = a after b (a applied to b's result). */
static void compose(struct gf2_map *m, const struct gf2_map *a, const struct gf2_map *b)
{
	struct gf2_map t;
	for (unsigned i = 0; i < 32u; i++)
		t.col[i] = apply(a, b->col[i]);
	*m = t;
}

/* Eight register steps with no input: what one byte of 0x00 does. */
static uint32_t eight_steps(uint32_t s)
{
	for (unsigned k = 0; k < 8u; k++)
		s = (s >> 1) ^ ((s & 1u) ? POLY_REFLECTED : 0u);
	return s;
}

/* The register after a run of n bytes of 0xFF from state s is
 * shift(s) ^ add, shift = the zero-byte map to the power n, add = the
 * run's effect from state 0. Runs join as (shift2 . shift1, shift2(add1)
 * ^ add2). */
struct run {
	struct gf2_map shift;
	uint32_t add;
};

static void join(struct run *acc, const struct run *next)
{
	acc->add = apply(&next->shift, acc->add) ^ next->add;
	compose(&acc->shift, &next->shift, &acc->shift);
}

uint32_t crc32_of_ff(uint32_t len)
{
	struct run pow2, acc;
	for (unsigned i = 0; i < 32u; i++) {
		pow2.shift.col[i] = eight_steps(1u << i);
		acc.shift.col[i] = 1u << i;
	}
	pow2.add = eight_steps(0xFFu); /* one byte 0xFF from state 0 */
	acc.add = 0;
	for (; len; len >>= 1) {
		if (len & 1u)
			join(&acc, &pow2);
		if (len > 1u) {
			struct run twice = pow2;
			join(&twice, &pow2);
			pow2 = twice;
		}
	}
	/* initial register ~0, final inversion */
	return ~(apply(&acc.shift, 0xFFFFFFFFu) ^ acc.add);
}
