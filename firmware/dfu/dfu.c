/* SPDX-License-Identifier: MIT */
/*
 * DFU 1.1 + DfuSe class.
 *
 * The state machine is a table with one handler per state (DFU 1.1 A.1):
 * each handler answers the 7 requests in its state; anything it does not
 * accept is illegal, which stalls and enters dfuERROR with errSTALLEDPKT
 * (DFU 1.1 6.1.1, never a bare stall).
 *
 * Busy handling that every client accepts (dfu-util, pydfu, fwupd):
 * the operation requested by a DNLOAD starts when its control transfer
 * completes; GETSTATUS #1 answers dfuDNBUSY at once with a bwPollTimeout
 * from the memory's own timing; GETSTATUS #2 is held (the host sees NAKs)
 * while the operation still runs, so DNBUSY is never reported twice.
 */
#include "dfu/dfu.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "mem/mem.h"
#include "hal/port.h"

enum pending {
	PEND_NONE = 0,
	PEND_SET_ADDRESS,
	PEND_ERASE,
	PEND_MASS_ERASE,
	PEND_UNPROTECT,
	PEND_WRITE,
};

/* what a state handler decides */
enum verdict {
	V_ILLEGAL = 0, /* stall + dfuERROR/errSTALLEDPKT */
	V_STALL,       /* plain stall, no state change (runtime mode) */
	V_OK,          /* the handler filled the usbd reply */
};

struct req {
	const struct usb_setup *s;
	struct usbd_ctrl *c;
	enum usbd_reply reply;
};

typedef enum verdict (*state_handler)(struct req *q);

static struct {
	const struct dfu_hooks *hooks;
	uint8_t num_alts, alt;
	enum dfu_state state;
	enum dfu_status status;
	uint32_t addr; /* DfuSe address pointer */

	/* the DNLOAD being executed */
	enum pending pend;
	bool op_started; /* handed to the engine */
	bool op_done;    /* finished (result in op_result) */
	int op_result;
	uint32_t op_addr;
	uint16_t dl_len;
	bool gs_held; /* a GETSTATUS reply is deferred until op_done */
	bool up_held; /* an UPLOAD reply is deferred until the engine idles */
	uint16_t up_block, up_len;
	bool session_open; /* an erase/write happened since the last close */
	bool session_dirty;
	bool leave_pending;

	/* vendor CRC */
	bool crc_wanted, crc_running;
	uint32_t crc_addr, crc_len, crc_value, crc_status;

	uint8_t status_buf[6];
	uint8_t small[16];
	uint8_t buf[DFU_TRANSFER_SIZE];
} d;

/* ------------------------------------------------------------- helpers */

enum dfu_status dfu_status_from_err(int err)
{
	switch (err) {
	case QDFU_OK:
		return DFU_STATUS_OK;
	case QDFU_E_ADDRESS:
	case QDFU_E_PROTECTED:
		return DFU_STATUS_ERR_TARGET;
	case QDFU_E_ERASE:
		return DFU_STATUS_ERR_ERASE;
	case QDFU_E_PROGRAM:
		return DFU_STATUS_ERR_PROG;
	case QDFU_E_NOT_ERASED:
		return DFU_STATUS_ERR_CHECK_ERASED;
	case QDFU_E_VERIFY:
	case QDFU_E_ECC:
		return DFU_STATUS_ERR_VERIFY;
	case QDFU_E_TIMEOUT:
	case QDFU_E_NO_DEVICE:
		return DFU_STATUS_ERR_WRITE;
	case QDFU_E_STATE:
		return DFU_STATUS_ERR_STALLEDPKT;
	default:
		return DFU_STATUS_ERR_UNKNOWN;
	}
}

/* How long the host should sleep before GETSTATUS #2. The hold that
 * follows covers the rest; keep it well under fwupd's 1.5 s per GETSTATUS
 * and dfu-util's 5 s control timeout, so ask for at least max - 1 s. */
#define HOLD_BUDGET_MS 1000u
#define POLL_MAX_MS    0xFFFFFFu /* 24-bit field */

uint32_t dfu_poll_timeout_ms(uint32_t typ_ms, uint32_t max_ms)
{
	uint32_t p = typ_ms;
	if (max_ms > HOLD_BUDGET_MS && max_ms - HOLD_BUDGET_MS > p)
		p = max_ms - HOLD_BUDGET_MS;
	if (p == 0)
		p = 1;
	return QDFU_MIN(p, POLL_MAX_MS);
}

