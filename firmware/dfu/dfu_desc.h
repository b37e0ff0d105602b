/* SPDX-License-Identifier: MIT */
/*
 * Descriptors of the qdfu bootloader, built at run time: one DFU
 * interface with one alternate setting per memory region (its DfuSe
 * layout string as interface string), the DFU functional descriptor, a
 * BOS with the Microsoft OS 2.0 platform capability (WinUSB without INF),
 * and the serial number from the MCU's unique ID.
 */
#ifndef QDFU_DFU_DFU_DESC_H
#define QDFU_DFU_DFU_DESC_H

#include <stdint.h>

#include "boards/board.h"
#include "usb/usbd.h"

#define DFU_DESC_MAX_ALTS   4
#define DFU_DESC_LAYOUT_LEN 128 /* 126 characters + NUL, rounded */
#define QDFU_MS_VENDOR_CODE 0x20u
#define QDFU_BCD_DEVICE     0x0100u

/* Format the 96-bit UID as 24 uppercase hex digits (docs/protocol.md). */
void dfu_desc_serial(const uint8_t uid[12], char out[25]);

/* Build everything; layouts[i] is alt i's interface string. */
const struct usbd_descriptors *dfu_desc_build(const struct board *b, const uint8_t uid[12],
                                              const char *const *layouts, uint8_t num_alts);

#endif
