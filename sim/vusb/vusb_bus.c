/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "sim/vusb/vusb_bus.h"
#include "sim/vusb/vusb_bus_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ioctl.h> /* before usbdevice_fs.h */
#include <linux/usbdevice_fs.h>

#include "sim/vusb/vusb_desc.h"
#include "sim/vusb/vusb_log.h"

#define SYSFS_HUB "/devices/pci0000:00/0000:00:14.0/usb1"
#define BUSNUM    1
/* NAKs the device may answer per request before the URB stays in flight
 * and the ioctl returns (libusb polls again). */
#define NAK_BUDGET 256u
/* Synchronous requests (enumeration, SET_INTERFACE, RESET) give up after
 * this much real time, like the kernel's USB_CTRL_GET_TIMEOUT. */
#define SYNC_TIMEOUT_MS 5000
/* Rounds of 1 ms to let a closed file's release happen (vusb_bus_settle) */
#define SETTLE_ROUNDS 50

struct devnode_ref {
	struct bus_dev *dev;
	unsigned gen;
};

/* ------------------------------------------------------------ helpers */

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *result_text(int st, int result, char *buf, size_t n)
{
	if (st == VUSB_REP_NODEV)
		return "ENODEV";
	if (st != VUSB_REP_DONE)
		return "ERROR";
	if (result == -EPIPE)
		return "STALL";
	if (result == -ENOENT)
		return "cancelled";
	snprintf(buf, n, "%d", result);
	return buf;
}

static void log_ctrl(struct bus_dev *d, const uint8_t s[8], int st, int result)
{
	char tmp[16];
	vusb_log(d->path, "ctrl %02x %02x %04x %04x %04x -> %s", s[0], s[1], s[2] | (s[3] << 8),
	         s[4] | (s[5] << 8), s[6] | (s[7] << 8), result_text(st, result, tmp, sizeof(tmp)));
}

int vusb_dev_control(struct bus_dev *d, const uint8_t s[8], uint8_t *data, unsigned timeout_ms)
{
	int result = 0;
	uint64_t deadline = mono_ms() + timeout_ms;
	int st = vusb_link_ctrl(d->link, s, data, NAK_BUDGET, &result);
	while (st == VUSB_REP_PENDING) {
		if (timeout_ms && mono_ms() > deadline) {
			vusb_link_cancel(d->link);
			st = VUSB_REP_DONE;
			result = -ETIMEDOUT;
			break;
		}
		st = vusb_link_continue(d->link, s, data, NAK_BUDGET, &result);
	}
	log_ctrl(d, s, st, result);
	if (st == VUSB_REP_NODEV)
		return -ENODEV;
	if (st != VUSB_REP_DONE)
		return -EPROTO;
	return result;
}

/* The kernel's own requests (enumeration, reset): usb_control_msg with
 * USB_CTRL_GET_TIMEOUT. Returns bytes or -errno. */
static int control_sync(struct bus_dev *d, const uint8_t s[8], uint8_t *data)
{
	return vusb_dev_control(d, s, data, SYNC_TIMEOUT_MS);
}

static void string_desc(struct bus_dev *d, uint8_t index, uint16_t langid, char *out, size_t n)
{
	uint8_t s[8], buf[255];
	out[0] = 0;
	if (!index)
		return;
	vusb_mk_setup(s, 0x80, 6, (uint16_t)(0x0300 | index), langid, sizeof(buf));
	int r = control_sync(d, s, buf);
	if (r < 2 || buf[1] != 3)
		return;
	size_t k = 0;
	/* UTF-16LE to ASCII, '?' for the rest (sysfs shows UTF-8; our
	 * strings are ASCII) */
	for (int i = 2; i + 1 < r && i + 1 < buf[0] && k + 1 < n; i += 2)
		out[k++] =
		    (buf[i + 1] == 0 && buf[i] >= 0x20 && buf[i] < 0x7F) ? (char)buf[i] : '?';
	out[k] = 0;
}

/* ------------------------------------------------------- enumeration */

/* Reset the port; the device chirps (or not) and the speed is known. */
static int bus_reset(struct bus_dev *d)
{
	if (vusb_link_bus_reset(d->link, &d->high_speed) != VUSB_REP_DONE)
		return -ENODEV;
	vusb_log(d->path, "bus reset (%s speed)", d->high_speed ? "high" : "full");
	return 0;
}

