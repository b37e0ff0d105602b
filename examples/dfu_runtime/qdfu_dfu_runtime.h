/* SPDX-License-Identifier: MIT */
/*
 * DFU runtime mode for applications (DFU 1.1 section 4.1): add this
 * interface to your application's USB configuration and route its class
 * requests here; then `dfu-util -e` or `qdfu flash` can switch the running
 * application into the qdfu bootloader, which comes back as the DFU-mode
 * device (0483:DF11 by default).
 *
 * Header only, independent of any USB stack: you copy the descriptor into
 * your configuration descriptor (fix the interface number) and call
 * qdfu_runtime_request() from your stack's class-request callback.
 */
#ifndef QDFU_DFU_RUNTIME_H
#define QDFU_DFU_RUNTIME_H

#include <stdint.h>

#include "qdfu_app.h"

/* Interface descriptor (class FE, subclass 01, protocol 01 = runtime) with
 * no endpoints, followed by the DFU functional descriptor: willDetach (the
 * device detaches itself), canDnload, wDetachTimeOut 255 ms, wTransferSize
 * 4096, bcdDFU 1.1. 18 bytes. */
#define QDFU_RUNTIME_DESC_LEN 18u
#define QDFU_RUNTIME_DESCRIPTOR(intf_number, string_index)                                         \
	9, 4, (intf_number), 0, 0, 0xFE, 0x01, 0x01, (string_index), 9, 0x21, 0x09, 0xFF, 0x00,    \
	    0x00, 0x10, 0x10, 0x01

enum qdfu_runtime_result {
	QDFU_RUNTIME_NOT_MINE = 0, /* not a DFU request: let the stack handle it */
	QDFU_RUNTIME_STALL,        /* a DFU request not valid in runtime mode */
	QDFU_RUNTIME_REPLY,        /* answer with reply[0..*len) */
	QDFU_RUNTIME_DETACH,       /* ACK the request, then call qdfu_enter_bootloader() */
};

/* bmRequestType/bRequest of a class request to the DFU interface. For
 * GETSTATUS (6 bytes) and GETSTATE (1 byte) the answer is written to reply
 * (at least 6 bytes). DETACH: acknowledge it, let the status stage finish,
 * then call qdfu_enter_bootloader() (willDetach: no bus reset needed). */
static inline enum qdfu_runtime_result qdfu_runtime_request(uint8_t bmRequestType, uint8_t bRequest,
                                                            uint8_t *reply, uint16_t *len)
{
	if ((bmRequestType & 0x7Fu) != 0x21u) /* class, interface */
		return QDFU_RUNTIME_NOT_MINE;
	switch (bRequest) {
	case 0: /* DETACH */
		return (bmRequestType & 0x80u) ? QDFU_RUNTIME_STALL : QDFU_RUNTIME_DETACH;
	case 3: /* GETSTATUS: OK, appIDLE */
		reply[0] = 0;
		reply[1] = reply[2] = reply[3] = 0;
		reply[4] = 0; /* appIDLE */
		reply[5] = 0;
		*len = 6;
		return QDFU_RUNTIME_REPLY;
	case 5: /* GETSTATE */
		reply[0] = 0;
		*len = 1;
		return QDFU_RUNTIME_REPLY;
	default: /* DNLOAD, UPLOAD, CLRSTATUS, ABORT: not in runtime mode */
		return QDFU_RUNTIME_STALL;
	}
}

#endif
