/* SPDX-License-Identifier: MIT */
/*
 * The simulator's clock. Every model (NOR busy times, internal flash erase
 * times) and the host port's port_millis() read time from here, so a run
 * can use real time or deterministic virtual time:
 *
 *  - real:    microseconds of CLOCK_MONOTONIC since vclock_init().
 *  - virtual: a counter that only moves when something advances it: the
 *             USB bridge (bus time of each transfer, jumps to the next model
 *             deadline while the device NAKs) and the clients' sleeps (the
 *             sleep shim adds what a client asked to sleep instead of
 *             sleeping). The counter may live in a shared memory page
 *             (vclock_attach_shared) so client processes can advance it.
 */
#ifndef QDFU_SIM_VCLOCK_H
#define QDFU_SIM_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

enum vclock_mode { VCLOCK_REAL = 0, VCLOCK_VIRTUAL = 1 };

void vclock_init(enum vclock_mode mode);
enum vclock_mode vclock_mode(void);
uint64_t vclock_now_us(void);
/* Virtual mode: move time forward. Real mode: sleeps for that long. */
void vclock_advance_us(uint64_t us);
/* Real mode, for a simulated MCU's process: a gap of more than cap_us
 * between two readings of the clock, beyond the sleeps asked for through
 * vclock_advance_us(), is a stall (a loaded host did not run the
 * process) and the clock moves by cap_us only, so the firmware's deadlines
 * (a page program's maximum plus a margin) do not expire in time the MCU
 * never had. The caller must read the clock at least every cap_us when it
 * is not sleeping through vclock_advance_us() (the device worker's main
 * loop wakes every millisecond). 0 (default): plain CLOCK_MONOTONIC. */
void vclock_set_stall_cap_us(uint64_t cap_us);
/* Use a caller-provided 64-bit counter (e.g. in a shared mapping) as the
 * virtual time source. */
void vclock_attach_shared(volatile uint64_t *counter);

/* Deadlines of running model operations, so the bridge can jump virtual
 * time straight to the next event while the device is NAKing.
 * vclock_note_deadline() records one; vclock_next_deadline_us() returns the
 * earliest recorded deadline still in the future (and forgets past ones),
 * or 0 when none is pending. */
void vclock_note_deadline(uint64_t at_us);
/* Virtual mode: call fn once when time reaches at_us (time stops there
 * for the call, in the middle of whatever advances it: a power cut lands
 * inside a busy-wait of the firmware). fn NULL: no alarm. */
void vclock_set_alarm(uint64_t at_us, void (*fn)(void));
uint64_t vclock_next_deadline_us(void);
/* The latest model deadline that has come (0: none yet): one later than
 * the start of the firmware's last main-loop pass came during or after
 * that pass, and the firmware has not acted on it yet. */
uint64_t vclock_last_due_us(void);
/* A timer of the firmware's own (port_wake_hint): it counts as a deadline
 * only while some model deadline is pending, since otherwise the firmware
 * is working (between two chip steps) rather than waiting. */
void vclock_note_wake(uint64_t at_us);

/* Which datasheet figure the chip models charge for a program or erase:
 * the typical time (default) or the maximum, so that the firmware's busy
 * reporting and deadlines can be checked against the slowest legal chip
 * (qdfu-sim --timing max). Not reset by vclock_init(). */
enum vclock_timing { VCLOCK_TIMING_TYP = 0, VCLOCK_TIMING_MAX = 1 };
void vclock_set_timing(enum vclock_timing t);
enum vclock_timing vclock_timing(void);
/* typ_us or max_us, whichever the timing mode charges. */
uint64_t vclock_chip_us(uint64_t typ_us, uint64_t max_us);

#endif
