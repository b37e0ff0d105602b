/* SPDX-License-Identifier: MIT */
/*
 * Messages between qdfu-sim (the host side: kernel + host controller) and
 * one device worker process (the firmware on its sim/port). Two
 * SOCK_SEQPACKET socketpairs per device:
 *  - request channel: the host asks, the worker answers (one answer per
 *    request, in order): whole control transfers, resumed while the device
 *    NAKs, bus resets, save, quit;
 *  - event channel: the worker tells the host what the device did on its
 *    own: connected (pull-up on), disconnected, MCU reset, application
 *    started, stayed in DFU.
 * Control transfers travel whole (not per packet): the transaction-level
 * engine runs in the worker, next to the device.
 */
#ifndef QDFU_SIM_VUSB_PROTO_H
#define QDFU_SIM_VUSB_PROTO_H

#include <stdint.h>

#define VUSB_MAX_DATA 65535u

enum vusb_req_type {
	VUSB_REQ_CTRL = 1,  /* start a control transfer (setup + OUT data) */
	VUSB_REQ_CONTINUE,  /* resume the pending one */
	VUSB_REQ_CANCEL,    /* forget the pending one (URB discarded) */
	VUSB_REQ_BUS_RESET, /* USB bus reset; result = 1 if it enumerated at
	                       high speed, 0 at full speed */
	VUSB_REQ_SAVE,      /* run the main loop once, report, save memories */
	VUSB_REQ_QUIT,      /* save and exit */
};

struct vusb_req {
	uint32_t type;
	uint32_t nak_budget; /* NAKs before answering PENDING */
	uint8_t setup[8];
	uint32_t out_len; /* bytes of OUT data following this header */
};

enum vusb_rep_status {
	VUSB_REP_DONE = 0, /* result valid; IN data follows */
	VUSB_REP_PENDING,  /* still NAKing: ask again with CONTINUE */
	VUSB_REP_NODEV,    /* not on the bus (pull-up off, app running) */
	VUSB_REP_ERROR,    /* malformed request */
};

struct vusb_rep {
	uint32_t status;
	int32_t result;  /* bytes of the data stage, or -EPIPE (stall) */
	uint32_t in_len; /* bytes of IN data following this header */
	uint32_t naks;
};

enum vusb_ev_type {
	VUSB_EV_CONNECT = 1, /* pull-up on: enumerate */
	VUSB_EV_DISCONNECT,  /* pull-up off: remove */
	VUSB_EV_RESET,       /* MCU reset requested; the device reboots */
	VUSB_EV_APP,         /* the bootloader started the application */
	VUSB_EV_STAY,        /* boot decision: stay in DFU (reason) */
	VUSB_EV_ERROR,       /* setup failed (reason) */
	VUSB_EV_FAULT,       /* a register model saw the firmware break a
	                        hardware rule (vtor = count so far, reason) */
	VUSB_EV_NOTE,        /* something worth a log line (reason): what the
	                        ROM model did (sim/rom) */
	VUSB_EV_POWER_CUT,   /* --power-cut: power gone (reason: when, what tore) */
};

struct vusb_event {
	uint32_t type;
	uint32_t vtor; /* APP: vector table; FAULT: violations so far */
	char reason[192];
};

#endif
