/* SPDX-License-Identifier: MIT */
/*
 * Full-speed bus time of control transfers, for the virtual clock.
 * Numbers: USB 2.0 chapter 5 transaction budgets as summarised in the
 * project's facts (usb-timing.md): one control transfer (SETUP, one data
 * packet, STATUS) costs 45 byte-times of overhead, each further data
 * packet 13 more, a byte time is 2/3 us (12 Mbit/s).
 */
#ifndef QDFU_SIM_VUSB_USB_TIMING_H
#define QDFU_SIM_VUSB_USB_TIMING_H

#include <stdint.h>

#define USB_FS_CTRL_OVERHEAD_BT   45u   /* SETUP + 1 data packet + STATUS */
#define USB_FS_PACKET_OVERHEAD_BT 13u   /* each further data transaction */
#define USB_FS_NAK_BT             13u   /* a NAKed token + handshake, with gaps */
#define USB_FS_BYTE_NS_NUM        2000u /* one byte time = 2000/3 ns */
#define USB_FS_BYTE_NS_DEN        3u

/* Byte-times of a control transfer that moved `bytes` in `packets` data
 * packets (0 packets for a transfer without data stage). */
static inline uint64_t usb_fs_ctrl_bytetimes(uint32_t bytes, uint32_t packets)
{
	uint64_t bt = USB_FS_CTRL_OVERHEAD_BT + (uint64_t)bytes;
	if (packets > 1)
		bt += (uint64_t)USB_FS_PACKET_OVERHEAD_BT * (packets - 1u);
	return bt;
}

#endif
