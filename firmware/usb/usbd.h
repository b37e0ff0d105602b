/* SPDX-License-Identifier: MIT */
/*
 * USB device core: the EP0 control pipeline (USB 2.0 chapter 9), standard
 * requests, descriptors. One class driver (DFU) plugs in through struct
 * usbd_class. Everything runs from usbd_task() in the main loop; the port
 * only records events (usbd_event_post, declared in hal/port.h).
 */
#ifndef QDFU_USB_USBD_H
#define QDFU_USB_USBD_H

#include <stdbool.h>
#include <stdint.h>

#include "usb/usb_std.h"

/* What a class handler answers to a SETUP (its data stage and status). */
enum usbd_reply {
	USBD_REPLY_STALL = 0, /* protocol stall */
	USBD_REPLY_ACK,       /* no data stage (or OUT data already wanted) */
	USBD_REPLY_IN,        /* send data (buf, len), truncated to wLength */
	USBD_REPLY_OUT,       /* receive wLength bytes into buf */
	USBD_REPLY_DEFER,     /* IN answer comes later via usbd_ctrl_reply_in()
	                         (the host sees NAKs meanwhile) */
};

struct usbd_ctrl {
	uint8_t *buf; /* IN: data to send; OUT: where to receive */
	uint16_t len; /* IN: bytes to send; OUT: capacity (>= wLength) */
};

struct usbd_class {
	/* A class or vendor request to an interface (or vendor to device). */
	enum usbd_reply (*setup)(const struct usb_setup *s, struct usbd_ctrl *c);
	/* OUT data stage complete (before the status stage). Return false to
	 * stall the status stage. */
	bool (*data_out)(const struct usb_setup *s, const uint8_t *data, uint16_t len);
	/* The whole control transfer completed (after the status stage):
	 * the place to change state and start work (style item 4). */
	void (*done)(const struct usb_setup *s);
	/* SET_INTERFACE(intf 0, alt): return false to stall (no such alt). */
	bool (*set_alt)(uint8_t alt);
	/* Bus reset or SET_CONFIGURATION: class state back to its idle. */
	void (*reset)(bool configured);
	/* Suspend / disconnect seen by the port. */
	void (*suspend)(void);
};

/* Descriptor set the core serves. Strings are ASCII C strings (converted
 * to UTF-16LE on the fly); index 0 is the LANGID table. */
#define USBD_MAX_STRINGS 12
struct usbd_descriptors {
	const uint8_t *device; /* 18 bytes */
	const uint8_t *config; /* wTotalLength bytes */
	const uint8_t *bos;    /* NULL: no BOS */
	const char *strings[USBD_MAX_STRINGS];
	uint8_t num_strings;
	/* Microsoft OS 2.0: vendor code and the descriptor set */
	uint8_t ms_vendor_code;
	const uint8_t *ms_os20_set;
	uint16_t ms_os20_len;
};

void usbd_init(const struct usbd_descriptors *d, const struct usbd_class *cls);
/* Handle every queued event. Call from the main loop. */
void usbd_task(void);
/* Complete a deferred IN reply (USBD_REPLY_DEFER). */
void usbd_ctrl_reply_in(const uint8_t *buf, uint16_t len);
/* Complete a deferred reply with a stall. */
void usbd_ctrl_reply_stall(void);
bool usbd_configured(void);
/* Number of events dropped because the queue was full (diagnostics). */
uint32_t usbd_events_dropped(void);

#endif
