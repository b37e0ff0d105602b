/* SPDX-License-Identifier: MIT */
/*
 * Bus time of control transfers at full and high speed, for the virtual
 * clock. Numbers: USB 2.0 chapter 5 transaction budgets as summarised in
 * the project's facts (usb-timing.md): one control transfer (SETUP, one
 * data packet, STATUS) costs 45 byte-times of overhead at full speed and
 * 173 at high speed, each further data packet 13 / 55 more; a byte time is
 * 2/3 us at 12 Mbit/s and 1/60 us at 480 Mbit/s. A NAKed token costs about
 * what one more data transaction's overhead does.
 */
#ifndef QDFU_SIM_VUSB_USB_TIMING_H
#define QDFU_SIM_VUSB_USB_TIMING_H

#include <stdbool.h>
#include <stdint.h>

struct usb_timing {
	uint32_t ctrl_overhead_bt;   /* SETUP + 1 data packet + STATUS */
	uint32_t packet_overhead_bt; /* each further data transaction */
	uint32_t nak_bt;             /* a NAKed token + handshake, with gaps */
	uint32_t byte_ns_x3;         /* one byte time, in thirds of a ns */
};

#define USB_FS_CTRL_OVERHEAD_BT   45u
#define USB_FS_PACKET_OVERHEAD_BT 13u
#define USB_FS_NAK_BT             13u
#define USB_FS_BYTE_NS_X3         2000u /* 666.7 ns */

#define USB_HS_CTRL_OVERHEAD_BT   173u
#define USB_HS_PACKET_OVERHEAD_BT 55u
#define USB_HS_NAK_BT             55u
#define USB_HS_BYTE_NS_X3         50u /* 16.67 ns */

static inline struct usb_timing usb_timing_for(bool high_speed)
{
	if (high_speed)
		return (struct usb_timing){USB_HS_CTRL_OVERHEAD_BT, USB_HS_PACKET_OVERHEAD_BT,
		                           USB_HS_NAK_BT, USB_HS_BYTE_NS_X3};
	return (struct usb_timing){USB_FS_CTRL_OVERHEAD_BT, USB_FS_PACKET_OVERHEAD_BT,
	                           USB_FS_NAK_BT, USB_FS_BYTE_NS_X3};
}

/* Byte-times of a control transfer that moved `bytes` in `packets` data
 * packets (0 packets for a transfer without data stage). */
static inline uint64_t usb_ctrl_bytetimes(const struct usb_timing *t, uint32_t bytes,
                                          uint32_t packets)
{
	uint64_t bt = t->ctrl_overhead_bt + (uint64_t)bytes;
	if (packets > 1)
		bt += (uint64_t)t->packet_overhead_bt * (packets - 1u);
	return bt;
}

#endif
