/* SPDX-License-Identifier: MIT */
/*
 * The memory operation engine: routes by address to the region that holds
 * it, checks attributes, and runs ONE asynchronous operation at a time
 * (erase page / mass erase / write / CRC) that mem_poll() advances from the
 * main loop. No flash work ever runs inside a USB request handler.
 *
 * Writes skip what already holds the right data and refuse to program over
 * data that is not erased; erases skip pages that are already blank. In a
 * region with an erase_unit (NOR) a page erase is deferred until data for
 * the page arrives and differs (mem/defer.h); mem_flush() carries out what
 * is still pending.
 */
#ifndef QDFU_MEM_MEM_H
#define QDFU_MEM_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/region.h"

#define MEM_MAX_REGIONS 2
#define MEM_MAX_WRITE   4096u /* largest single write (one DFU block) */

void mem_init(void);
/* ROM-style behaviour for comparison benchmarks (qdfu-sim --rom-style):
 * every erase happens when asked, blank pages included, nothing deferred. */
void mem_set_plain(bool on);
int mem_add_region(struct mem_region *r);
unsigned mem_region_count(void);
struct mem_region *mem_region_at(unsigned index);
struct mem_region *mem_find(uint32_t addr);
struct mem_region *mem_find_alt(uint8_t alt);

/* Start operations. Each returns 0 when started, or a negative error at
 * once (unmapped, read-only, engine busy). *t receives the expected time.
 * data for mem_start_write must stay valid until the operation ends. */
int mem_start_erase_page(uint32_t addr, struct mem_time *t);
int mem_start_mass_erase(struct mem_region *r, struct mem_time *t);
int mem_start_write(uint32_t addr, const uint8_t *data, uint32_t len, struct mem_time *t);
int mem_start_crc(uint32_t addr, uint32_t len, struct mem_time *t);

/* Start erasing [addr, addr + len) of r (erase-unit aligned) as an
 * operation of the engine's own that no request waits for: the boot
 * journal's pre-erase at DFU entry (docs/decisions/journal-pre-erase.md).
 * Always erased (no blank-check skip). Requests queue behind it as behind
 * any running operation (mem_busy); done(rc) is told its result when it
 * ends, whoever polls the engine then. */
int mem_start_background_erase(struct mem_region *r, uint32_t addr, uint32_t len,
                               void (*done)(int rc));
/* Before touching the memories outside the engine (reads, the journal):
 * let a background erase end, bounded by its deadline. mem_read does. */
void mem_wait_background(void);

/* A client session begins (the class's first erase or write since the last
 * leave or reset). Within a session the first write to an erasable page
 * that cannot take its data without an erase (not blank there, and
 * different) erases the page first, as the erase the client did not send:
 * STM32CubeProgrammer sends no erase to an "IAP" device (issue 21,
 * docs/decisions/auto-erase.md). Later writes to a page already written in
 * the session never erase it again (they are refused as before). */
void mem_session_start(void);

/* Program a held-back partial flash word and carry out pending deferred
 * erases now (synchronous, bounded by the operations' deadlines). Done
 * implicitly before reads and CRCs (and the partial word before erases and
 * non-contiguous writes); the class calls it when a download sequence
 * ends. */
int mem_flush(void);

/* Advance the running operation: QDFU_OK when it finished (or nothing
 * runs), QDFU_E_BUSY, or the operation's error (reported once). */
int mem_poll(void);
/* An operation runs, or a queued block programs beside (mem_program_beside). */
bool mem_busy(void);
/* The engine runs an operation (a program beside may run as well). */
bool mem_engine_busy(void);
/* A program beside still reads [p, p + len) (a queued block's bytes). */
bool mem_beside_reads(const uint8_t *p, uint32_t len);
/* Finish any quick preparatory phase (blank checks, comparisons) now, so
 * the remaining time estimate is exact; returns the remaining estimate. */
struct mem_time mem_settle(void);
/* Result of the last finished CRC operation. */
uint32_t mem_crc_result(void);

