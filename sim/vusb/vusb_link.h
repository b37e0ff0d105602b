/* SPDX-License-Identifier: MIT */
/*
 * The host's handle on one device worker process: spawn it, run control
 * transfers on it, read what it reports.
 */
#ifndef QDFU_SIM_VUSB_LINK_H
#define QDFU_SIM_VUSB_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/vusb/vusb_proto.h"
#include "sim/vusb/vusb_worker.h"

struct vusb_link {
	pid_t pid;
	int req_fd; /* host end of the request channel */
	int ev_fd;  /* host end of the event channel */
};

/* Fork a worker running vusb_worker_main(cfg). Call before any thread
 * exists in this process. */
int vusb_link_spawn(struct vusb_link *l, const struct vusb_worker_config *cfg);

/* Start a control transfer; data holds the OUT data (wLength bytes) or
 * receives the IN data. Returns enum vusb_rep_status; *result as in
 * struct vusb_rep. */
int vusb_link_ctrl(struct vusb_link *l, const uint8_t setup[8], uint8_t *data, uint32_t nak_budget,
                   int *result);
/* Resume the pending transfer (same data buffer). */
int vusb_link_continue(struct vusb_link *l, const uint8_t setup[8], uint8_t *data,
                       uint32_t nak_budget, int *result);
int vusb_link_cancel(struct vusb_link *l);
/* USB bus reset; *high_speed (if not NULL) = it enumerated at high speed. */
int vusb_link_bus_reset(struct vusb_link *l, bool *high_speed);
int vusb_link_save(struct vusb_link *l);
/* Ask the worker to save and exit, and reap it. Returns its exit status. */
int vusb_link_quit(struct vusb_link *l);

/* Read one event if available (non-blocking: 0 = none, 1 = got one,
 * -1 = the worker is gone). With timeout_ms > 0, waits that long. */
int vusb_link_event(struct vusb_link *l, struct vusb_event *ev, int timeout_ms);

#endif
