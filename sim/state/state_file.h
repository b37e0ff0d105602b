/* SPDX-License-Identifier: MIT */
/*
 * State files written crash-safely: the new contents go to PATH.tmp, are
 * flushed to the disk (fsync), then renamed over PATH (rename is atomic on
 * POSIX file systems), and the directory is synced. A simulator killed at
 * any moment leaves either the old file or the new one, never a truncated
 * mix.
 */
#ifndef QDFU_SIM_STATE_FILE_H
#define QDFU_SIM_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 (errno set) with PATH unchanged. */
int state_file_write(const char *path, const uint8_t *data, size_t len);

/*
 * A memory model's array kept in its state file as operations happen: the
 * file (created, or cut/padded to LEN with FILL, crash-safely as above) is
 * mapped shared, so every byte an erase or program changes is in the
 * kernel's page cache at once and a simulator killed at any moment
 * (SIGKILL included) leaves in the file exactly what the chip held. No
 * copy, no dirty tracking: the kernel writes back the pages that changed.
 * state_file_sync() makes them durable (msync) at the simulator's save
 * points; a machine crash between two syncs can leave some pages of the
 * last operations unwritten (each page old or new, the file never short).
 * NULL (errno set) if the file cannot be made or mapped.
 */
uint8_t *state_file_map(const char *path, size_t len, uint8_t fill);
int state_file_sync(uint8_t *map, size_t len);
void state_file_unmap(uint8_t *map, size_t len);

#endif
