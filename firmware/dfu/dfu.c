/* SPDX-License-Identifier: MIT */
/*
 * DFU 1.1 + DfuSe class.
 *
 * The state machine is a table with one handler per state (DFU 1.1 A.1):
 * each handler answers the 7 requests in its state; anything it does not
 * accept is illegal, which stalls and enters dfuERROR with errSTALLEDPKT
 * (DFU 1.1 6.1.1, never a bare stall).
 *
 * Busy reporting that every client accepts (dfu-util old and new, pydfu,
 * fwupd, WebDFU; their rules with sources in docs/decisions/
 * busy-reporting.md): the operation requested by a DNLOAD starts when its
 * control transfer completes; GETSTATUS #1 answers dfuDNBUSY at once with
 * the TYPICAL remaining time as bwPollTimeout; a later GETSTATUS is held
 * (the host sees NAKs) until the operation ends, so a client that slept
 * gets its answer the moment the chip is done. Only when a client that
 * slept has been held for HOLD_BUDGET_MS (a chip running towards its
 * datasheet maximum) does it get dfuDNBUSY again, with a short poll; a
 * client that did not sleep (pydfu) is held to the end, since it fails on
 * a second dfuDNBUSY. An ABORT sent while the operation runs (dfu-util 0.7
 * after its two GETSTATUS) is held until the operation ends.
 *
 * Pipelined reception (docs/decisions/pipelined-writes.md): a data block
 * is "accepted" once the engine holds a copy and has passed its quick
 * checks (mem_settle); from then on it programs in the background and the
 * block's GETSTATUS #2 answers dfuDNLOAD-IDLE, so the next block travels
 * over USB while this one programs. An error of a block programming in the
 * background is reported by the next request: the next DNLOAD or command
 * fails with it (its GETSTATUS says dfuERROR), a GETSTATUS in
 * dfuDNLOAD-IDLE says dfuERROR, an ABORT stalls into dfuERROR, and a leave
 * reports dfuERROR instead of dfuMANIFEST. ABORT and leave wait for the
 * background block, so nothing commits before it is in place.
 */
#include "dfu/dfu.h"
#include "qdfu_proto.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "dfu/dfu_ring.h"
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
	bool gs_held;    /* a GETSTATUS reply is deferred until op_done */
	bool gs_slept;   /* ... from a client that slept the poll timeout */
	bool abort_held; /* an ABORT's status stage waits for op_done */
	bool bg_write;   /* an accepted block still programs in the background */
	int bg_err;      /* its error, reported by the next request */
	uint32_t gs_held_at;
	uint32_t told_at, told_ms; /* last dfuDNBUSY answer: when, poll */
	bool up_held;              /* an UPLOAD reply is deferred until the engine idles */
	bool crc_held;             /* a CRC_(TABLE_)RESULT reply waits for the job's end */
	bool crc_held_one;         /* ... a CRC_RESULT's */
	uint16_t crc_held_len;     /* ... its wLength */
	uint32_t crc_held_at;
	uint16_t up_block, up_len;
	bool session_open; /* an erase/write happened since the last close */
	bool session_dirty;
	uint32_t image_desc_addr; /* for INFO: where hosts write the descriptor */
	bool leave_pending;

	/* vendor CRC: one job at a time, CRC_START (one entry over the whole
	 * range) or CRC_TABLE (crc_count entries of crc_unit bytes); the
	 * request's fields wait in crc_req_* until the engine is free */
	bool crc_wanted, crc_running;
	uint32_t crc_req_addr, crc_req_unit, crc_req_count;
	uint32_t crc_addr, crc_unit, crc_count, crc_done, crc_status;

	/* why the device is in DFU mode, for INFO (dfu_set_why) */
	uint8_t why, fault;
	uint16_t info_flags; /* QDFU_PROTO_FLAG_* (dfu_set_info_flags) */
	uint32_t requests;   /* class and vendor requests seen (dfu_request_count) */

	uint8_t status_buf[6];
	uint8_t small[16];
	/* CRC_TABLE_RESULT's answer: head, then the CRC of each entry done */
	uint8_t crc_table[QDFU_PROTO_CRC_TABLE_RESULT_MAX];
	uint8_t buf[DFU_TRANSFER_SIZE];
} dfu;

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

/* Longest hold of a GETSTATUS from a client that slept: well under
 * fwupd's 1.5 s GETSTATUS timeout (fu-dfu-device.c timeout_ms) and
 * dfu-util's 5 s control timeout. Past it the client hears dfuDNBUSY
 * again and polls REPOLL_MS later. */
#define HOLD_BUDGET_MS 1000u
#define REPOLL_MS      10u
#define POLL_MAX_MS    0xFFFFFFu /* 24-bit field */

uint32_t dfu_poll_timeout_ms(uint32_t typ_ms)
{
	/* never 0 in dfuDNBUSY: fwupd keeps its previous value for 0
	 * (fu_dfu_device_set_download_timeout), dfu-util counts 100 zero
	 * polls as "Device stuck" */
	return QDFU_MIN(QDFU_MAX(typ_ms, 1u), POLL_MAX_MS);
}

/* ROM-style (benchmarks): a fixed bwPollTimeout like ST's ROM (104 ms
 * per block in the facts' measurements). Outside `dfu`: dfu_init keeps it. */
static uint32_t fixed_poll_ms;

void dfu_set_fixed_poll(uint32_t ms)
{
	fixed_poll_ms = ms;
}

static void told_busy(uint32_t poll_ms)
{
	dfu.told_at = port_millis();
	dfu.told_ms = poll_ms;
}

enum dfu_state dfu_get_state(void)
{
	return dfu.state;
}

enum dfu_status dfu_get_status(void)
{
	return dfu.status;
}

uint32_t dfu_get_address(void)
{
	return dfu.addr;
}

void dfu_force_state(enum dfu_state st)
{
	if (st < DFU_STATE_COUNT)
		dfu.state = st;
}

static void set_error(enum dfu_status st)
{
	dfu.state = DFU_STATE_ERROR;
	dfu.status = st;
}

/* A block that programmed in the background failed: dfuERROR with its
 * status now, and the session is not an update to commit. */
