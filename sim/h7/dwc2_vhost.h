/* SPDX-License-Identifier: MIT */
/*
 * A small USB host for the DWC2 model: control transfers on EP0 made of
 * SETUP / DATA / STATUS transactions, retrying NAKs while it lets the
 * device run (a callback that services the interrupt and the main loop),
 * and following SET_ADDRESS. Used by the tests of the real DWC2 driver.
 */
#ifndef QDFU_SIM_H7_DWC2_VHOST_H
#define QDFU_SIM_H7_DWC2_VHOST_H

#include <stdint.h>

#include "sim/h7/dwc2_model.h"

enum {
	VHOST_E_STALL = -1,   /* the device stalled the request */
	VHOST_E_TIMEOUT = -2, /* NAKed for longer than max_naks */
	VHOST_E_NORESP = -3,  /* no handshake: not connected, wrong address */
	VHOST_E_PROTO = -4,   /* unexpected data (status stage with data, babble) */
};

struct dwc2_vhost {
	struct dwc2_model *m;
	uint8_t addr;               /* address used for tokens */
	uint8_t mps;                /* EP0 max packet size assumed (64) */
	unsigned max_naks;          /* per transaction, before VHOST_E_TIMEOUT */
	unsigned naks;              /* total NAKs seen (statistics) */
	uint32_t nak_us;            /* virtual time between retries */
	void (*service)(void *ctx); /* run the device: IRQ + main loop */
	void *ctx;
};

void vhost_init(struct dwc2_vhost *h, struct dwc2_model *m, void (*service)(void *), void *ctx);
/* Bus reset (and enumeration at the given speed), address back to 0. */
int vhost_reset(struct dwc2_vhost *h, int high_speed);
/* One control transfer. data: IN: receives up to wLength bytes; OUT: the
 * wLength bytes to send. Returns the data-stage byte count or VHOST_E_*. */
int vhost_control(struct dwc2_vhost *h, const uint8_t setup[8], uint8_t *data);
/* Helper: build a SETUP packet. */
void vhost_setup_pkt(uint8_t pkt[8], uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint16_t length);

#endif