enum dfu_state dfu_get_state(void)
{
	return d.state;
}

enum dfu_status dfu_get_status(void)
{
	return d.status;
}

uint32_t dfu_get_address(void)
{
	return d.addr;
}

void dfu_force_state(enum dfu_state st)
{
	if (st < DFU_STATE_COUNT)
		d.state = st;
}

static void set_error(enum dfu_status st)
{
	d.state = DFU_STATE_ERROR;
	d.status = st;
}

static void status_reply(struct req *q, uint32_t poll_ms)
{
	d.status_buf[0] = (uint8_t)d.status;
	d.status_buf[1] = (uint8_t)poll_ms;
	d.status_buf[2] = (uint8_t)(poll_ms >> 8);
	d.status_buf[3] = (uint8_t)(poll_ms >> 16);
	d.status_buf[4] = (uint8_t)d.state;
	d.status_buf[5] = 0;
	q->c->buf = d.status_buf;
	q->c->len = 6;
	q->reply = USBD_REPLY_IN;
}

static enum verdict reply_state(struct req *q)
{
	d.small[0] = (uint8_t)d.state;
	q->c->buf = d.small;
	q->c->len = 1;
	q->reply = USBD_REPLY_IN;
	return V_OK;
}

static enum verdict reply_ack(struct req *q)
{
	q->reply = USBD_REPLY_ACK;
	return V_OK;
}

/* DNLOAD with data: receive it into d.buf; the state changes when the
 * transfer completes (class_done). */
static enum verdict accept_dnload(struct req *q)
{
	if (q->s->wLength > DFU_TRANSFER_SIZE)
		return V_ILLEGAL;
	if (q->s->wLength == 0)
		return reply_ack(q); /* leave request */
	q->c->buf = d.buf;
	q->c->len = DFU_TRANSFER_SIZE;
	q->reply = USBD_REPLY_OUT;
	return V_OK;
}

/* ----------------------------------------------------- upload (reads) */

static const uint8_t dfuse_commands[] = {DFUSE_CMD_GET_COMMANDS, DFUSE_CMD_SET_ADDRESS,
                                         DFUSE_CMD_ERASE, DFUSE_CMD_READ_UNPROTECT};

static void upload_read(uint16_t block, uint16_t len, uint8_t **buf, uint16_t *got)
{
	uint32_t n = 0;
	uint32_t addr = d.addr + (uint32_t)(block - 2u) * DFU_TRANSFER_SIZE;
	/* unmapped or past a region end: a short (possibly empty) answer,
	 * never a stall (fwupd reads one transfer past an element) */
	if (mem_read(addr, d.buf, len, &n) != QDFU_OK)
		n = 0;
	*buf = d.buf;
	*got = (uint16_t)n;
}

static enum verdict accept_upload(struct req *q)
{
	uint16_t block = q->s->wValue, len = q->s->wLength;
	if (len > DFU_TRANSFER_SIZE)
		return V_ILLEGAL;
	if (block == 0) {
		memcpy(d.buf, dfuse_commands, sizeof(dfuse_commands));
		q->c->buf = d.buf;
		q->c->len = sizeof(dfuse_commands);
		q->reply = USBD_REPLY_IN;
		return V_OK;
	}
	if (block == 1)
		return V_ILLEGAL;
	if (mem_busy()) { /* e.g. the journal commit after ABORT */
		d.up_held = true;
		d.up_block = block;
		d.up_len = len;
		q->reply = USBD_REPLY_DEFER;
		return V_OK;
	}
	uint16_t got;
	upload_read(block, len, &q->c->buf, &got);
	q->c->len = got;
	d.up_len = got;
	q->reply = USBD_REPLY_IN;
	return V_OK;
}

/* ----------------------------------------------------- state handlers */

static enum verdict st_app_idle(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_DETACH:
		return reply_ack(q);
	default:
		return V_STALL;
	}
}

static enum verdict st_app_detach(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	default:
		return V_STALL;
	}
}

static enum verdict st_idle(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_DNLOAD:
		return accept_dnload(q);
	case DFU_REQ_UPLOAD:
		return accept_upload(q);
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_ABORT:
		return reply_ack(q);
	default: /* DETACH, CLRSTATUS */
		return V_ILLEGAL;
	}
}

static void finish_op_state(void)
{
	if (d.op_result == QDFU_OK) {
		d.state = DFU_STATE_DNLOAD_IDLE;
		d.status = DFU_STATUS_OK;
	} else {
		d.session_dirty = true;
		set_error(dfu_status_from_err(d.op_result));
	}
	d.pend = PEND_NONE;
}

