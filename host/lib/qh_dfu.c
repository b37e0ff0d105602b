/* SPDX-License-Identifier: MIT */
#include "qh_dfu.h"

#include <stdio.h>
#include <string.h>

/* bmRequestType: class, interface recipient (DFU 1.1 section 3). */
#define REQ_OUT 0x21
#define REQ_IN  0xA1
/* vendor, interface recipient (docs/protocol.md). */
#define VREQ_OUT 0x41
#define VREQ_IN  0xC1

void qh_dev_defaults(struct qh_dev *d)
{
	d->cur_alt = -1;
	d->poll_cap_ms = 5000;
	d->op_timeout_ms = 30000;
	d->mass_timeout_ms = 15 * 60 * 1000;
	d->xfer_timeout_ms = 5000;
	d->skip_unchanged = 1;
}

const char *qh_dfu_state_name(uint8_t state)
{
	static const char *const names[] = {
	    "appIDLE",          "appDETACH",   "dfuIDLE",
	    "dfuDNLOAD-SYNC",   "dfuDNBUSY",   "dfuDNLOAD-IDLE",
	    "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET",
	    "dfuUPLOAD-IDLE",   "dfuERROR"};
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown state";
}

/* DFU 1.1 section 6.1.2, table 6.2, with what each means for a flasher. */
const char *qh_dfu_status_name(uint8_t status)
{
	static const char *const names[] = {
	    "OK",
	    "errTARGET (address outside memory or not writeable)",
	    "errFILE (file rejected by the device)",
	    "errWRITE (device cannot write memory)",
	    "errERASE (memory erase failed)",
	    "errCHECK_ERASED (memory was not erased before writing)",
	    "errPROG (program memory failed)",
	    "errVERIFY (programmed memory failed verification)",
	    "errADDRESS (address out of range)",
	    "errNOTDONE (data ended before the device expected)",
	    "errFIRMWARE (firmware corrupt, cannot run)",
	    "errVENDOR (vendor error; on ST parts: read protection is active)",
	    "errUSBR (unexpected USB reset)",
	    "errPOR (unexpected power-on reset)",
	    "errUNKNOWN",
	    "errSTALLEDPKT (the device stalled an unexpected request)"};
	return status < sizeof(names) / sizeof(names[0]) ? names[status] : "unknown status";
}

static int ctl(struct qh_dev *d, uint8_t type, uint8_t req, uint16_t value, uint8_t *data,
               uint16_t len, const char *what, struct qh_error *e)
{
	int rc =
	    d->ops->control(d->ctx, type, req, value, d->info.intf, data, len, d->xfer_timeout_ms);
	if (rc >= 0)
		return rc;
	if (rc == QH_E_PIPE)
		return qh_fail(e, rc, "the device refused %s (stall)", what);
	if (rc == QH_E_CANCELLED)
		return qh_fail(e, rc, "cancelled before %s", what);
	if (rc == QH_E_NODEV) /* gone in the middle of an operation: a device error */
		return qh_fail(e, QH_E_USB, "the device disconnected during %s", what);
	if (rc == QH_E_TIMEOUT)
		return qh_fail(e, rc, "%s timed out (no answer in %u ms)", what,
		               d->xfer_timeout_ms);
	return qh_fail(e, rc, "%s failed (USB error)", what);
}

/* DFU 1.1 section 5.1: DFU_DETACH, wValue = wTimeout. */
int qh_dfu_detach(struct qh_dev *d, uint16_t timeout_ms, struct qh_error *e)
{
	int rc = d->ops->control(d->ctx, REQ_OUT, QH_DFU_DETACH, timeout_ms, d->info.intf, NULL, 0,
	                         d->xfer_timeout_ms);

	/* A device that detaches at once may be gone before the status stage. */
	if (rc >= 0 || rc == QH_E_NODEV)
		return QH_OK;
	if (rc == QH_E_PIPE)
		return qh_fail(e, rc, "the device refused DFU_DETACH (stall)");
	return qh_fail(e, rc, "DFU_DETACH failed (USB error)");
}