static void report_bg_error(void)
{
	set_error(dfu_status_from_err(dfu.bg_err));
	dfu.bg_err = QDFU_OK;
	dfu.session_dirty = true;
}

/* Accepted blocks not programmed yet: one in the engine, or queued. */
static bool bg_pending(void)
{
	return dfu.bg_write || dfu_ring_count() != 0u;
}

/* Forget the background blocks (the sequence was cut: reset, CLRSTATUS,
 * ABORT of a queued request): queued ones are dropped, the engine still
 * finishes its own. */
static void drop_background(void)
{
	dfu.bg_write = false;
	dfu.bg_err = QDFU_OK;
	mem_program_beside_stop(); /* it reads a queued block */
	dfu_ring_clear();
}

/* A background block failed: the next request reports it, nothing queued
 * after it is programmed, and the session is not an update to commit. */
static void bg_fail(int rc)
{
	dfu.bg_err = rc;
	dfu.session_dirty = true;
	mem_program_beside_stop();
	dfu_ring_clear();
}

static bool pipelined(void);

/* Queued blocks of the internal-flash bank the engine does not work in
 * program beside it (mem_program_beside): offered oldest first, up to
 * the first that must wait. */
static void beside_feed(void)
{
	uint32_t addr;
	const uint8_t *data;
	uint16_t len;
	bool taken;
	if (!pipelined() || dfu.bg_err)
		return;
	for (unsigned k = 0; dfu_ring_at(k, &addr, &data, &len, &taken); k++) {
		if (taken)
			continue;
		enum mem_beside v = mem_program_beside(addr, data, len);
		if (v == MEM_BESIDE_TAKEN)
			dfu_ring_take(k);
		else if (v == MEM_BESIDE_STOP)
			return;
	}
}

/* The next queued blocks into the free engine, each run through its quick
 * phases at once (mem_poll runs them to their end: reads, compares): blocks
 * found in place (one programmed beside, or unchanged) are done in this
 * pass, up to the first that programs or erases. Bounded by the queue's
 * length. */
static void ring_feed(void)
{
	uint32_t addr;
	const uint8_t *data;
	uint16_t len;
	for (unsigned n = 0; n < DFU_RING_BLOCKS && !mem_engine_busy(); n++) {
		if (!dfu_ring_peek(&addr, &data, &len))
			return;
		if (mem_beside_reads(data, len)) { /* it programs beside: its end first */
			(void)mem_poll();
			return;
		}
		int rc = mem_start_write(addr, data, len, NULL);
		dfu_ring_pop();
		if (rc == QDFU_OK)
			rc = mem_poll();
		dfu.bg_write = rc == QDFU_E_BUSY;
		if (rc != QDFU_OK && rc != QDFU_E_BUSY)
			bg_fail(rc);
		if (rc != QDFU_OK)
			return;
	}
}

/* Advance the background: the engine's block (or an aborted operation
 * finishing, whose result is nobody's), else the next queued block. */
static void background_step(void)
{
	if (mem_engine_busy()) {
		int rc = mem_poll();
		if (rc != QDFU_E_BUSY && dfu.bg_write) {
			dfu.bg_write = false;
			if (rc != QDFU_OK)
				bg_fail(rc);
		}
	}
	if (!mem_engine_busy() && dfu_ring_count() != 0u)
		ring_feed();
	else if (!mem_engine_busy() && mem_busy())
		(void)mem_poll(); /* the last queued block programs beside */
	beside_feed();
}

/* Wait for the background blocks (manifestation): bounded by the engine's
 * own deadlines, one block at a time. Returns their error, if any. */
static int drain_background(void)
{
	while (mem_busy() || dfu_ring_count() != 0u) {
		background_step();
		if (mem_busy())
			port_wait_hint();
	}
	dfu.bg_write = false;
	int rc = dfu.bg_err;
	dfu.bg_err = QDFU_OK;
	return rc;
}

/* The 6-byte GETSTATUS answer (DFU 1.1 6.1.2). */
static void fill_status(uint32_t poll_ms)
{
	dfu.status_buf[0] = (uint8_t)dfu.status;
	dfu.status_buf[1] = (uint8_t)poll_ms;
	dfu.status_buf[2] = (uint8_t)(poll_ms >> 8);
	dfu.status_buf[3] = (uint8_t)(poll_ms >> 16);
	dfu.status_buf[4] = (uint8_t)dfu.state;
	dfu.status_buf[5] = 0;
}

static void status_reply(struct req *q, uint32_t poll_ms)
{
	fill_status(poll_ms);
	q->c->buf = dfu.status_buf;
	q->c->len = 6;
	q->reply = USBD_REPLY_IN;
}

static enum verdict reply_state(struct req *q)
{
	dfu.small[0] = (uint8_t)dfu.state;
	q->c->buf = dfu.small;
	q->c->len = 1;
	q->reply = USBD_REPLY_IN;
	return V_OK;
}

static enum verdict reply_ack(struct req *q)
{
	q->reply = USBD_REPLY_ACK;
	return V_OK;
}

/* DNLOAD with data: receive it into dfu.buf; the state changes when the
 * transfer completes (class_done). */
static enum verdict accept_dnload(struct req *q)
{
	if (q->s->wLength > DFU_TRANSFER_SIZE)
		return V_ILLEGAL;
	if (q->s->wLength == 0)
		return reply_ack(q); /* leave request */
	q->c->buf = dfu.buf;
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
	uint32_t addr = dfu.addr + (uint32_t)(block - 2u) * DFU_TRANSFER_SIZE;
	/* unmapped or past a region end: a short (possibly empty) answer,
	 * never a stall (fwupd reads one transfer past an element) */
	if (mem_read(addr, dfu.buf, len, &n) != QDFU_OK)
		n = 0;
	*buf = dfu.buf;
	*got = (uint16_t)n;
}

