/* SPDX-License-Identifier: MIT */
/*
 * USB side of libqdfu (libusb-1.0): find DFU interfaces, describe them,
 * open one as a struct qh_dev, detach runtime-mode devices and wait for
 * them to come back in DFU mode.
 */
#ifndef QH_USB_H
#define QH_USB_H

#include <stddef.h>

#include "qh_dfu.h"

struct qh_usb;

/* Which devices a command applies to; empty fields match everything. */
struct qh_match {
	int has_vidpid;
	uint16_t vid, pid;
	const char *serial;
	const char *path;
};

struct qh_found {
	struct qh_dev_info info;
	int access_denied; /* listed, but strings/INFO could not be read */
};

int qh_usb_init(struct qh_usb **u, struct qh_error *e);
void qh_usb_exit(struct qh_usb *u);
/* Scans read the MS OS 2.0 interface GUID of every device (on), or only of
 * devices whose strings do not already name qdfu (off, the default: one
 * request fewer for the commands that go on to work with the device). */
void qh_usb_report_guid(struct qh_usb *u, int on);
/* Every DFU interface (runtime or DFU mode) matching m. *list is malloc'ed.
 * Manufacturer, product and serial come from sysfs where Linux keeps them. */
int qh_usb_scan(struct qh_usb *u, const struct qh_match *m, struct qh_found **list, size_t *n,
                struct qh_error *e);
/* Open the device described by info (claims its DFU interface). */
int qh_usb_open(struct qh_usb *u, const struct qh_dev_info *info, struct qh_dev *d,
                struct qh_error *e);
void qh_usb_close(struct qh_dev *d);
/* For a runtime-mode device: DFU_DETACH (+ USB reset if it does not detach
 * itself), then wait up to timeout_ms for it to re-enumerate in DFU mode
 * (same serial, or same port path). *out describes the DFU-mode device. */
int qh_usb_detach_wait(struct qh_usb *u, const struct qh_dev_info *info, unsigned timeout_ms,
                       struct qh_dev_info *out, struct qh_error *e);
/* Parse "VID:PID" (hex). */
int qh_parse_vidpid(const char *s, uint16_t *vid, uint16_t *pid);
/* Should the qdfu INFO request be sent to it (its strings or MS OS 2.0
 * interface GUID say qdfu; never to an application in runtime mode)? */
int qh_may_be_qdfu(const struct qh_dev_info *info);
/* Classify a device and set its quirks from the quirk table. */
void qh_classify(struct qh_dev_info *info);
const char *qh_kind_name(enum qh_kind k);

#define QH_QUIRK_LEAVE_TO_POINTER  0x01 /* leave jumps to the address pointer */
#define QH_QUIRK_SERIAL_NOT_UNIQUE 0x02

#endif
