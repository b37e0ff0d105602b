/* SPDX-License-Identifier: MIT */
/* ISSI IS25LP: QE in SR1 bit6 (QER 2). IS25LP256 claims 3-byte-only in
 * its BFPT yet takes the 4-byte opcodes (facts): trust the opcodes above
 * 16 MiB. */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void issi_fixup(const uint8_t id[3], struct nor_params *p)
{
	(void)id;
	if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 2;
	p->quad_pp = true; /* IS25LP: 0x32 (or 0x38) quad input page program, QE = 1 */
	if (p->size > 16u * 1024u * 1024u) {
		p->op4_read = true;
		p->op4_pp = true;
		p->op4_quad_read = p->quad_read;
	}
}

const struct nor_vendor_ops nor_vendor_issi = {NOR_MFR_ISSI, issi_fixup};
