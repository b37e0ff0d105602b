/* SPDX-License-Identifier: MIT */
/*
 * The usbdevfs device node of a virtual device, answered the way Linux
 * answers it (drivers/usb/core/devio.c: usbdev_read, usbdev_do_ioctl and
 * the proc_* functions; usb_set_interface, usb_set_configuration and
 * usb_reset_device in message.c / hub.c). Every ioctl the usbfs
 * documentation lists has a row in the table below with the kernel's checks
 * and error codes; anything else gets the kernel's ENOTTY and a log line.
 *
 * What is not emulated, and answered as a kernel with that feature missing
 * would: mmap'ed URB buffers (no USBDEVFS_CAP_MMAP), scatter-gather (no
 * USBDEVFS_CAP_BULK_SCATTER_GATHER), runtime suspend (no
 * USBDEVFS_CAP_SUSPEND), bulk/interrupt/isochronous data (qdfu devices
 * have EP0 only, so those requests fail the endpoint lookup as they would
 * on the real device), and the disconnect signal (accepted, logged, never
 * sent).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/ioctl.h> /* before usbdevice_fs.h */
#include <linux/usbdevice_fs.h>

#include "sim/vusb/vusb_bus_priv.h"
#include "sim/vusb/vusb_log.h"

/* devio.c: hard limit on a URB's buffer (avoids arithmetic overflow) */
#define USBFS_XFER_MAX (0xFFFFFFFFu / 2u - 1000000u)
/* devio.c do_proc_control: wLength above PAGE_SIZE is refused */
#define USBFS_CTRL_MAX 4096u
/* usb_control_msg timeout the kernel uses for its own requests */
#define KERNEL_CTRL_TIMEOUT_MS 5000u
/* include/uapi/linux/usb/ch9.h enum usb_device_speed */
#define SPEED_FULL 2
#define SPEED_HIGH 3

#define RT_TYPE_MASK   0x60u
#define RT_TYPE_VENDOR 0x40u
#define RT_RECIP_MASK  0x1Fu
#define RT_RECIP_IFACE 1u
#define RT_RECIP_EP    2u

struct call {
	struct client *c;
	struct bus_dev *d;
	UMockdevIoctlData *arg;
	unsigned long req;
	UMockdevIoctlData *held[3]; /* resolved client memory, written back at completion */
	unsigned want;              /* the interface a claim waits for */
	unsigned nheld;
};

typedef long (*usbfs_fn)(struct call *k);

struct usbfs_op {
	unsigned long req;
	const char *name;
	usbfs_fn fn;
	bool after_disconnect; /* devio.c serves the reap requests without a device */
};

/* ------------------------------------------------------------ helpers */

/* Client memory at *arg + offset (the pointer stored in the argument). */
static void *client_mem(struct call *k, UMockdevIoctlData *from, gsize offset, gsize len)
{
	GError *err = NULL;
	if (k->nheld == G_N_ELEMENTS(k->held))
		return NULL;
	UMockdevIoctlData *m = umockdev_ioctl_data_resolve(from, offset, len, &err);
	if (!m) {
		g_clear_error(&err);
		return NULL;
	}
	k->held[k->nheld++] = m;
	return m->data;
}

/* The structure the ioctl argument points to. */
static void *arg_struct(struct call *k, gsize len)
{
	return client_mem(k, k->arg, 0, len);
}

static UMockdevIoctlData *last_held(struct call *k)
{
	return k->held[k->nheld - 1];
}

static void release_held(struct call *k)
{
	while (k->nheld)
		g_object_unref(k->held[--k->nheld]);
}

static uint64_t bit(unsigned ifnum)
{
	return (uint64_t)1 << ifnum;
}

static bool configured(const struct bus_dev *d)
{
	return d->config_value != 0;
}

static const struct vusb_iface *iface_of(const struct bus_dev *d, unsigned ifnum)
{
	return configured(d) ? vusb_desc_iface(&d->cfg, ifnum) : NULL;
}

/* devio.c findintfep() */
static long findintfep(const struct bus_dev *d, unsigned ep)
{
	if (ep & ~(0x80u | 0x0Fu))
		return -EINVAL;
	if (!configured(d))
		return -ESRCH;
	int i = vusb_desc_ep_iface(&d->cfg, ep);
	return i < 0 ? -ENOENT : i;
}

