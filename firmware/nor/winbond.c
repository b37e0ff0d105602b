/* SPDX-License-Identifier: MIT */
/* Winbond W25Q..JV: QE in SR2 bit1 written with 0x01 + 2 bytes (QER 4
 * when the BFPT is too old to say; unverified for every density); no
 * error bits (a protected program/erase is ignored: verify catches it). */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void winbond_fixup(const uint8_t id[3], struct nor_params *p)
{
	(void)id;
	if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 4;
	p->vsr_50 = true;
	p->rdsr2 = true;   /* W25Q datasheets: "Read Status Register-2 (35h)" */
	p->quad_pp = true; /* W25Q..JV: "Quad Input Page Program (32h)", QE = 1 */
}

const struct nor_vendor_ops nor_vendor_winbond = {NOR_MFR_WINBOND, winbond_fixup};
