/* SPDX-License-Identifier: MIT */
/* Micron MT25Q: quad by opcode (QER 0), flag status register with error
 * bits (0x70, cleared by 0x50), 0xB7/0xE9 need WREN. */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void micron_fixup(const uint8_t id[3], struct nor_params *p)
{
	(void)id;
	p->fsr = true;
	p->qer = 0;
	p->b7_wren = true;
	p->quad_pp = true; /* MT25Q: 0x32 quad input fast program (QER 0: no QE) */
	p->bp_mask = NOR_SR1_PROTECT | NOR_SR1_BP3_MICRON;
}

const struct nor_vendor_ops nor_vendor_micron = {NOR_MFR_MICRON, micron_fixup};