/* DFU 1.1 section 6.1.1: DFU_DNLOAD, wValue = wBlockNum. */
int qh_dfu_dnload(struct qh_dev *d, uint16_t block, const uint8_t *data, uint16_t len,
                  struct qh_error *e)
{
	int rc = ctl(d, REQ_OUT, QH_DFU_DNLOAD, block, (uint8_t *)data, len, "DFU_DNLOAD", e);
	if (rc < 0)
		return rc;
	if (rc != len)
		return qh_fail(e, QH_E_USB, "DFU_DNLOAD sent %d of %u bytes", rc, len);
	return QH_OK;
}

/* DFU 1.1 section 6.2.1: DFU_UPLOAD; returns the byte count (short = end). */
int qh_dfu_upload(struct qh_dev *d, uint16_t block, uint8_t *data, uint16_t len, struct qh_error *e)
{
	return ctl(d, REQ_IN, QH_DFU_UPLOAD, block, data, len, "DFU_UPLOAD", e);
}

/* DFU 1.1 section 6.1.2: DFU_GETSTATUS, 6 bytes. */
int qh_dfu_getstatus(struct qh_dev *d, struct qh_dfu_status *st, struct qh_error *e)
{
	uint8_t b[6];
	int rc = ctl(d, REQ_IN, QH_DFU_GETSTATUS, 0, b, 6, "DFU_GETSTATUS", e);

	if (rc < 0)
		return rc;
	if (rc != 6)
		return qh_fail(e, QH_E_USB, "DFU_GETSTATUS returned %d bytes instead of 6", rc);
	st->status = b[0];
	st->poll_ms = (uint32_t)b[1] | (uint32_t)b[2] << 8 | (uint32_t)b[3] << 16;
	st->state = b[4];
	st->istring = b[5];
	return QH_OK;
}

/* DFU 1.1 section 6.1.3: DFU_CLRSTATUS. */
int qh_dfu_clrstatus(struct qh_dev *d, struct qh_error *e)
{
	int rc = ctl(d, REQ_OUT, QH_DFU_CLRSTATUS, 0, NULL, 0, "DFU_CLRSTATUS", e);
	return rc < 0 ? rc : QH_OK;
}

/* DFU 1.1 section 6.1.5: DFU_GETSTATE, 1 byte. */
int qh_dfu_getstate(struct qh_dev *d, uint8_t *state, struct qh_error *e)
{
	int rc = ctl(d, REQ_IN, QH_DFU_GETSTATE, 0, state, 1, "DFU_GETSTATE", e);
	if (rc < 0)
		return rc;
	return rc == 1 ? QH_OK : qh_fail(e, QH_E_USB, "DFU_GETSTATE returned %d bytes", rc);
}

/* DFU 1.1 section 6.1.4: DFU_ABORT. */
int qh_dfu_abort(struct qh_dev *d, struct qh_error *e)
{
	int rc = ctl(d, REQ_OUT, QH_DFU_ABORT, 0, NULL, 0, "DFU_ABORT", e);
	return rc < 0 ? rc : QH_OK;
}

int qh_dfu_wait(struct qh_dev *d, unsigned max_ms, const char *what, struct qh_dfu_status *st,
                struct qh_error *e)
{
	uint64_t start = d->ops->now_ms(d->ctx);

	for (;;) {
		int rc = qh_dfu_getstatus(d, st, e);
		uint32_t poll;
		if (rc)
			return rc;
		if (st->state == QH_DFU_ERROR || st->status != 0) {
			uint8_t status = st->status;
			/* Leave the device usable for the next command. */
			qh_dfu_clrstatus(d, NULL);
			return qh_fail(e, QH_E_DFU, "%s: the device reported %s", what,
			               qh_dfu_status_name(status));
		}
		if (st->state != QH_DFU_DNBUSY)
			return QH_OK;
		/* DFU 1.1 section 6.1.2: wait bwPollTimeout before the next
		 * GETSTATUS; cap it (devices that over-report) and never spin. */
		poll = st->poll_ms;
		if (poll > d->poll_cap_ms)
			poll = d->poll_cap_ms;
		if (poll == 0)
			poll = 1;
		if (d->ops->now_ms(d->ctx) + poll - start > max_ms)
			return qh_fail(e, QH_E_TIMEOUT, "%s: the device was still busy after %u ms",
			               what, max_ms);
		/* qdfu firmware reports 1 ms for a block it has accepted
		 * (pipelined reception) and holds a GETSTATUS until it can
		 * answer (docs/decisions/pipelined-writes.md): ask again at
		 * once, so the next block follows without a 1 ms gap */
		if (poll == 1 && d->info.has_qdfu_info)
			continue;
		d->ops->sleep_ms(d->ctx, poll);
	}
}

