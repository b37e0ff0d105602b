/* SPDX-License-Identifier: MIT */
/*
 * What the kernel keeps of a device's configuration descriptor to answer
 * usbdevfs: its interfaces, their alternate settings and the endpoints each
 * alternate setting declares (Linux drivers/usb/core/config.c builds the
 * same from the raw descriptors; devio.c findintfep() and
 * usb_ifnum_to_if() look things up in it).
 */
#ifndef QDFU_SIM_VUSB_DESC_H
#define QDFU_SIM_VUSB_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VUSB_DESC_MAX_IFACES 8
#define VUSB_DESC_MAX_ALTS   16
#define VUSB_DESC_MAX_EPS    30 /* USB_MAXENDPOINTS minus EP0 in and out */

struct vusb_iface {
	uint8_t number;
	uint8_t nalts;
	uint8_t alt[VUSB_DESC_MAX_ALTS]; /* bAlternateSetting values */
};

struct vusb_ep {
	uint8_t address; /* bEndpointAddress */
	uint8_t iface;   /* bInterfaceNumber of the alternate setting declaring it */
};

struct vusb_config {
	uint8_t value; /* bConfigurationValue */
	uint8_t niface;
	struct vusb_iface iface[VUSB_DESC_MAX_IFACES];
	uint8_t nep;
	struct vusb_ep ep[VUSB_DESC_MAX_EPS];
};

/* Parse a whole configuration descriptor (wTotalLength bytes). Returns 0,
 * or -1 if it is malformed (a descriptor shorter than 2 bytes or running
 * past the end, a table overflow). */
int vusb_desc_parse(const uint8_t *p, size_t n, struct vusb_config *out);

/* The interface numbered ifnum, or NULL (usb_ifnum_to_if). */
const struct vusb_iface *vusb_desc_iface(const struct vusb_config *c, unsigned ifnum);
/* Does that interface have alternate setting alt? */
bool vusb_desc_has_alt(const struct vusb_iface *i, unsigned alt);
/* Interface number declaring endpoint address ep, or -1 (findintfep's
 * search, without its argument checks). */
int vusb_desc_ep_iface(const struct vusb_config *c, unsigned ep);

#endif