static enum verdict st_dnload_sync(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS: {
		/* GETSTATUS #1: always dfuDNBUSY (dfu-util insists), with the
		 * remaining time of the operation as poll timeout */
		uint32_t poll = 1;
		if (d.op_started && !d.op_done) {
			struct mem_time t = mem_settle();
			poll = dfu_poll_timeout_ms(t.typ_ms, t.max_ms);
		} else if (!d.op_started && d.pend != PEND_NONE) {
			poll = 5; /* waiting for the engine to take it */
		}
		d.state = DFU_STATE_DNBUSY;
		status_reply(q, poll);
		return V_OK;
	}
	case DFU_REQ_ABORT:
		return reply_ack(q);
	default:
		return V_ILLEGAL;
	}
}

static enum verdict st_dnbusy(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		/* GETSTATUS #2: the host slept bwPollTimeout. Hold the answer
		 * while the operation still runs (dfu_task completes it). */
		if (!d.op_done) {
			d.gs_held = true;
			q->reply = USBD_REPLY_DEFER;
			return V_OK;
		}
		finish_op_state();
		status_reply(q, 0);
		return V_OK;
	default:
		return V_ILLEGAL;
	}
}

static enum verdict st_dnload_idle(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_DNLOAD:
		return accept_dnload(q);
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_ABORT:
		return reply_ack(q);
	default: /* UPLOAD, DETACH, CLRSTATUS */
		return V_ILLEGAL;
	}
}

static enum verdict st_manifest_sync(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		/* not manifestation tolerant: report dfuMANIFEST, then the
		 * device detaches and starts the application */
		d.state = DFU_STATE_MANIFEST;
		status_reply(q, 10);
		return V_OK;
	default:
		return V_ILLEGAL;
	}
}

static enum verdict st_manifest(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		d.state = DFU_STATE_MANIFEST_WAIT_RESET;
		status_reply(q, 0);
		return V_OK;
	default:
		return V_ILLEGAL;
	}
}

static enum verdict st_manifest_wait_reset(struct req *q)
{
	/* only a reset (or our own detach) leaves this state */
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	default:
		return V_STALL;
	}
}

static enum verdict st_upload_idle(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_UPLOAD:
		return accept_upload(q);
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_ABORT:
		return reply_ack(q);
	default: /* DNLOAD, DETACH, CLRSTATUS */
		return V_ILLEGAL;
	}
}

static enum verdict st_error(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_CLRSTATUS:
		return reply_ack(q);
	default:
		return V_ILLEGAL;
	}
}

static const state_handler handlers[] = {
    [DFU_STATE_APP_IDLE] = st_app_idle,
    [DFU_STATE_APP_DETACH] = st_app_detach,
    [DFU_STATE_IDLE] = st_idle,
    [DFU_STATE_DNLOAD_SYNC] = st_dnload_sync,
    [DFU_STATE_DNBUSY] = st_dnbusy,
    [DFU_STATE_DNLOAD_IDLE] = st_dnload_idle,
    [DFU_STATE_MANIFEST_SYNC] = st_manifest_sync,
    [DFU_STATE_MANIFEST] = st_manifest,
    [DFU_STATE_MANIFEST_WAIT_RESET] = st_manifest_wait_reset,
    [DFU_STATE_UPLOAD_IDLE] = st_upload_idle,
    [DFU_STATE_ERROR] = st_error,
};
QDFU_STATIC_ASSERT(QDFU_ARRAY_SIZE(handlers) == DFU_STATE_COUNT, "one handler per DFU state");

/* ------------------------------------------------------ vendor requests */

