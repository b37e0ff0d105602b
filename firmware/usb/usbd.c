/* SPDX-License-Identifier: MIT */
/*
 * USB device core: event queue + EP0 control pipeline + standard requests.
 *
 * The port records events (reset, SETUP, transfer done) from its interrupt
 * handler into a fixed ring; usbd_task() drains it from the main loop. A
 * control transfer goes SETUP -> (DATA IN | DATA OUT)? -> STATUS, and the
 * class is told when the whole transfer is complete (after the status
 * stage), so state changes and flash work never start before the host has
 * seen the request succeed (USB 2.0 9.2.6, DFU 1.1 6.1.1).
 */
#include "usb/usbd.h"

#include <string.h>

#include "common/compiler.h"
#include "hal/port.h"

#define USBD_EVQ_LEN 16u
QDFU_STATIC_ASSERT((USBD_EVQ_LEN & (USBD_EVQ_LEN - 1u)) == 0, "event queue length must be 2^n");

enum ctrl_stage {
	CTRL_IDLE = 0,
	CTRL_DATA_IN,
	CTRL_DATA_OUT,
	CTRL_STATUS_IN,  /* device sends the status ZLP (after OUT or no data) */
	CTRL_STATUS_OUT, /* device receives the status ZLP (after IN data) */
	CTRL_DEFERRED,   /* IN answer not ready: host is NAKed */
	CTRL_STALLED,
};

static struct {
	/* event ring: written by the port (producer), read by usbd_task */
	struct port_usb_event evq[USBD_EVQ_LEN];
	volatile uint32_t ev_head, ev_tail;
	uint32_t ev_dropped;

	const struct usbd_descriptors *desc;
	const struct usbd_class *cls;

	struct usb_setup setup;
	enum ctrl_stage stage;
	bool to_class;    /* current request is handled by the class */
	bool zlp_pending; /* IN data needs a terminating zero-length packet */
	uint8_t *out_buf;
	uint8_t config;
	uint8_t alt;
	uint8_t reply[256]; /* answers built on the fly (strings, status) */
} usbd;

void usbd_event_post(const struct port_usb_event *ev)
{
	uint32_t head = usbd.ev_head;
	if (head - usbd.ev_tail >= USBD_EVQ_LEN) {
		usbd.ev_dropped++;
		return;
	}
	usbd.evq[head & (USBD_EVQ_LEN - 1u)] = *ev;
	__atomic_store_n(&usbd.ev_head, head + 1u, __ATOMIC_RELEASE);
}

static bool event_pop(struct port_usb_event *ev)
{
	uint32_t tail = usbd.ev_tail;
	if (__atomic_load_n(&usbd.ev_head, __ATOMIC_ACQUIRE) == tail)
		return false;
	*ev = usbd.evq[tail & (USBD_EVQ_LEN - 1u)];
	__atomic_store_n(&usbd.ev_tail, tail + 1u, __ATOMIC_RELEASE);
	return true;
}

uint32_t usbd_events_dropped(void)
{
	return usbd.ev_dropped;
}

void usbd_init(const struct usbd_descriptors *d, const struct usbd_class *cls)
{
	memset(&usbd, 0, sizeof(usbd));
	usbd.desc = d;
	usbd.cls = cls;
}

bool usbd_configured(void)
{
	return usbd.config != 0;
}

/* ---------------------------------------------------------------- stages */

static void ctrl_stall(void)
{
	usbd.stage = CTRL_STALLED;
	port_usb_ep0_stall();
}

static void ctrl_status_in(void)
{
	usbd.stage = CTRL_STATUS_IN;
	port_usb_ep0_xfer(0x80, NULL, 0);
}

static void ctrl_send(const uint8_t *buf, uint16_t len)
{
	uint16_t mps = port_usb_ep0_mps();
	if (usbd.setup.wLength == 0) {
		ctrl_status_in();
		return;
	}
	if (len > usbd.setup.wLength)
		len = usbd.setup.wLength;
	/* A short answer that ends on a packet boundary needs a ZLP so the
	 * host knows the data stage is over (USB 2.0 5.5.3). len == 0 is
	 * itself that zero-length packet. */
	usbd.zlp_pending = len != 0 && len < usbd.setup.wLength && (len % mps) == 0;
	usbd.stage = CTRL_DATA_IN;
	port_usb_ep0_xfer(0x80, (uint8_t *)buf, len);
}

