/* SPDX-License-Identifier: MIT */
/* Adesto / Dialog / Renesas AT25SF128A and AT25QF128A (1F 89 01): QE in
 * SR2 bit 1 written with 0x01 + 2 bytes, SR2 read with 0x35, and a 0x50
 * volatile status write: ufprog's chip table (atmel.c, "AT25QF128A", alias
 * AT25SF128A: SNOR_QE_SR2_BIT1, SNOR_F_SR_VOLATILE_WREN_50H). The
 * AT25SF128A datasheet (DS-AT25SF128A-168E) is not checked for these. */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void adesto_fixup(const uint8_t id[3], struct nor_params *p)
{
	(void)id;
	if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 4;
	p->vsr_50 = true;
	p->rdsr2 = true; /* ufprog atmel.c: SR1/SR2/SR3 read with 0x05/0x35/0x15 */
}

const struct nor_vendor_ops nor_vendor_adesto = {NOR_MFR_ADESTO, adesto_fixup};