static enum usbd_reply vendor_setup(const struct usb_setup *s, struct usbd_ctrl *c)
{
	if ((s->bmRequestType & USB_RECIP_MASK) != USB_RECIP_INTERFACE || s->wIndex != 0)
		return USBD_REPLY_STALL;
	switch (s->bRequest) {
	case QDFU_VREQ_INFO:
		if (s->bmRequestType != 0xC1 || s->wLength != 16)
			return USBD_REPLY_STALL;
		memset(d.small, 0, sizeof(d.small));
		memcpy(d.small, "QDFU", 4);
		d.small[4] = 1;    /* protocol version */
		d.small[5] = 0x03; /* CRC32, boot journal */
		qdfu_put_le16(&d.small[6], 0x0001);
		c->buf = d.small;
		c->len = 16;
		return USBD_REPLY_IN;
	case QDFU_VREQ_CRC_START:
		if (s->bmRequestType != 0x41 || s->wLength != 8)
			return USBD_REPLY_STALL;
		c->buf = d.small;
		c->len = sizeof(d.small);
		return USBD_REPLY_OUT;
	case QDFU_VREQ_CRC_RESULT: {
		if (s->bmRequestType != 0xC1 || s->wLength != 12)
			return USBD_REPLY_STALL;
		uint32_t poll = (d.crc_wanted || d.crc_running) ? 5u : 0u;
		uint32_t st = (d.crc_wanted || d.crc_running) ? 1u : d.crc_status;
		qdfu_put_le32(&d.small[0], st);
		qdfu_put_le32(&d.small[4], d.crc_value);
		qdfu_put_le32(&d.small[8], poll);
		c->buf = d.small;
		c->len = 12;
		return USBD_REPLY_IN;
	}
	default:
		return USBD_REPLY_STALL;
	}
}

/* ------------------------------------------------------ class callbacks */

static enum usbd_reply class_setup(const struct usb_setup *s, struct usbd_ctrl *c)
{
	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_VENDOR)
		return vendor_setup(s, c);
	if ((s->bmRequestType & USB_RECIP_MASK) != USB_RECIP_INTERFACE || s->wIndex != 0 ||
	    s->bRequest >= DFU_REQ_COUNT)
		return USBD_REPLY_STALL;
	/* a new request abandons any reply we were still holding */
	d.gs_held = false;
	d.up_held = false;
	struct req q = {s, c, USBD_REPLY_STALL};
	/* direction must match the request (DFU 1.1 table 3.2) */
	bool in = (s->bmRequestType & USB_DIR_IN) != 0;
	bool want_in = s->bRequest == DFU_REQ_UPLOAD || s->bRequest == DFU_REQ_GETSTATUS ||
	               s->bRequest == DFU_REQ_GETSTATE;
	enum verdict v;
	if (in != want_in)
		v = V_ILLEGAL;
	else if (s->bRequest == DFU_REQ_GETSTATE) /* valid in every state */
		v = reply_state(&q);
	else
		v = handlers[d.state](&q);
	if (v == V_OK)
		return q.reply;
	if (v == V_ILLEGAL)
		set_error(DFU_STATUS_ERR_STALLEDPKT);
	return USBD_REPLY_STALL;
}

/* Validate a DfuSe command block (wBlockNum 0). */
static bool parse_command(const uint8_t *p, uint16_t len)
{
	switch (p[0]) {
	case DFUSE_CMD_SET_ADDRESS:
		if (len != 5)
			return false;
		d.pend = PEND_SET_ADDRESS;
		d.op_addr = qdfu_get_le32(p + 1);
		return true;
	case DFUSE_CMD_ERASE:
		if (len == 1) {
			d.pend = PEND_MASS_ERASE;
			return true;
		}
		if (len != 5)
			return false;
		d.pend = PEND_ERASE;
		d.op_addr = qdfu_get_le32(p + 1);
		return true;
	case DFUSE_CMD_READ_UNPROTECT:
		if (len != 1)
			return false;
		d.pend = PEND_UNPROTECT;
		return true;
	default: /* DfuSe: unknown command -> stall, errSTALLEDPKT */
		return false;
	}
}

static bool class_data_out(const struct usb_setup *s, const uint8_t *data, uint16_t len)
{
	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_VENDOR) {
		if (s->bRequest != QDFU_VREQ_CRC_START || len != 8)
			return false;
		d.crc_addr = qdfu_get_le32(data);
		d.crc_len = qdfu_get_le32(data + 4);
		return true;
	}
	if (s->bRequest != DFU_REQ_DNLOAD)
		return false;
	d.dl_len = len;
	if (s->wValue == 0) {
		if (len == 0 || !parse_command(data, len)) {
			set_error(DFU_STATUS_ERR_STALLEDPKT);
			return false;
		}
	} else if (s->wValue == 1) {
		set_error(DFU_STATUS_ERR_STALLEDPKT);
		return false;
	} else {
		d.pend = PEND_WRITE;
		d.op_addr = d.addr + (uint32_t)(s->wValue - 2u) * DFU_TRANSFER_SIZE;
	}
	return true;
}

static int open_session(void)
{
	if (d.session_open)
		return QDFU_OK;
	int rc = d.hooks && d.hooks->session_open ? d.hooks->session_open() : QDFU_OK;
	if (rc == QDFU_OK)
		d.session_open = true;
	return rc;
}