/* What hub_port_connect() + usb_new_device() do. */
static int enumerate(struct bus_dev *d, unsigned devnum)
{
	uint8_t s[8];
	if (bus_reset(d) < 0)
		return -ENODEV;
	/* "new scheme": 64 bytes of device descriptor at address 0 to learn
	 * bMaxPacketSize0, then reset again */
	vusb_mk_setup(s, 0x80, 6, 0x0100, 0, 64);
	uint8_t first[64];
	int r = control_sync(d, s, first);
	if (r < 8)
		return r < 0 ? r : -EPROTO;
	if (bus_reset(d) < 0)
		return -ENODEV;
	vusb_mk_setup(s, 0x00, 5, (uint16_t)devnum, 0, 0);
	if ((r = control_sync(d, s, NULL)) < 0)
		return r;
	vusb_mk_setup(s, 0x80, 6, 0x0100, 0, 18);
	if ((r = control_sync(d, s, d->ddesc)) != 18)
		return r < 0 ? r : -EPROTO;
	vusb_mk_setup(s, 0x80, 6, 0x0200, 0, 9);
	if ((r = control_sync(d, s, d->cdesc)) != 9)
		return r < 0 ? r : -EPROTO;
	uint16_t total = (uint16_t)(d->cdesc[2] | (d->cdesc[3] << 8));
	if (total < 9 || total > sizeof(d->cdesc))
		return -EPROTO;
	vusb_mk_setup(s, 0x80, 6, 0x0200, 0, total);
	if ((r = control_sync(d, s, d->cdesc)) != total)
		return r < 0 ? r : -EPROTO;
	d->cdesc_len = total;
	uint8_t langs[255];
	uint16_t langid = 0x0409;
	vusb_mk_setup(s, 0x80, 6, 0x0300, 0, sizeof(langs));
	r = control_sync(d, s, langs);
	if (r >= 4)
		langid = (uint16_t)(langs[2] | (langs[3] << 8));
	string_desc(d, d->ddesc[14], langid, d->manufacturer, sizeof(d->manufacturer));
	string_desc(d, d->ddesc[15], langid, d->product, sizeof(d->product));
	string_desc(d, d->ddesc[16], langid, d->serial, sizeof(d->serial));
	if (vusb_desc_parse(d->cdesc, d->cdesc_len, &d->cfg) < 0)
		return -EPROTO; /* usb_parse_configuration() refuses it */
	vusb_mk_setup(s, 0x00, 9, d->cfg.value, 0, 0);
	if ((r = control_sync(d, s, NULL)) < 0)
		return r;
	d->config_value = d->cfg.value;
	return 0;
}

/* umockdev's record format wants upper case for device node contents */
static void hex_append(GString *g, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(g, "%02X", p[i]);
}

/* sysfs attribute values must not contain newlines or '\' (record format) */
static void attr_append(GString *g, const char *name, const char *v)
{
	g_string_append_printf(g, "A: %s=", name);
	for (const char *c = v; *c; c++)
		g_string_append_c(g, (*c == '\\' || *c == '\n') ? '_' : *c);
	g_string_append(g, "\\n\n");
}