static void ctrl_complete(void)
{
	struct usb_setup s = usbd.setup;
	bool to_class = usbd.to_class;
	usbd.stage = CTRL_IDLE;
	if (to_class && usbd.cls && usbd.cls->done)
		usbd.cls->done(&s);
}

void usbd_ctrl_reply_in(const uint8_t *buf, uint16_t len)
{
	if (usbd.stage != CTRL_DEFERRED)
		return;
	ctrl_send(buf, len);
}

void usbd_ctrl_reply_stall(void)
{
	if (usbd.stage == CTRL_DEFERRED)
		ctrl_stall();
}

/* ------------------------------------------------------ standard requests */

static const uint8_t *string_descriptor(uint8_t index, uint16_t *len)
{
	if (index == 0) {
		usbd.reply[0] = 4;
		usbd.reply[1] = USB_DT_STRING;
		qdfu_put_le16(&usbd.reply[2], 0x0409);
		*len = 4;
		return usbd.reply;
	}
	if (index >= usbd.desc->num_strings || !usbd.desc->strings[index])
		return NULL;
	const char *s = usbd.desc->strings[index];
	size_t n = strlen(s);
	if (n > (sizeof(usbd.reply) - 2u) / 2u)
		n = (sizeof(usbd.reply) - 2u) / 2u;
	usbd.reply[0] = (uint8_t)(2u + 2u * n);
	usbd.reply[1] = USB_DT_STRING;
	for (size_t i = 0; i < n; i++) {
		usbd.reply[2u + 2u * i] = (uint8_t)s[i];
		usbd.reply[3u + 2u * i] = 0;
	}
	*len = usbd.reply[0];
	return usbd.reply;
}

/* High-speed capable devices answer DEVICE_QUALIFIER and
 * OTHER_SPEED_CONFIGURATION at either speed, describing the speed they are
 * not running at (USB 2.0 9.6.2, 9.6.4); a full-speed-only device stalls
 * them ("must respond with a request error"). With EP0 only, both speeds
 * have the same device information: the qualifier repeats the device
 * descriptor's fields and the other-speed configuration the configuration. */
static const uint8_t *speed_descriptor(uint8_t type, uint16_t *len)
{
	if (!port_usb_high_speed_capable())
		return NULL;
	if (type == USB_DT_DEVICE_QUALIFIER) {
		const uint8_t *d = usbd.desc->device;
		usbd.reply[0] = 10;
		usbd.reply[1] = USB_DT_DEVICE_QUALIFIER;
		memcpy(&usbd.reply[2], &d[2], 6); /* bcdUSB, class, subclass, protocol, mps0 */
		usbd.reply[8] = d[17];            /* bNumConfigurations */
		usbd.reply[9] = 0;
		*len = 10;
		return usbd.reply;
	}
	/* other-speed configuration: same interfaces, no endpoints besides EP0 */
	uint16_t total = qdfu_get_le16(&usbd.desc->config[2]);
	if (total > sizeof(usbd.reply))
		return NULL;
	memcpy(usbd.reply, usbd.desc->config, total);
	usbd.reply[1] = USB_DT_OTHER_SPEED_CONFIG;
	*len = total;
	return usbd.reply;
}

static bool get_descriptor(const struct usb_setup *s)
{
	uint8_t type = (uint8_t)(s->wValue >> 8), index = (uint8_t)s->wValue;
	const uint8_t *p = NULL;
	uint16_t len = 0;

	switch (type) {
	case USB_DT_DEVICE:
		p = usbd.desc->device;
		len = p[0];
		break;
	case USB_DT_CONFIG:
		if (index != 0)
			return false;
		p = usbd.desc->config;
		len = qdfu_get_le16(&p[2]);
		break;
	case USB_DT_STRING:
		p = string_descriptor(index, &len);
		break;
	case USB_DT_BOS:
		p = usbd.desc->bos;
		if (p)
			len = qdfu_get_le16(&p[2]);
		break;
	case USB_DT_DEVICE_QUALIFIER:
	case USB_DT_OTHER_SPEED_CONFIG:
		p = speed_descriptor(type, &len);
		break;
	default:
		break;
	}
	if (!p)
		return false;
	ctrl_send(p, len);
	return true;
}

