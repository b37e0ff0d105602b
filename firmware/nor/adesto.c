/* SPDX-License-Identifier: MIT */
/* Adesto / Dialog AT25SF: QE in SR2 bit1, 0x01 + 2 bytes (unverified). */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void adesto_fixup(const uint8_t id[3], struct nor_params *p)
{
	(void)id;
	if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 4;
	p->vsr_50 = true;
}

const struct nor_vendor_ops nor_vendor_adesto = {NOR_MFR_ADESTO, adesto_fixup};