static void close_session(void)
{
	if (d.session_open && !d.session_dirty && d.hooks && d.hooks->session_close)
		d.hooks->session_close();
	d.session_open = false;
}

/* Hand the pending DNLOAD to the engine (or finish it at once). */
static void start_op(void)
{
	struct mem_time t;
	int rc = QDFU_OK;
	if (mem_busy())
		return; /* an earlier, aborted operation still runs */
	d.op_started = true;
	d.op_done = false;
	switch (d.pend) {
	case PEND_SET_ADDRESS:
		/* DfuSe: the pointer moves even if unmapped; the error shows */
		d.addr = d.op_addr;
		rc = mem_find(d.op_addr) ? QDFU_OK : QDFU_E_ADDRESS;
		break;
	case PEND_ERASE:
		rc = mem_find(d.op_addr) ? open_session() : QDFU_E_ADDRESS;
		if (rc == QDFU_OK)
			rc = mem_start_erase_page(d.op_addr, &t);
		break;
	case PEND_MASS_ERASE: {
		struct mem_region *r = mem_find_alt(d.alt);
		rc = r ? open_session() : QDFU_E_ADDRESS;
		if (rc == QDFU_OK)
			rc = mem_start_mass_erase(r, &t);
		break;
	}
	case PEND_UNPROTECT:
		rc = QDFU_OK;
		break;
	case PEND_WRITE:
		rc = mem_find(d.op_addr) ? open_session() : QDFU_E_ADDRESS;
		if (rc == QDFU_OK)
			rc = mem_start_write(d.op_addr, d.buf, d.dl_len, &t);
		break;
	default:
		break;
	}
	if (rc != QDFU_OK || !mem_busy()) {
		d.op_result = rc;
		d.op_done = true;
	}
}

static void class_done(const struct usb_setup *s)
{
	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_VENDOR) {
		if (s->bRequest == QDFU_VREQ_CRC_START) {
			d.crc_wanted = true;
			d.crc_status = 2;
		}
		return;
	}
	switch (s->bRequest) {
	case DFU_REQ_DNLOAD:
		if (s->wLength == 0) {
			/* leave (DfuSe: DN(2,0) or DN(0,0) with no data) */
			d.state = DFU_STATE_MANIFEST_SYNC;
			return;
		}
		if (d.state == DFU_STATE_IDLE)
			d.session_dirty = false; /* a new client sequence */
		d.state = DFU_STATE_DNLOAD_SYNC;
		d.op_started = false;
		d.op_done = false;
		start_op();
		break;
	case DFU_REQ_UPLOAD:
		/* a short frame ends the upload (DFU 1.1 6.2) */
		if (d.state == DFU_STATE_IDLE || d.state == DFU_STATE_UPLOAD_IDLE)
			d.state = (s->wValue >= 2 && d.up_len < s->wLength && !d.up_held)
			              ? DFU_STATE_IDLE
			              : DFU_STATE_UPLOAD_IDLE;
		break;
	case DFU_REQ_ABORT:
		if (d.state == DFU_STATE_DNLOAD_IDLE && mem_flush() != QDFU_OK)
			d.session_dirty = true;
		if (d.state == DFU_STATE_DNLOAD_IDLE)
			close_session(); /* clean end of a download sequence */
		else if (d.state == DFU_STATE_DNLOAD_SYNC)
			d.session_dirty = true; /* aborted mid-operation */
		d.state = DFU_STATE_IDLE;
		d.status = DFU_STATUS_OK;
		if (!d.op_done)
			d.pend = PEND_NONE;
		break;
	case DFU_REQ_CLRSTATUS:
		d.state = DFU_STATE_IDLE;
		d.status = DFU_STATUS_OK;
		break;
	case DFU_REQ_DETACH:
		if (d.state == DFU_STATE_APP_IDLE)
			d.state = DFU_STATE_APP_DETACH;
		break;
	case DFU_REQ_GETSTATUS:
		if (d.state == DFU_STATE_MANIFEST) {
			if (mem_flush() != QDFU_OK)
				d.session_dirty = true;
			close_session();
			d.leave_pending = true;
		} else if (d.state == DFU_STATE_DNBUSY && d.pend == PEND_UNPROTECT) {
			/* DfuSe: one GETSTATUS shows DNBUSY, then the device acts */
			if (d.hooks && d.hooks->unprotect)
				d.hooks->unprotect();
		}
		break;
	default:
		break;
	}
}