static enum verdict accept_upload(struct req *q)
{
	uint16_t block = q->s->wValue, len = q->s->wLength;
	if (len > DFU_TRANSFER_SIZE)
		return V_ILLEGAL;
	if (block == 0) {
		memcpy(dfu.buf, dfuse_commands, sizeof(dfuse_commands));
		q->c->buf = dfu.buf;
		q->c->len = sizeof(dfuse_commands);
		q->reply = USBD_REPLY_IN;
		return V_OK;
	}
	if (block == 1)
		return V_ILLEGAL;
	if (mem_busy()) { /* e.g. the journal commit after ABORT */
		dfu.up_held = true;
		dfu.up_block = block;
		dfu.up_len = len;
		q->reply = USBD_REPLY_DEFER;
		return V_OK;
	}
	uint16_t got;
	upload_read(block, len, &q->c->buf, &got);
	q->c->len = got;
	dfu.up_len = got;
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
	if (dfu.op_result == QDFU_OK) {
		dfu.state = DFU_STATE_DNLOAD_IDLE;
		dfu.status = DFU_STATUS_OK;
	} else {
		dfu.session_dirty = true;
		set_error(dfu_status_from_err(dfu.op_result));
	}
	dfu.pend = PEND_NONE;
}

static enum verdict st_dnload_sync(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS: {
		/* GETSTATUS #1: always dfuDNBUSY (dfu-util insists), with the
		 * remaining time of the operation as poll timeout */
		uint32_t poll = 1;
		if (dfu.op_started && !dfu.op_done) {
			struct mem_time t = mem_settle();
			poll = dfu_poll_timeout_ms(t.typ_ms);
		} else if (!dfu.op_started && dfu.pend != PEND_NONE) {
			/* queued behind a block programming in the background:
			 * taken when that one is done */
			poll = dfu_poll_timeout_ms(mem_settle().typ_ms);
		}
		if (fixed_poll_ms)
			poll = fixed_poll_ms;
		dfu.state = DFU_STATE_DNBUSY;
		told_busy(poll);
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
		/* Hold the answer while the operation still runs
		 * (held_replies_task completes it). */
		if (!dfu.op_done) {
			uint32_t now = port_millis();
			dfu.gs_held = true;
			dfu.gs_held_at = now;
			/* slept: at least half the poll timeout passed */
			dfu.gs_slept = now - dfu.told_at >= dfu.told_ms / 2u;
			if (dfu.gs_slept)
				port_wake_hint(now + HOLD_BUDGET_MS);
			q->reply = USBD_REPLY_DEFER;
			return V_OK;
		}
		finish_op_state();
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_ABORT:
		/* dfu-util 0.7 sends ABORT after exactly two GETSTATUS even
		 * if the second said dfuDNBUSY: finish the operation first */
		if (!dfu.op_done || bg_pending()) {
			dfu.abort_held = true;
			q->reply = USBD_REPLY_DEFER;
			return V_OK;
		}
		finish_op_state();
		return reply_ack(q);
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
		if (dfu.bg_err)
			report_bg_error();
		status_reply(q, 0);
		return V_OK;
	case DFU_REQ_ABORT:
		/* the blocks programming in the background first: an error
		 * stalls the ABORT (held_replies_task) */
		if (bg_pending()) {
			dfu.abort_held = true;
			q->reply = USBD_REPLY_DEFER;
			return V_OK;
		}
		if (dfu.bg_err) {
			report_bg_error();
			return V_STALL;
		}
		return reply_ack(q);
	default: /* UPLOAD, DETACH, CLRSTATUS */
		return V_ILLEGAL;
	}
}