/* usb_unbind_interface(): an interface left at a non-zero alternate
 * setting is put back to 0 when its driver lets go. */
static void unbind(struct bus_dev *d, unsigned ifnum)
{
	struct client *owner = d->owner[ifnum];
	if (owner)
		owner->ifclaimed &= ~bit(ifnum);
	d->owner[ifnum] = NULL;
	if (!d->present || d->cur_alt[ifnum] == 0)
		return;
	uint8_t s[8];
	vusb_mk_setup(s, 0x01, 11, 0, (uint16_t)ifnum, 0);
	vusb_dev_drain(d);
	if (vusb_dev_control(d, s, NULL, KERNEL_CTRL_TIMEOUT_MS) >= 0)
		d->cur_alt[ifnum] = 0;
}

static bool iface_free(const void *arg)
{
	const struct call *k = arg;
	return k->d->owner[k->want] == NULL;
}

static bool nothing_claimed(const void *arg)
{
	const struct call *k = arg;
	for (unsigned i = 0; i < VUSB_MAX_IFNUM; i++)
		if (k->d->owner[i])
			return false;
	return true;
}

/* devio.c claimintf() */
static long claimintf(struct call *k, unsigned ifnum)
{
	struct bus_dev *d = k->d;
	if (ifnum >= VUSB_MAX_IFNUM)
		return -EINVAL;
	if (k->c->ifclaimed & bit(ifnum))
		return 0;
	if (k->c->dropped && !(k->c->allowed & bit(ifnum)))
		return -EACCES;
	if (!iface_of(d, ifnum))
		return -ENOENT;
	k->want = ifnum;
	if (!vusb_bus_settle(k->c->bus, iface_free, k))
		return -EBUSY; /* usb_driver_claim_interface: already bound */
	d->owner[ifnum] = k->c;
	k->c->ifclaimed |= bit(ifnum);
	return 0;
}

/* devio.c releaseintf() */
static long releaseintf(struct client *c, unsigned ifnum)
{
	if (ifnum >= VUSB_MAX_IFNUM)
		return -EINVAL;
	if (!iface_of(c->dev, ifnum))
		return -ENOENT;
	if (!(c->ifclaimed & bit(ifnum)))
		return -EINVAL;
	unbind(c->dev, ifnum);
	return 0;
}

/* devio.c checkintf(): using an interface claims it if nobody has */
static long checkintf(struct call *k, unsigned ifnum)
{
	if (!configured(k->d))
		return -EHOSTUNREACH;
	if (ifnum >= VUSB_MAX_IFNUM)
		return -EINVAL;
	if (k->c->ifclaimed & bit(ifnum))
		return 0;
	vusb_log(k->d->path, "usbfs: interface %u used before it was claimed", ifnum);
	return claimintf(k, ifnum);
}

/* devio.c check_ctrlrecip() (the device is always addressed here) */
static long check_ctrlrecip(struct call *k, unsigned type, unsigned index)
{
	if ((type & RT_TYPE_MASK) == RT_TYPE_VENDOR)
		return 0;
	index &= 0xFFu;
	if ((type & RT_RECIP_MASK) == RT_RECIP_IFACE)
		return checkintf(k, index);
	if ((type & RT_RECIP_MASK) != RT_RECIP_EP || (index & ~0x80u) == 0)
		return 0;
	long r = findintfep(k->d, index);
	if (r < 0)
		r = findintfep(k->d, index ^ 0x80u); /* Windows apps' wrong direction */
	return r < 0 ? r : checkintf(k, (unsigned)r);
}

static long unsigned_arg(struct call *k, unsigned *v)
{
	unsigned *p = arg_struct(k, sizeof(*p));
	if (!p)
		return -EFAULT;
	*v = *p;
	return 0;
}

/* ------------------------------------------------------- transfers */

static long op_control(struct call *k)
{
	struct usbdevfs_ctrltransfer *ct = arg_struct(k, sizeof(*ct));
	if (!ct)
		return -EFAULT;
	long r = check_ctrlrecip(k, ct->bRequestType, ct->wIndex);
	if (r)
		return r;
	if (ct->wLength > USBFS_CTRL_MAX)
		return -EINVAL;
	uint8_t *data = NULL;
	if (ct->wLength) {
		data = client_mem(k, last_held(k),
		                  G_STRUCT_OFFSET(struct usbdevfs_ctrltransfer, data), ct->wLength);
		if (!data)
			return -EFAULT;
	}
	uint8_t s[8];
	vusb_mk_setup(s, ct->bRequestType, ct->bRequest, ct->wValue, ct->wIndex, ct->wLength);
	vusb_dev_drain(k->d);
	return vusb_dev_control(k->d, s, data, ct->timeout);
}

