/* SPDX-License-Identifier: MIT */
/*
 * libqdfu's one error convention: functions return 0 (QH_OK) or a negative
 * code below, and fill a caller-owned struct qh_error with what went wrong
 * and, when there is something the user can do, a hint. The library never
 * prints and never exits; the command line maps codes to exit statuses.
 */
#ifndef QH_ERR_H
#define QH_ERR_H

#include <stddef.h>

enum qh_err {
	QH_OK = 0,
	QH_E_USAGE = -1,        /* bad argument from the caller */
	QH_E_IO = -2,           /* a file cannot be read or written */
	QH_E_FORMAT = -3,       /* a file's contents are malformed */
	QH_E_OVERLAP = -4,      /* two inputs give different data for one address */
	QH_E_MAP = -5,          /* the image does not fit the device's memory map */
	QH_E_NODEV = -6,        /* no matching device */
	QH_E_ACCESS = -7,       /* no permission to open the USB device */
	QH_E_BUSY = -8,         /* the device is claimed by another program */
	QH_E_USB = -9,          /* a USB transfer failed */
	QH_E_PIPE = -10,        /* the device stalled a request */
	QH_E_DFU = -11,         /* the device reported a DFU error status or state */
	QH_E_VERIFY = -12,      /* memory differs from the image */
	QH_E_NOMEM = -13,       /* out of memory */
	QH_E_TIMEOUT = -14,     /* the device did not finish in time */
	QH_E_UNSUPPORTED = -15, /* the device cannot do what was asked */
	QH_E_CANCELLED = -16    /* stopped by the caller (qdfu_cancel, progress callback) */
};

#define QH_ERR_MSG_LEN  2048
#define QH_ERR_HINT_LEN 512

struct qh_error {
	int code;
	char msg[QH_ERR_MSG_LEN];
	char hint[QH_ERR_HINT_LEN];
};

/* Record an error (the first one wins: later, more generic failures on the
 * way up do not overwrite the precise cause) and return code. e may be NULL. */
int qh_fail(struct qh_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set the hint of the current error (what the user can do about it). */
void qh_hint(struct qh_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Forget any recorded error. */
void qh_error_clear(struct qh_error *e);
/* Short name of a code, e.g. "verify mismatch". */
const char *qh_strerror(int code);
/* Stable identifier of a code for machine output, e.g. "verify", "nodev". */
const char *qh_err_id(int code);
/* What the user can do about a code when the failing function gave no more
 * specific hint, or NULL. */
const char *qh_default_hint(int code);

#endif
