/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "qh_usb.h"
#include "qh_msos.h"
#include "qh_ops.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DFU_CLASS         0xFE
#define DFU_SUBCLASS      0x01
#define DFU_PROTO_RUNTIME 0x01
#define DFU_PROTO_DFU     0x02
#define DFU_FUNC_DESC     0x21

struct qh_usb {
	libusb_context *ctx;
	int want_guid; /* qh_usb_report_guid() */
};

struct usb_handle {
	libusb_device_handle *h;
	uint8_t intf;
	int claimed;
};

static const char *const udev_hint =
    "install the udev rule: sudo cp host/udev/70-qdfu.rules /etc/udev/rules.d/ && sudo "
    "udevadm control --reload && sudo udevadm trigger, then replug the board (or run as "
    "root)";

static int map_libusb(int rc)
{
	switch (rc) {
	case LIBUSB_ERROR_PIPE:
		return QH_E_PIPE;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_NOT_FOUND:
		return QH_E_NODEV;
	case LIBUSB_ERROR_TIMEOUT:
		return QH_E_TIMEOUT;
	case LIBUSB_ERROR_ACCESS:
		return QH_E_ACCESS;
	case LIBUSB_ERROR_BUSY:
		return QH_E_BUSY;
	case LIBUSB_ERROR_NO_MEM:
		return QH_E_NOMEM;
	default:
		return QH_E_USB;
	}
}

int qh_usb_init(struct qh_usb **u, struct qh_error *e)
{
	struct qh_usb *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	rc = libusb_init(&p->ctx);
	if (rc) {
		free(p);
		qh_fail(e, QH_E_NODEV, "cannot initialise libusb: %s", libusb_strerror(rc));
		qh_hint(e, "is USB available here (/dev/bus/usb)? In a container, pass the USB "
		           "bus through");
		return QH_E_NODEV;
	}
	*u = p;
	return QH_OK;
}

void qh_usb_exit(struct qh_usb *u)
{
	if (!u)
		return;
	libusb_exit(u->ctx);
	free(u);
}

/* ---- transport on a libusb handle ---- */

static int t_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint8_t *data, uint16_t len, unsigned timeout_ms)
{
	struct usb_handle *uh = ctx;
	int rc = libusb_control_transfer(uh->h, type, req, value, index, data, len, timeout_ms);

	return rc < 0 ? map_libusb(rc) : rc;
}

static int t_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct usb_handle *uh = ctx;
	int rc = libusb_set_interface_alt_setting(uh->h, intf, alt);

	return rc < 0 ? map_libusb(rc) : QH_OK;
}

static int t_reset(void *ctx)
{
	struct usb_handle *uh = ctx;
	int rc = libusb_reset_device(uh->h);

	/* After a reset into the application the device is gone: fine. */
	return rc < 0 && rc != LIBUSB_ERROR_NOT_FOUND && rc != LIBUSB_ERROR_NO_DEVICE
	           ? map_libusb(rc)
	           : QH_OK;
}

static uint64_t t_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void t_sleep_ms(void *ctx, unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	(void)ctx;
	nanosleep(&ts, NULL);
}

static const struct qh_transport_ops usb_ops = {
    .control = t_control,
    .set_alt = t_set_alt,
    .reset = t_reset,
    .sleep_ms = t_sleep_ms,
    .now_ms = t_now_ms,
};

/* ---- description ---- */

static void port_path(libusb_device *dev, char *buf, size_t len)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(dev, ports, sizeof(ports));
	size_t used = (size_t)snprintf(buf, len, "%u", libusb_get_bus_number(dev));

	for (int i = 0; i < n && used < len; i++)
		used +=
		    (size_t)snprintf(buf + used, len - used, "%c%u", i == 0 ? '-' : '.', ports[i]);
}

/* The first language the device offers (string descriptor 0), asked once per
 * device: libusb_get_string_descriptor_ascii() asks for it again before every
 * string. 0: none (the device has no strings, or did not answer). */
static uint16_t read_langid(libusb_device_handle *h)
{
	uint8_t b[4];
	int n = libusb_get_string_descriptor(h, 0, 0, b, sizeof(b));

	return n >= 4 && b[0] >= 4 && b[1] == LIBUSB_DT_STRING ? (uint16_t)(b[2] | b[3] << 8) : 0;
}

/* String idx in the first language, as ASCII ('?' for anything else, as
 * libusb does); "" when there is none. */
static void read_string(libusb_device_handle *h, uint16_t langid, uint8_t idx, char *buf,
                        size_t len)
{
	uint8_t d[255];
	size_t k = 0;
	int n;

	buf[0] = '\0';
	if (!idx || !h || !langid)
		return;
	n = libusb_get_string_descriptor(h, idx, langid, d, sizeof(d));
	if (n < 2 || d[1] != LIBUSB_DT_STRING)
		return;
	if (d[0] < n)
		n = d[0];
	for (int i = 2; i + 1 < n && k + 1 < len; i += 2)
		buf[k++] = d[i + 1] || d[i] >= 0x80 ? '?' : (char)d[i];
	buf[k] = '\0';
}