/* Bulk and interrupt endpoints: the lookup fails as on the device (a DFU
 * interface has none); a configuration that declares some is not served. */
static long no_data_endpoints(struct call *k, unsigned ep)
{
	long r = findintfep(k->d, ep);
	if (r < 0)
		return r;
	r = checkintf(k, (unsigned)r);
	if (r)
		return r;
	vusb_log(k->d->path, "usbfs: endpoint 0x%02x transfers are not emulated", ep);
	return -EINVAL;
}

static long op_bulk(struct call *k)
{
	struct usbdevfs_bulktransfer *b = arg_struct(k, sizeof(*b));
	return b ? no_data_endpoints(k, b->ep) : -EFAULT;
}

static long op_resetep(struct call *k)
{
	unsigned ep;
	long r = unsigned_arg(k, &ep);
	if (r)
		return r;
	r = findintfep(k->d, ep);
	return r < 0 ? r : checkintf(k, (unsigned)r);
}

static long op_clear_halt(struct call *k)
{
	unsigned ep;
	long r = unsigned_arg(k, &ep);
	if (r)
		return r;
	r = findintfep(k->d, ep);
	if (r >= 0)
		r = checkintf(k, (unsigned)r);
	if (r)
		return r;
	uint8_t s[8]; /* usb_clear_halt(): CLEAR_FEATURE(ENDPOINT_HALT) */
	vusb_mk_setup(s, 0x02, 1, 0, (uint16_t)ep, 0);
	vusb_dev_drain(k->d);
	r = vusb_dev_control(k->d, s, NULL, KERNEL_CTRL_TIMEOUT_MS);
	return r < 0 ? r : 0;
}

/* devio.c proc_do_submiturb(), control URBs on EP0 */
static long submit_checks(struct call *k, const struct usbdevfs_urb *urb)
{
	unsigned mask = USBDEVFS_URB_SHORT_NOT_OK | USBDEVFS_URB_BULK_CONTINUATION |
	                USBDEVFS_URB_NO_FSBR | USBDEVFS_URB_ZERO_PACKET | USBDEVFS_URB_NO_INTERRUPT;
	if (urb->type == USBDEVFS_URB_TYPE_ISO)
		mask |= USBDEVFS_URB_ISO_ASAP;
	if (urb->flags & ~mask)
		return -EINVAL;
	if ((unsigned)urb->buffer_length >= USBFS_XFER_MAX ||
	    (urb->buffer_length > 0 && !urb->buffer))
		return -EINVAL;
	if (!(urb->type == USBDEVFS_URB_TYPE_CONTROL && (urb->endpoint & ~0x80u) == 0))
		return no_data_endpoints(k, urb->endpoint);
	return urb->buffer_length < 8 ? -EINVAL : 0;
}

static long op_submiturb(struct call *k)
{
	struct usbdevfs_urb *urb = arg_struct(k, sizeof(*urb));
	if (!urb)
		return -EFAULT;
	long r = submit_checks(k, urb);
	if (r)
		return r;
	/* setup + at most 64 KiB of data: wLength is 16 bits */
	UMockdevIoctlData *u = last_held(k);
	gsize len =
	    (unsigned)urb->buffer_length < 8u + 0xFFFFu ? (gsize)urb->buffer_length : 8u + 0xFFFFu;
	const uint8_t *s = client_mem(k, u, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), len);
	if (!s)
		return -EFAULT;
	unsigned wlength = s[6] | (s[7] << 8);
	if ((unsigned)urb->buffer_length < wlength + 8u)
		return -EINVAL;
	r = check_ctrlrecip(k, s[0], s[4] | (s[5] << 8));
	if (r)
		return r;
	struct urb *e = g_new0(struct urb, 1);
	e->buf = g_object_ref(last_held(k));
	e->u = g_object_ref(u);
	e->owner = k->c;
	vusb_urb_queue(k->d, e);
	return 0;
}