static enum verdict st_manifest_sync(struct req *q)
{
	switch (q->s->bRequest) {
	case DFU_REQ_GETSTATUS:
		/* the last block first (held at most HOLD_BUDGET_MS; past
		 * that, manifestation waits for it): its error is reported
		 * here, as dfuERROR instead of dfuMANIFEST */
		if (bg_pending()) {
			dfu.gs_held = true;
			dfu.gs_held_at = port_millis();
			port_wake_hint(dfu.gs_held_at + HOLD_BUDGET_MS);
			q->reply = USBD_REPLY_DEFER;
			return V_OK;
		}
		if (dfu.bg_err) {
			report_bg_error();
			status_reply(q, 0);
			return V_OK;
		}
		/* not manifestation tolerant: report dfuMANIFEST, then the
		 * device detaches and starts the application */
		dfu.state = DFU_STATE_MANIFEST;
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
		dfu.state = DFU_STATE_MANIFEST_WAIT_RESET;
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

/* QSPI reads run at 25-50 MB/s (1-1-4 at the board clock): a 128 KiB page
 * takes a few ms, so a host asks again in 1 ms */
#define CRC_POLL_MS 1u
/* CRC_RESULT and CRC_TABLE_RESULT while the job runs are held until it
 * ends, at most this long: the answer leaves the moment the last entry is
 * done, instead of at the host's next poll (up to a poll later), and the
 * host still sees progress this often. Far under any host's control
 * timeout (qdfu 5 s). */
#define CRC_HOLD_MS 50u

QDFU_STATIC_ASSERT(QDFU_PROTO_CRC_TABLE_RESULT_MAX <= 0xFFFFu && QDFU_PROTO_CRC_TABLE_MAX >= 1u,
                   "a CRC table answer fits one control transfer");

static bool crc_busy(void)
{
	return dfu.crc_wanted || dfu.crc_running;
}

static uint32_t crc_reported_status(void)
{
	return crc_busy() ? QDFU_PROTO_CRC_BUSY : dfu.crc_status;
}

/* The INFO flags as of now: the probe's, and JOURNAL_CLEAN while no session
 * is open in this visit (one that opened and was cut, or aborted, left the
 * journal OPEN: the hook says so) and the journal holds no open update. */
static uint16_t info_flags_now(void)
{
	uint16_t f = dfu.info_flags & (uint16_t)~QDFU_PROTO_FLAG_JOURNAL_CLEAN;
	if (!dfu.session_open && dfu.hooks && dfu.hooks->journal_clean &&
	    dfu.hooks->journal_clean())
		f |= QDFU_PROTO_FLAG_JOURNAL_CLEAN;
	return f;
}

static enum usbd_reply vendor_info(const struct usb_setup *s, struct usbd_ctrl *c)
{
	if (s->bmRequestType != QDFU_PROTO_RT_IN || s->wLength != QDFU_PROTO_INFO_LEN)
		return USBD_REPLY_STALL;
	memset(dfu.small, 0, sizeof(dfu.small));
	memcpy(&dfu.small[QDFU_PROTO_INFO_MAGIC], QDFU_PROTO_MAGIC, 4);
	dfu.small[QDFU_PROTO_INFO_VERSION] = QDFU_PROTO_VERSION;
	dfu.small[QDFU_PROTO_INFO_CAPS] =
	    QDFU_PROTO_CAP_CRC32 | QDFU_PROTO_CAP_JOURNAL | QDFU_PROTO_CAP_CRC_TABLE;
	if (dfu.image_desc_addr) {
		dfu.small[QDFU_PROTO_INFO_CAPS] |= QDFU_PROTO_CAP_IMAGE_DESC;
		qdfu_put_le32(&dfu.small[QDFU_PROTO_INFO_DESC_ADDR], dfu.image_desc_addr);
	}
	qdfu_put_le16(&dfu.small[QDFU_PROTO_INFO_FW_VERSION], 0x0001);
	qdfu_put_le16(&dfu.small[QDFU_PROTO_INFO_FLAGS], info_flags_now());
	dfu.small[QDFU_PROTO_INFO_WHY] = dfu.why;
	dfu.small[QDFU_PROTO_INFO_FAULT] = dfu.fault;
	c->buf = dfu.small;
	c->len = QDFU_PROTO_INFO_LEN;
	return USBD_REPLY_IN;
}

/* The CRC_TABLE_RESULT answer as of now in dfu.crc_table: its length. */
static uint16_t crc_table_answer(void)
{
	qdfu_put_le32(&dfu.crc_table[0], crc_reported_status());
	qdfu_put_le32(&dfu.crc_table[4], dfu.crc_done);
	qdfu_put_le32(&dfu.crc_table[8], crc_busy() ? CRC_POLL_MS : 0u);
	return (uint16_t)(QDFU_PROTO_CRC_TABLE_HEAD_LEN + 4u * dfu.crc_done);
}

/* The CRC_RESULT answer as of now in dfu.small: its length. */
static uint16_t crc_result_answer(void)
{
	bool done = dfu.crc_done != 0u && !crc_busy();
	qdfu_put_le32(&dfu.small[0], crc_reported_status());
	qdfu_put_le32(&dfu.small[4],
	              done ? qdfu_get_le32(&dfu.crc_table[QDFU_PROTO_CRC_TABLE_HEAD_LEN]) : 0u);
	qdfu_put_le32(&dfu.small[8], crc_busy() ? CRC_POLL_MS : 0u);
	return QDFU_PROTO_CRC_RESULT_LEN;
}

/* CRC_RESULT (one CRC) and CRC_TABLE_RESULT (a table): status, then the
 * CRC or the count of entries done, then the poll the host should wait;
 * held while the job runs (CRC_HOLD_MS). */
static enum usbd_reply vendor_crc_result(const struct usb_setup *s, struct usbd_ctrl *c)
{
	bool one = s->bRequest == QDFU_PROTO_REQ_CRC_RESULT;
	if (s->bmRequestType != QDFU_PROTO_RT_IN ||
	    (one ? s->wLength != QDFU_PROTO_CRC_RESULT_LEN
	         : s->wLength < QDFU_PROTO_CRC_TABLE_HEAD_LEN ||
	               s->wLength > QDFU_PROTO_CRC_TABLE_RESULT_MAX))
		return USBD_REPLY_STALL;
	if (crc_busy()) {
		dfu.crc_held = true;
		dfu.crc_held_one = one;
		dfu.crc_held_len = s->wLength;
		dfu.crc_held_at = port_millis();
		return USBD_REPLY_DEFER;
	}
	c->len = one ? crc_result_answer() : crc_table_answer();
	c->buf = one ? dfu.small : dfu.crc_table;
	return USBD_REPLY_IN;
}

/* The held answer: when the job is over, or at CRC_HOLD_MS with the entries
 * done so far (CRC_RESULT: busy). */
static void send_held_crc_table(void)
{
	if (!dfu.crc_held || (crc_busy() && port_millis() - dfu.crc_held_at < CRC_HOLD_MS))
		return;
	dfu.crc_held = false;
	if (dfu.crc_held_one)
		usbd_ctrl_reply_in(dfu.small, crc_result_answer());
	else
		usbd_ctrl_reply_in(dfu.crc_table, QDFU_MIN(crc_table_answer(), dfu.crc_held_len));
}

static enum usbd_reply vendor_setup(const struct usb_setup *s, struct usbd_ctrl *c)
{
	if ((s->bmRequestType & USB_RECIP_MASK) != USB_RECIP_INTERFACE || s->wIndex != 0)
		return USBD_REPLY_STALL;
	switch (s->bRequest) {
	case QDFU_PROTO_REQ_INFO:
		return vendor_info(s, c);
	case QDFU_PROTO_REQ_CRC_START:
		if (s->bmRequestType != QDFU_PROTO_RT_OUT || s->wLength != QDFU_PROTO_CRC_START_LEN)
			return USBD_REPLY_STALL;
		c->buf = dfu.small;
		c->len = sizeof(dfu.small);
		return USBD_REPLY_OUT;
	case QDFU_PROTO_REQ_CRC_TABLE:
		/* wValue entries, 1..QDFU_PROTO_CRC_TABLE_MAX */
		if (s->bmRequestType != QDFU_PROTO_RT_OUT ||
		    s->wLength != QDFU_PROTO_CRC_TABLE_LEN || s->wValue == 0u ||
		    s->wValue > QDFU_PROTO_CRC_TABLE_MAX)
			return USBD_REPLY_STALL;
		c->buf = dfu.small;
		c->len = sizeof(dfu.small);
		return USBD_REPLY_OUT;
	case QDFU_PROTO_REQ_CRC_RESULT:
	case QDFU_PROTO_REQ_CRC_TABLE_RESULT:
		return vendor_crc_result(s, c);
	default:
		return USBD_REPLY_STALL;
	}
}

/* ------------------------------------------------------ class callbacks */

/* CLRSTATUS outside dfuERROR. DFU 1.1 allows it in dfuERROR only (A.2.10);
 * ST's USB device library answers it in every DFU state and moves to
 * dfuERROR/errUNKNOWN (STM32Cube usbd_dfu.c, DFU_ClearStatus), so the clients
 * written against ST's devices send it where the text does not allow it:
 * pydfu clears "any error status" by sending CLRSTATUS until GETSTATUS says
 * dfuIDLE (tools/pydfu.py clr_status), STM32CubeProgrammer sends it twice
 * after a long busy and carries on. qdfu answers it (never a stall) in the
 * states a client can be left in between requests and goes straight to
 * dfuIDLE, like ABORT but without committing anything
 * (docs/decisions/clrstatus-semantics.md). The manifestation states and
 * the application states keep the DFU 1.1 answer. */
static bool clrstatus_accepted(void)
{
	switch (dfu.state) {
	case DFU_STATE_IDLE:
	case DFU_STATE_DNLOAD_SYNC:
	case DFU_STATE_DNBUSY:
	case DFU_STATE_DNLOAD_IDLE:
	case DFU_STATE_UPLOAD_IDLE:
	case DFU_STATE_ERROR:
		return true;
	default:
		return false;
	}
}

static enum usbd_reply class_setup(const struct usb_setup *s, struct usbd_ctrl *c)
{
	dfu.requests++;
	dfu.crc_held = false; /* a new request abandons a held answer */
	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_VENDOR)
		return vendor_setup(s, c);
	if ((s->bmRequestType & USB_RECIP_MASK) != USB_RECIP_INTERFACE || s->wIndex != 0 ||
	    s->bRequest >= DFU_REQ_COUNT)
		return USBD_REPLY_STALL;
	/* a new request abandons any reply we were still holding */
	dfu.gs_held = false;
	dfu.up_held = false;
	dfu.abort_held = false;
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
	else if (s->bRequest == DFU_REQ_CLRSTATUS && clrstatus_accepted())
		v = reply_ack(&q);
	else
		v = handlers[dfu.state](&q);
	if (v == V_OK)
		return q.reply;
	if (v == V_ILLEGAL) {
		/* an operation whose end the host has not seen is cut: the
		 * sequence did not end cleanly, a later leave must not commit it
		 * (it may still run, and fail, when the leave comes: found by
		 * fuzz_dfu_requests, regress_commit_while_write_in_flight) */
		if (dfu.state == DFU_STATE_DNLOAD_SYNC || dfu.state == DFU_STATE_DNBUSY)
			dfu.session_dirty = true;
		set_error(DFU_STATUS_ERR_STALLEDPKT);
	}
	return USBD_REPLY_STALL;
}

/* Validate a DfuSe command block (wBlockNum 0). */
static bool parse_command(const uint8_t *p, uint16_t len)
{
	switch (p[0]) {
	case DFUSE_CMD_SET_ADDRESS:
		if (len != 5)
			return false;
		dfu.pend = PEND_SET_ADDRESS;
		dfu.op_addr = qdfu_get_le32(p + 1);
		return true;
	case DFUSE_CMD_ERASE:
		if (len == 1) {
			dfu.pend = PEND_MASS_ERASE;
			return true;
		}
		if (len != 5)
			return false;
		dfu.pend = PEND_ERASE;
		dfu.op_addr = qdfu_get_le32(p + 1);
		return true;
	case DFUSE_CMD_READ_UNPROTECT:
		if (len != 1)
			return false;
		dfu.pend = PEND_UNPROTECT;
		return true;
	default: /* DfuSe: unknown command -> stall, errSTALLEDPKT */
		return false;
	}
}

static bool class_data_out(const struct usb_setup *s, const uint8_t *data, uint16_t len)
{
	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_VENDOR) {
		if (len != 8u || (s->bRequest != QDFU_PROTO_REQ_CRC_START &&
		                  s->bRequest != QDFU_PROTO_REQ_CRC_TABLE))
			return false;
		uint32_t addr = qdfu_get_le32(data), n = qdfu_get_le32(data + 4);
		if (s->bRequest == QDFU_PROTO_REQ_CRC_TABLE) {
			if (n == 0u) /* a table of empty entries: malformed */
				return false;
			dfu.crc_req_unit = n;
			dfu.crc_req_count = s->wValue; /* 1..MAX (vendor_setup) */
		} else {
			dfu.crc_req_unit = n; /* one entry over the range */
			dfu.crc_req_count = 1u;
		}
		dfu.crc_req_addr = addr;
		return true;
	}
	if (s->bRequest != DFU_REQ_DNLOAD)
		return false;
	dfu.dl_len = len;
	if (s->wValue == 0) {
		if (len == 0 || !parse_command(data, len)) {
			set_error(DFU_STATUS_ERR_STALLEDPKT);
			return false;
		}
	} else if (s->wValue == 1) {
		set_error(DFU_STATUS_ERR_STALLEDPKT);
		return false;
	} else {
		dfu.pend = PEND_WRITE;
		dfu.op_addr = dfu.addr + (uint32_t)(s->wValue - 2u) * DFU_TRANSFER_SIZE;
	}
	return true;
}

