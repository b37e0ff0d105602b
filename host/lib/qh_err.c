/* SPDX-License-Identifier: MIT */
#include "qh_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int qh_fail(struct qh_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->code != 0)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void qh_hint(struct qh_error *e, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->hint[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
}

void qh_error_clear(struct qh_error *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
	e->hint[0] = '\0';
}

const char *qh_strerror(int code)
{
	switch (code) {
	case QH_OK:
		return "success";
	case QH_E_USAGE:
		return "usage error";
	case QH_E_IO:
		return "file error";
	case QH_E_FORMAT:
		return "malformed file";
	case QH_E_OVERLAP:
		return "conflicting data";
	case QH_E_MAP:
		return "image does not fit the device";
	case QH_E_NODEV:
		return "no device";
	case QH_E_ACCESS:
		return "permission denied";
	case QH_E_BUSY:
		return "device busy";
	case QH_E_USB:
		return "USB error";
	case QH_E_PIPE:
		return "request stalled";
	case QH_E_DFU:
		return "device error";
	case QH_E_VERIFY:
		return "verify mismatch";
	case QH_E_NOMEM:
		return "out of memory";
	case QH_E_TIMEOUT:
		return "timeout";
	case QH_E_UNSUPPORTED:
		return "not supported";
	case QH_E_CANCELLED:
		return "cancelled";
	default:
		return "unknown error";
	}
}

const char *qh_err_id(int code)
{
	static const char *const ids[] = {"ok",          "usage",    "io",     "format", "overlap",
	                                  "map",         "nodev",    "access", "busy",   "usb",
	                                  "pipe",        "dfu",      "verify", "nomem",  "timeout",
	                                  "unsupported", "cancelled"};

	if (code > 0 || (size_t)-code >= sizeof(ids) / sizeof(ids[0]))
		return "internal";
	return ids[-code];
}

const char *qh_default_hint(int code)
{
	switch (code) {
	case QH_E_FORMAT:
		return "the file is damaged, truncated or not what its name says: build or "
		       "export it again (e.g. arm-none-eabi-objcopy -O ihex app.elf app.hex)";
	case QH_E_OVERLAP:
		return "two inputs write different bytes to the same address: drop one of them "
		       "or fix the link addresses";
	case QH_E_MAP:
		return "check the program's link addresses (linker script); `qdfu list` shows "
		       "the device's memory map and `qdfu info FILE` where each part would go";
	case QH_E_VERIFY:
		return "the memory does not hold what was just written: flash again; if it keeps "
		       "failing, check the board's supply and the flash chip";
	case QH_E_USB:
	case QH_E_PIPE:
	case QH_E_DFU:
	case QH_E_TIMEOUT:
		return "reset the board into its bootloader and retry; `qdfu list` shows whether "
		       "it is still there";
	default:
		return NULL;
	}
}
