/* SPDX-License-Identifier: MIT */
/* GigaDevice GD25Q: QE in SR2 bit 1, read with 0x35.
 * - GD25Q64C (C8 40 17) writes SR2 only with 0x31 (QER 6): shared facts
 *   (spi-nor.md, chip table), from the GD25Q64C datasheet's command list
 *   (0x01 S7-S0, 0x31 S15-S8); the datasheet itself is not checked here.
 * - the others: 0x01 + 2 bytes (QER 5), which is what Linux uses for its
 *   GigaDevice parts (drivers/mtd/spi-nor/gigadevice.c sets no quad-enable
 *   method, so the core's SR2-bit-1 16-bit status write applies);
 *   unverified against each datasheet.
 * - 0x50 then 0x01 writes the volatile status register (GD25Q128
 *   datasheet "Write Enable for Volatile Status Register", unverified). */
#include "nor/nor_cmds.h"
#include "nor/nor_vendor.h"

static void gigadevice_fixup(const uint8_t id[3], struct nor_params *p)
{
	if (id[1] == 0x40 && id[2] == 0x17)
		p->qer = 6;
	else if (p->qer == NOR_QER_UNKNOWN)
		p->qer = 5;
	p->vsr_50 = true;
	p->rdsr2 = true;   /* GD25Q datasheets: 0x35 reads S15-S8 */
	p->quad_pp = true; /* GD25Q: 0x32 quad page program, QE = 1 */
}

const struct nor_vendor_ops nor_vendor_gigadevice = {NOR_MFR_GIGADEVICE, gigadevice_fixup};