static bool standard_device(const struct usb_setup *s)
{
	switch (s->bRequest) {
	case USB_REQ_GET_DESCRIPTOR:
		return (s->bmRequestType & USB_DIR_IN) && get_descriptor(s);
	case USB_REQ_SET_ADDRESS:
		if (s->wValue > 127 || s->wIndex || s->wLength || usbd.config)
			return false;
		/* before the status stage: DWC2 needs DCFG.DAD now (port.h) */
		port_usb_set_address((uint8_t)s->wValue);
		ctrl_status_in();
		return true;
	case USB_REQ_GET_CONFIGURATION:
		usbd.reply[0] = usbd.config;
		ctrl_send(usbd.reply, 1);
		return true;
	case USB_REQ_SET_CONFIGURATION:
		if (s->wValue > 1)
			return false;
		usbd.config = (uint8_t)s->wValue;
		usbd.alt = 0;
		if (usbd.cls && usbd.cls->reset)
			usbd.cls->reset(usbd.config != 0);
		ctrl_status_in();
		return true;
	case USB_REQ_GET_STATUS:
		usbd.reply[0] = 0; /* bus powered, no remote wake-up */
		usbd.reply[1] = 0;
		ctrl_send(usbd.reply, 2);
		return true;
	case USB_REQ_SET_FEATURE:
		/* TEST_MODE is only meaningful at high speed; accept it there */
		if (s->wValue == USB_FEATURE_TEST_MODE && port_usb_speed() == PORT_USB_SPEED_HIGH) {
			ctrl_status_in();
			return true;
		}
		return false;
	default: /* CLEAR_FEATURE(remote wake-up) unsupported, SET_DESCRIPTOR */
		return false;
	}
}

static bool standard_interface(const struct usb_setup *s)
{
	if (!usbd.config || (s->wIndex & 0xFFu) != 0)
		return false;
	switch (s->bRequest) {
	case USB_REQ_GET_STATUS:
		usbd.reply[0] = 0;
		usbd.reply[1] = 0;
		ctrl_send(usbd.reply, 2);
		return true;
	case USB_REQ_GET_INTERFACE:
		usbd.reply[0] = usbd.alt;
		ctrl_send(usbd.reply, 1);
		return true;
	case USB_REQ_SET_INTERFACE:
		if (s->wValue > 255 || !usbd.cls || !usbd.cls->set_alt ||
		    !usbd.cls->set_alt((uint8_t)s->wValue))
			return false;
		usbd.alt = (uint8_t)s->wValue;
		ctrl_status_in();
		return true;
	default:
		return false;
	}
}

static bool standard_endpoint(const struct usb_setup *s)
{
	/* Only EP0 exists; its halt feature clears itself at the next SETUP. */
	if ((s->wIndex & 0x7Fu) != 0)
		return false;
	switch (s->bRequest) {
	case USB_REQ_GET_STATUS:
		usbd.reply[0] = 0;
		usbd.reply[1] = 0;
		ctrl_send(usbd.reply, 2);
		return true;
	case USB_REQ_CLEAR_FEATURE:
	case USB_REQ_SET_FEATURE:
		if (s->wValue != USB_FEATURE_ENDPOINT_HALT)
			return false;
		ctrl_status_in();
		return true;
	default:
		return false;
	}
}

static bool ms_os20(const struct usb_setup *s)
{
	/* Microsoft OS 2.0: (0xC0, vendor code, wIndex 7) returns the set */
	if (!usbd.desc->ms_os20_set || s->bmRequestType != 0xC0 ||
	    s->bRequest != usbd.desc->ms_vendor_code || s->wIndex != 7)
		return false;
	ctrl_send(usbd.desc->ms_os20_set, usbd.desc->ms_os20_len);
	return true;
}