int qh_dfu_make_idle(struct qh_dev *d, struct qh_error *e)
{
	for (int tries = 0; tries < 4; tries++) {
		/* zeroed: at -O2 and above gcc cannot see that qh_fail() returns non-zero */
		struct qh_dfu_status st = {0};
		int rc = qh_dfu_getstatus(d, &st, e);
		if (rc)
			return rc;
		switch (st.state) {
		case QH_DFU_IDLE:
			return QH_OK;
		case QH_DFU_ERROR:
			rc = qh_dfu_clrstatus(d, e);
			break;
		case QH_DFU_DNLOAD_IDLE:
		case QH_DFU_UPLOAD_IDLE:
		case QH_DFU_DNLOAD_SYNC:
		case QH_DFU_MANIFEST_SYNC:
			rc = qh_dfu_abort(d, e);
			break;
		case QH_DFU_DNBUSY:
		case QH_DFU_MANIFEST:
			d->ops->sleep_ms(d->ctx,
			                 st.poll_ms ? (st.poll_ms > 1000 ? 1000 : st.poll_ms) : 10);
			break;
		case QH_APP_IDLE:
		case QH_APP_DETACH:
			return qh_fail(e, QH_E_DFU,
			               "the device is in DFU runtime mode (%s), not in its "
			               "bootloader",
			               qh_dfu_state_name(st.state));
		default:
			return qh_fail(e, QH_E_DFU,
			               "the device is in state %s and cannot be "
			               "brought to dfuIDLE; reset or replug it",
			               qh_dfu_state_name(st.state));
		}
		if (rc)
			return rc;
	}
	return qh_fail(e, QH_E_DFU, "the device does not return to dfuIDLE; reset or replug it");
}

int qh_dev_select_alt(struct qh_dev *d, uint8_t alt, struct qh_error *e)
{
	int rc;

	if (d->cur_alt == alt)
		return QH_OK;
	rc = d->ops->set_alt(d->ctx, d->info.intf, alt);
	if (rc)
		return qh_fail(e, rc, "cannot select alternate setting %u", alt);
	d->cur_alt = alt;
	return QH_OK;
}

