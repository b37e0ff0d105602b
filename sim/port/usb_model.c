/* SPDX-License-Identifier: MIT */
/*
 * port_usb_*() on the host: a model of an EP0-only device controller, driven
 * one transaction at a time by the simulator's host side through
 * simport_bus_reset / simport_setup_packet / simport_out / simport_in.
 *
 * What it models (USB 2.0 chapter 8 rules as a device controller applies
 * them):
 *  - SETUP is always ACKed, even while stalled or busy (8.5.3): it clears
 *    the stall and cancels whatever transfer the core had armed;
 *  - an IN or OUT token with no transfer armed in that direction is NAKed;
 *  - without the pull-up nothing answers (SIMPORT_NORESP);
 *  - a stall holds for both directions until the next SETUP;
 *  - transfers are split into max-packet-size packets; an OUT transfer ends
 *    after its length or a short packet, an IN transfer after its length
 *    (the core queues a trailing zero-length packet itself);
 *  - the address set by SET_ADDRESS takes effect after the status stage
 *    of that request (the "latch" option of the port.h contract).
 * Every completed transfer posts PORT_USB_EV_XFER_DONE; the core handles it
 * from bootloader_task(), like an interrupt handler would record it.
 */
#include <string.h>

#include "common/err.h"
#include "sim/port/simport_sys.h"
#include "sim/port/simport.h"
#include "hal/port.h"

#define EP0_MPS 64u

struct ep0_xfer {
	uint8_t *buf;
	uint16_t len;
	uint16_t done;
	bool armed;
};

static struct {
	bool connected; /* pull-up on */
	bool stalled;
	bool high_speed;
	uint8_t address;
	uint8_t new_address;
	bool address_latched; /* applied when the next IN status ZLP is sent */
	struct ep0_xfer in, out;
} g_usb;

static void post_xfer_done(uint8_t ep, uint16_t len)
{
	struct port_usb_event ev = {.type = PORT_USB_EV_XFER_DONE, .ep = ep, .len = len};
	usbd_event_post(&ev);
}

static void cancel_transfers(void)
{
	g_usb.in.armed = false;
	g_usb.out.armed = false;
}

void simport_usb_configure(const struct simport_config *cfg)
{
	memset(&g_usb, 0, sizeof(g_usb));
	g_usb.high_speed = cfg->high_speed;
}

void simport_usb_teardown(void)
{
	g_usb.connected = false;
	cancel_transfers();
}

int simport_usb_power_on(const struct board *b)
{
	(void)b;
	/* the pull-up goes with the reset; the rest is port_usb_init's */
	simport_usb_teardown();
	return QDFU_OK;
}

const char *simport_usb_name(void)
{
	return "model";
}

/* ------------------------------------------------------- port.h side */

int port_usb_init(const struct board *b)
{
	(void)b;
	bool hs = g_usb.high_speed;
	memset(&g_usb, 0, sizeof(g_usb));
	g_usb.high_speed = hs;
	return QDFU_OK;
}

void port_usb_connect(bool on)
{
	g_usb.connected = on;
	if (!on) {
		cancel_transfers();
		g_usb.address = 0;
		g_usb.address_latched = false;
	}
}

void port_usb_set_address(uint8_t addr)
{
	g_usb.new_address = addr & 0x7Fu;
	g_usb.address_latched = true;
}

int port_usb_ep0_xfer(uint8_t ep, uint8_t *buf, uint16_t len)
{
	if (len && !buf)
		return QDFU_E_PARAM;
	struct ep0_xfer *x = (ep & 0x80u) ? &g_usb.in : &g_usb.out;
	x->buf = buf;
	x->len = len;
	x->done = 0;
	x->armed = true;
	return QDFU_OK;
}

void port_usb_ep0_stall(void)
{
	g_usb.stalled = true;
	cancel_transfers();
}

uint8_t port_usb_ep0_mps(void)
{
	return (uint8_t)EP0_MPS;
}

enum port_usb_speed port_usb_speed(void)
{
	return g_usb.high_speed ? PORT_USB_SPEED_HIGH : PORT_USB_SPEED_FULL;
}

bool port_usb_high_speed_capable(void)
{
	return g_usb.high_speed; /* the model runs at one speed */
}

/* --------------------------------------------------- simport.h side */

void simport_bus_reset(void)
{
	if (!g_usb.connected)
		return; /* no pull-up: the hub sees no device to reset */
	cancel_transfers();
	g_usb.stalled = false;
	g_usb.address = 0;
	g_usb.address_latched = false;
	struct port_usb_event ev = {.type = PORT_USB_EV_RESET};
	usbd_event_post(&ev);
}

int simport_setup_packet(const uint8_t pkt[8])
{
	if (!g_usb.connected)
		return SIMPORT_NORESP;
	cancel_transfers();
	g_usb.stalled = false;
	struct port_usb_event ev = {.type = PORT_USB_EV_SETUP};
	memcpy(ev.setup, pkt, sizeof(ev.setup));
	usbd_event_post(&ev);
	return SIMPORT_ACK;
}

int simport_out(uint8_t ep, const uint8_t *data, unsigned len)
{
	struct ep0_xfer *x = &g_usb.out;
	if (!g_usb.connected)
		return SIMPORT_NORESP; /* no pull-up: nobody answers */
	if ((ep & 0x7Fu) != 0)
		return SIMPORT_NAK;
	if (g_usb.stalled)
		return SIMPORT_STALL;
	if (!x->armed)
		return SIMPORT_NAK;
	unsigned room = (unsigned)(x->len - x->done);
	unsigned n = len < room ? len : room; /* babble beyond len is dropped */
	if (n)
		memcpy(x->buf + x->done, data, n);
	x->done = (uint16_t)(x->done + n);
	if (x->done >= x->len || len < EP0_MPS) {
		x->armed = false;
		post_xfer_done(0x00, x->done);
	}
	return SIMPORT_ACK;
}

int simport_in(uint8_t ep, uint8_t *data, unsigned maxlen, unsigned *len)
{
	struct ep0_xfer *x = &g_usb.in;
	*len = 0;
	if (!g_usb.connected)
		return SIMPORT_NORESP; /* no pull-up: nobody answers */
	if ((ep & 0x7Fu) != 0)
		return SIMPORT_NAK;
	if (g_usb.stalled)
		return SIMPORT_STALL;
	if (!x->armed)
		return SIMPORT_NAK;
	unsigned n = (unsigned)(x->len - x->done);
	if (n > EP0_MPS)
		n = EP0_MPS;
	if (n > maxlen)
		n = maxlen;
	if (n)
		memcpy(data, x->buf + x->done, n);
	x->done = (uint16_t)(x->done + n);
	*len = n;
	if (x->done >= x->len) {
		x->armed = false;
		if (x->len == 0 && g_usb.address_latched) {
			/* status stage of SET_ADDRESS sent (USB 2.0 9.4.6) */
			g_usb.address = g_usb.new_address;
			g_usb.address_latched = false;
		}
		post_xfer_done(0x80, x->done);
	}
	return SIMPORT_ACK;
}

bool simport_connected(void)
{
	return g_usb.connected;
}

uint8_t simport_address(void)
{
	return g_usb.address;
}

bool simport_high_speed(void)
{
	return g_usb.high_speed;
}

unsigned simport_faults(const char **last)
{
	if (last)
		*last = NULL;
	return 0; /* the controller model has no register rules to break */
}