static bool class_request(const struct usb_setup *s)
{
	struct usbd_ctrl c = {NULL, 0};
	if (!usbd.cls || !usbd.cls->setup)
		return false;
	usbd.to_class = true;
	switch (usbd.cls->setup(s, &c)) {
	case USBD_REPLY_ACK:
		ctrl_status_in();
		return true;
	case USBD_REPLY_IN:
		ctrl_send(c.buf, c.len);
		return true;
	case USBD_REPLY_OUT:
		if (s->wLength == 0) {
			ctrl_status_in();
			return true;
		}
		if (c.len < s->wLength || !c.buf)
			return false;
		usbd.out_buf = c.buf;
		usbd.stage = CTRL_DATA_OUT;
		port_usb_ep0_xfer(0x00, c.buf, s->wLength);
		return true;
	case USBD_REPLY_DEFER:
		usbd.stage = CTRL_DEFERRED;
		return true;
	case USBD_REPLY_STALL:
	default:
		return false;
	}
}

static void handle_setup(const uint8_t pkt[8])
{
	struct usb_setup s = usb_setup_parse(pkt);
	bool ok = false;

	/* A SETUP always starts a new control transfer, abandoning any
	 * unfinished one (USB 2.0 8.5.3). */
	usbd.setup = s;
	usbd.stage = CTRL_IDLE;
	usbd.to_class = false;
	usbd.zlp_pending = false;

	uint8_t type = s.bmRequestType & USB_TYPE_MASK;
	uint8_t recip = s.bmRequestType & USB_RECIP_MASK;
	if (type == USB_TYPE_STANDARD) {
		if (recip == USB_RECIP_DEVICE)
			ok = standard_device(&s);
		else if (recip == USB_RECIP_INTERFACE)
			ok = standard_interface(&s);
		else if (recip == USB_RECIP_ENDPOINT)
			ok = standard_endpoint(&s);
	} else if (type == USB_TYPE_VENDOR && ms_os20(&s)) {
		ok = true;
	} else if (type == USB_TYPE_CLASS || type == USB_TYPE_VENDOR) {
		ok = usbd.config && (recip == USB_RECIP_INTERFACE || recip == USB_RECIP_DEVICE) &&
		     class_request(&s);
	}
	if (!ok)
		ctrl_stall();
}

static void handle_xfer_done(uint8_t ep, uint16_t len)
{
	if (ep & 0x80u) {
		if (usbd.stage == CTRL_DATA_IN) {
			if (usbd.zlp_pending) {
				usbd.zlp_pending = false;
				port_usb_ep0_xfer(0x80, NULL, 0);
				return;
			}
			usbd.stage = CTRL_STATUS_OUT;
			port_usb_ep0_xfer(0x00, NULL, 0);
		} else if (usbd.stage == CTRL_STATUS_IN) {
			ctrl_complete();
		}
		return;
	}
	if (usbd.stage == CTRL_DATA_OUT) {
		if (usbd.to_class && usbd.cls->data_out &&
		    !usbd.cls->data_out(&usbd.setup, usbd.out_buf, len)) {
			ctrl_stall();
			return;
		}
		ctrl_status_in();
	} else if (usbd.stage == CTRL_STATUS_OUT) {
		ctrl_complete();
	}
}

void usbd_task(void)
{
	struct port_usb_event ev;
	while (event_pop(&ev)) {
		switch (ev.type) {
		case PORT_USB_EV_RESET:
			usbd.stage = CTRL_IDLE;
			usbd.config = 0;
			usbd.alt = 0;
			if (usbd.cls && usbd.cls->reset)
				usbd.cls->reset(false);
			break;
		case PORT_USB_EV_SETUP:
			handle_setup(ev.setup);
			break;
		case PORT_USB_EV_XFER_DONE:
			handle_xfer_done(ev.ep, ev.len);
			break;
		case PORT_USB_EV_SUSPEND:
		case PORT_USB_EV_DISCONNECT:
			if (usbd.cls && usbd.cls->suspend)
				usbd.cls->suspend();
			break;
		default:
			break;
		}
	}
}