/* Linux reads the manufacturer, product and serial strings when the device
 * enumerates and keeps them in sysfs (lsusb reads them there too): take them
 * from there, with no request to the device, when the sysfs entry at the
 * device's port path is this device (same bus number and address). UTF-8
 * there; each non-ASCII character becomes one '?', as read_string() gives. */
static FILE *sysfs_open(const char *path, const char *attr)
{
	char name[160];

	snprintf(name, sizeof(name), "/sys/bus/usb/devices/%s/%s", path, attr);
	return fopen(name, "r");
}

static int sysfs_uint(const char *path, const char *attr, unsigned *v)
{
	FILE *f = sysfs_open(path, attr);
	int ok = f && fscanf(f, "%u", v) == 1;

	if (f)
		fclose(f);
	return ok;
}

static int sysfs_string(const char *path, const char *attr, char *buf, size_t len)
{
	FILE *f = sysfs_open(path, attr);
	size_t k = 0;
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF && c != '\n' && k + 1 < len) {
		if (c >= 0x80 && c < 0xC0)
			continue; /* the rest of a UTF-8 sequence */
		buf[k++] = c >= 0x80 ? '?' : (char)c;
	}
	buf[k] = '\0';
	fclose(f);
	return 1;
}

static int sysfs_is(const struct qh_dev_info *info)
{
	unsigned bus, dev;

	return sysfs_uint(info->path, "busnum", &bus) && sysfs_uint(info->path, "devnum", &dev) &&
	       bus == info->bus && dev == info->address;
}

/* The device's string idx, which sysfs knows as attr (NULL: not kept
 * there): from sysfs when it is there, else asked of the device, its
 * language read first, once (*langid < 0: not read yet). */
static void device_string(libusb_device_handle *h, const struct qh_dev_info *info, int sysfs,
                          int *langid, uint8_t idx, const char *attr, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!idx || (sysfs && attr && sysfs_string(info->path, attr, buf, len)))
		return;
	if (*langid < 0)
		*langid = read_langid(h);
	read_string(h, (uint16_t)*langid, idx, buf, len);
}

/* The DFU functional descriptor: in the interface's extra bytes, or (some
 * devices) in the configuration's. */
static int find_func_desc(const unsigned char *extra, int len, struct qh_dev_info *info)
{
	for (int i = 0; i + 2 <= len && extra[i] >= 2; i += extra[i]) {
		if (extra[i + 1] == DFU_FUNC_DESC && extra[i] >= 7 && i + extra[i] <= len) {
			info->attrs = extra[i + 2];
			info->detach_timeout = (uint16_t)(extra[i + 3] | extra[i + 4] << 8);
			info->transfer_size = (uint16_t)(extra[i + 5] | extra[i + 6] << 8);
			info->bcd_dfu =
			    extra[i] >= 9 ? (uint16_t)(extra[i + 7] | extra[i + 8] << 8) : 0x0100;
			return 1;
		}
	}
	return 0;
}

/* Fill info from the configuration; returns 1 if the device has a DFU interface. */
static int describe_config(libusb_device *dev, struct qh_dev_info *info, uint8_t istr[])
{
	struct libusb_config_descriptor *cfg;
	int found = 0, have_func = 0;

	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 &&
	    libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return 0;
	for (int i = 0; i < cfg->bNumInterfaces && !found; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];
		for (int a = 0; a < itf->num_altsetting; a++) {
			const struct libusb_interface_descriptor *d = &itf->altsetting[a];
			if (d->bInterfaceClass != DFU_CLASS ||
			    d->bInterfaceSubClass != DFU_SUBCLASS)
				continue;
			if (!found) {
				found = 1;
				info->intf = d->bInterfaceNumber;
				info->kind = d->bInterfaceProtocol == DFU_PROTO_RUNTIME
				                 ? QH_KIND_RUNTIME
				                 : QH_KIND_DFU;
			}
			/* The functional descriptor follows one of the alt settings
			 * (usually the last); like dfu-util, take the first found. */
			if (!have_func)
				have_func = find_func_desc(d->extra, d->extra_length, info);
			if (info->nalts < QH_MAX_ALTS) {
				info->alts[info->nalts].alt = d->bAlternateSetting;
				istr[info->nalts] = d->iInterface;
				info->nalts++;
			}
		}
	}
	if (found && !have_func)
		find_func_desc(cfg->extra, cfg->extra_length, info);
	libusb_free_config_descriptor(cfg);
	return found;
}

