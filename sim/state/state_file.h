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

#endif