static long op_discardurb(struct call *k)
{
	gulong addr = *(gulong *)k->arg->data;
	return vusb_urb_discard(k->d, k->c, addr) ? 0 : -EINVAL;
}

/* Hand a completed URB to the client: *arg = its address. */
static long give_urb(struct call *k, struct urb *e)
{
	gpointer *p = arg_struct(k, sizeof(gpointer));
	if (!p) {
		g_queue_push_head(&k->c->reap, e);
		return -EFAULT;
	}
	umockdev_ioctl_data_set_ptr(last_held(k), 0, e->u);
	vusb_urb_free(e);
	return 0;
}

static bool has_pending(const struct client *c)
{
	if (!vusb_client_alive(c))
		return false;
	for (GList *l = c->dev->urbs.head; l; l = l->next)
		if (((struct urb *)l->data)->owner == c)
			return true;
	return false;
}

static long op_reapurbndelay(struct call *k)
{
	if (vusb_client_alive(k->c))
		vusb_dev_progress(k->d);
	struct urb *e = g_queue_pop_head(&k->c->reap);
	if (e)
		return give_urb(k, e);
	if (!vusb_client_alive(k->c))
		return -ENODEV;
	/* The node is a plain file here, always "ready": libusb spins poll +
	 * reap while the device NAKs. */
	if (has_pending(k->c))
		vusb_bus_sleep_unlocked(k->c->bus, 500);
	return -EAGAIN;
}

/* devio.c proc_reapurb(): sleeps until an URB completes or the device goes */
static long op_reapurb(struct call *k)
{
	for (;;) {
		if (vusb_client_alive(k->c))
			vusb_dev_progress(k->d);
		struct urb *e = g_queue_pop_head(&k->c->reap);
		if (e)
			return give_urb(k, e);
		if (!vusb_client_alive(k->c))
			return -ENODEV;
		if (!has_pending(k->c)) {
			vusb_log(k->d->path,
			         "usbfs: REAPURB with nothing submitted would sleep until "
			         "a signal: answered EINTR");
			return -EINTR;
		}
		vusb_bus_sleep_unlocked(k->c->bus, 500);
	}
}

/* ------------------------------------------------ interfaces, config */

static long op_claim(struct call *k)
{
	unsigned ifnum;
	long r = unsigned_arg(k, &ifnum);
	return r ? r : claimintf(k, ifnum);
}

static long op_release(struct call *k)
{
	unsigned ifnum;
	long r = unsigned_arg(k, &ifnum);
	return r ? r : releaseintf(k->c, ifnum);
}

/* proc_setintf() + usb_set_interface() */
static long op_setinterface(struct call *k)
{
	struct usbdevfs_setinterface *si = arg_struct(k, sizeof(*si));
	if (!si)
		return -EFAULT;
	long r = checkintf(k, si->interface);
	if (r)
		return r;
	const struct vusb_iface *i = iface_of(k->d, si->interface);
	if (!vusb_desc_has_alt(i, si->altsetting)) {
		vusb_log(k->d->path, "usbfs: interface %u has no alternate setting %u",
		         si->interface, si->altsetting);
		return -EINVAL;
	}
	uint8_t s[8];
	vusb_mk_setup(s, 0x01, 11, (uint16_t)si->altsetting, (uint16_t)si->interface, 0);
	vusb_dev_drain(k->d);
	r = vusb_dev_control(k->d, s, NULL, KERNEL_CTRL_TIMEOUT_MS);
	/* a stalled SET_INTERFACE is fine when there is only one setting
	 * (USB 2.0 9.4.10; message.c "manual" reset) */
	if (r == -EPIPE && i->nalts == 1)
		r = 0;
	if (r < 0)
		return r;
	k->d->cur_alt[si->interface] = (uint8_t)si->altsetting;
	return 0;
}

/* proc_setconfig(): refused while any interface is claimed; the current
 * value again is usb_reset_configuration() */
