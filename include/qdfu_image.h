/* SPDX-License-Identifier: MIT */
/*
 * The image descriptor: an image describes itself, and the bootloader
 * starts it only when the descriptor is intact and every range it lists
 * holds what the descriptor says (docs/decisions/image-descriptor.md).
 * The host writes it LAST, into the descriptor unit of the external flash
 * (its address is in qdfu's INFO answer, docs/protocol.md).
 *
 * Little-endian:
 *   off  size  field
 *     0     4  magic "QIMG" (0x474D4951)
 *     4     2  format version (1)
 *     6     2  header size (32)
 *     8     4  total size: header + ranges + signature + 4 (trailing CRC)
 *    12     4  vtor: the application's vector table (inside a range)
 *    16     2  number of ranges (1 .. QDFU_IMG_MAX_RANGES)
 *    18     1  hash algorithm (1: CRC-32 of each range)
 *    19     1  signature algorithm (0: none; room for Ed25519, see
 *              facts on signing)
 *    20     2  signature length in bytes (0 .. QDFU_IMG_MAX_SIG)
 *    22     2  reserved, 0
 *    24     4  security counter (0 until signed images exist)
 *    28     4  reserved, 0
 *    32  12*n  ranges: u32 address, u32 length, u32 CRC-32 of its bytes
 *     .     s  signature
 *     .     4  CRC-32 of every byte before it
 * CRC-32 is zlib's (reflected 0xEDB88320, init and final XOR 0xFFFFFFFF).
 */
#ifndef QDFU_IMAGE_H
#define QDFU_IMAGE_H

#define QDFU_IMG_MAGIC      0x474D4951u
#define QDFU_IMG_VERSION    1u
#define QDFU_IMG_HDR_SIZE   32u
#define QDFU_IMG_RANGE_SIZE 12u
#define QDFU_IMG_MAX_RANGES 32u
#define QDFU_IMG_MAX_SIG    128u
#define QDFU_IMG_HASH_CRC32 1u
#define QDFU_IMG_SIG_NONE   0u
#define QDFU_IMG_MAX_SIZE                                                                          \
	(QDFU_IMG_HDR_SIZE + QDFU_IMG_MAX_RANGES * QDFU_IMG_RANGE_SIZE + QDFU_IMG_MAX_SIG + 4u)

/* Field offsets in the header. */
#define QDFU_IMG_OFF_MAGIC    0u
#define QDFU_IMG_OFF_VERSION  4u
#define QDFU_IMG_OFF_HDR_SIZE 6u
#define QDFU_IMG_OFF_TOTAL    8u
#define QDFU_IMG_OFF_VTOR     12u
#define QDFU_IMG_OFF_NRANGES  16u
#define QDFU_IMG_OFF_HASH     18u
#define QDFU_IMG_OFF_SIG_ALG  19u
#define QDFU_IMG_OFF_SIG_LEN  20u
#define QDFU_IMG_OFF_COUNTER  24u

#endif
