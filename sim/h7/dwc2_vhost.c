/* SPDX-License-Identifier: MIT */
#include "sim/h7/dwc2_vhost.h"

#include <stddef.h>

#include "sim/clock/vclock.h"
#include "sim/vusb/vusb_ctrl.h"

void vhost_init(struct dwc2_vhost *h, struct dwc2_model *m, void (*service)(void *), void *ctx)
{
	h->m = m;
	h->addr = 0;
	h->mps = 64;
	h->max_naks = 20000;
	h->naks = 0;
	h->nak_us = 20;
	h->service = service;
	h->ctx = ctx;
}

static void run(struct dwc2_vhost *h)
{
	if (h->service)
		h->service(h->ctx);
}

int vhost_reset(struct dwc2_vhost *h, int high_speed)
{
	run(h);
	int rc = dwc2m_bus_reset(h->m, high_speed != 0);
	h->addr = 0;
	vclock_advance_us(10000); /* reset signalling + recovery */
	run(h);
	return rc == DWC2M_ACK ? 0 : VHOST_E_NORESP;
}

static int map(int hs)
{
	switch (hs) {
	case DWC2M_STALL:
		return VHOST_E_STALL;
	case DWC2M_NAK:
		return VHOST_E_TIMEOUT;
	default:
		return VHOST_E_NORESP;
	}
}

static int xact_out(struct dwc2_vhost *h, const uint8_t *d, unsigned len)
{
	for (unsigned tries = 0;; tries++) {
		int hs = dwc2m_out(h->m, h->addr, 0, d, len);
		if (hs == DWC2M_ACK) {
			run(h);
			return 0;
		}
		if (hs != DWC2M_NAK || tries >= h->max_naks)
			return map(hs);
		h->naks++;
		vclock_advance_us(h->nak_us);
		run(h);
	}
}

static int xact_in(struct dwc2_vhost *h, uint8_t *d, unsigned max, unsigned *got)
{
	for (unsigned tries = 0;; tries++) {
		int hs = dwc2m_in(h->m, h->addr, 0, d, max, got);
		if (hs == DWC2M_ACK) {
			run(h);
			return 0;
		}
		if (hs != DWC2M_NAK || tries >= h->max_naks)
			return map(hs);
		h->naks++;
		vclock_advance_us(h->nak_us);
		run(h);
	}
}

int vhost_control(struct dwc2_vhost *h, const uint8_t setup[8], uint8_t *data)
{
	uint16_t wlen = (uint16_t)(setup[6] | setup[7] << 8);
	int in = setup[0] & 0x80;
	unsigned done = 0;
	int rc;

	run(h);
	if (dwc2m_setup(h->m, h->addr, setup) != DWC2M_ACK)
		return VHOST_E_NORESP;
	run(h);
	if (wlen && in) {
		for (;;) {
			uint8_t pkt[64];
			unsigned got = 0;
			rc = xact_in(h, pkt, h->mps, &got);
			if (rc)
				return rc;
			if (done + got > wlen)
				return VHOST_E_PROTO;
			for (unsigned i = 0; i < got; i++)
				data[done + i] = pkt[i];
			done += got;
			if (got < h->mps || done == wlen)
				break;
		}
		rc = xact_out(h, NULL, 0); /* status */
		if (rc)
			return rc;
	} else {
		while (done < wlen) {
			unsigned n = wlen - done < h->mps ? wlen - done : h->mps;
			rc = xact_out(h, data + done, n);
			if (rc)
				return rc;
			done += n;
		}
		uint8_t z[64];
		unsigned got = 0;
		rc = xact_in(h, z, sizeof(z), &got); /* status */
		if (rc)
			return rc;
		if (got)
			return VHOST_E_PROTO;
		/* SET_ADDRESS takes effect after its status stage. */
		if (setup[0] == 0x00 && setup[1] == 5)
			h->addr = setup[2] & 0x7F;
	}
	return (int)done;
}

void vhost_setup_pkt(uint8_t pkt[8], uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint16_t length)
{
	vusb_mk_setup(pkt, type, req, value, index, length);
}
