/* SPDX-License-Identifier: MIT */
#include "dfu/dfu_desc.h"

#include <string.h>

#include "common/compiler.h"
#include "dfu/dfu.h"
#include "qdfu_proto.h"
#include "usb/usb_std.h"

/* configuration + per alt: interface descriptor and its functional
 * descriptor (docs/decisions/functional-descriptor.md) */
#define CONFIG_LEN(n) (9u + 18u * (n))
#define BOS_LEN       (5u + 7u + 28u)
/* MS OS 2.0 set: header 10, compatible ID 20, registry property 132 */
#define MS_PROP_NAME       "DeviceInterfaceGUIDs"
#define MS_PROP_GUID       QDFU_PROTO_INTERFACE_GUID          /* hosts find qdfu by it */
#define MS_PROP_NAME_BYTES ((sizeof(MS_PROP_NAME)) * 2u)      /* incl. NUL */
#define MS_PROP_DATA_BYTES ((sizeof(MS_PROP_GUID) + 1u) * 2u) /* REG_MULTI_SZ */
#define MS_PROP_LEN        (10u + MS_PROP_NAME_BYTES + MS_PROP_DATA_BYTES)
#define MS_SET_LEN         (10u + 20u + MS_PROP_LEN)

QDFU_STATIC_ASSERT(MS_PROP_LEN == 132u, "MS OS 2.0 registry property size");
QDFU_STATIC_ASSERT(CONFIG_LEN(DFU_DESC_MAX_ALTS) <= 255u, "config fits the reply buffer");

/* The USB identity: the board's, unless the build overrides it (CMake
 * -DQDFU_USB_VID=0x1209 -DQDFU_USB_PID=... -DQDFU_USB_MANUFACTURER="..."
 * -DQDFU_USB_PRODUCT="...", cmake/QdfuUsbIdentity.cmake,
 * docs/decisions/usb-identity.md). Hosts find qdfu by the interface GUID
 * below, whatever these say. */
struct usb_identity {
	uint16_t vid, pid;
	const char *manufacturer, *product;
};

static struct usb_identity usb_identity(const struct board *b)
{
	struct usb_identity id = {b->usb_vid, b->usb_pid,
	                          b->usb_manufacturer ? b->usb_manufacturer : "qdfu",
	                          b->usb_product};
#ifdef QDFU_USB_VID
	id.vid = (uint16_t)(QDFU_USB_VID);
#endif
#ifdef QDFU_USB_PID
	id.pid = (uint16_t)(QDFU_USB_PID);
#endif
#ifdef QDFU_USB_MANUFACTURER
	id.manufacturer = QDFU_USB_MANUFACTURER;
#endif
#ifdef QDFU_USB_PRODUCT
	id.product = QDFU_USB_PRODUCT;
#endif
	return id;
}

static struct {
	uint8_t device[18];
	uint8_t config[CONFIG_LEN(DFU_DESC_MAX_ALTS)];
	uint8_t bos[BOS_LEN];
	uint8_t ms_set[MS_SET_LEN];
	char serial[25];
	struct usbd_descriptors d;
} desc;

void dfu_desc_serial(const uint8_t uid[12], char out[25])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned k = 0;
	for (unsigned w = 0; w < 3; w++) {
		uint32_t v = qdfu_get_le32(&uid[4u * w]);
		for (int sh = 28; sh >= 0; sh -= 4)
			out[k++] = hex[(v >> sh) & 0xFu];
	}
	out[24] = '\0';
}

static void build_device(const struct usb_identity *id)
{
	uint8_t *p = desc.device;
	p[0] = 18;
	p[1] = USB_DT_DEVICE;
	qdfu_put_le16(&p[2], 0x0201); /* 2.01: BOS for Microsoft OS 2.0 */
	p[4] = 0;                     /* class per interface */
	p[5] = 0;
	p[6] = 0;
	p[7] = USB_EP0_MPS;
	qdfu_put_le16(&p[8], id->vid);
	qdfu_put_le16(&p[10], id->pid);
	qdfu_put_le16(&p[12], QDFU_BCD_DEVICE);
	p[14] = 1; /* manufacturer */
	p[15] = 2; /* product */
	p[16] = 3; /* serial */
	p[17] = 1; /* configurations */
}

/* DFU functional descriptor (DFU 1.1 4.1.3). One after every alternate
 * setting: fwupd 2.0 reads the descriptor that follows each DFU interface,
 * libusb gives each alternate setting the descriptors after it, dfu-util
 * and pydfu take the first one they find. */
static uint8_t *put_functional(uint8_t *p)
{
	p[0] = 9;
	p[1] = USB_DT_DFU_FUNCTIONAL;
	p[2] = DFU_ATTRIBUTES;
	qdfu_put_le16(&p[3], DFU_DETACH_TIMEOUT_MS);
	qdfu_put_le16(&p[5], DFU_TRANSFER_SIZE);
	qdfu_put_le16(&p[7], 0x011A);
	return p + 9;
}

