/* SPDX-License-Identifier: MIT */
/* GigaDevice GD25Q: QE in SR2 bit1. GD25Q64C (C8 40 17) writes SR2 only
 * with 0x31 (QER 6); the others take 0x01 + 2 bytes (QER 5, unverified). */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void gigadevice_fixup(const uint8_t id[3], struct nor_params *p)
{
	if (id[1] == 0x40 && id[2] == 0x17)
		p->qer = 6;
	else if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 5;
	p->vsr_50 = true;
}

const struct nor_vendor_ops nor_vendor_gigadevice = {NOR_MFR_GIGADEVICE, gigadevice_fixup};
