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

#endif
