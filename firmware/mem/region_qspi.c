/* SPDX-License-Identifier: MIT */
/*
 * The external NOR flash as a memory region (alt 1), over nor/. Layout:
 * pages of the largest erase type (both chips' bytes in dual-flash mode),
 * except the last such block, which is split into pages of the smallest
 * erase type: the last two of those hold the boot journal and are
 * read-only to hosts. The ops check no attributes (the engine does, and
 * the journal writes its own units through them).
 */
#include "mem/region_qspi.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"
#include "nor/nor.h"
#include "qdfu_app.h"
#include "qdfu_proto.h"

#define QSPI_BASE 0x90000000u

static void to_mem_time(const struct nor_time *nt, struct mem_time *t)
{
	t->typ_ms = nt->typ_ms;
	t->max_ms = nt->max_ms;
}

static int q_erase_start(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t)
{
	struct nor_time nt = {0, 0};
	int rc = nor_erase_start(addr - r->base, len, &nt);
	to_mem_time(&nt, t);
	return rc;
}

static int q_erase_time(struct mem_region *r, uint32_t addr, uint32_t len, struct mem_time *t)
{
	struct nor_time nt = {0, 0};
	int rc = nor_erase_time(addr - r->base, len, &nt);
	to_mem_time(&nt, t);
	return rc;
}

static int q_mass_erase_start(struct mem_region *r, struct mem_time *t)
{
	QDFU_UNUSED(r);
	struct nor_time nt = {0, 0};
	int rc = nor_mass_erase_start(&nt);
	to_mem_time(&nt, t);
	return rc;
}

static int q_program_start(struct mem_region *r, uint32_t addr, const uint8_t *data, uint32_t len,
                           struct mem_time *t)
{
	struct nor_time nt = {0, 0};
	int rc = nor_program_start(addr - r->base, data, len, &nt);
	to_mem_time(&nt, t);
	return rc;
}

static int q_poll(struct mem_region *r)
{
	QDFU_UNUSED(r);
	return nor_poll();
}

static int q_read(struct mem_region *r, uint32_t addr, uint8_t *buf, uint32_t len)
{
	return nor_read(addr - r->base, buf, len);
}

static int q_read_crc(struct mem_region *r, uint32_t addr, uint32_t len, uint32_t *crc)
{
	return nor_read_crc(addr - r->base, len, crc);
}

static const struct mem_ops qspi_ops = {
    .erase_start = q_erase_start,
    .erase_time = q_erase_time,
    .mass_erase_start = q_mass_erase_start,
    .program_start = q_program_start,
    .poll = q_poll,
    .read = q_read,
    .read_crc = q_read_crc,
};

int region_qspi_init(struct mem_region *r, const struct board *b, uint8_t alt)
{
	memset(r, 0, sizeof(*r));
	/* An octal chip may have been left in OPI (by an application, or by its
	 * non-volatile default): the probe resets it blind in all three
	 * protocols and finds it, in SPI 1-1-1. A board that hands over in
	 * octal DTR runs the chip in it too (16 times SPI's bytes per clock);
	 * a chip that does not switch stays in SPI (octal.c resets it back)
	 * (docs/decisions/octal-protocol-at-handover.md). */
	nor_set_octal(board_octal_chip(b), NOR_PROTO_SPI);
	int rc = nor_probe(b->qspi_dual, b->qspi_clock_hz);
	if (rc)
		return rc;
	if (board_octal_dtr(b))
		(void)nor_set_proto(NOR_PROTO_OPI_DTR);
	const struct nor_info *ni = nor_get_info();
	uint32_t small = ni->erase_size[0], large = ni->erase_size[ni->nerase - 1u];
	if (ni->size < 2u * large || large < 2u * small)
		return QDFU_E_UNSUPPORTED;
	r->name = "QSPI Flash";
	r->base = QSPI_BASE;
	r->size = ni->size;
	r->alt = alt;
	r->program_unit = 1;
	r->erase_unit = small; /* any aligned run of sectors (nor planner) */
	r->ops = &qspi_ops;
	r->seg[0].count = ni->size / large - 1u;
	r->seg[0].page_size = large;
	r->seg[0].attr = MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE;
	r->nseg = 1;
	if (large / small > 2u) {
		r->seg[1].count = large / small - 2u;
		r->seg[1].page_size = small;
		r->seg[1].attr = MEM_ATTR_READ | MEM_ATTR_ERASE | MEM_ATTR_WRITE;
		r->nseg = 2;
	}
	r->seg[r->nseg].count = 2;
	r->seg[r->nseg].page_size = small;
	r->seg[r->nseg].attr = MEM_ATTR_READ;
	r->nseg++;
	r->ctx = NULL;
	return QDFU_OK;
}

bool region_qspi_journal(const struct mem_region *r, uint32_t *base, uint32_t *unit)
{
	if (!r || r->nseg < 2 || r->seg[r->nseg - 1u].attr != MEM_ATTR_READ)
		return false;
	uint32_t u = r->seg[r->nseg - 1u].page_size;
	*base = r->base + r->size - 2u * u;
	*unit = u;
	return true;
}

uint16_t region_qspi_info_flags(const struct mem_region *r)
{
	const struct nor_info *ni = r ? nor_get_info() : NULL;
	uint16_t f = 0;
	if (ni && ni->dual)
		f |= QDFU_PROTO_FLAG_DUAL_FLASH;
	if (ni && ni->protect_found)
		f |= QDFU_PROTO_FLAG_PROTECT_FOUND;
	if (ni && ni->protect_cleared)
		f |= QDFU_PROTO_FLAG_PROTECT_CLEARED;
	return f;
}

void region_qspi_describe(const struct mem_region *r, struct qdfu_handoff *h)
{
	const struct nor_info *ni = r ? nor_get_info() : NULL;
	if (!ni)
		return;
	memcpy(h->jedec_id, ni->id, sizeof(h->jedec_id));
	h->chips = ni->chips;
	h->flash_size = ni->size;
	h->addr_bytes = ni->addr_mode == NOR_ADDR_3 ? 3 : 4;
	h->addr4_mode = ni->addr_mode == NOR_ADDR_4_MODE;
}

int region_qspi_handover(const struct mem_region *r, bool single, uint32_t check_addr,
                         struct qdfu_handoff *h)
{
	struct port_qspi_cmd c;
	uint32_t off = check_addr - r->base < r->size ? check_addr - r->base : 0;
	int rc = nor_xip_handover(single ? NOR_XIP_SINGLE : NOR_XIP_FASTEST, off, &c);
	if (rc)
		return rc;
	if (c.instruction_lines == 8)
		h->xip = (c.dtr & PORT_QSPI_DTR_DATA) ? QDFU_XIP_8D_8D_8D : QDFU_XIP_8_8_8;
	else if (c.address_lines == 4)
		h->xip = QDFU_XIP_1_4_4;
	else
		h->xip = c.data_lines == 4 ? QDFU_XIP_1_1_4 : QDFU_XIP_1_1_1;
	/* a 16-bit OPI instruction (0xEE11) is recorded by its opcode byte: the
	 * second byte is its complement */
	h->read_opcode = (uint8_t)(c.instruction_bytes == 2u ? c.instruction >> 8 : c.instruction);
	h->addr_bytes = c.address_bytes;
	h->dummy_cycles =
	    (uint8_t)(c.dummy_cycles + (c.alt_lines ? c.alt_bytes * 8u / c.alt_lines : 0u));
	h->mode_bits = c.alt_lines ? (uint8_t)c.alt : 0;
	return QDFU_OK;
}
