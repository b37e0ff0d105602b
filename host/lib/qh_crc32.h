/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3 / zlib: reflected, polynomial 0xEDB88320). */
#ifndef QH_CRC32_H
#define QH_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Raw register update: no initial value or final XOR applied. */
uint32_t qh_crc32_update(uint32_t crc, const void *data, size_t len);
/* zlib crc32(): init 0xFFFFFFFF, final XOR 0xFFFFFFFF (the qdfu CRC request). */
uint32_t qh_crc32(const void *data, size_t len);
/* DfuSe file suffix CRC: init 0xFFFFFFFF, no final XOR (DFU 1.1 appendix B). */
uint32_t qh_crc32_dfu_suffix(const void *data, size_t len);

#endif
