/* SPDX-License-Identifier: MIT */
/*
 * The qdfu vendor protocol: the single definition shared by the bootloader
 * (firmware/dfu/dfu.c) and the host library (host/lib/qh_dfu.c). The wire
 * format is described in docs/protocol.md; change both together.
 *
 * All requests: interface recipient, wIndex = 0 (the DFU interface). They
 * never change the DFU state machine. Multi-byte fields are little endian.
 */
#ifndef QDFU_PROTO_H
#define QDFU_PROTO_H

/* bmRequestType of the vendor requests (USB 2.0 9.3: vendor, interface). */
#define QDFU_PROTO_RT_IN  0xC1u
#define QDFU_PROTO_RT_OUT 0x41u

/* bRequest codes */
#define QDFU_PROTO_REQ_INFO       0x51u /* IN, 16 bytes: identity and capabilities */
#define QDFU_PROTO_REQ_CRC_START  0x52u /* OUT, 8 bytes: u32 address, u32 length */
#define QDFU_PROTO_REQ_CRC_RESULT 0x53u /* IN, 12 bytes: u32 status, u32 crc, u32 poll_ms */
/* CAP_CRC_TABLE: the CRC-32 of each of wValue consecutive units */
#define QDFU_PROTO_REQ_CRC_TABLE        0x54u /* OUT, 8 bytes: u32 address, u32 unit */
#define QDFU_PROTO_REQ_CRC_TABLE_RESULT 0x55u /* IN: status, done, poll_ms, crc[done] */

/* wLength of each request; any other length stalls. */
#define QDFU_PROTO_INFO_LEN       16u
#define QDFU_PROTO_CRC_START_LEN  8u
#define QDFU_PROTO_CRC_RESULT_LEN 12u
#define QDFU_PROTO_CRC_TABLE_LEN  8u
/* CRC_TABLE: wValue = entries, 1..QDFU_PROTO_CRC_TABLE_MAX. CRC_TABLE_RESULT:
 * any wLength from the 12-byte head to the head and every entry; the answer
 * is the head (u32 status, u32 entries done, u32 poll_ms) followed by the
 * CRC of each entry done, cut to wLength. */
#define QDFU_PROTO_CRC_TABLE_MAX      256u
#define QDFU_PROTO_CRC_TABLE_HEAD_LEN 12u
#define QDFU_PROTO_CRC_TABLE_RESULT_MAX                                                            \
	(QDFU_PROTO_CRC_TABLE_HEAD_LEN + 4u * QDFU_PROTO_CRC_TABLE_MAX)

/* INFO answer layout (byte offsets). */
#define QDFU_PROTO_INFO_MAGIC      0u  /* "QDFU" */
#define QDFU_PROTO_INFO_VERSION    4u  /* u8 protocol version */
#define QDFU_PROTO_INFO_CAPS       5u  /* u8 QDFU_PROTO_CAP_* */
#define QDFU_PROTO_INFO_FW_VERSION 6u  /* u16 major << 8 | minor */
#define QDFU_PROTO_INFO_FLAGS      8u  /* u16 QDFU_PROTO_FLAG_* */
#define QDFU_PROTO_INFO_WHY        10u /* u8 QDFU_PROTO_WHY_*: why it is in DFU mode */
#define QDFU_PROTO_INFO_FAULT      11u /* u8 exception that reset the bootloader, 0 none */
#define QDFU_PROTO_INFO_DESC_ADDR  12u /* u32 image descriptor unit (CAP_IMAGE_DESC), else 0 */

/* Why the device is in DFU mode (INFO byte 10; 0 from devices before
 * this field existed). */
#define QDFU_PROTO_WHY_UNKNOWN     0u
#define QDFU_PROTO_WHY_REQUESTED   1u /* the application asked (no-init word) */
#define QDFU_PROTO_WHY_BUTTON      2u /* DFU button held, or the simulator's --enter dfu */
#define QDFU_PROTO_WHY_NO_APP      3u /* nothing flashed, erased, or no valid vector table */
#define QDFU_PROTO_WHY_INTERRUPTED 4u /* the last update was interrupted */
#define QDFU_PROTO_WHY_FAULT       5u /* the bootloader reset after a fault (byte 11) */

/* The DeviceInterfaceGUID in qdfu's Microsoft OS 2.0 descriptor set (WinUSB).
 * Hosts recognise a qdfu bootloader by it whatever its VID:PID and strings
 * (host/lib/qh_msos.c); a product that ships its own IDs keeps this GUID. */
#define QDFU_PROTO_INTERFACE_GUID "{8E41C7A2-5D3B-4F1E-9C6A-2B7D0E5F4A13}"

#define QDFU_PROTO_MAGIC   "QDFU"
#define QDFU_PROTO_VERSION 1u

/* Capability bits (INFO byte 5). */
#define QDFU_PROTO_CAP_CRC32   0x01u /* CRC_START / CRC_RESULT */
#define QDFU_PROTO_CAP_JOURNAL 0x02u /* boot journal: commit on leave */
/* boots images by their descriptor (include/qdfu_image.h), kept in the unit
 * at INFO bytes 12..15 */
#define QDFU_PROTO_CAP_IMAGE_DESC 0x04u
/* CRC_TABLE / CRC_TABLE_RESULT: many CRCs per request (bootloaders before
 * it stall the request) */
#define QDFU_PROTO_CAP_CRC_TABLE 0x08u

/* Flag bits (INFO bytes 8..9). */
#define QDFU_PROTO_FLAG_DUAL_FLASH      0x0001u /* two QSPI chips in dual-flash mode */
#define QDFU_PROTO_FLAG_PROTECT_FOUND   0x0002u /* the NOR's block-protect bits were set */
#define QDFU_PROTO_FLAG_PROTECT_CLEARED 0x0004u /* ... and the bootloader cleared them */
/* The boot journal holds no open update (none cut in an earlier visit,
 * none opened in this one): a leave now, with nothing written, starts what
 * the journal names. Live, as of the INFO request. Clear when unsure, and
 * on bootloaders before it: a host then writes a block again so that the
 * leave commits (host/lib/qh_ops.c touch_first_block). */
#define QDFU_PROTO_FLAG_JOURNAL_CLEAN 0x0008u

/* CRC_RESULT status: CRC-32 as zlib/IEEE (reflected 0xEDB88320, init and
 * final XOR 0xFFFFFFFF). */
enum qdfu_proto_crc_status {
	QDFU_PROTO_CRC_DONE = 0,      /* crc valid */
	QDFU_PROTO_CRC_BUSY = 1,      /* ask again after poll_ms */
	QDFU_PROTO_CRC_NONE = 2,      /* no CRC was started */
	QDFU_PROTO_CRC_BAD_RANGE = 3, /* range not mapped, or crosses a region end; for a
	                               * table: entry `done` could not be read (the entries
	                               * before it are valid) */
};

#endif
