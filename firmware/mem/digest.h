/* SPDX-License-Identifier: MIT */
/*
 * Digests of flash granules a client will send next, taken before an erase
 * makes their bank (internal flash) or chip (NOR) unreadable, so that a
 * block arriving during the erase can be found already in place without a
 * read (docs/decisions/dismiss-during-erase.md). A digest is two 32-bit
 * sums of different kinds: the CRC-32 (the H7's CRC unit) and FNV-1a, so
 * that a changed granule passes for unchanged with a probability of about
 * 2^-64 for random changes, and never for a change of up to 32 bits (the
 * CRC alone catches those). Entries exist only for granules of pages whose
 * erase is deferred and pending: mem.c forgets a page's entries whenever
 * its pending state changes. Pure data.
 */
#ifndef QDFU_MEM_DIGEST_H
#define QDFU_MEM_DIGEST_H

#include <stdbool.h>
#include <stdint.h>

#define DIGEST_GRAN 4096u /* one DFU block; the deferral's coverage granule */
/* 1 MiB of granules: what full speed brings during an internal-flash
 * sector erase (1.1 s), 3 KiB of RAM */
#define DIGEST_MAX 256u

struct digest {
	uint32_t crc, fnv;
};

void digest_clear(void);
unsigned digest_count(void);
/* The digest of the granule at addr (DIGEST_GRAN aligned): false if none. */
bool digest_find(uint32_t addr, struct digest *out);
/* Record it; false when the table is full (nothing recorded). */
bool digest_add(uint32_t addr, const struct digest *dg);
/* Forget the granules in [addr, addr + len). */
void digest_forget(uint32_t addr, uint32_t len);
/* FNV-1a (32 bits) of n bytes, continuing h (start with DIGEST_FNV_INIT). */
#define DIGEST_FNV_INIT 0x811C9DC5u
uint32_t digest_fnv1a(uint32_t h, const uint8_t *p, uint32_t n);

#endif