static void build_config(uint8_t n)
{
	uint8_t *p = desc.config;
	uint16_t total = (uint16_t)CONFIG_LEN(n);
	p[0] = 9;
	p[1] = USB_DT_CONFIG;
	qdfu_put_le16(&p[2], total);
	p[4] = 1;    /* interfaces */
	p[5] = 1;    /* bConfigurationValue */
	p[6] = 0;    /* iConfiguration */
	p[7] = 0x80; /* bus powered */
	p[8] = 50;   /* 100 mA */
	p += 9;
	for (uint8_t alt = 0; alt < n; alt++) {
		p[0] = 9;
		p[1] = USB_DT_INTERFACE;
		p[2] = 0;   /* bInterfaceNumber */
		p[3] = alt; /* bAlternateSetting */
		p[4] = 0;   /* no endpoints besides EP0 */
		p[5] = 0xFE;
		p[6] = 0x01;
		p[7] = 0x02; /* DFU mode */
		p[8] = (uint8_t)(4u + alt);
		p = put_functional(p + 9);
	}
}

static void build_bos(void)
{
	/* Microsoft OS 2.0 platform capability UUID D8DD60DF-4589-4CC7-9CD2-659D9E648A9F,
	 * in the little-endian GUID byte order */
	static const uint8_t ms_uuid[16] = {0xDF, 0x60, 0xDD, 0xD8, 0x89, 0x45, 0xC7, 0x4C,
	                                    0x9C, 0xD2, 0x65, 0x9D, 0x9E, 0x64, 0x8A, 0x9F};
	uint8_t *p = desc.bos;
	p[0] = 5;
	p[1] = USB_DT_BOS;
	qdfu_put_le16(&p[2], BOS_LEN);
	p[4] = 2;
	p += 5;
	/* USB 2.0 extension: no LPM */
	p[0] = 7;
	p[1] = USB_DT_DEVICE_CAPABILITY;
	p[2] = 0x02;
	qdfu_put_le32(&p[3], 0);
	p += 7;
	p[0] = 28;
	p[1] = USB_DT_DEVICE_CAPABILITY;
	p[2] = 0x05; /* platform */
	p[3] = 0;
	memcpy(&p[4], ms_uuid, 16);
	qdfu_put_le32(&p[20], 0x06030000); /* Windows 8.1 and later */
	qdfu_put_le16(&p[24], MS_SET_LEN);
	p[26] = QDFU_MS_VENDOR_CODE;
	p[27] = 0; /* no alternate enumeration */
}

static uint8_t *put_utf16(uint8_t *p, const char *s, size_t bytes)
{
	memset(p, 0, bytes);
	for (size_t i = 0; s[i]; i++)
		p[2u * i] = (uint8_t)s[i];
	return p + bytes;
}

static void build_ms_os20(void)
{
	uint8_t *p = desc.ms_set;
	/* set header */
	qdfu_put_le16(&p[0], 10);
	qdfu_put_le16(&p[2], 0x00); /* MS_OS_20_SET_HEADER_DESCRIPTOR */
	qdfu_put_le32(&p[4], 0x06030000);
	qdfu_put_le16(&p[8], MS_SET_LEN);
	p += 10;
	/* compatible ID: WINUSB */
	qdfu_put_le16(&p[0], 20);
	qdfu_put_le16(&p[2], 0x03);
	memset(&p[4], 0, 16);
	memcpy(&p[4], "WINUSB", 6);
	p += 20;
	/* registry property DeviceInterfaceGUIDs (REG_MULTI_SZ) */
	qdfu_put_le16(&p[0], MS_PROP_LEN);
	qdfu_put_le16(&p[2], 0x04);
	qdfu_put_le16(&p[4], 7);
	qdfu_put_le16(&p[6], MS_PROP_NAME_BYTES);
	p = put_utf16(p + 8, MS_PROP_NAME, MS_PROP_NAME_BYTES);
	qdfu_put_le16(&p[0], MS_PROP_DATA_BYTES);
	put_utf16(p + 2, MS_PROP_GUID, MS_PROP_DATA_BYTES);
}

const struct usbd_descriptors *dfu_desc_build(const struct board *b, const uint8_t uid[12],
                                              const char *const *layouts, uint8_t num_alts)
{
	if (num_alts > DFU_DESC_MAX_ALTS)
		num_alts = DFU_DESC_MAX_ALTS;
	struct usb_identity id = usb_identity(b);
	memset(&desc, 0, sizeof(desc));
	build_device(&id);
	build_config(num_alts);
	build_bos();
	build_ms_os20();
	dfu_desc_serial(uid, desc.serial);
	desc.d.device = desc.device;
	desc.d.config = desc.config;
	desc.d.bos = desc.bos;
	desc.d.strings[0] = NULL; /* LANGID, built by the core */
	desc.d.strings[1] = id.manufacturer;
	desc.d.strings[2] = id.product;
	desc.d.strings[3] = desc.serial;
	for (uint8_t i = 0; i < num_alts; i++)
		desc.d.strings[4u + i] = layouts[i];
	desc.d.num_strings = (uint8_t)(4u + num_alts);
	desc.d.ms_vendor_code = QDFU_MS_VENDOR_CODE;
	desc.d.ms_os20_set = desc.ms_set;
	desc.d.ms_os20_len = MS_SET_LEN;
	return &desc.d;
}
