/* SPDX-License-Identifier: MIT */
/* USB 2.0 chapter 9 constants and the SETUP packet. */
#ifndef QDFU_USB_USB_STD_H
#define QDFU_USB_USB_STD_H

#include <stdint.h>

#include "common/compiler.h"

struct usb_setup {
	uint8_t bmRequestType;
	uint8_t bRequest;
	uint16_t wValue;
	uint16_t wIndex;
	uint16_t wLength;
};

static inline struct usb_setup usb_setup_parse(const uint8_t p[8])
{
	struct usb_setup s = {p[0], p[1], qdfu_get_le16(p + 2), qdfu_get_le16(p + 4),
	                      qdfu_get_le16(p + 6)};
	return s;
}

#define USB_DIR_IN          0x80u
#define USB_TYPE_MASK       0x60u
#define USB_TYPE_STANDARD   0x00u
#define USB_TYPE_CLASS      0x20u
#define USB_TYPE_VENDOR     0x40u
#define USB_RECIP_MASK      0x1Fu
#define USB_RECIP_DEVICE    0x00u
#define USB_RECIP_INTERFACE 0x01u
#define USB_RECIP_ENDPOINT  0x02u

/* Standard requests (USB 2.0 table 9-4) */
#define USB_REQ_GET_STATUS        0
#define USB_REQ_CLEAR_FEATURE     1
#define USB_REQ_SET_FEATURE       3
#define USB_REQ_SET_ADDRESS       5
#define USB_REQ_GET_DESCRIPTOR    6
#define USB_REQ_SET_DESCRIPTOR    7
#define USB_REQ_GET_CONFIGURATION 8
#define USB_REQ_SET_CONFIGURATION 9
#define USB_REQ_GET_INTERFACE     10
#define USB_REQ_SET_INTERFACE     11
#define USB_REQ_SYNCH_FRAME       12

/* Descriptor types (table 9-5, 9-6 BOS) */
#define USB_DT_DEVICE             1
#define USB_DT_CONFIG             2
#define USB_DT_STRING             3
#define USB_DT_INTERFACE          4
#define USB_DT_ENDPOINT           5
#define USB_DT_DEVICE_QUALIFIER   6
#define USB_DT_OTHER_SPEED_CONFIG 7
#define USB_DT_BOS                15
#define USB_DT_DEVICE_CAPABILITY  16
#define USB_DT_DFU_FUNCTIONAL     0x21

/* Features */
#define USB_FEATURE_ENDPOINT_HALT 0
#define USB_FEATURE_REMOTE_WAKEUP 1
#define USB_FEATURE_TEST_MODE     2

#define USB_EP0_MPS 64u

#endif
