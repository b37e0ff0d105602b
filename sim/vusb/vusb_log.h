/* SPDX-License-Identifier: MIT */
/*
 * qdfu-sim's --log: one line per control request and per device event,
 *   <seconds.microseconds> <bus path> <what>
 * time from the simulator clock (virtual or real). docs/simulator.md
 * documents every <what>.
 */
#ifndef QDFU_SIM_VUSB_LOG_H
#define QDFU_SIM_VUSB_LOG_H

#include <stdio.h>

/* NULL: logging off. The file stays owned by the caller. */
void vusb_log_open(FILE *f);
void vusb_log(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
