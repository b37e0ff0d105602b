/* SPDX-License-Identifier: MIT */
/*
 * The host controller's side of EP0: a resumable control-transfer engine
 * over transaction-level device operations (SETUP / OUT / IN answering
 * ACK, NAK or STALL). It runs the stages of USB 2.0 8.5.3:
 *   SETUP -> data stage in max-packet-size packets (IN ends on wLength bytes
 *   or a short packet, ZLP included) -> status stage in the opposite
 *   direction (zero-length) -> done.
 * NAKs are retried; between two retries the engine calls ops->nak() so the
 * device's main loop runs (and virtual time moves). A STALL in any stage
 * ends the transfer with -EPIPE. The engine gives up after a NAK budget
 * and can be resumed later (the URB stays in flight meanwhile). A stage that
 * gets no handshake VUSB_NORESP_TRIES times in a row ends it with -EPROTO.
 */
#ifndef QDFU_SIM_VUSB_CTRL_H
#define QDFU_SIM_VUSB_CTRL_H

#include <stdbool.h>
#include <stdint.h>

/* Handshakes, = SIMPORT_*. NORESP: no handshake (timeout on the wire). */
enum { VUSB_ACK = 0, VUSB_NAK = 1, VUSB_STALL = 2, VUSB_NORESP = 3 };

/* Transactions without a handshake are retried this many times in a row,
 * then the transfer fails with -EPROTO (what a Linux host controller driver
 * reports after its error counter runs out: EHCI/xHCI CERR = 3). */
#define VUSB_NORESP_TRIES 3u

struct vusb_dev_ops {
	int (*setup)(void *ctx, const uint8_t pkt[8]);
	int (*out)(void *ctx, const uint8_t *data, unsigned len);
	int (*in)(void *ctx, uint8_t *data, unsigned maxlen, unsigned *len);
	/* The device NAKed; `streak` counts consecutive NAKs (1, 2, ...). */
	void (*nak)(void *ctx, uint32_t streak);
};

enum vusb_stage {
	VUSB_STAGE_SETUP = 0,
	VUSB_STAGE_DATA,
	VUSB_STAGE_STATUS,
	VUSB_STAGE_DONE,
};

struct vusb_ctrl {
	uint8_t setup[8];
	uint8_t *data; /* wLength bytes: OUT source or IN destination */
	uint16_t wlength;
	uint16_t done;    /* data-stage bytes moved */
	uint16_t mps;     /* EP0 max packet size */
	uint32_t packets; /* data-stage packets (incl. zero-length) */
	uint32_t naks;    /* total NAKs seen */
	uint32_t streak;  /* consecutive NAKs */
	uint32_t noresp;  /* consecutive transactions without handshake */
	enum vusb_stage stage;
	int result; /* when done: data bytes (>= 0), -EPIPE or -EPROTO */
};

void vusb_ctrl_start(struct vusb_ctrl *x, const uint8_t setup[8], uint8_t *data, uint16_t mps);

/* Run until done or nak_budget NAKs have been seen in this call. Returns
 * true when the transfer is finished (x->result is valid). */
bool vusb_ctrl_run(struct vusb_ctrl *x, const struct vusb_dev_ops *ops, void *ctx,
                   uint32_t nak_budget);

static inline bool vusb_ctrl_is_in(const struct vusb_ctrl *x)
{
	return (x->setup[0] & 0x80u) != 0;
}

/* The 8 bytes of a SETUP packet (USB 2.0 9.3, little-endian fields). */
static inline void vusb_mk_setup(uint8_t s[8], uint8_t type, uint8_t req, uint16_t value,
                                 uint16_t index, uint16_t length)
{
	s[0] = type;
	s[1] = req;
	s[2] = (uint8_t)value;
	s[3] = (uint8_t)(value >> 8);
	s[4] = (uint8_t)index;
	s[5] = (uint8_t)(index >> 8);
	s[6] = (uint8_t)length;
	s[7] = (uint8_t)(length >> 8);
}

#endif