static int publish(struct bus_dev *d)
{
	const uint8_t *dd = d->ddesc;
	unsigned vid = dd[8] | (dd[9] << 8), pid = dd[10] | (dd[11] << 8);
	unsigned bcd = dd[12] | (dd[13] << 8);
	unsigned minor = (BUSNUM - 1) * 128 + d->devnum - 1;
	GString *g = g_string_new(NULL);
	/* The node's contents are what read() returns on a usbfs node
	 * (devio.c usbdev_read: device descriptor, then each configuration):
	 * umockdev serves reads and seeks from that file. */
	g_string_append_printf(g, "P: %s/%s\nN: bus/usb/%03u/%03u=", SYSFS_HUB, d->path, BUSNUM,
	                       d->devnum);
	hex_append(g, d->ddesc, sizeof(d->ddesc));
	hex_append(g, d->cdesc, d->cdesc_len);
	g_string_append_c(g, '\n');
	g_string_append_printf(g,
	                       "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"
	                       "E: BUSNUM=%03u\nE: DEVNUM=%03u\nE: DEVNAME=%s\n"
	                       "E: PRODUCT=%x/%x/%x\nE: TYPE=%u/%u/%u\nE: MAJOR=189\nE: MINOR=%u\n",
	                       BUSNUM, d->devnum, d->devnode, vid, pid, bcd, dd[4], dd[5], dd[6],
	                       minor);
	g_string_append_printf(g,
	                       "A: busnum=%u\\n\nA: devnum=%u\\n\nA: devpath=%u\\n\n"
	                       "A: speed=%u\\n\nA: bConfigurationValue=%u\\n\n"
	                       "A: bNumConfigurations=%u\\n\nA: bNumInterfaces=%2u\\n\n"
	                       "A: bDeviceClass=%02x\\n\nA: bMaxPacketSize0=%u\\n\n"
	                       "A: idVendor=%04x\\n\nA: idProduct=%04x\\n\nA: bcdDevice=%04x\\n\n"
	                       "A: dev=189:%u\\n\n",
	                       BUSNUM, d->devnum, d->index + 1, d->high_speed ? 480u : 12u,
	                       d->cdesc[5], dd[17], d->cdesc[4], dd[4], dd[7], vid, pid, bcd,
	                       minor);
	if (d->manufacturer[0])
		attr_append(g, "manufacturer", d->manufacturer);
	if (d->product[0])
		attr_append(g, "product", d->product);
	if (d->serial[0])
		attr_append(g, "serial", d->serial);
	g_string_append(g, "H: descriptors=");
	hex_append(g, d->ddesc, sizeof(d->ddesc));
	hex_append(g, d->cdesc, d->cdesc_len);
	g_string_append(g, "\n");

	/* The ioctl handler first: a client may find the node as soon as it
	 * exists, and its ioctls must already be served. */
	GError *err = NULL;
	if (!umockdev_testbed_attach_ioctl(d->bus->tb, d->devnode, d->bus->handler, &err)) {
		fprintf(stderr, "qdfu-sim: cannot attach %s: %s\n", d->devnode, err->message);
		g_error_free(err);
		g_string_free(g, TRUE);
		return -EIO;
	}
	bool ok = umockdev_testbed_add_from_string(d->bus->tb, g->str, &err);
	g_string_free(g, TRUE);
	if (!ok) {
		fprintf(stderr, "qdfu-sim: cannot publish %s: %s\n", d->path, err->message);
		g_error_free(err);
		umockdev_testbed_detach_ioctl(d->bus->tb, d->devnode, NULL);
		return -EIO;
	}
	return 0;
}

static void forget_claims(struct bus_dev *d)
{
	for (unsigned i = 0; i < VUSB_MAX_IFNUM; i++) {
		if (d->owner[i])
			d->owner[i]->ifclaimed &= ~((uint64_t)1 << i);
		d->owner[i] = NULL;
	}
	memset(d->cur_alt, 0, sizeof(d->cur_alt));
	d->config_value = 0;
}

static void attach(struct bus_dev *d)
{
	unsigned devnum = d->bus->next_devnum++;
	forget_claims(d);
	int r = enumerate(d, devnum);
	if (r < 0) {
		vusb_log(d->path, "enumeration failed (%s)", strerror(-r));
		fprintf(stderr, "qdfu-sim: device %s: enumeration failed (%s)\n", d->path,
		        strerror(-r));
		return;
	}
	d->devnum = devnum;
	snprintf(d->devnode, sizeof(d->devnode), "/dev/bus/usb/%03u/%03u", (unsigned)BUSNUM,
	         (unsigned)devnum);
	if (publish(d) < 0)
		return;
	d->gen++;
	d->present = true;
	struct devnode_ref *ref = g_new0(struct devnode_ref, 1);
	ref->dev = d;
	ref->gen = d->gen;
	g_hash_table_replace(d->bus->nodes, g_strdup(d->devnode), ref);
	umockdev_testbed_uevent(d->bus->tb, d->syspath, "add");
	vusb_log(d->path, "enumerated %04x:%04x devnum %u serial %s at %s speed",
	         d->ddesc[8] | (d->ddesc[9] << 8), d->ddesc[10] | (d->ddesc[11] << 8), devnum,
	         d->serial[0] ? d->serial : "-", d->high_speed ? "high" : "full");
}

/* ------------------------------------------------------------ URBs */

void vusb_urb_free(struct urb *e)
{
	g_object_unref(e->buf);
	g_object_unref(e->u);
	g_free(e);
}

