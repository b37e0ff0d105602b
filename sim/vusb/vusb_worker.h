/* SPDX-License-Identifier: MIT */
/*
 * The device side of the simulator: one firmware instance (the core has
 * static state, so one per process) on port/host, served over the
 * request/event channels of vusb_proto.h.
 */
#ifndef QDFU_SIM_VUSB_WORKER_H
#define QDFU_SIM_VUSB_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "bootloader/bootloader.h"
#include "sim/clock/vclock.h"
#include "sim/port/simport.h"

struct vusb_worker_config {
	struct simport_config hp;
	enum bootloader_enter enter; /* used at every boot */
	enum vclock_mode time_mode;
	volatile uint64_t *shared_clock; /* virtual time counter, or NULL */
	unsigned slot;                   /* its lockstep slot (vtime_shm.h) */
	/* BOOT0 high: ST's ROM DFU bootloader model (sim/rom) instead of the
	 * qdfu bootloader; rom_version = its bootloader ID (0: default) */
	bool rom;
	uint8_t rom_version;
	/* cut the power this long after the first bus reset (0: never) */
	uint64_t power_cut_us;
};

/* Runs until QUIT or the host goes away; returns a process exit code. */
int vusb_worker_main(const struct vusb_worker_config *cfg, int req_fd, int ev_fd);

#endif
