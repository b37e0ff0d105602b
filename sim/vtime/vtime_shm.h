/* SPDX-License-Identifier: MIT */
/*
 * The shared virtual-time page: a small file mapped by qdfu-sim, its device
 * workers (inherited mapping) and the client processes (the sleep shim maps
 * the file named by $QDFU_VTIME_FILE).
 *
 * Word 0 is the clock: one 64-bit microsecond counter everyone adds to
 * atomically (the functions below take a pointer to it). The rest keeps
 * the clients in step with the devices (lockstep): each device worker
 * publishes how far its own clock has caught up with the shared one, and
 * the device events (connect, disconnect, application started) that
 * qdfu-sim has not yet applied to the bus are counted. A client's sleep
 * returns once every worker has caught up with the time it slept to and
 * no event is pending, so a client that waits for a device to appear
 * ("sleep 100 ms, look again, give up after 10 s") cannot run out of
 * virtual time while a starved device process has not yet run
 * (docs/simulator.md, "Virtual time").
 */
#ifndef QDFU_SIM_VTIME_SHM_H
#define QDFU_SIM_VTIME_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VTIME_ENV       "QDFU_VTIME_FILE"
#define VTIME_SHIM_NAME "libqdfu-vtime.so"

/* Device workers that take part in the lockstep (qdfu-sim's MAX_DEVICES). */
#define VTIME_SLOTS 16u
/* A slot whose worker does not follow the clock (application running,
 * powered off, gone, never started): nobody waits for it. */
#define VTIME_NOT_FOLLOWING UINT64_MAX

/* Create the file (in dir, or $TMPDIR, or /tmp), zeroed, every slot not
 * following, and map it. The path is written to path (n bytes). NULL on
 * failure. */
volatile uint64_t *vtime_shm_create(const char *dir, char *path, size_t n);
/* Map an existing counter file. NULL on failure. */
volatile uint64_t *vtime_shm_attach(const char *path);
void vtime_shm_release(volatile uint64_t *counter);

/* Worker `slot` has caught up to virtual time `us` (or
 * VTIME_NOT_FOLLOWING). Slots out of range are ignored. */
void vtime_shm_follow(volatile uint64_t *counter, unsigned slot, uint64_t us);
/* A device event was sent to qdfu-sim / qdfu-sim applied one. */
void vtime_shm_event_sent(volatile uint64_t *counter);
void vtime_shm_event_applied(volatile uint64_t *counter);
/* True while some worker has not caught up to `us` or an event is pending. */
bool vtime_shm_lagging(volatile uint64_t *counter, uint64_t us);

#endif
