/* SPDX-License-Identifier: MIT */
/* Macronix MX25L: QE in SR1 bit6 (QER 2), fail bits in the security
 * register (0x2B: bit5 program, bit6 erase), 0xB7/0xE9 without WREN. */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void macronix_fixup(const uint8_t id[3], struct nor_params *p)
{
	p->scur = true;
	p->b7_wren = false;
	if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 2;
	/* MX25LM (device type 0x85, octal): 1-1-1 in SPI, 8-8-8 in OPI, no
	 * dual or quad reads (ST's component driver stm32-mx25lm51245g has
	 * none) whatever the defaults say */
	if (id[1] == 0x85)
		p->quad_read = false;
}

const struct nor_vendor_ops nor_vendor_macronix = {NOR_MFR_MACRONIX, macronix_fixup};
