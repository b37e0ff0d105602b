/* SPDX-License-Identifier: MIT */
/*
 * The shared virtual-time counter: one 64-bit microsecond counter in a
 * small file mapped by qdfu-sim, its device workers (inherited mapping) and
 * the client processes (the sleep shim maps the file named by
 * $QDFU_VTIME_FILE). Everyone adds to it atomically.
 */
#ifndef QDFU_SIM_VTIME_SHM_H
#define QDFU_SIM_VTIME_SHM_H

#include <stddef.h>
#include <stdint.h>

#define VTIME_ENV       "QDFU_VTIME_FILE"
#define VTIME_SHIM_NAME "libqdfu-vtime.so"

/* Create the file (in dir, or $TMPDIR, or /tmp), zeroed, and map it. The
 * path is written to path (n bytes). NULL on failure. */
volatile uint64_t *vtime_shm_create(const char *dir, char *path, size_t n);
/* Map an existing counter file. NULL on failure. */
volatile uint64_t *vtime_shm_attach(const char *path);
void vtime_shm_release(volatile uint64_t *counter);

#endif