static int open_session(void)
{
	if (dfu.session_open)
		return QDFU_OK;
	int rc = dfu.hooks && dfu.hooks->session_open ? dfu.hooks->session_open() : QDFU_OK;
	if (rc == QDFU_OK) {
		dfu.session_open = true;
		mem_session_start();
	}
	return rc;
}

static void close_session(void)
{
	if (dfu.session_open && !dfu.session_dirty && dfu.hooks && dfu.hooks->session_close)
		dfu.hooks->session_close();
	dfu.session_open = false;
}

/* ROM-style comparison runs program synchronously (no acceptance). */
static bool pipelined(void)
{
	return fixed_poll_ms == 0u;
}

/* A write just handed to the engine: run its quick checks (mem_settle);
 * if it still programs after them, accept it (the block's GETSTATUS
 * answers dfuDNLOAD-IDLE and the next block may come) and let it finish in
 * the background (op_task). Returns the write's error if the checks found
 * one, QDFU_OK otherwise. */
static int accept_write(void)
{
	if (!pipelined() || !mem_busy())
		return QDFU_OK;
	(void)mem_settle();
	int rc = mem_poll();
	if (rc != QDFU_E_BUSY)
		return rc; /* done already: finished in place, or an error */
	dfu.bg_write = true;
	dfu.op_result = QDFU_OK;
	dfu.op_done = true;
	return QDFU_OK;
}