static long op_setconfiguration(struct call *k)
{
	struct bus_dev *d = k->d;
	int *v = arg_struct(k, sizeof(*v));
	if (!v)
		return -EFAULT;
	if (configured(d) && !vusb_bus_settle(k->c->bus, nothing_claimed, k)) {
		vusb_log(d->path, "usbfs: an interface is claimed while setting config #%d", *v);
		return -EBUSY;
	}
	int value = *v == -1 ? 0 : *v;
	if (value != 0 && value != d->cfg.value)
		return -EINVAL; /* usb_set_configuration: no such configuration */
	uint8_t s[8];
	vusb_mk_setup(s, 0x00, 9, (uint16_t)value, 0, 0);
	vusb_dev_drain(d);
	long r = vusb_dev_control(d, s, NULL, KERNEL_CTRL_TIMEOUT_MS);
	memset(d->cur_alt, 0, sizeof(d->cur_alt));
	d->config_value = r < 0 ? 0 : (uint8_t)value;
	vusb_dev_config_changed(d);
	return r < 0 ? r : 0;
}

static long op_getdriver(struct call *k)
{
	struct usbdevfs_getdriver *gd = arg_struct(k, sizeof(*gd));
	if (!gd)
		return -EFAULT;
	if (gd->interface >= VUSB_MAX_IFNUM || !iface_of(k->d, gd->interface) ||
	    !k->d->owner[gd->interface])
		return -ENODATA;
	snprintf(gd->driver, sizeof(gd->driver), "usbfs");
	return 0;
}

/* proc_disconnect_claim(): drop the bound driver (usbfs here), then claim */
static long op_disconnect_claim(struct call *k)
{
	struct usbdevfs_disconnect_claim *dc = arg_struct(k, sizeof(*dc));
	if (!dc)
		return -EFAULT;
	if (dc->interface >= VUSB_MAX_IFNUM || !iface_of(k->d, dc->interface))
		return -EINVAL;
	if (k->d->owner[dc->interface]) {
		bool named = strncmp(dc->driver, "usbfs", sizeof(dc->driver)) == 0;
		if (k->c->dropped)
			return -EACCES;
		if (((dc->flags & USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && !named) ||
		    ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && named))
			return -EBUSY;
		unbind(k->d, dc->interface);
	}
	return claimintf(k, dc->interface);
}

/* proc_ioctl(): requests to the interface's kernel driver */
static long op_ioctl(struct call *k)
{
	struct usbdevfs_ioctl *io = arg_struct(k, sizeof(*io));
	if (!io)
		return -EFAULT;
	if (k->c->dropped)
		return -EACCES;
	unsigned size = _IOC_SIZE((unsigned)io->ioctl_code);
	if (size && (_IOC_DIR((unsigned)io->ioctl_code) & _IOC_WRITE) &&
	    !client_mem(k, last_held(k), G_STRUCT_OFFSET(struct usbdevfs_ioctl, data), size))
		return -EFAULT;
	if (!configured(k->d))
		return -EHOSTUNREACH;
	if (io->ifno < 0 || !iface_of(k->d, (unsigned)io->ifno))
		return -EINVAL;
	bool bound = io->ifno < (int)VUSB_MAX_IFNUM && k->d->owner[io->ifno];
	if ((unsigned)io->ioctl_code == USBDEVFS_DISCONNECT) {
		if (!bound)
			return -ENODATA; /* no kernel driver: DFU has none */
		unbind(k->d, (unsigned)io->ifno);
		return 0;
	}
	if ((unsigned)io->ioctl_code == USBDEVFS_CONNECT)
		return bound ? -EBUSY : 0; /* device_attach(): no driver matches */
	return -ENOTTY;                    /* usbfs has no driver ioctls */
}

/* proc_resetdevice() + usb_reset_device(): usbfs has no pre/post_reset, so
 * every usbfs claim on the device is dropped around the reset */
static long op_reset(struct call *k)
{
	struct bus_dev *d = k->d;
	for (unsigned i = 0; k->c->dropped && i < VUSB_MAX_IFNUM; i++)
		if (d->owner[i] && d->owner[i] != k->c)
			return -EACCES;
	for (unsigned i = 0; i < VUSB_MAX_IFNUM; i++)
		if (d->owner[i])
			unbind(d, i);
	return vusb_dev_reset(d);
}

/* --------------------------------------------------- information */

static long op_connectinfo(struct call *k)
{
	struct usbdevfs_connectinfo *ci = arg_struct(k, sizeof(*ci));
	if (!ci)
		return -EFAULT;
	memset(ci, 0, sizeof(*ci));
	ci->devnum = k->d->devnum;
	ci->slow = 0; /* full or high speed, never low */
	return 0;
}