void vusb_urb_complete(struct urb *e, int result)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)e->u->data;
	urb->status = result < 0 ? result : 0;
	urb->actual_length = result < 0 ? 0 : result;
	g_queue_push_tail(&e->owner->reap, e);
}

/* The device is gone: every URB ends (the kernel uses -ESHUTDOWN). */
static void fail_all(struct bus_dev *d, int status)
{
	struct urb *e;
	if (d->head_active)
		vusb_link_cancel(d->link);
	d->head_active = false;
	while ((e = g_queue_pop_head(&d->urbs)))
		vusb_urb_complete(e, status);
}

/* Serve the device's URB queue in order until one stays in flight. */
void vusb_dev_progress(struct bus_dev *d)
{
	struct urb *e;
	while ((e = g_queue_peek_head(&d->urbs))) {
		uint8_t *setup = e->buf->data;
		int result = 0, st;
		if (d->head_active)
			st = vusb_link_continue(d->link, setup, setup + 8, NAK_BUDGET, &result);
		else
			st = vusb_link_ctrl(d->link, setup, setup + 8, NAK_BUDGET, &result);
		if (st == VUSB_REP_PENDING) {
			d->head_active = true;
			return;
		}
		d->head_active = false;
		g_queue_pop_head(&d->urbs);
		log_ctrl(d, setup, st, result);
		if (st == VUSB_REP_NODEV)
			result = -ESHUTDOWN;
		else if (st != VUSB_REP_DONE)
			result = -EPROTO;
		vusb_urb_complete(e, result);
	}
}

static void detach(struct bus_dev *d, const char *why)
{
	if (!d->present)
		return;
	d->present = false;
	d->gen++;
	fail_all(d, -ESHUTDOWN);
	forget_claims(d); /* driver_disconnect() of every claimed interface */
	umockdev_testbed_uevent(d->bus->tb, d->syspath, "remove");
	umockdev_testbed_remove_device(d->bus->tb, d->syspath);
	vusb_log(d->path, "%s", why);
}

/* ------------------------------------------------------ per client */

static void client_free(gpointer p)
{
	struct client *c = p;
	struct vusb_bus *bus = c->bus;
	g_rec_mutex_lock(&bus->lock);
	vusb_usbfs_release(c);
	struct bus_dev *d = c->dev;
	if (d) {
		/* drop this client's URBs that the device has not finished */
		for (GList *l = d->urbs.head; l;) {
			GList *next = l->next;
			struct urb *e = l->data;
			if (e->owner == c) {
				if (l == d->urbs.head && d->head_active) {
					vusb_link_cancel(d->link);
					d->head_active = false;
				}
				g_queue_delete_link(&d->urbs, l);
				vusb_urb_free(e);
			}
			l = next;
		}
	}
	struct urb *e;
	while ((e = g_queue_pop_head(&c->reap)))
		vusb_urb_free(e);
	g_rec_mutex_unlock(&bus->lock);
	g_free(c);
}

static struct client *client_get(struct vusb_bus *bus, UMockdevIoctlClient *ioc)
{
	struct client *c = g_object_get_data(G_OBJECT(ioc), "qdfu-client");
	if (c)
		return c;
	c = g_new0(struct client, 1);
	c->bus = bus;
	c->allowed = 0xFFFFFFFFu; /* devio.c interface_allowed_mask: 32 bits */
	struct devnode_ref *ref =
	    g_hash_table_lookup(bus->nodes, umockdev_ioctl_client_get_devnode(ioc));
	if (ref) {
		c->dev = ref->dev;
		c->gen = ref->gen;
	}
	g_object_set_data_full(G_OBJECT(ioc), "qdfu-client", c, client_free);
	return c;
}

bool vusb_client_alive(const struct client *c)
{
	return c->dev && c->dev->present && c->dev->gen == c->gen;
}

/* ------------------------------------------- for the usbfs side */

void vusb_urb_queue(struct bus_dev *d, struct urb *e)
{
	g_queue_push_tail(&d->urbs, e);
	vusb_dev_progress(d);
}