/* A block that arrives while earlier ones still program: queue it (it is
 * accepted). Writes the engine would refuse at once (unmapped, read-only,
 * past the region end) are not queued: they wait and fail as before. */
static bool ring_accept(void)
{
	struct mem_region *r = mem_find(dfu.op_addr);
	if (!pipelined() || !dfu.session_open || dfu.bg_err ||
	    (!mem_busy() && dfu_ring_count() == 0u) || !r ||
	    dfu.dl_len > r->size - (dfu.op_addr - r->base) ||
	    !(mem_region_attr_range(r, dfu.op_addr, dfu.dl_len) & MEM_ATTR_WRITE))
		return false;
	/* already in place by the digests taken before the running erase:
	 * nothing to queue (unless a queued block writes there first) */
	if (dfu_ring_overlaps(dfu.op_addr, dfu.dl_len) ||
	    !mem_dismiss(dfu.op_addr, dfu.buf, dfu.dl_len)) {
		if (dfu_ring_full())
			return false;
		dfu_ring_push(dfu.op_addr, dfu.buf, dfu.dl_len);
		/* a page in the other internal-flash bank may start erasing now */
		mem_look_ahead(dfu.op_addr, dfu.buf, dfu.dl_len);
	}
	dfu.op_started = true;
	dfu.op_done = true;
	dfu.op_result = QDFU_OK;
	return true;
}

/* Hand the pending DNLOAD to the engine (or finish it at once). */
static void start_op(void)
{
	struct mem_time t;
	int rc = QDFU_OK;
	if (dfu.pend == PEND_WRITE && ring_accept())
		return;
	if (dfu.pend == PEND_SET_ADDRESS && !dfu.bg_err) {
		/* a pointer move touches no flash: it need not wait for the
		 * blocks programming in the background (dfu-util sends one
		 * before every block; waiting kept the next block's transfer
		 * from overlapping the programming). A later failure of those
		 * blocks is reported by the next request, as for a data block.
		 * DfuSe: the pointer moves even if unmapped; the error shows. */
		dfu.op_started = true;
		dfu.op_done = true;
		dfu.addr = dfu.op_addr;
		dfu.op_result = mem_find(dfu.op_addr) ? QDFU_OK : QDFU_E_ADDRESS;
		return;
	}
	/* The journal's pre-erase (mem_start_background_erase) ends first,
	 * here where the first journal append used to erase synchronously:
	 * the operation then starts at once and GETSTATUS #1 reports its own
	 * time, as clients that take exactly two GETSTATUS need
	 * (docs/decisions/journal-pre-erase.md). */
	mem_wait_background();
	if (mem_busy() || dfu_ring_count() != 0u)
		return; /* earlier blocks, or an aborted operation, still run */
	dfu.op_started = true;
	dfu.op_done = false;
	if (dfu.bg_err) { /* the block before failed: this request reports it */
		dfu.op_result = dfu.bg_err;
		dfu.bg_err = QDFU_OK;
		dfu.op_done = true;
		return;
	}
	switch (dfu.pend) {
	case PEND_ERASE:
		rc = mem_find(dfu.op_addr) ? open_session() : QDFU_E_ADDRESS;
		if (rc == QDFU_OK)
			rc = mem_start_erase_page(dfu.op_addr, &t);
		break;
	case PEND_MASS_ERASE: {
		struct mem_region *r = mem_find_alt(dfu.alt);
		rc = r ? open_session() : QDFU_E_ADDRESS;
		if (rc == QDFU_OK)
			rc = mem_start_mass_erase(r, &t);
		break;
	}
	case PEND_UNPROTECT:
		rc = QDFU_OK;
		break;
	case PEND_WRITE:
		rc = mem_find(dfu.op_addr) ? open_session() : QDFU_E_ADDRESS;
		if (rc == QDFU_OK)
			rc = mem_start_write(dfu.op_addr, dfu.buf, dfu.dl_len, &t);
		break;
	default:
		break;
	}
	if (rc == QDFU_OK && dfu.pend == PEND_WRITE)
		rc = accept_write();
	if (rc != QDFU_OK || !mem_busy()) {
		dfu.op_result = rc;
		dfu.op_done = true;
	}
}

/* After the status stage of each class request (style.md 4: state changes
 * and flash work start only once the host has seen the request succeed). */
static void done_dnload(const struct usb_setup *s)
{
	if (s->wLength == 0) {
		/* leave (DfuSe: DN(2,0) or DN(0,0) with no data) */
		dfu.state = DFU_STATE_MANIFEST_SYNC;
		return;
	}
	if (dfu.state == DFU_STATE_IDLE)
		dfu.session_dirty = false; /* a new client sequence */
	dfu.state = DFU_STATE_DNLOAD_SYNC;
	dfu.op_started = false;
	dfu.op_done = false;
	start_op();
}

static void done_upload(const struct usb_setup *s)
{
	/* a short frame ends the upload (DFU 1.1 6.2) */
	if (dfu.state == DFU_STATE_IDLE || dfu.state == DFU_STATE_UPLOAD_IDLE)
		dfu.state = (s->wValue >= 2 && dfu.up_len < s->wLength && !dfu.up_held)
		                ? DFU_STATE_IDLE
		                : DFU_STATE_UPLOAD_IDLE;
}

/* ABORT ends a download sequence but never commits it: clients send it
 * between the steps of one update (qdfu between memories, dfu-util per
 * element), so only a manifestation says the update is complete
 * (docs/decisions/image-descriptor.md). */
