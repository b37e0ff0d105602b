/* SPDX-License-Identifier: MIT */
/*
 * DFU 1.1 class with ST's DfuSe extensions (bcdDFU 0x011A).
 * The state machine is a table of per-state handlers (dfu.c); DfuSe
 * commands and memory access go through the operation engine (mem/).
 */
#ifndef QDFU_DFU_DFU_H
#define QDFU_DFU_DFU_H

#include <stdbool.h>
#include <stdint.h>

#include "usb/usbd.h"

/* DFU 1.1 section 6.1.2 */
enum dfu_state {
	DFU_STATE_APP_IDLE = 0,
	DFU_STATE_APP_DETACH = 1,
	DFU_STATE_IDLE = 2,
	DFU_STATE_DNLOAD_SYNC = 3,
	DFU_STATE_DNBUSY = 4,
	DFU_STATE_DNLOAD_IDLE = 5,
	DFU_STATE_MANIFEST_SYNC = 6,
	DFU_STATE_MANIFEST = 7,
	DFU_STATE_MANIFEST_WAIT_RESET = 8,
	DFU_STATE_UPLOAD_IDLE = 9,
	DFU_STATE_ERROR = 10,
	DFU_STATE_COUNT
};

enum dfu_status {
	DFU_STATUS_OK = 0x00,
	DFU_STATUS_ERR_TARGET = 0x01,
	DFU_STATUS_ERR_FILE = 0x02,
	DFU_STATUS_ERR_WRITE = 0x03,
	DFU_STATUS_ERR_ERASE = 0x04,
	DFU_STATUS_ERR_CHECK_ERASED = 0x05,
	DFU_STATUS_ERR_PROG = 0x06,
	DFU_STATUS_ERR_VERIFY = 0x07,
	DFU_STATUS_ERR_ADDRESS = 0x08,
	DFU_STATUS_ERR_NOTDONE = 0x09,
	DFU_STATUS_ERR_FIRMWARE = 0x0A,
	DFU_STATUS_ERR_VENDOR = 0x0B,
	DFU_STATUS_ERR_USBR = 0x0C,
	DFU_STATUS_ERR_POR = 0x0D,
	DFU_STATUS_ERR_UNKNOWN = 0x0E,
	DFU_STATUS_ERR_STALLEDPKT = 0x0F,
};

enum dfu_request {
	DFU_REQ_DETACH = 0,
	DFU_REQ_DNLOAD = 1,
	DFU_REQ_UPLOAD = 2,
	DFU_REQ_GETSTATUS = 3,
	DFU_REQ_CLRSTATUS = 4,
	DFU_REQ_GETSTATE = 5,
	DFU_REQ_ABORT = 6,
	DFU_REQ_COUNT
};

/* DfuSe commands (AN3156), DNLOAD wBlockNum 0 */
#define DFUSE_CMD_GET_COMMANDS   0x00u
#define DFUSE_CMD_SET_ADDRESS    0x21u
#define DFUSE_CMD_ERASE          0x41u
#define DFUSE_CMD_READ_UNPROTECT 0x92u

/* Transfer size: 4096 lets one SET_ADDRESS address 256 MiB with 16-bit
 * block numbers (fwupd increments them), and is dfu-util's Linux cap. */
#define DFU_TRANSFER_SIZE     4096u
#define DFU_DETACH_TIMEOUT_MS 255u
/* bmAttributes: canDnload | canUpload | willDetach (not manifestation
 * tolerant: after leave the device detaches and starts the application). */
#define DFU_ATTRIBUTES 0x0Bu

/* Events the class reports to the bootloader (app/bootloader.c). */
struct dfu_hooks {
	/* the first erase or write of a session is about to run */
	int (*session_open)(void);
	/* the host ended an update with a leave (manifestation) after every
	 * operation since the sequence began succeeded; never on ABORT */
	void (*session_close)(void);
	/* leave: the host asked to start the application */
	void (*leave)(void);
	/* a mass erase finished (it may have wiped the journal's units) */
	void (*mass_erased)(void);
	/* read unprotect: wipe and reset */
	void (*unprotect)(void);
	/* a leave now, with nothing written, would start what the journal
	 * names (no update open in it): INFO's QDFU_PROTO_FLAG_JOURNAL_CLEAN,
	 * reported only while no session is open in this visit; NULL: never */
	bool (*journal_clean)(void);
};

/* The class driver for usbd_init(). */
extern const struct usbd_class dfu_class;

void dfu_init(const struct dfu_hooks *hooks, uint8_t num_alts);
/* Announce the image descriptor unit in the INFO answer (0: none). */
void dfu_set_image_desc(uint32_t addr);
/* Why the device is in DFU mode (QDFU_PROTO_WHY_*) and the exception that
 * reset the bootloader (0 none), reported by INFO; after dfu_init(). */
void dfu_set_why(uint8_t why, uint8_t fault_exception);
/* INFO flags (QDFU_PROTO_FLAG_*: dual flash, NOR protection found/cleared);
 * after dfu_init(). JOURNAL_CLEAN is not one of them: INFO asks the
 * journal_clean hook live. */
void dfu_set_info_flags(uint16_t flags);
/* Main-loop work: advances flash operations, completes held GETSTATUS. */
void dfu_task(void);

/* Class (and vendor) requests received since dfu_init: a host that spoke
 * DFU to us (the board's grace window ends for good then). */
uint32_t dfu_request_count(void);

/* Introspection for tests and the simulator log. */
enum dfu_state dfu_get_state(void);
enum dfu_status dfu_get_status(void);
uint32_t dfu_get_address(void);

/* Put the state machine in a state directly: for tests, and for a future
 * runtime-mode build that starts in appIDLE. */
void dfu_force_state(enum dfu_state st);

/* Map an internal error to a DFU status (the class boundary). */
enum dfu_status dfu_status_from_err(int err);
/* bwPollTimeout for a DNBUSY answer from the operation's typical remaining
 * time (docs/decisions/busy-reporting.md). */
uint32_t dfu_poll_timeout_ms(uint32_t typ_ms);
/* ROM-style comparison runs: report this bwPollTimeout for every busy
 * answer (0: the typical remaining time, the normal policy). */
void dfu_set_fixed_poll(uint32_t ms);

#endif
