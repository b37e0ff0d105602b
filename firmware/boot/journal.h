/* SPDX-License-Identifier: MIT */
/*
 * The commit journal: what makes "an interrupted update never boots" true
 * for every client. Two erase units at the end of the external flash hold
 * 32-byte records (append-only, ping-pong between the units):
 *
 *   OPEN       written before the first erase/write of an update
 *   COMMITTED  written when the host ends the update with a leave
 *              (manifestation) after every operation succeeded, with the
 *              application's vector table (never on ABORT: clients send it
 *              between the steps of one update)
 *   EMPTY      the application was wiped (read unprotect)
 *   VERIFIED   the boot decision checked the image against its descriptor
 *              (boot/image.h); the tag is the descriptor's CRC, so later
 *              boots skip the range CRCs while this is the newest record
 *
 * The newest valid record (highest sequence number, CRC-checked) wins. A
 * torn record fails its CRC and is ignored; a unit is erased only when the
 * other one holds the newest record, so power loss never loses it.
 */
#ifndef QDFU_BOOT_JOURNAL_H
#define QDFU_BOOT_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/region.h"

enum journal_state {
	JOURNAL_NONE = 0, /* no record: nothing was ever flashed by qdfu */
	JOURNAL_OPEN = 1,
	JOURNAL_COMMITTED = 2,
	JOURNAL_EMPTY = 3,
	JOURNAL_VERIFIED = 4,
};

#define JOURNAL_REC_SIZE 32u
#define JOURNAL_MAGIC    0x4C4E4A51u /* "QJNL" */

/* Attach to the two units at base (unit bytes each) of region r, and read
 * the newest record. */
int journal_init(struct mem_region *r, uint32_t base, uint32_t unit);
bool journal_available(void);
enum journal_state journal_state(void);
uint32_t journal_vtor(void);
uint32_t journal_seq(void);
/* The newest record's tag (VERIFIED: the descriptor's CRC; else 0). */
uint32_t journal_tag(void);
/* Append a record (synchronous, bounded by the flash's max times). */
int journal_append(enum journal_state st, uint32_t vtor);
int journal_append_tag(enum journal_state st, uint32_t vtor, uint32_t tag);
/* DFU mode begins: with no valid record anywhere and unit 0 reading blank,
 * start erasing unit 0 in the background (mem engine), so that the first
 * append need not (docs/decisions/journal-pre-erase.md). Erased only if it
 * ends without error in this power cycle; otherwise the first append
 * erases as before. True when started. */
bool journal_pre_erase(void);
/* The journal's units were wiped (chip erase): write the current record
 * again. */
int journal_restore(void);

/* Encode / check one record (exposed for tests). */
void journal_encode(uint8_t rec[JOURNAL_REC_SIZE], uint32_t seq, enum journal_state st,
                    uint32_t vtor);
void journal_encode_tag(uint8_t rec[JOURNAL_REC_SIZE], uint32_t seq, enum journal_state st,
                        uint32_t vtor, uint32_t tag);
bool journal_decode(const uint8_t rec[JOURNAL_REC_SIZE], uint32_t *seq, enum journal_state *st,
                    uint32_t *vtor);
/* The tag of a record journal_decode accepted (bytes 16..19). */
uint32_t journal_record_tag(const uint8_t rec[JOURNAL_REC_SIZE]);

#endif