static int dfuse_command(struct qh_dev *d, const uint8_t *cmd, uint16_t len, unsigned max_ms,
                         const char *what, struct qh_error *e)
{
	struct qh_dfu_status st;
	int rc = qh_dfu_dnload(d, 0, cmd, len, e);

	if (rc)
		return rc;
	rc = qh_dfu_wait(d, max_ms, what, &st, e);
	if (rc)
		return rc;
	if (st.state != QH_DFU_DNLOAD_IDLE)
		return qh_fail(e, QH_E_DFU,
		               "%s: the device is in %s after the command, expected "
		               "dfuDNLOAD-IDLE",
		               what, qh_dfu_state_name(st.state));
	return QH_OK;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_addr(uint8_t *cmd, uint8_t op, uint32_t addr)
{
	cmd[0] = op;
	put_le32(cmd + 1, addr);
}

/* AN3156 6.3.2: Set Address Pointer, 0x21 + 4-byte address. */
int qh_dfuse_set_address(struct qh_dev *d, uint32_t addr, struct qh_error *e)
{
	uint8_t cmd[5];
	char what[64];

	put_addr(cmd, 0x21, addr);
	snprintf(what, sizeof(what), "set address 0x%08X", (unsigned)addr);
	return dfuse_command(d, cmd, 5, d->op_timeout_ms, what, e);
}

/* AN3156 6.3.3: Erase, 0x41 + address of the page. */
int qh_dfuse_erase_page(struct qh_dev *d, uint32_t addr, struct qh_error *e)
{
	uint8_t cmd[5];
	char what[64];

	put_addr(cmd, 0x41, addr);
	snprintf(what, sizeof(what), "erase page 0x%08X", (unsigned)addr);
	return dfuse_command(d, cmd, 5, d->op_timeout_ms, what, e);
}

/* AN3156 6.3.3: Mass erase, 0x41 alone. */
int qh_dfuse_mass_erase(struct qh_dev *d, struct qh_error *e)
{
	uint8_t cmd = 0x41;
	return dfuse_command(d, &cmd, 1, d->mass_timeout_ms, "mass erase", e);
}

/* AN3156 6.3.4 "Leave DFU mode": set the address, then a zero-length
 * DNLOAD (wBlockNum 2, as dfu-util sends it); GETSTATUS starts manifestation
 * and the device detaches, so a failing status request after it is normal. */
int qh_dfuse_leave(struct qh_dev *d, uint32_t addr, struct qh_error *e)
{
	struct qh_dfu_status st;
	int rc = qh_dfu_make_idle(d, e);

	if (rc == 0)
		rc = qh_dfuse_set_address(d, addr, e);
	if (rc)
		return rc;
	rc = d->ops->control(d->ctx, REQ_OUT, QH_DFU_DNLOAD, 2, d->info.intf, NULL, 0,
	                     d->xfer_timeout_ms);
	/* Gone already: it left (some devices reset before the status stage). */
	if (rc == QH_E_NODEV)
		return QH_OK;
	if (rc < 0)
		return qh_fail(e, rc == QH_E_PIPE ? QH_E_PIPE : QH_E_USB,
		               "the device refused to leave DFU mode (zero-length DNLOAD failed)");
	(void)qh_dfu_getstatus(d, &st, NULL);
	return QH_OK;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int qh_qdfu_info(struct qh_dev *d, struct qh_qdfu_info *info, struct qh_error *e)
{
	uint8_t b[QDFU_PROTO_INFO_LEN];
	int rc = d->ops->control(d->ctx, VREQ_IN, QDFU_PROTO_REQ_INFO, 0, d->info.intf, b,
	                         QDFU_PROTO_INFO_LEN, d->xfer_timeout_ms);

	if (rc != (int)QDFU_PROTO_INFO_LEN ||
	    memcmp(&b[QDFU_PROTO_INFO_MAGIC], QDFU_PROTO_MAGIC, 4) != 0)
		return qh_fail(e, QH_E_UNSUPPORTED,
		               "the device does not answer qdfu's INFO request");
	info->proto = b[QDFU_PROTO_INFO_VERSION];
	info->caps = b[QDFU_PROTO_INFO_CAPS];
	info->fw_version =
	    (uint16_t)(b[QDFU_PROTO_INFO_FW_VERSION] | b[QDFU_PROTO_INFO_FW_VERSION + 1] << 8);
	info->flags = (uint32_t)(b[QDFU_PROTO_INFO_FLAGS] | b[QDFU_PROTO_INFO_FLAGS + 1] << 8);
	info->desc_addr =
	    (info->caps & QDFU_PROTO_CAP_IMAGE_DESC) ? le32(&b[QDFU_PROTO_INFO_DESC_ADDR]) : 0;
	info->why = b[QDFU_PROTO_INFO_WHY];
	info->fault = b[QDFU_PROTO_INFO_FAULT];
	return QH_OK;
}

/* Sleep between CRC result polls: the device's poll_ms, capped, at least 1;
 * QH_E_TIMEOUT once the job has run past the limit. */
static int crc_poll_sleep(struct qh_dev *d, uint32_t poll, uint64_t start, struct qh_error *e)
{
	if (poll > d->poll_cap_ms)
		poll = d->poll_cap_ms;
	if (poll == 0)
		poll = 1;
	if (d->ops->now_ms(d->ctx) + poll - start > d->op_timeout_ms * 4u)
		return qh_fail(e, QH_E_TIMEOUT, "device CRC did not finish in time");
	d->ops->sleep_ms(d->ctx, poll);
	return QH_OK;
}

int qh_qdfu_crc(struct qh_dev *d, uint32_t addr, uint32_t len, uint32_t *crc, struct qh_error *e)
{
	uint8_t req[QDFU_PROTO_CRC_START_LEN], res[QDFU_PROTO_CRC_RESULT_LEN];
	uint64_t start;
	int rc;

	put_le32(req, addr);
	put_le32(req + 4, len);
	rc = ctl(d, VREQ_OUT, QDFU_PROTO_REQ_CRC_START, 0, req, sizeof(req), "qdfu CRC_START", e);
	if (rc < 0)
		return rc;
	start = d->ops->now_ms(d->ctx);
	for (;;) {
		uint32_t status, poll;
		rc = ctl(d, VREQ_IN, QDFU_PROTO_REQ_CRC_RESULT, 0, res, sizeof(res),
		         "qdfu CRC_RESULT", e);
		if (rc < 0)
			return rc;
		if (rc != (int)sizeof(res))
			return qh_fail(e, QH_E_USB, "qdfu CRC_RESULT returned %d bytes", rc);
		status = le32(res);
		if (status == QDFU_PROTO_CRC_DONE) {
			*crc = le32(res + 4);
			return QH_OK;
		}
		if (status == QDFU_PROTO_CRC_BAD_RANGE)
			return qh_fail(e, QH_E_DFU,
			               "device CRC of 0x%08X+%u: range not readable (unmapped or "
			               "crossing a region end)",
			               (unsigned)addr, (unsigned)len);
		if (status != QDFU_PROTO_CRC_BUSY)
			return qh_fail(e, QH_E_DFU, "device CRC: unexpected status %u",
			               (unsigned)status);
		poll = le32(res + 8);
		rc = crc_poll_sleep(d, poll, start, e);
		if (rc)
			return rc;
	}
}

int qh_qdfu_crc_table(struct qh_dev *d, uint32_t addr, uint32_t unit, uint16_t count,
                      uint32_t *crcs, uint16_t *done, struct qh_error *e)
{
	uint8_t req[QDFU_PROTO_CRC_TABLE_LEN], res[QDFU_PROTO_CRC_TABLE_RESULT_MAX];
	uint16_t want = (uint16_t)(QDFU_PROTO_CRC_TABLE_HEAD_LEN + 4u * count);
	uint64_t start;
	int rc;

	*done = 0;
	if (count == 0 || count > QDFU_PROTO_CRC_TABLE_MAX)
		return qh_fail(e, QH_E_USAGE, "a CRC table has 1 to %u entries, not %u",
		               (unsigned)QDFU_PROTO_CRC_TABLE_MAX, (unsigned)count);
	put_le32(req, addr);
	put_le32(req + 4, unit);
	rc = ctl(d, VREQ_OUT, QDFU_PROTO_REQ_CRC_TABLE, count, req, sizeof(req), "qdfu CRC_TABLE",
	         e);
	if (rc < 0)
		return rc;
	start = d->ops->now_ms(d->ctx);
	for (;;) {
		uint32_t status, n;
		rc = ctl(d, VREQ_IN, QDFU_PROTO_REQ_CRC_TABLE_RESULT, 0, res, want,
		         "qdfu CRC_TABLE_RESULT", e);
		if (rc < 0)
			return rc;
		if (rc < (int)QDFU_PROTO_CRC_TABLE_HEAD_LEN)
			return qh_fail(e, QH_E_USB, "qdfu CRC_TABLE_RESULT returned %d bytes", rc);
		status = le32(res);
		n = le32(res + 4);
		if (n > count || rc < (int)(QDFU_PROTO_CRC_TABLE_HEAD_LEN + 4u * n))
			return qh_fail(e, QH_E_USB,
			               "qdfu CRC_TABLE_RESULT: %u entries in %d bytes, %u asked",
			               (unsigned)n, rc, (unsigned)count);
		if (status == QDFU_PROTO_CRC_DONE || status == QDFU_PROTO_CRC_BAD_RANGE) {
			for (uint32_t i = 0; i < n; i++)
				crcs[i] = le32(res + QDFU_PROTO_CRC_TABLE_HEAD_LEN + 4u * i);
			*done = (uint16_t)n;
		}
		if (status == QDFU_PROTO_CRC_DONE && n == count)
			return QH_OK;
		if (status == QDFU_PROTO_CRC_BAD_RANGE)
			return qh_fail(
			    e, QH_E_DFU,
			    "device CRC of 0x%08X+%u: not readable (unmapped, crossing a "
			    "region end, or a flash word that fails its ECC)",
			    (unsigned)(addr + n * unit), (unsigned)unit);
		if (status != QDFU_PROTO_CRC_BUSY)
			return qh_fail(e, QH_E_DFU, "device CRC table: unexpected status %u",
			               (unsigned)status);
		rc = crc_poll_sleep(d, le32(res + 8), start, e);
		if (rc)
			return rc;
	}
}