static bool class_set_alt(uint8_t alt)
{
	if (alt >= d.num_alts)
		return false;
	/* DfuSe clients switch alt in dfuIDLE and, for .dfu files, in
	 * dfuDNLOAD-IDLE (dfu-util); nowhere else. */
	if (d.state != DFU_STATE_IDLE && d.state != DFU_STATE_DNLOAD_IDLE &&
	    d.state != DFU_STATE_ERROR && d.state != DFU_STATE_UPLOAD_IDLE)
		return false;
	d.alt = alt;
	if (d.state == DFU_STATE_UPLOAD_IDLE)
		d.state = DFU_STATE_IDLE;
	return true;
}

static void class_reset(bool configured)
{
	QDFU_UNUSED(configured);
	/* USB reset / SET_CONFIGURATION: back to dfuIDLE (DFU 1.1 A.2.2),
	 * except that an error survives until CLRSTATUS so the host sees it */
	if (d.state != DFU_STATE_ERROR) {
		d.state = DFU_STATE_IDLE;
		d.status = DFU_STATUS_OK;
	}
	d.alt = 0;
	d.gs_held = false;
	d.up_held = false;
	if (d.state == DFU_STATE_IDLE && d.pend != PEND_NONE && d.op_done)
		d.pend = PEND_NONE;
}

static void class_suspend(void)
{
	/* a session cut by unplug stays open (never committed) */
	d.gs_held = false;
	d.up_held = false;
}

const struct usbd_class dfu_class = {
    .setup = class_setup,
    .data_out = class_data_out,
    .done = class_done,
    .set_alt = class_set_alt,
    .reset = class_reset,
    .suspend = class_suspend,
};

void dfu_init(const struct dfu_hooks *hooks, uint8_t num_alts)
{
	memset(&d, 0, sizeof(d));
	d.hooks = hooks;
	d.num_alts = num_alts;
	d.state = DFU_STATE_IDLE;
	d.status = DFU_STATUS_OK;
	d.crc_status = 2;
	/* like ST's ROM: the pointer starts at the first memory (0x08000000) */
	if (mem_region_at(0))
		d.addr = mem_region_at(0)->base;
}

static void crc_task(void)
{
	if (d.crc_running) {
		int rc = mem_poll();
		if (rc == QDFU_E_BUSY)
			return;
		d.crc_running = false;
		d.crc_status = rc == QDFU_OK ? 0u : 3u;
		d.crc_value = rc == QDFU_OK ? mem_crc_result() : 0u;
		return;
	}
	if (d.crc_wanted && !mem_busy()) {
		struct mem_region *r = mem_find(d.crc_addr);
		d.crc_wanted = false;
		if (!r || d.crc_len > r->size - (d.crc_addr - r->base) ||
		    mem_start_crc(d.crc_addr, d.crc_len, NULL) != QDFU_OK) {
			d.crc_status = 3;
			return;
		}
		d.crc_running = true;
	}
}

void dfu_task(void)
{
	if (d.crc_running || d.crc_wanted) {
		crc_task();
		if (d.crc_running)
			return;
	}
	if (d.op_started && !d.op_done) {
		int rc = mem_poll();
		if (rc != QDFU_E_BUSY) {
			d.op_result = rc;
			d.op_done = true;
			if (d.pend == PEND_MASS_ERASE && d.hooks && d.hooks->mass_erased)
				d.hooks->mass_erased();
		}
	} else if (mem_busy()) {
		(void)mem_poll(); /* an aborted operation finishing */
	} else if (d.state == DFU_STATE_DNLOAD_SYNC && !d.op_started && d.pend != PEND_NONE) {
		start_op();
	}
	if (d.gs_held && d.op_done && d.state == DFU_STATE_DNBUSY) {
		d.gs_held = false;
		finish_op_state();
		d.status_buf[0] = (uint8_t)d.status;
		d.status_buf[1] = d.status_buf[2] = d.status_buf[3] = 0;
		d.status_buf[4] = (uint8_t)d.state;
		d.status_buf[5] = 0;
		usbd_ctrl_reply_in(d.status_buf, 6);
	}
	if (d.up_held && !mem_busy()) {
		uint8_t *buf;
		uint16_t got;
		d.up_held = false;
		upload_read(d.up_block, d.up_len, &buf, &got);
		d.up_len = got;
		usbd_ctrl_reply_in(buf, got);
	}
	if (d.leave_pending) {
		d.leave_pending = false;
		if (d.hooks && d.hooks->leave)
			d.hooks->leave();
	}
}