/* usb_kill_urb(): the URB ends with -ENOENT; false if it is not pending */
bool vusb_urb_discard(struct bus_dev *d, const struct client *c, gulong client_addr)
{
	for (GList *l = d->urbs.head; l; l = l->next) {
		struct urb *e = l->data;
		if (e->owner != c || e->u->client_addr != client_addr)
			continue;
		if (l == d->urbs.head && d->head_active) {
			vusb_link_cancel(d->link);
			d->head_active = false;
		}
		g_queue_delete_link(&d->urbs, l);
		log_ctrl(d, e->buf->data, VUSB_REP_DONE, -ENOENT);
		vusb_urb_complete(e, -ENOENT);
		return true;
	}
	return false;
}

void vusb_dev_drain(struct bus_dev *d)
{
	uint64_t deadline = mono_ms() + SYNC_TIMEOUT_MS;
	while (d->urbs.length && mono_ms() < deadline)
		vusb_dev_progress(d);
	if (d->urbs.length)
		fail_all(d, -ETIMEDOUT);
}

/* usb_reset_and_verify_device(): reset, same address, same configuration */
int vusb_dev_reset(struct bus_dev *d)
{
	uint8_t s[8];
	fail_all(d, -ENOENT);
	if (bus_reset(d) < 0)
		return -ENODEV;
	vusb_mk_setup(s, 0x00, 5, (uint16_t)d->devnum, 0, 0);
	int r = control_sync(d, s, NULL);
	if (r >= 0) {
		uint8_t dd[18];
		vusb_mk_setup(s, 0x80, 6, 0x0100, 0, 18);
		r = control_sync(d, s, dd);
	}
	if (r >= 0 && d->config_value) {
		vusb_mk_setup(s, 0x00, 9, d->config_value, 0, 0);
		r = control_sync(d, s, NULL);
	}
	memset(d->cur_alt, 0, sizeof(d->cur_alt));
	return r < 0 ? -ENODEV : 0;
}

void vusb_dev_config_changed(struct bus_dev *d)
{
	char v[8] = "";
	if (d->config_value)
		snprintf(v, sizeof(v), "%u\n", (unsigned)d->config_value);
	umockdev_testbed_set_attribute(d->bus->tb, d->syspath, "bConfigurationValue", v);
}

/* A process that closed its file is only seen gone once umockdev's worker
 * thread has read the end of its socket: run what is pending on that
 * thread's context (this handler's) for a while. Linux releases a file's
 * claims inside close(); without this, the next process's claim could
 * still find the old owner. */
bool vusb_bus_settle(struct vusb_bus *bus, bool (*done)(const void *arg), const void *arg)
{
	GMainContext *ctx = g_main_context_get_thread_default();
	for (unsigned round = 0; round < SETTLE_ROUNDS; round++) {
		if (done(arg))
			return true;
		while (ctx && g_main_context_iteration(ctx, FALSE))
			;
		if (done(arg))
			return true;
		vusb_bus_sleep_unlocked(bus, 1000);
	}
	return done(arg);
}

void vusb_bus_sleep_unlocked(struct vusb_bus *bus, unsigned us)
{
	g_rec_mutex_unlock(&bus->lock);
	g_usleep(us);
	g_rec_mutex_lock(&bus->lock);
}

static gboolean handle_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *ioc, gpointer ud)
{
	struct vusb_bus *bus = ud;
	(void)h;
	g_rec_mutex_lock(&bus->lock);
	vusb_usbfs_ioctl(client_get(bus, ioc), ioc);
	g_rec_mutex_unlock(&bus->lock);
	return TRUE;
}

static gboolean handle_read(UMockdevIoctlBase *h, UMockdevIoctlClient *ioc, gpointer ud)
{
	struct vusb_bus *bus = ud;
	(void)h;
	g_rec_mutex_lock(&bus->lock);
	bool answered = vusb_usbfs_read(client_get(bus, ioc), ioc);
	g_rec_mutex_unlock(&bus->lock);
	return answered;
}

/* ------------------------------------------------------------ API */

