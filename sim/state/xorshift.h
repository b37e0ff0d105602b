/* SPDX-License-Identifier: MIT */
/* The models' one small deterministic generator (Marsaglia's xorshift32):
 * torn states are random but repeatable for a given run. */
#ifndef QDFU_SIM_XORSHIFT_H
#define QDFU_SIM_XORSHIFT_H

#include <stdint.h>

static inline uint32_t sim_xorshift32(uint32_t *state, uint32_t seed)
{
	uint32_t x = *state ? *state : seed;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

#endif
