/* SPDX-License-Identifier: MIT */
/*
 * The first two parameter layers: conservative defaults, then a JEDEC-ID
 * table for chips whose SFDP is missing or unusable. And the vendor list
 * for the last layer (fixups after SFDP).
 */
#include <string.h>

#include "common/compiler.h"
#include "nor/nor.h"
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

void nor_params_defaults(struct nor_params *p)
{
	memset(p, 0, sizeof(*p));
	p->size = 0; /* unknown until the ID table or SFDP says */
	p->page = 256;
	/* 4 KiB 0x20 and 64 KiB 0xD8 exist on every part in the table */
	p->erase[0] = (struct nor_erase){.size = 4096,
	                                 .op = NOR_OP_BE_4K,
	                                 .op4 = NOR_OP_BE_4K_4B,
	                                 .type = NOR_ERASE_TYPE_NONE,
	                                 .typ_ms = 50,
	                                 .max_ms = 800};
	p->erase[1] = (struct nor_erase){.size = 65536,
	                                 .op = NOR_OP_SE,
	                                 .op4 = NOR_OP_SE_4B,
	                                 .type = NOR_ERASE_TYPE_NONE,
	                                 .typ_ms = 300,
	                                 .max_ms = 3000};
	p->nerase = 2;
	p->pp_typ_us = 700;
	p->pp_max_us = 5000;
	p->chip_typ_ms = 100000;
	p->chip_max_ms = 600000;
	p->qer = NOR_QER_UNKNOWN;
	p->addr_bytes = 3;
	p->quad_read = true;
	p->sfdp_minor = 0xFF;
	p->bp_mask = NOR_SR1_PROTECT;
}

struct nor_id_entry {
	uint8_t id[3];
	uint8_t size_log2;
	uint8_t qer;
};

/* Chips on STM32H7 boards (shared facts), for when SFDP is unusable. */
static const struct nor_id_entry ids[] = {
    {{0x20, 0xBA, 0x18}, 24, 0}, /* MT25QL128ABA */
    {{0x20, 0xBA, 0x20}, 26, 0}, /* MT25QL512ABB */
    {{0xEF, 0x40, 0x17}, 23, 4}, /* W25Q64JV-IQ */
    {{0xEF, 0x70, 0x17}, 23, 4}, /* W25Q64JV-IM */
    {{0xEF, 0x40, 0x18}, 24, 4}, /* W25Q128JV-IQ */
    {{0xEF, 0x70, 0x18}, 24, 4}, /* W25Q128JV-IM */
    {{0xEF, 0x40, 0x19}, 25, 4}, /* W25Q256JV-IQ */
    {{0xEF, 0x70, 0x19}, 25, 4}, /* W25Q256JV-IM */
    {{0xC2, 0x20, 0x18}, 24, 2}, /* MX25L12833F */
    {{0xC2, 0x20, 0x1A}, 26, 2}, /* MX25L51245G */
    {{0xC2, 0x85, 0x3A}, 26, 0}, /* MX25LM51245G (octal: no QE, no quad) */
    {{0x9D, 0x60, 0x17}, 23, 2}, /* IS25LP064A */
    {{0x9D, 0x60, 0x18}, 24, 2}, /* IS25LP128 */
    {{0xC8, 0x40, 0x17}, 23, 6}, /* GD25Q64C */
    {{0xC8, 0x40, 0x18}, 24, 5}, /* GD25Q128 (QER unverified) */
    {{0x1F, 0x89, 0x01}, 24, 4}, /* AT25SF128A (QER unverified) */
};

bool nor_ids_apply(const uint8_t id[3], struct nor_params *p)
{
	for (unsigned i = 0; i < QDFU_ARRAY_SIZE(ids); i++) {
		if (memcmp(ids[i].id, id, 3) != 0)
			continue;
		p->size = 1u << ids[i].size_log2;
		p->qer = ids[i].qer;
		return true;
	}
	return false;
}

static const struct nor_vendor_ops *const vendors[] = {
    &nor_vendor_micron, &nor_vendor_winbond,    &nor_vendor_macronix,
    &nor_vendor_issi,   &nor_vendor_gigadevice, &nor_vendor_adesto,
};

void nor_vendor_fixup(const uint8_t id[3], struct nor_params *p)
{
	for (unsigned i = 0; i < QDFU_ARRAY_SIZE(vendors); i++)
		if (vendors[i]->mfr == id[0])
			vendors[i]->fixup(id, p);
	/* generic post-SFDP rule: above 16 MiB without a 4BAIT, derive the
	 * dedicated erase opcodes from the 3->4-byte map (a parsed 4BAIT is
	 * trusted as it is) */
	if (p->size > 16u * 1024u * 1024u && p->nerase && !p->has_4bait) {
		bool all = true;
		for (unsigned k = 0; k < p->nerase; k++) {
			if (!p->erase[k].op4)
				p->erase[k].op4 = nor_erase_op_4b(p->erase[k].op);
			if (!p->erase[k].op4)
				all = false;
		}
		if (!p->op4_erase && p->op4_pp)
			p->op4_erase = all;
	}
}