static long op_conninfo_ex(struct call *k)
{
	unsigned size = _IOC_SIZE(k->req);
	if (size < sizeof(uint32_t))
		return -EINVAL;
	struct usbdevfs_conninfo_ex ci;
	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.busnum = 1;
	ci.devnum = k->d->devnum;
	ci.speed = k->d->high_speed ? SPEED_HIGH : SPEED_FULL;
	ci.num_ports = 1;
	ci.ports[0] = (uint8_t)(k->d->index + 1);
	void *p = arg_struct(k, size < sizeof(ci) ? size : sizeof(ci));
	if (!p)
		return -EFAULT;
	memcpy(p, &ci, size < sizeof(ci) ? size : sizeof(ci));
	return 0;
}

static long op_get_speed(struct call *k)
{
	return k->d->high_speed ? SPEED_HIGH : SPEED_FULL;
}

static long op_get_capabilities(struct call *k)
{
	uint32_t *caps = arg_struct(k, sizeof(*caps));
	if (!caps)
		return -EFAULT;
	*caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
	        USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_DROP_PRIVILEGES |
	        USBDEVFS_CAP_CONNINFO_EX | USBDEVFS_CAP_BULK_CONTINUATION;
	return 0;
}

/* ------------------------------------------------------- the rest */

static long op_discsignal(struct call *k)
{
	struct usbdevfs_disconnectsignal *ds = arg_struct(k, sizeof(*ds));
	if (!ds)
		return -EFAULT;
	k->c->discsignr = ds->signr;
	if (ds->signr)
		vusb_log(k->d->path,
		         "usbfs: DISCSIGNAL %u accepted; no signal is sent at disconnect",
		         ds->signr);
	return 0;
}

/* usb_hub_claim_port(): only hubs have ports */
static long op_port(struct call *k)
{
	unsigned port;
	long r = unsigned_arg(k, &port);
	return r ? r : -EINVAL;
}

/* parse_usbdevfs_streams(): EP0 fails the endpoint lookup, other endpoints
 * do not exist (and this host controller has no streams) */
static long op_streams(struct call *k)
{
	/* the header and the first endpoint in one read: umockdev hands out
	 * one copy per pointer, and the kernel stops at the first bad one */
	const uint8_t *p = arg_struct(k, sizeof(struct usbdevfs_streams) + 1u);
	if (!p)
		return -EFAULT;
	const struct usbdevfs_streams *st = (const void *)p;
	if (st->num_eps < 1 || st->num_eps > 30)
		return -EINVAL;
	if (k->req == USBDEVFS_ALLOC_STREAMS && (st->num_streams < 2 || st->num_streams > 65536))
		return -EINVAL;
	unsigned ep = p[sizeof(*st)];
	return (ep & 0x0Fu) ? -EINVAL : findintfep(k->d, ep);
}

static long op_drop_privileges(struct call *k)
{
	uint32_t *mask = arg_struct(k, sizeof(*mask));
	if (!mask)
		return -EFAULT;
	k->c->allowed &= *mask;
	k->c->dropped = true;
	return 0;
}

static long op_zero(struct call *k)
{
	(void)k;
	return 0;
}

static long op_wait_for_resume(struct call *k)
{
	vusb_log(k->d->path, "usbfs: WAIT_FOR_RESUME: the device never suspends; answered EINTR");
	return -EINTR;
}