struct vusb_bus *vusb_bus_new(UMockdevTestbed *tb, struct vusb_link *links, unsigned n)
{
	struct vusb_bus *bus = g_new0(struct vusb_bus, 1);
	g_rec_mutex_init(&bus->lock);
	bus->tb = tb;
	bus->ndevs = n;
	bus->next_devnum = 2; /* 1 is the root hub */
	bus->devs = g_new0(struct bus_dev, n);
	bus->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	bus->handler = umockdev_ioctl_base_new();
	g_signal_connect(bus->handler, "handle-ioctl", G_CALLBACK(handle_ioctl), bus);
	g_signal_connect(bus->handler, "handle-read", G_CALLBACK(handle_read), bus);
	for (unsigned i = 0; i < n; i++) {
		struct bus_dev *d = &bus->devs[i];
		d->bus = bus;
		d->index = i;
		d->link = &links[i];
		snprintf(d->path, sizeof(d->path), "%u-%u", (unsigned)BUSNUM, (unsigned)(i + 1));
		snprintf(d->syspath, sizeof(d->syspath), "/sys%s/%s", SYSFS_HUB, d->path);
		g_queue_init(&d->urbs);
	}
	return bus;
}

void vusb_bus_free(struct vusb_bus *bus)
{
	if (!bus)
		return;
	g_rec_mutex_lock(&bus->lock);
	for (unsigned i = 0; i < bus->ndevs; i++) {
		struct bus_dev *d = &bus->devs[i];
		struct urb *e;
		while ((e = g_queue_pop_head(&d->urbs)))
			vusb_urb_free(e);
		d->head_active = false;
	}
	g_rec_mutex_unlock(&bus->lock);
	/* clients still open keep a pointer to the bus: the testbed (and
	 * with it every client) must be gone before this point */
	g_object_unref(bus->handler);
	g_hash_table_destroy(bus->nodes);
	g_free(bus->devs);
	g_rec_mutex_clear(&bus->lock);
	g_free(bus);
}

bool vusb_bus_device_event(struct vusb_bus *bus, unsigned i, const struct vusb_event *ev)
{
	if (i >= bus->ndevs)
		return false;
	struct bus_dev *d = &bus->devs[i];
	bool ok = true;
	g_rec_mutex_lock(&bus->lock);
	switch (ev->type) {
	case VUSB_EV_CONNECT:
		if (!d->present)
			attach(d);
		break;
	case VUSB_EV_DISCONNECT:
		detach(d, "disconnected");
		break;
	case VUSB_EV_RESET:
		detach(d, "disconnected");
		vusb_log(d->path, "reset (MCU)");
		break;
	case VUSB_EV_APP:
		detach(d, "disconnected");
		if (ev->reason[0])
			vusb_log(d->path, "start application at 0x%08x (vector table); %s",
			         (unsigned)ev->vtor, ev->reason);
		else
			vusb_log(d->path, "start application at 0x%08x (vector table)",
			         (unsigned)ev->vtor);
		break;
	case VUSB_EV_STAY:
		vusb_log(d->path, "staying in DFU: %s", ev->reason);
		break;
	case VUSB_EV_NOTE:
		vusb_log(d->path, "%s", ev->reason);
		break;
	case VUSB_EV_FAULT:
		/* a driver bug: loud, but the run goes on as the chip would */
		vusb_log(d->path, "hardware rule broken (%u so far): %s", (unsigned)ev->vtor,
		         ev->reason);
		fprintf(stderr, "qdfu-sim: device %s: hardware rule broken: %s\n", d->path,
		        ev->reason);
		break;
	case VUSB_EV_POWER_CUT:
		vusb_log(d->path, "power cut %s", ev->reason);
		detach(d, "disconnected (power cut)");
		break;
	case VUSB_EV_ERROR:
	default:
		vusb_log(d->path, "error: %s", ev->reason);
		fprintf(stderr, "qdfu-sim: device %s: %s\n", d->path, ev->reason);
		ok = false;
		break;
	}
	g_rec_mutex_unlock(&bus->lock);
	return ok;
}

void vusb_bus_device_lost(struct vusb_bus *bus, unsigned i)
{
	if (i >= bus->ndevs)
		return;
	g_rec_mutex_lock(&bus->lock);
	detach(&bus->devs[i], "disconnected (device process ended)");
	g_rec_mutex_unlock(&bus->lock);
}

bool vusb_bus_present(struct vusb_bus *bus, unsigned i)
{
	g_rec_mutex_lock(&bus->lock);
	bool p = i < bus->ndevs && bus->devs[i].present;
	g_rec_mutex_unlock(&bus->lock);
	return p;
}

const char *vusb_bus_path(struct vusb_bus *bus, unsigned i)
{
	return i < bus->ndevs ? bus->devs[i].path : "?";
}