static void done_abort(void)
{
	if (dfu.state == DFU_STATE_DNLOAD_IDLE && mem_flush() != QDFU_OK)
		dfu.session_dirty = true;
	else if (dfu.state == DFU_STATE_DNLOAD_SYNC) {
		dfu.session_dirty = true; /* aborted mid-operation */
		drop_background();        /* its outcome is nobody's now */
	}
	dfu.state = DFU_STATE_IDLE;
	dfu.status = DFU_STATUS_OK;
	if (!dfu.op_done)
		dfu.pend = PEND_NONE;
}

/* In dfuERROR (DFU 1.1) or, for ST-library clients, anywhere a client can
 * be between requests (clrstatus_accepted): back to dfuIDLE. An operation
 * already handed to the engine finishes in the background (as after ABORT);
 * one not started yet is dropped; nothing is committed: a sequence cut this
 * way is not a clean end. */
static void done_clrstatus(void)
{
	if (dfu.state != DFU_STATE_ERROR && dfu.state != DFU_STATE_IDLE)
		dfu.session_dirty = true;
	drop_background();
	dfu.state = DFU_STATE_IDLE;
	dfu.status = DFU_STATUS_OK;
	if (!dfu.op_done)
		dfu.pend = PEND_NONE;
}

static void done_getstatus(void)
{
	if (dfu.state == DFU_STATE_MANIFEST) {
		/* never commit with an operation still running or a queued
		 * block not yet in flash */
		if (drain_background() != QDFU_OK || mem_flush() != QDFU_OK || mem_busy())
			dfu.session_dirty = true;
		close_session();
		dfu.leave_pending = true;
	} else if (dfu.state == DFU_STATE_DNBUSY && dfu.pend == PEND_UNPROTECT) {
		/* DfuSe: one GETSTATUS shows DNBUSY, then the device acts */
		if (dfu.hooks && dfu.hooks->unprotect)
			dfu.hooks->unprotect();
	}
}

static void class_done(const struct usb_setup *s)
{
	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_VENDOR) {
		if (s->bRequest == QDFU_PROTO_REQ_CRC_START ||
		    s->bRequest == QDFU_PROTO_REQ_CRC_TABLE) {
			/* a job still running is dropped at its next entry */
			dfu.crc_wanted = true;
			dfu.crc_status = QDFU_PROTO_CRC_NONE;
			dfu.crc_done = 0;
		}
		return;
	}
	switch (s->bRequest) {
	case DFU_REQ_DNLOAD:
		done_dnload(s);
		break;
	case DFU_REQ_UPLOAD:
		done_upload(s);
		break;
	case DFU_REQ_ABORT:
		done_abort();
		break;
	case DFU_REQ_CLRSTATUS:
		done_clrstatus();
		break;
	case DFU_REQ_DETACH:
		if (dfu.state == DFU_STATE_APP_IDLE)
			dfu.state = DFU_STATE_APP_DETACH;
		break;
	case DFU_REQ_GETSTATUS:
		done_getstatus();
		break;
	default:
		break;
	}
}

static bool class_set_alt(uint8_t alt)
{
	if (alt >= dfu.num_alts)
		return false;
	/* DfuSe clients switch alt in dfuIDLE and, for .dfu files, in
	 * dfuDNLOAD-IDLE (dfu-util); nowhere else. */
	if (dfu.state != DFU_STATE_IDLE && dfu.state != DFU_STATE_DNLOAD_IDLE &&
	    dfu.state != DFU_STATE_ERROR && dfu.state != DFU_STATE_UPLOAD_IDLE)
		return false;
	dfu.alt = alt;
	if (dfu.state == DFU_STATE_UPLOAD_IDLE)
		dfu.state = DFU_STATE_IDLE;
	return true;
}

/* The host vanished in the middle of a download (bus reset, unplug): what
 * it sent so far is not an update a later bare leave may commit. */
static void mark_cut_sequence(void)
{
	if (dfu.state == DFU_STATE_DNLOAD_SYNC || dfu.state == DFU_STATE_DNBUSY ||
	    dfu.state == DFU_STATE_DNLOAD_IDLE)
		dfu.session_dirty = true;
}

static void class_reset(bool configured)
{
	QDFU_UNUSED(configured);
	mark_cut_sequence();
	/* USB reset / SET_CONFIGURATION: back to dfuIDLE (DFU 1.1 A.2.2),
	 * except that an error survives until CLRSTATUS so the host sees it */
	if (dfu.state != DFU_STATE_ERROR) {
		dfu.state = DFU_STATE_IDLE;
		dfu.status = DFU_STATUS_OK;
	}
	dfu.alt = 0;
	dfu.gs_held = false;
	dfu.up_held = false;
	dfu.abort_held = false;
	dfu.crc_held = false;
	drop_background();
	if (dfu.state == DFU_STATE_IDLE && dfu.pend != PEND_NONE && dfu.op_done)
		dfu.pend = PEND_NONE;
}

static void class_suspend(void)
{
	/* a session cut by unplug stays open (never committed) */
	mark_cut_sequence();
	dfu.gs_held = false;
	dfu.up_held = false;
	dfu.abort_held = false;
	dfu.crc_held = false;
	drop_background();
}

const struct usbd_class dfu_class = {
    .setup = class_setup,
    .data_out = class_data_out,
    .done = class_done,
    .set_alt = class_set_alt,
    .reset = class_reset,
    .suspend = class_suspend,
};

void dfu_set_info_flags(uint16_t flags)
{
	dfu.info_flags = flags;
}

void dfu_set_why(uint8_t why, uint8_t fault_exception)
{
	dfu.why = why;
	dfu.fault = fault_exception;
}

uint32_t dfu_request_count(void)
{
	return dfu.requests;
}

void dfu_init(const struct dfu_hooks *hooks, uint8_t num_alts)
{
	memset(&dfu, 0, sizeof(dfu));
	dfu.hooks = hooks;
	dfu.num_alts = num_alts;
	dfu.state = DFU_STATE_IDLE;
	dfu.status = DFU_STATUS_OK;
	dfu.crc_status = QDFU_PROTO_CRC_NONE;
	dfu_ring_init();
	/* how far ahead of an erase the engine takes digests: what the
	 * fastest client sends (pydfu, no sleeps: about 1.2 MB/s at full
	 * speed; high speed is capped by the digest table) beyond the ring */
	mem_set_intake(port_usb_high_speed_capable() ? 16000000u : 1200000u, dfu_ring_capacity());
	/* like ST's ROM: the pointer starts at the first memory (0x08000000) */
	if (mem_region_at(0))
		dfu.addr = mem_region_at(0)->base;
}