/* A block the class accepted ahead of the engine (queued while it works,
 * docs/decisions/pipelined-writes.md). In a region with banks (dual-bank
 * internal flash), when the block is the first data for a pending
 * deferred page in a bank the running operation does not touch, differs
 * from it, and the page is not blank, the page's erase starts now, beside
 * the running operation: the erase the engine would start on reaching the
 * block (nothing of the page is kept: none of it was seen yet). One such
 * erase at a time; operations on its bank wait for it, its error is
 * reported by the next operation to finish (or mem_flush), as a background
 * block's (docs/decisions/parallel-banks.md). */
void mem_look_ahead(uint32_t addr, const uint8_t *data, uint32_t len);

/* Queued blocks programmed beside the engine (docs/decisions/parallel-banks.md,
 * "Programs of both banks"). The class offers its queued blocks in order,
 * oldest first, each not taken yet, while the engine writes:
 * - MEM_BESIDE_TAKEN: the block is in the bank of dual-bank internal flash
 *   the engine does not work in, its page is erased (not pending), and
 *   every granule holds its data or is blank: the blank ones now program
 *   beside, or none needed it. data must stay valid while
 *   mem_beside_reads() says so (until that program ends). The engine, reaching the block, finds it
 * in place and reads it back as for any block.
 * - MEM_BESIDE_PASS: it does not constrain the blocks behind it (the
 *   engine's own bank, or a memory without banks): offer the next.
 * - MEM_BESIDE_STOP: not now (its bank works, its page still is to be
 *   erased, a granule needs an erase, ...): offer nothing behind it, they
 *   must not go first. A pending page's erase may start beside meanwhile,
 *   as mem_look_ahead does. */
enum mem_beside { MEM_BESIDE_TAKEN, MEM_BESIDE_PASS, MEM_BESIDE_STOP };
enum mem_beside mem_program_beside(uint32_t addr, const uint8_t *data, uint32_t len);
/* The class drops its queue (a cut sequence, an error): a program beside
 * ends after the flash word it programs now and reads no more of its
 * block. */
void mem_program_beside_stop(void);
/* Blocks whose programming started beside since mem_init (tests). */
uint32_t mem_programmed_beside(void);

/* How fast a client can send (bytes per second, 0: unknown) and how many
 * bytes the class queues ahead of the engine. Before a deferred erase
 * starts, the engine takes the digests of the pending pages that follow
 * it (mem/digest.h), as far as the client can send while the erase runs
 * beyond what the queue holds. */
void mem_set_intake(uint32_t bytes_per_s, uint32_t queued);

/* A block the class accepted while the engine works: true when it is
 * already in place and need not be queued (its granules' digests, taken
 * before the running erase, match; its page's deferred erase keeps them,
 * docs/decisions/dismiss-during-erase.md). False: queue it as usual. The
 * caller checks that no queued block overlaps it. */
bool mem_dismiss(uint32_t addr, const uint8_t *data, uint32_t len);
/* Blocks dismissed since mem_init (tests, statistics). */
uint32_t mem_dismissed(void);

/* Synchronous read for UPLOAD: reads up to len bytes at addr, stopping at
 * the end of the region. *got = bytes read (0 if unmapped). */
int mem_read(uint32_t addr, uint8_t *buf, uint32_t len, uint32_t *got);

/* Something outside the engine (the boot journal) programs [addr, addr +
 * len) of r: forget what the engine knew of it (mem/blank_map.h). */
void mem_note_programmed(const struct mem_region *r, uint32_t addr, uint32_t len);

/* Callback when a write of a whole block begins (used by the boot journal
 * to learn the application's vector table). */
typedef void (*mem_write_hook)(uint32_t addr, const uint8_t *data, uint32_t len);
void mem_set_write_hook(mem_write_hook hook);

/* CRC-32 (IEEE 802.3, reflected, as zlib) update. */
uint32_t mem_crc32_update(uint32_t crc, const uint8_t *p, uint32_t len);

#endif
