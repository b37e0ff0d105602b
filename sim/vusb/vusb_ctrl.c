/* SPDX-License-Identifier: MIT */
#include "sim/vusb/vusb_ctrl.h"

#include <errno.h>
#include <string.h>

void vusb_ctrl_start(struct vusb_ctrl *x, const uint8_t setup[8], uint8_t *data, uint16_t mps)
{
	memset(x, 0, sizeof(*x));
	memcpy(x->setup, setup, sizeof(x->setup));
	x->data = data;
	x->wlength = (uint16_t)(setup[6] | (setup[7] << 8));
	x->mps = mps ? mps : 64u;
	x->stage = VUSB_STAGE_SETUP;
}

static bool finish(struct vusb_ctrl *x, int result)
{
	x->stage = VUSB_STAGE_DONE;
	x->result = result;
	return true;
}

/* One transaction of the data stage. */
static int data_transaction(struct vusb_ctrl *x, const struct vusb_dev_ops *ops, void *ctx)
{
	unsigned want = (unsigned)(x->wlength - x->done);
	if (want > x->mps)
		want = x->mps;
	unsigned n = 0;
	int r;
	if (vusb_ctrl_is_in(x)) {
		r = ops->in(ctx, x->data + x->done, want, &n);
		if (r == VUSB_ACK && n > want)
			n = want; /* babble: keep what the host asked for */
	} else {
		r = ops->out(ctx, x->data + x->done, want);
		n = want;
	}
	if (r != VUSB_ACK)
		return r;
	x->packets++;
	x->done = (uint16_t)(x->done + n);
	/* IN ends on a short packet (a ZLP is one) or wLength; OUT the host
	 * knows: wLength. */
	if (x->done >= x->wlength || (vusb_ctrl_is_in(x) && n < x->mps))
		x->stage = VUSB_STAGE_STATUS;
	return VUSB_ACK;
}

/* The status stage: a zero-length packet against the data direction. */
static int status_transaction(struct vusb_ctrl *x, const struct vusb_dev_ops *ops, void *ctx)
{
	if (vusb_ctrl_is_in(x) && x->wlength)
		return ops->out(ctx, NULL, 0);
	uint8_t scratch[64];
	unsigned n = 0;
	int r = ops->in(ctx, scratch, 0, &n);
	return r;
}

bool vusb_ctrl_run(struct vusb_ctrl *x, const struct vusb_dev_ops *ops, void *ctx,
                   uint32_t nak_budget)
{
	uint32_t naks = 0;
	while (x->stage != VUSB_STAGE_DONE) {
		int r;
		switch (x->stage) {
		case VUSB_STAGE_SETUP:
			/* SETUP is never NAKed (USB 2.0 8.5.3): ACK or nothing. */
			r = ops->setup(ctx, x->setup);
			if (r == VUSB_ACK) {
				x->noresp = 0;
				x->stage = x->wlength ? VUSB_STAGE_DATA : VUSB_STAGE_STATUS;
				continue;
			}
			r = VUSB_NORESP;
			break;
		case VUSB_STAGE_DATA:
			r = data_transaction(x, ops, ctx);
			break;
		case VUSB_STAGE_STATUS:
			r = status_transaction(x, ops, ctx);
			if (r == VUSB_ACK)
				return finish(x, x->done);
			break;
		default:
			return true;
		}
		if (r == VUSB_STALL)
			return finish(x, -EPIPE);
		if (r == VUSB_ACK) {
			x->streak = 0;
			x->noresp = 0;
			continue;
		}
		if (r == VUSB_NORESP) {
			if (++x->noresp >= VUSB_NORESP_TRIES)
				return finish(x, -EPROTO);
			continue; /* the host controller retries at once */
		}
		x->naks++;
		x->streak++;
		if (ops->nak)
			ops->nak(ctx, x->streak);
		if (++naks >= nak_budget)
			return false;
	}
	return true;
}