void dfu_set_image_desc(uint32_t addr)
{
	dfu.image_desc_addr = addr;
}

/* Start the CRC of entry crc_done of the job, or end the job. */
static void crc_next_entry(void)
{
	if (dfu.crc_done == dfu.crc_count) {
		dfu.crc_running = false;
		dfu.crc_status = QDFU_PROTO_CRC_DONE;
		return;
	}
	dfu.crc_running = mem_start_crc(dfu.crc_addr + dfu.crc_done * dfu.crc_unit, dfu.crc_unit,
	                                NULL) == QDFU_OK;
	if (!dfu.crc_running)
		dfu.crc_status = QDFU_PROTO_CRC_BAD_RANGE;
}

/* The CRC job: its entries one after the other, with no gap for the host
 * to fill; a new CRC_START or CRC_TABLE drops it (the result then belongs
 * to the new one). An entry that cannot be read ends the job with
 * BAD_RANGE, the entries before it done. */
static void crc_task(void)
{
	if (dfu.crc_running) {
		int rc = mem_poll();
		if (rc == QDFU_E_BUSY)
			return;
		dfu.crc_running = false;
		if (dfu.crc_wanted)
			return; /* superseded */
		if (rc != QDFU_OK) {
			dfu.crc_status = QDFU_PROTO_CRC_BAD_RANGE;
			return;
		}
		qdfu_put_le32(&dfu.crc_table[QDFU_PROTO_CRC_TABLE_HEAD_LEN + 4u * dfu.crc_done],
		              mem_crc_result());
		dfu.crc_done++;
		crc_next_entry();
		return;
	}
	if (dfu.crc_wanted && !mem_busy()) {
		dfu.crc_wanted = false;
		dfu.crc_addr = dfu.crc_req_addr;
		dfu.crc_unit = dfu.crc_req_unit;
		dfu.crc_count = dfu.crc_req_count;
		dfu.crc_done = 0;
		/* the whole job inside one region (no overflow: count <= 256) */
		struct mem_region *r = mem_find(dfu.crc_addr);
		uint64_t room = r ? (uint64_t)r->size - (dfu.crc_addr - r->base) : 0u;
		if (!r || (uint64_t)dfu.crc_unit * dfu.crc_count > room) {
			dfu.crc_status = QDFU_PROTO_CRC_BAD_RANGE;
			return;
		}
		crc_next_entry();
	}
}

/* The operation the host started: done, or an aborted one finishing, or a
 * held request waiting for the engine to be free. */
static void op_task(void)
{
	if (dfu.op_started && !dfu.op_done) {
		int rc = mem_poll();
		if (rc != QDFU_E_BUSY) {
			dfu.op_result = rc;
			dfu.op_done = true;
			if (dfu.pend == PEND_MASS_ERASE && dfu.hooks && dfu.hooks->mass_erased)
				dfu.hooks->mass_erased();
		}
		return;
	}
	if ((dfu.state == DFU_STATE_DNLOAD_SYNC || dfu.state == DFU_STATE_DNBUSY) &&
	    !dfu.op_started && dfu.pend != PEND_NONE) {
		start_op();
		if (dfu.op_started && !dfu.op_done)
			return; /* the engine runs it (next pass) */
	}
	background_step();
}

/* The held ABORT, now that nothing programs: a background block's error
 * stalls it into dfuERROR; otherwise its status stage (class_done aborts). */
static void release_abort(void)
{
	dfu.abort_held = false;
	if (dfu.state == DFU_STATE_DNBUSY)
		finish_op_state();
	if (dfu.bg_err) {
		report_bg_error();
		usbd_ctrl_reply_stall();
		return;
	}
	usbd_ctrl_reply_in(NULL, 0);
}

static void send_held_status(uint32_t poll_ms)
{
	dfu.gs_held = false;
	fill_status(poll_ms);
	usbd_ctrl_reply_in(dfu.status_buf, 6);
}

/* Complete the GETSTATUS, ABORT or UPLOAD held while the engine was busy. */
static void held_replies_task(void)
{
	if (dfu.gs_held && dfu.state == DFU_STATE_DNBUSY) {
		if (dfu.op_done) {
			finish_op_state();
			send_held_status(0);
		} else if (dfu.gs_slept && port_millis() - dfu.gs_held_at >= HOLD_BUDGET_MS) {
			/* a slow chip: the client that slept polls again */
			told_busy(REPOLL_MS);
			send_held_status(REPOLL_MS);
		}
	}
	if (dfu.gs_held && dfu.state == DFU_STATE_MANIFEST_SYNC &&
	    (!bg_pending() || port_millis() - dfu.gs_held_at >= HOLD_BUDGET_MS)) {
		if (dfu.bg_err) {
			report_bg_error();
			send_held_status(0);
		} else { /* manifestation finishes the block (done_getstatus) */
			dfu.state = DFU_STATE_MANIFEST;
			send_held_status(10);
		}
	}
	if (dfu.abort_held && dfu.op_done && !bg_pending() &&
	    (dfu.state == DFU_STATE_DNBUSY || dfu.state == DFU_STATE_DNLOAD_IDLE))
		release_abort();
	if (dfu.up_held && !mem_busy()) {
		uint8_t *buf;
		uint16_t got;
		dfu.up_held = false;
		upload_read(dfu.up_block, dfu.up_len, &buf, &got);
		dfu.up_len = got;
		usbd_ctrl_reply_in(buf, got);
	}
}

void dfu_task(void)
{
	if (dfu.crc_running || dfu.crc_wanted)
		crc_task();
	send_held_crc_table();
	if (dfu.crc_running)
		return;
	op_task();
	held_replies_task();
	if (dfu.leave_pending) {
		dfu.leave_pending = false;
		if (dfu.hooks && dfu.hooks->leave)
			dfu.hooks->leave();
	}
}
