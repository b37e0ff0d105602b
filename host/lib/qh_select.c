/* SPDX-License-Identifier: MIT */
/*
 * Choosing devices for a command: scan (waiting for one to appear when
 * asked), drop the ones this user may not open, and refuse an ambiguous
 * choice with the list of candidates. Shared by the CLI and qdfu.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "qh_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const bootloader_hint =
    "connect the board and start its bootloader: qdfu boards enter DFU mode when the "
    "DFU/USER button is held during reset; ST's ROM bootloader starts with BOOT0 high "
    "during reset; an application with a DFU runtime interface is detached "
    "automatically. Check with `qdfu list` (and `lsusb`); `--wait` waits for the board. If "
    "lsusb lists it but qdfu does not, install the udev rule (70-qdfu.rules)";

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Keep the devices this user may open; count the others. */
static size_t keep_usable(struct qh_found *list, size_t n, size_t *denied)
{
	size_t usable = 0;

	*denied = 0;
	for (size_t i = 0; i < n; i++) {
		if (list[i].access_denied)
			(*denied)++;
		else
			list[usable++] = list[i];
	}
	return usable;
}

static int ambiguous(struct qh_found *list, size_t n, struct qh_error *e)
{
	char names[QH_ERR_MSG_LEN - 64];
	size_t used = 0;

	names[0] = '\0';
	for (size_t i = 0; i < n && used + 1 < sizeof(names); i++) {
		const struct qh_dev_info *d = &list[i].info;
		int k = snprintf(names + used, sizeof(names) - used,
		                 "\n  %04x:%04x serial %s path %s (%s)", d->vid, d->pid,
		                 d->serial[0] ? d->serial : "-", d->path, qh_kind_name(d->kind));
		if (k < 0)
			break;
		used += (size_t)k;
	}
	qh_fail(e, QH_E_USAGE, "%zu DFU devices match:%s", n, names);
	qh_hint(e, "choose one with --serial SERIAL or --path PATH, or act on all of them "
	           "with --all");
	return QH_E_USAGE;
}

int qh_select(struct qh_usb *u, const struct qh_match *m, int multi_ok, unsigned wait_ms,
              struct qh_found **out, size_t *nout, struct qh_error *e)
{
	uint64_t start = now_ms();
	struct qh_found *list = NULL;
	size_t n = 0, usable = 0, denied = 0;
	int selected = m && (m->has_vidpid || m->serial || m->path);

	*out = NULL;
	*nout = 0;
	for (;;) {
		int rc = qh_usb_scan(u, m, &list, &n, e);
		if (rc)
			return rc;
		usable = keep_usable(list, n, &denied);
		if (usable || now_ms() - start >= wait_ms)
			break;
		free(list);
		sleep_ms(wait_ms - (now_ms() - start) < 200 ? 50 : 200);
	}
	if (usable == 0) {
		free(list);
		if (denied) {
			qh_fail(e, QH_E_ACCESS,
			        "%zu DFU device(s) found but this user may not open them", denied);
			qh_hint(e,
			        "install the udev rule: sudo cp 70-qdfu.rules /etc/udev/rules.d/ "
			        "&& sudo udevadm control --reload && sudo udevadm trigger, then "
			        "replug the board (the .deb package installs it)");
			return QH_E_ACCESS;
		}
		qh_fail(e, QH_E_NODEV, "no DFU device found%s%s",
		        selected ? " matching --device/--serial/--path" : "",
		        wait_ms ? " (waited)" : "");
		qh_hint(e, "%s", bootloader_hint);
		return QH_E_NODEV;
	}
	if (usable > 1 && !multi_ok) {
		int rc = ambiguous(list, usable, e);
		free(list);
		return rc;
	}
	*out = list;
	*nout = usable;
	return QH_OK;
}
