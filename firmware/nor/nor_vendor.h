/* SPDX-License-Identifier: MIT */
/* Per-vendor quirks, one file each, keyed by the JEDEC manufacturer ID. */
#ifndef QDFU_NOR_VENDOR_H
#define QDFU_NOR_VENDOR_H

#include <stdint.h>

#include "nor/nor.h"

struct nor_vendor_ops {
	uint8_t mfr;
	/* after SFDP: correct what the tables get wrong or leave out */
	void (*fixup)(const uint8_t id[3], struct nor_params *p);
};

extern const struct nor_vendor_ops nor_vendor_micron, nor_vendor_winbond, nor_vendor_macronix,
    nor_vendor_issi, nor_vendor_gigadevice, nor_vendor_adesto;

#endif
