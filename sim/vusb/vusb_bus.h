/* SPDX-License-Identifier: MIT */
/*
 * What the Linux kernel would do for our devices, on a umockdev testbed:
 * enumerate a device when it connects (reset, descriptors, address,
 * configuration), publish it in sysfs and /dev/bus/usb (uevent "add"),
 * serve reads and usbdevfs ioctls on its node (vusb_usbfs.c), and remove it
 * (uevent "remove") when it disconnects. Bus 1, device i at port 1-(i+1).
 *
 * URBs: each client (open fd) has its own reap queue (a killed client's
 * URBs are never reaped by the next process); each device has one queue of
 * control URBs served in order on EP0, the first one possibly in flight
 * while the device NAKs.
 *
 * Threads: ioctls arrive on umockdev's worker thread, device events on the
 * caller's thread (vusb_bus_device_event); one lock serialises both.
 */
#ifndef QDFU_SIM_VUSB_BUS_H
#define QDFU_SIM_VUSB_BUS_H

#include <stdbool.h>
#include <umockdev.h>

#include "sim/vusb/vusb_link.h"

struct vusb_bus;

struct vusb_bus *vusb_bus_new(UMockdevTestbed *tb, struct vusb_link *links, unsigned n);
void vusb_bus_free(struct vusb_bus *bus);

/* Feed one event reported by device i's worker. Returns false if the
 * event reports a failure (setup error). */
bool vusb_bus_device_event(struct vusb_bus *bus, unsigned i, const struct vusb_event *ev);
/* Device i's worker died: treat as unplugged. */
void vusb_bus_device_lost(struct vusb_bus *bus, unsigned i);

/* Is device i published (enumerated, in sysfs)? */
bool vusb_bus_present(struct vusb_bus *bus, unsigned i);
/* Bus path of device i ("1-1"). */
const char *vusb_bus_path(struct vusb_bus *bus, unsigned i);

#endif
