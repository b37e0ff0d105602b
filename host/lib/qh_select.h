/* SPDX-License-Identifier: MIT */
/* Choosing the device(s) a command acts on (CLI and qdfu.h alike). */
#ifndef QH_SELECT_H
#define QH_SELECT_H

#include "qh_usb.h"

/* Devices matching m that this user may open, waiting up to wait_ms for
 * one to appear. None: QH_E_NODEV (or QH_E_ACCESS when some exist but
 * cannot be opened), with a hint. Several and !multi_ok: QH_E_USAGE whose
 * message lists each candidate's VID:PID, serial and path. *out is
 * malloc'ed. */
int qh_select(struct qh_usb *u, const struct qh_match *m, int multi_ok, unsigned wait_ms,
              struct qh_found **out, size_t *nout, struct qh_error *e);

#endif