static int matches(const struct qh_match *m, const struct qh_dev_info *info)
{
	if (!m)
		return 1;
	if (m->has_vidpid && (m->vid != info->vid || m->pid != info->pid))
		return 0;
	if (m->path && strcmp(m->path, info->path) != 0)
		return 0;
	if (m->serial && strcmp(m->serial, info->serial) != 0)
		return 0;
	return 1;
}

/* qdfu's interface GUID in the device's Microsoft OS 2.0 descriptors (the
 * BOS descriptor, then the set with the vendor code it names, wIndex 7:
 * what Windows asks every USB 2.01 device). */
static int has_qdfu_guid(libusb_device_handle *h, uint16_t bcd_usb)
{
	uint8_t bos[256], set[1024], code = 0;
	uint16_t set_len = 0;
	int n;

	if (bcd_usb < 0x0201)
		return 0;
	n = libusb_get_descriptor(h, LIBUSB_DT_BOS, 0, bos, sizeof(bos));
	if (n <= 0 || !qh_bos_msos20(bos, (size_t)n, &code, &set_len) || set_len == 0)
		return 0;
	if (set_len > sizeof(set))
		set_len = sizeof(set);
	n = libusb_control_transfer(h, 0xC0, code, 0, 7, set, set_len, 1000);
	return n > 0 && qh_msos20_has_guid(set, (size_t)n, QDFU_PROTO_INTERFACE_GUID);
}

static void query_qdfu(libusb_device_handle *h, struct qh_dev_info *info)
{
	struct usb_handle uh = {.h = h, .intf = info->intf};
	struct qh_dev d;

	if (!qh_may_be_qdfu(info))
		return;
	memset(&d, 0, sizeof(d));
	qh_dev_defaults(&d);
	d.ops = &usb_ops;
	d.ctx = &uh;
	d.info = *info;
	d.xfer_timeout_ms = 1000;
	if (qh_qdfu_info(&d, &info->qdfu, NULL) == 0)
		info->has_qdfu_info = 1;
}

/* The speed the kernel saw the device enumerate at (libusb 1.0.26). */
static uint16_t speed_mbps(int speed)
{
	switch (speed) {
	case LIBUSB_SPEED_FULL:
		return 12;
	case LIBUSB_SPEED_HIGH:
		return 480;
	case LIBUSB_SPEED_SUPER:
		return 5000;
	default:
		return 0; /* low speed (no DFU device), unknown */
	}
}

static int describe(struct qh_usb *u, libusb_device *dev, struct qh_found *f)
{
	struct libusb_device_descriptor dd;
	libusb_device_handle *h = NULL;
	uint8_t istr[QH_MAX_ALTS] = {0};
	struct qh_dev_info *info = &f->info;
	int rc;

	memset(f, 0, sizeof(*f));
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return 0;
	info->vid = dd.idVendor;
	info->pid = dd.idProduct;
	info->bcd_device = dd.bcdDevice;
	info->bus = libusb_get_bus_number(dev);
	info->address = libusb_get_device_address(dev);
	info->speed_mbps = speed_mbps(libusb_get_device_speed(dev));
	port_path(dev, info->path, sizeof(info->path));
	if (!describe_config(dev, info, istr))
		return 0;
	rc = libusb_open(dev, &h);
	if (rc == LIBUSB_ERROR_ACCESS)
		f->access_denied = 1;
	if (rc == 0) {
		int sysfs = sysfs_is(info), langid = -1;
		device_string(h, info, sysfs, &langid, dd.iManufacturer, "manufacturer",
		              info->manufacturer, sizeof(info->manufacturer));
		device_string(h, info, sysfs, &langid, dd.iProduct, "product", info->product,
		              sizeof(info->product));
		device_string(h, info, sysfs, &langid, dd.iSerialNumber, "serial", info->serial,
		              sizeof(info->serial));
		for (unsigned i = 0; i < info->nalts; i++)
			device_string(h, info, sysfs, &langid, istr[i], NULL, info->alts[i].name,
			              sizeof(info->alts[i].name));
		/* The GUID names qdfu when the strings do not; `qdfu list` reports
		 * it whatever the strings say. */
		if (info->kind != QH_KIND_RUNTIME && (u->want_guid || !qh_may_be_qdfu(info)))
			info->qdfu_guid = has_qdfu_guid(h, dd.bcdUSB);
		query_qdfu(h, info);
		libusb_close(h);
	}
	qh_classify(info);
	return 1;
}

void qh_usb_report_guid(struct qh_usb *u, int on)
{
	u->want_guid = on;
}

int qh_usb_scan(struct qh_usb *u, const struct qh_match *m, struct qh_found **list, size_t *n,
                struct qh_error *e)
{
	libusb_device **devs;
	ssize_t cnt = libusb_get_device_list(u->ctx, &devs);
	struct qh_found *out;
	size_t k = 0;

