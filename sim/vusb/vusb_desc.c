/* SPDX-License-Identifier: MIT */
#include "sim/vusb/vusb_desc.h"

#include <string.h>

#define DT_CONFIG    2
#define DT_INTERFACE 4
#define DT_ENDPOINT  5

static int add_alt(struct vusb_config *c, uint8_t number, uint8_t alt)
{
	struct vusb_iface *i = (struct vusb_iface *)vusb_desc_iface(c, number);
	if (!i) {
		if (c->niface == VUSB_DESC_MAX_IFACES)
			return -1;
		i = &c->iface[c->niface++];
		i->number = number;
	}
	if (vusb_desc_has_alt(i, alt))
		return 0; /* a repeated alternate setting: the kernel keeps the first */
	if (i->nalts == VUSB_DESC_MAX_ALTS)
		return -1;
	i->alt[i->nalts++] = alt;
	return 0;
}

static int add_ep(struct vusb_config *c, uint8_t address, int iface)
{
	if (iface < 0)
		return 0; /* an endpoint before any interface: ignored */
	if (vusb_desc_ep_iface(c, address) >= 0)
		return 0;
	if (c->nep == VUSB_DESC_MAX_EPS)
		return -1;
	c->ep[c->nep].address = address;
	c->ep[c->nep].iface = (uint8_t)iface;
	c->nep++;
	return 0;
}

int vusb_desc_parse(const uint8_t *p, size_t n, struct vusb_config *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 9 || p[1] != DT_CONFIG)
		return -1;
	out->value = p[5];
	int iface = -1;
	for (size_t off = p[0]; off < n;) {
		const uint8_t *d = p + off;
		if (n - off < 2 || d[0] < 2 || d[0] > n - off)
			return -1;
		if (d[1] == DT_INTERFACE && d[0] >= 9) {
			iface = d[2];
			if (add_alt(out, d[2], d[3]) < 0)
				return -1;
		} else if (d[1] == DT_ENDPOINT && d[0] >= 7) {
			if (add_ep(out, d[2], iface) < 0)
				return -1;
		}
		off += d[0];
	}
	return 0;
}

const struct vusb_iface *vusb_desc_iface(const struct vusb_config *c, unsigned ifnum)
{
	for (unsigned k = 0; k < c->niface; k++)
		if (c->iface[k].number == ifnum)
			return &c->iface[k];
	return NULL;
}

bool vusb_desc_has_alt(const struct vusb_iface *i, unsigned alt)
{
	for (unsigned k = 0; k < i->nalts; k++)
		if (i->alt[k] == alt)
			return true;
	return false;
}

int vusb_desc_ep_iface(const struct vusb_config *c, unsigned ep)
{
	for (unsigned k = 0; k < c->nep; k++)
		if (c->ep[k].address == ep)
			return c->ep[k].iface;
	return -1;
}