static const struct usbfs_op ops[] = {
    {USBDEVFS_REAPURB, "REAPURB", op_reapurb, true},
    {USBDEVFS_REAPURBNDELAY, "REAPURBNDELAY", op_reapurbndelay, true},
    {USBDEVFS_CONTROL, "CONTROL", op_control, false},
    {USBDEVFS_BULK, "BULK", op_bulk, false},
    {USBDEVFS_RESETEP, "RESETEP", op_resetep, false},
    {USBDEVFS_RESET, "RESET", op_reset, false},
    {USBDEVFS_CLEAR_HALT, "CLEAR_HALT", op_clear_halt, false},
    {USBDEVFS_GETDRIVER, "GETDRIVER", op_getdriver, false},
    {USBDEVFS_CONNECTINFO, "CONNECTINFO", op_connectinfo, false},
    {USBDEVFS_SETINTERFACE, "SETINTERFACE", op_setinterface, false},
    {USBDEVFS_SETCONFIGURATION, "SETCONFIGURATION", op_setconfiguration, false},
    {USBDEVFS_SUBMITURB, "SUBMITURB", op_submiturb, false},
    {USBDEVFS_DISCARDURB, "DISCARDURB", op_discardurb, false},
    {USBDEVFS_DISCSIGNAL, "DISCSIGNAL", op_discsignal, false},
    {USBDEVFS_CLAIMINTERFACE, "CLAIMINTERFACE", op_claim, false},
    {USBDEVFS_RELEASEINTERFACE, "RELEASEINTERFACE", op_release, false},
    {USBDEVFS_IOCTL, "IOCTL", op_ioctl, false},
    {USBDEVFS_CLAIM_PORT, "CLAIM_PORT", op_port, false},
    {USBDEVFS_RELEASE_PORT, "RELEASE_PORT", op_port, false},
    {USBDEVFS_GET_CAPABILITIES, "GET_CAPABILITIES", op_get_capabilities, false},
    {USBDEVFS_DISCONNECT_CLAIM, "DISCONNECT_CLAIM", op_disconnect_claim, false},
    {USBDEVFS_ALLOC_STREAMS, "ALLOC_STREAMS", op_streams, false},
    {USBDEVFS_FREE_STREAMS, "FREE_STREAMS", op_streams, false},
    {USBDEVFS_DROP_PRIVILEGES, "DROP_PRIVILEGES", op_drop_privileges, false},
    {USBDEVFS_GET_SPEED, "GET_SPEED", op_get_speed, false},
    {USBDEVFS_FORBID_SUSPEND, "FORBID_SUSPEND", op_zero, false},
    {USBDEVFS_ALLOW_SUSPEND, "ALLOW_SUSPEND", op_zero, false},
    {USBDEVFS_WAIT_FOR_RESUME, "WAIT_FOR_RESUME", op_wait_for_resume, false},
    /* variable length: matched without its size field */
    {USBDEVFS_CONNINFO_EX(0), "CONNINFO_EX", op_conninfo_ex, false},
};

static const struct usbfs_op *find_op(unsigned long req)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ops); i++)
		if (ops[i].req == req ||
		    (ops[i].req == USBDEVFS_CONNINFO_EX(0) &&
		     (req & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) == ops[i].req))
			return &ops[i];
	return NULL;
}

void vusb_usbfs_ioctl(struct client *c, UMockdevIoctlClient *ioc)
{
	struct call k = {.c = c, .d = c->dev};
	k.req = umockdev_ioctl_client_get_request(ioc);
	k.arg = umockdev_ioctl_client_get_arg(ioc);
	const struct usbfs_op *op = find_op(k.req);
	long r;
	if (!op) {
		/* usbdev_do_ioctl()'s default */
		vusb_log(c->dev ? c->dev->path : "?", "usbfs: unknown ioctl 0x%lx: ENOTTY", k.req);
		fprintf(stderr, "qdfu-sim: unknown usbdevfs ioctl 0x%lx (answered ENOTTY)\n",
		        k.req);
		r = -ENOTTY;
	} else if (!c->dev || (!op->after_disconnect && !vusb_client_alive(c))) {
		r = -ENODEV;
	} else {
		r = op->fn(&k);
		/* refusals in the log (not the EAGAIN of every poll) */
		if (r < 0 && r != -EAGAIN)
			vusb_log(c->dev->path, "usbfs: %s -> %s", op->name,
			         strerrorname_np((int)-r));
	}
	umockdev_ioctl_client_complete(ioc, r < 0 ? -1 : r, r < 0 ? (int)-r : 0);
	release_held(&k);
}

bool vusb_usbfs_read(struct client *c, UMockdevIoctlClient *ioc)
{
	/* usbdev_read(): the node file holds the descriptors (the real read
	 * serves them, with the file position); a gone device is ENODEV */
	if (vusb_client_alive(c))
		return false;
	umockdev_ioctl_client_complete(ioc, -1, ENODEV);
	return true;
}

void vusb_usbfs_release(struct client *c)
{
	/* usbdev_release(): every interface this file claimed is released */
	for (unsigned i = 0; c->ifclaimed && i < VUSB_MAX_IFNUM; i++) {
		if (!(c->ifclaimed & bit(i)))
			continue;
		if (vusb_client_alive(c))
			unbind(c->dev, i);
		else if (c->dev && c->dev->owner[i] == c)
			c->dev->owner[i] = NULL;
		c->ifclaimed &= ~bit(i);
	}
}
