/* SPDX-License-Identifier: MIT */
/*
 * Inside the virtual bus: what vusb_bus.c (enumeration, sysfs, the EP0 URB
 * queue) shares with vusb_usbfs.c (the usbdevfs file operations). Not for
 * other users.
 */
#ifndef QDFU_SIM_VUSB_BUS_PRIV_H
#define QDFU_SIM_VUSB_BUS_PRIV_H

#include <stdint.h>

#include "sim/vusb/vusb_bus.h"
#include "sim/vusb/vusb_ctrl.h"
#include "sim/vusb/vusb_desc.h"

/* Interface numbers a client can claim: devio.c keeps them in an unsigned
 * long (64 bits here); larger numbers get EINVAL. */
#define VUSB_MAX_IFNUM 64u

struct bus_dev;

/* One open file of a device node (devio.c struct usb_dev_state). */
struct client {
	struct vusb_bus *bus;
	struct bus_dev *dev;
	unsigned gen;       /* device generation this fd was opened on */
	GQueue reap;        /* struct urb*, completed */
	uint64_t ifclaimed; /* interfaces this file claimed */
	uint32_t allowed;   /* USBDEVFS_DROP_PRIVILEGES mask */
	bool dropped;
	unsigned discsignr;
};

struct urb {
	UMockdevIoctlData *u;   /* struct usbdevfs_urb in the client */
	UMockdevIoctlData *buf; /* its buffer: setup + data */
	struct client *owner;
};

struct bus_dev {
	struct vusb_bus *bus;
	unsigned index;
	struct vusb_link *link;
	char path[16];    /* "1-1" */
	char syspath[96]; /* /sys/devices/.../1-1 */
	char devnode[32]; /* /dev/bus/usb/001/002 */
	unsigned devnum;
	unsigned gen; /* bumped at every publish and removal */
	bool present;
	bool high_speed; /* what the last bus reset enumerated at */
	uint8_t ddesc[18];
	uint8_t cdesc[4096];
	uint16_t cdesc_len;
	char manufacturer[128], product[128], serial[128];
	GQueue urbs; /* struct urb*, head possibly in flight */
	bool head_active;
	/* the kernel's view of the device (usb_device, actconfig) */
	struct vusb_config cfg;
	uint8_t config_value;                 /* 0: address state */
	uint8_t cur_alt[VUSB_MAX_IFNUM];      /* per interface number */
	struct client *owner[VUSB_MAX_IFNUM]; /* usbfs claims */
};

struct vusb_bus {
	GRecMutex lock;
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	struct bus_dev *devs;
	unsigned ndevs;
	unsigned next_devnum;
	GHashTable *nodes; /* devnode -> struct devnode_ref* */
};

/* vusb_bus.c */
/* A whole control transfer outside the URB queue (usb_control_msg),
 * waiting while the device NAKs: at most timeout_ms of real time, 0 for no
 * limit. Returns the data length or -errno. */
int vusb_dev_control(struct bus_dev *d, const uint8_t s[8], uint8_t *data, unsigned timeout_ms);
/* Serve the EP0 URB queue until its head is in flight. */
void vusb_dev_progress(struct bus_dev *d);
/* Finish every queued URB first (EP0 serves one transfer at a time). */
void vusb_dev_drain(struct bus_dev *d);
/* Queue / end URBs. */
void vusb_urb_queue(struct bus_dev *d, struct urb *e);
void vusb_urb_complete(struct urb *e, int result);
void vusb_urb_free(struct urb *e);
bool vusb_urb_discard(struct bus_dev *d, const struct client *c, gulong client_addr);
/* Reset the port, address and descriptors again, as usb_reset_device(). */
int vusb_dev_reset(struct bus_dev *d);
/* sysfs bConfigurationValue follows the configuration. */
void vusb_dev_config_changed(struct bus_dev *d);
bool vusb_client_alive(const struct client *c);
void vusb_bus_sleep_unlocked(struct vusb_bus *bus, unsigned us);
/* Let umockdev notice files closed by now (their claims go); true as soon
 * as done(arg), false if still not after about 50 ms. */
bool vusb_bus_settle(struct vusb_bus *bus, bool (*done)(const void *arg), const void *arg);

/* vusb_usbfs.c: the device node's file operations */
void vusb_usbfs_ioctl(struct client *c, UMockdevIoctlClient *ioc);
/* true if answered; false: umockdev runs the real read() on the node file */
bool vusb_usbfs_read(struct client *c, UMockdevIoctlClient *ioc);
void vusb_usbfs_release(struct client *c);

#endif
