/* SPDX-License-Identifier: MIT */
/*
 * Recognising a qdfu bootloader by its descriptors, whatever its VID:PID
 * and strings: the Microsoft OS 2.0 descriptor set it serves (for WinUSB)
 * names qdfu's DeviceInterfaceGUID (QDFU_PROTO_INTERFACE_GUID). Pure
 * parsers of the BOS descriptor and of the descriptor set; qh_usb.c reads
 * them (both requests are the ones Windows sends to every USB 2.01 device).
 */
#ifndef QH_MSOS_H
#define QH_MSOS_H

#include <stddef.h>
#include <stdint.h>

/* The MS OS 2.0 platform capability in a BOS descriptor: its vendor code
 * and the descriptor set's length. Returns 1 when found, else 0. */
int qh_bos_msos20(const uint8_t *bos, size_t len, uint8_t *vendor_code, uint16_t *set_len);
/* Does the descriptor set hold a registry property whose (REG_SZ or
 * REG_MULTI_SZ, UTF-16LE) value contains guid? */
int qh_msos20_has_guid(const uint8_t *set, size_t len, const char *guid);

#endif