	*list = NULL;
	*n = 0;
	if (cnt < 0)
		return qh_fail(e, map_libusb((int)cnt), "cannot list USB devices: %s",
		               libusb_strerror((int)cnt));
	out = calloc((size_t)cnt + 1, sizeof(*out));
	if (!out) {
		libusb_free_device_list(devs, 1);
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	}
	for (ssize_t i = 0; i < cnt; i++) {
		if (describe(u, devs[i], &out[k]) && matches(m, &out[k].info))
			k++;
	}
	libusb_free_device_list(devs, 1);
	*list = out;
	*n = k;
	return QH_OK;
}

int qh_usb_open(struct qh_usb *u, const struct qh_dev_info *info, struct qh_dev *d,
                struct qh_error *e)
{
	libusb_device **devs;
	ssize_t cnt = libusb_get_device_list(u->ctx, &devs);
	libusb_device *dev = NULL;
	struct usb_handle *uh;
	int rc;

	if (cnt < 0)
		return qh_fail(e, map_libusb((int)cnt), "cannot list USB devices");
	for (ssize_t i = 0; i < cnt; i++)
		if (libusb_get_bus_number(devs[i]) == info->bus &&
		    libusb_get_device_address(devs[i]) == info->address)
			dev = devs[i];
	if (!dev) {
		libusb_free_device_list(devs, 1);
		return qh_fail(e, QH_E_NODEV, "device %s disappeared", info->path);
	}
	uh = calloc(1, sizeof(*uh));
	if (!uh) {
		libusb_free_device_list(devs, 1);
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	}
	rc = libusb_open(dev, &uh->h);
	libusb_free_device_list(devs, 1);
	if (rc) {
		free(uh);
		rc = qh_fail(e, map_libusb(rc), "cannot open USB device %s (%04x:%04x): %s",
		             info->path, info->vid, info->pid, libusb_strerror(rc));
		if (rc == QH_E_ACCESS)
			qh_hint(e, "%s", udev_hint);
		return rc;
	}
	uh->intf = info->intf;
	libusb_set_auto_detach_kernel_driver(uh->h, 1);
	rc = libusb_claim_interface(uh->h, info->intf);
	if (rc) {
		libusb_close(uh->h);
		free(uh);
		rc = qh_fail(e, map_libusb(rc), "cannot claim interface %u of %s: %s", info->intf,
		             info->path, libusb_strerror(rc));
		if (rc == QH_E_BUSY)
			qh_hint(e, "another program (dfu-util, STM32CubeProgrammer, another qdfu) "
			           "is using the device; close it and retry");
		else if (rc == QH_E_ACCESS)
			qh_hint(e, "%s", udev_hint);
		return rc;
	}
	uh->claimed = 1;
	memset(d, 0, sizeof(*d));
	qh_dev_defaults(d);
	d->ops = &usb_ops;
	d->ctx = uh;
	d->info = *info;
	return QH_OK;
}

void qh_usb_close(struct qh_dev *d)
{
	struct usb_handle *uh = d->ctx;

	if (!uh)
		return;
	if (uh->claimed)
		libusb_release_interface(uh->h, uh->intf);
	libusb_close(uh->h);
	free(uh);
	d->ctx = NULL;
}

int qh_usb_detach_wait(struct qh_usb *u, const struct qh_dev_info *info, unsigned timeout_ms,
                       struct qh_dev_info *out, struct qh_error *e)
{
	struct qh_dev d;
	uint64_t start;
	int rc = qh_usb_open(u, info, &d, e);

	if (rc)
		return rc;
	rc = qh_op_detach(&d, e);
	qh_usb_close(&d);
	if (rc && rc != QH_E_NODEV)
		return qh_fail(e, rc, "detaching %s into DFU mode failed", info->path);
	start = t_now_ms(NULL);
	while (t_now_ms(NULL) - start < timeout_ms) {
		struct qh_found *list;
		size_t n;
		t_sleep_ms(NULL, 100);
		if (qh_usb_scan(u, NULL, &list, &n, NULL) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct qh_dev_info *c = &list[i].info;
			int same = info->serial[0] ? strcmp(c->serial, info->serial) == 0
			                           : strcmp(c->path, info->path) == 0;
			if (same && c->kind != QH_KIND_RUNTIME) {
				*out = *c;
				free(list);
				return QH_OK;
			}
		}
		free(list);
	}
	qh_fail(e, QH_E_NODEV, "%s was detached but did not come back in DFU mode within %u ms",
	        info->path, timeout_ms);
	qh_hint(e, "start the bootloader by hand (hold the DFU/BOOT button while resetting) "
	           "and retry");
	return QH_E_NODEV;
}
