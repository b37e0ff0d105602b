/* SPDX-License-Identifier: MIT */
/*
 * The hand-over to an application that executes in place (or reads the
 * flash through the memory-mapped window): the fastest read the chip
 * answers correctly, the chip left in normal SPI command mode
 * (docs/decisions/xip-handover.md).
 *
 * 1-4-4 fast read (0xEB, 0xEC with a 4-byte address) sends mode bits after
 * the address. Each maker has a pattern that makes the chip skip the
 * instruction of the next read ("continuous read", "XIP", "AX read",
 * "performance enhance"): W25Q64JV datasheet "Fast Read Quad I/O (EBh)"
 * M5-4 = 10; IS25LP064A datasheet "AX read mode" M7-4 = 1010; MX25L12833F
 * datasheet "Performance Enhance Mode" P7-4 the complement of P3-0 (A5h,
 * 5Ah, F0h, 0Fh); GigaDevice and Adesto parts as Winbond (unverified);
 * Micron MT25Q only with its XIP bit (volatile configuration bit 3) clear
 * and a confirmation bit 0. A chip left that way takes an application's
 * first normal command (ID read, status, reset) for an address. All-ones
 * mode bits match none of these patterns, which is also what Linux
 * does: spi-nor counts the mode clocks as dummy clocks and spi-mem fills
 * dummy bytes with 0xFF (drivers/spi/spi-mem.c spi_mem_exec_op()).
 */
#include <string.h>

#include "common/err.h"
#include "hal/port.h"
#include "nor/nor.h"
#include "nor/nor_cmds.h"
#include "nor/nor_octal.h"

#define XIP_MODE_BITS  0xFFu /* never a continuous-read pattern (above) */
#define XIP_DUMMY      8u    /* 0x0B / 0x6B and their 4-byte forms */
#define XIP_MAX_DUMMY  31u   /* QUADSPI_CCR.DCYC */
#define XIP_ALT_CLOCKS 2u    /* one alternate byte on 4 lines */
#define XIP_CHECK_LEN  16u

static void xip_addr(struct port_qspi_cmd *c, const struct nor_info *in, uint8_t lines)
{
	c->address_lines = lines;
	c->address_bytes = in->addr_mode == NOR_ADDR_3 ? 3 : 4;
}

static int cmd_111(const struct nor_info *in, struct port_qspi_cmd *c)
{
	bool four = in->addr_mode == NOR_ADDR_4_OPS;
	c->instruction = four ? NOR_OP_FAST_READ_4B : NOR_OP_FAST_READ;
	xip_addr(c, in, 1);
	c->dummy_cycles = XIP_DUMMY;
	c->data_lines = 1;
	return QDFU_OK;
}

static int cmd_114(const struct nor_info *in, struct port_qspi_cmd *c)
{
	if (!in->quad)
		return QDFU_E_UNSUPPORTED; /* QE not set, or no 0x6C above 16 MiB */
	bool four = in->addr_mode == NOR_ADDR_4_OPS;
	c->instruction = four ? NOR_OP_READ_1_1_4_4B : NOR_OP_READ_1_1_4;
	xip_addr(c, in, 1);
	c->dummy_cycles = XIP_DUMMY;
	c->data_lines = 4;
	return QDFU_OK;
}

/* The mode clocks become one alternate byte of all ones on 4 lines (two
 * clocks; a part with one mode clock gets its first wait state driven
 * high as well, which Micron reads as "XIP not confirmed"), the rest are
 * dummy clocks; a part without mode clocks gets dummy clocks only. */
static int cmd_144(const struct nor_info *in, struct port_qspi_cmd *c)
{
	const struct nor_params *p = &in->p;
	bool four = in->addr_mode == NOR_ADDR_4_OPS;
	if (!in->quad || !p->read144_op || (four && !p->op4_quad_io_read))
		return QDFU_E_UNSUPPORTED;
	unsigned clocks = (unsigned)p->read144_mode + p->read144_wait;
	if (p->read144_mode && clocks < XIP_ALT_CLOCKS)
		return QDFU_E_UNSUPPORTED;
	c->instruction = four ? NOR_OP_READ_1_4_4_4B : NOR_OP_READ_1_4_4;
	xip_addr(c, in, 4);
	if (p->read144_mode) {
		c->alt_lines = 4;
		c->alt_bytes = 1;
		c->alt = XIP_MODE_BITS;
		clocks -= XIP_ALT_CLOCKS;
	}
	if (clocks > XIP_MAX_DUMMY)
		return QDFU_E_UNSUPPORTED;
	c->dummy_cycles = (uint8_t)clocks;
	c->data_lines = 4;
	return QDFU_OK;
}

int nor_xip_cmd(enum nor_xip_kind kind, struct port_qspi_cmd *c)
{
	const struct nor_info *in = nor_get_info();
	if (!in)
		return QDFU_E_NO_DEVICE;
	memset(c, 0, sizeof(*c));
	c->instruction_lines = 1;
	switch (kind) {
	case NOR_XIP_1_4_4:
		return cmd_144(in, c);
	case NOR_XIP_1_1_4:
		return cmd_114(in, c);
	case NOR_XIP_1_1_1:
		return cmd_111(in, c);
	default:
		return QDFU_E_PARAM;
	}
}

/* The candidate reads the same bytes at addr as a 1-1-1 fast read (wrong
 * wait states or an undriven IO2/IO3 show here, not in the application). */
static bool agrees(const struct port_qspi_cmd *cand, uint32_t addr)
{
	struct port_qspi_cmd one;
	uint8_t a[XIP_CHECK_LEN], b[XIP_CHECK_LEN];
	if (nor_xip_cmd(NOR_XIP_1_1_1, &one))
		return false;
	struct port_qspi_cmd c = *cand;
	one.address = c.address = addr;
	one.data_len = c.data_len = XIP_CHECK_LEN;
	return port_qspi_read(&one, a) == QDFU_OK && port_qspi_read(&c, b) == QDFU_OK &&
	       memcmp(a, b, sizeof(a)) == 0;
}

int nor_xip_handover(enum nor_xip_mode mode, uint32_t check_addr, struct port_qspi_cmd *used)
{
	const struct nor_info *in = nor_get_info();
	if (!in)
		return QDFU_E_NO_DEVICE;
	struct port_qspi_cmd c;
	if (nor_octal_bus()) {
		/* an octal chip: the fastest is OPI DTR (8DTRD 0xEE11 with DQS) if
		 * the vector table reads the same in it, else SPI 1-1-1; framed by
		 * the octal layer (docs/decisions/octal-protocol-at-handover.md) */
		enum nor_proto p = mode == NOR_XIP_SINGLE ? NOR_PROTO_SPI : NOR_PROTO_OPI_DTR;
		int rc = nor_octal_handover(p, check_addr, &c);
		if (rc == QDFU_OK && used)
			*used = c;
		return rc;
	}
	uint32_t addr = check_addr & ~1u; /* even: both chips' bytes in dual mode */
	if (addr > in->size - XIP_CHECK_LEN)
		addr = 0;
	enum nor_xip_kind k = mode == NOR_XIP_SINGLE ? NOR_XIP_1_1_1 : NOR_XIP_1_4_4;
	for (; k < NOR_XIP_1_1_1; k++)
		if (nor_xip_cmd(k, &c) == QDFU_OK && agrees(&c, addr))
			break;
	if (k == NOR_XIP_1_1_1)
		(void)nor_xip_cmd(NOR_XIP_1_1_1, &c);
	int rc = nor_memmap_cmd(&c);
	if (rc == QDFU_OK && used)
		*used = c;
	return rc;
}
