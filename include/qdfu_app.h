/* SPDX-License-Identifier: MIT */
/*
 * qdfu_app.h: for applications started by the qdfu bootloader.
 * Header only, no dependencies. Call qdfu_enter_bootloader() (from a
 * button handler, a command, or a DFU DETACH request) and the board comes
 * back up in the bootloader, whatever the button says.
 *
 * How: the bootloader keeps two no-init words at 0x20000000 (start of
 * DTCM, never cleared by its reset handler); the request is the value
 * 0x51D0F00D followed by its complement, then a system reset. The
 * bootloader clears the request when it reads it.
 *
 * What the bootloader tells the application it starts: a 32-byte record at
 * 0x20000020 (struct qdfu_handoff), written just before the jump: how the
 * external flash is left (memory-mapped read, address width, 4-byte mode,
 * dummy cycles) and which chip it is. It lies in the application's RAM,
 * so read it with qdfu_handoff_get() before the C run-time initialises
 * .data / .bss (ST's start-up code calls SystemInit first), or keep
 * 0x20000000-0x2000003F out of the linker script's RAM.
 */
#ifndef QDFU_APP_H
#define QDFU_APP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define QDFU_NOINIT_ADDR 0x20000000u
#define QDFU_ENTER_DFU   0x51D0F00Du

#define QDFU_HANDOFF_ADDR    0x20000020u
#define QDFU_HANDOFF_MAGIC   0x51D0A4D0u
#define QDFU_HANDOFF_VERSION 1u

/* qdfu_handoff.xip: the memory-mapped read left running on the QUADSPI /
 * OCTOSPI, i.e. the protocol the chip is left in. An octal chip
 * (MX25LM51245G) handed over in OPI stays in OPI: an application that
 * wants SPI must switch it back (CR2) or reset it (0x6699 / 0x9966 in the
 * protocol named here) - never while executing from it. */
enum qdfu_xip {
	QDFU_XIP_NONE = 0, /* not memory-mapped (no flash, or the board's choice) */
	QDFU_XIP_1_1_1,    /* fast read 0x0B / 0x0C */
	QDFU_XIP_1_1_4,    /* quad output 0x6B / 0x6C */
	QDFU_XIP_1_4_4,    /* quad I/O 0xEB / 0xEC, mode bits 0xFF (no continuous read) */
	QDFU_XIP_8_8_8,    /* octal STR (OPI): 8READ 0xEC13, 4-byte address */
	QDFU_XIP_8D_8D_8D, /* octal DTR (DOPI): 8DTRD 0xEE11, 4-byte address, DQS on;
	                    * read_opcode 0xEE (the second byte is its complement) */
};

struct qdfu_handoff {
	uint32_t magic;       /* QDFU_HANDOFF_MAGIC */
	uint8_t version;      /* QDFU_HANDOFF_VERSION */
	uint8_t size;         /* sizeof(struct qdfu_handoff) */
	uint8_t xip;          /* enum qdfu_xip */
	uint8_t read_opcode;  /* the memory-mapped read's instruction, 0 if none */
	uint8_t addr_bytes;   /* address bytes of that read: 3 or 4 */
	uint8_t addr4_mode;   /* 1: the chip is in 4-byte address mode (0xB7): 3-byte
	                       * commands address the wrong place until 0xE9 */
	uint8_t dummy_cycles; /* clocks between address and data, mode clocks included */
	uint8_t mode_bits;    /* the mode byte sent after the address (1-4-4), else 0 */
	uint8_t jedec_id[3];  /* manufacturer, type, capacity (chip 0); 0 if none */
	uint8_t chips;        /* 0 (no external flash), 1, or 2 (dual-flash mode) */
	uint32_t flash_size;  /* bytes, both chips together */
	uint32_t reserved[2]; /* 0 */
	uint32_t check;       /* qdfu_handoff_check() */
};

/* The complement of the XOR of the words before the check. */
static inline uint32_t qdfu_handoff_check(const struct qdfu_handoff *h)
{
	uint32_t qdfu_w[7], x = 0;
	memcpy(qdfu_w, h, sizeof(qdfu_w));
	for (unsigned i = 0; i < 7u; i++)
		x ^= qdfu_w[i];
	return ~x;
}

static inline int qdfu_handoff_valid(const struct qdfu_handoff *h)
{
	return h->magic == QDFU_HANDOFF_MAGIC && h->version == QDFU_HANDOFF_VERSION &&
	       h->size == sizeof(*h) && h->check == qdfu_handoff_check(h);
}

/* Copy the record the bootloader left; 1 if there is a valid one. */
static inline int qdfu_handoff_get(struct qdfu_handoff *out)
{
	const volatile uint32_t *src = (const volatile uint32_t *)QDFU_HANDOFF_ADDR;
	uint32_t qdfu_w[8];
	for (unsigned i = 0; i < 8u; i++)
		qdfu_w[i] = src[i];
	memcpy(out, qdfu_w, sizeof(*out));
	return qdfu_handoff_valid(out);
}

static inline void qdfu_enter_bootloader(void)
{
	volatile uint32_t *qdfu_w = (volatile uint32_t *)QDFU_NOINIT_ADDR;
	volatile uint32_t *aircr = (volatile uint32_t *)0xE000ED0Cu;
	qdfu_w[0] = QDFU_ENTER_DFU;
	qdfu_w[1] = ~QDFU_ENTER_DFU;
	__asm volatile("dsb 0xF" ::: "memory");
	*aircr = (0x05FAu << 16) | (1u << 2); /* VECTKEY | SYSRESETREQ */
	__asm volatile("dsb 0xF" ::: "memory");
	for (;;) {
	}
}

/* the record's layout is part of the interface (C11 and C++11) */
#ifdef __cplusplus
#define QDFU_APP_ASSERT static_assert
#else
#define QDFU_APP_ASSERT _Static_assert
#endif
QDFU_APP_ASSERT(sizeof(struct qdfu_handoff) == 32, "struct qdfu_handoff is 32 bytes");
QDFU_APP_ASSERT(offsetof(struct qdfu_handoff, check) == 28, "check is the last word");

#endif
