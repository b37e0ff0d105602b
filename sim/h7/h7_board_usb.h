/* SPDX-License-Identifier: MIT */
/*
 * Which DWC2 core (and PHY) a board's USB wiring uses, for placing the
 * register model where the STM32H7 driver will look for it.
 */
#ifndef QDFU_SIM_H7_BOARD_USB_H
#define QDFU_SIM_H7_BOARD_USB_H

#include <stdint.h>

#include "boards/board.h"
#include "sim/h7/dwc2_model.h"

#define H7_USB1_OTG_HS_BASE 0x40040000u
#define H7_USB2_OTG_FS_BASE 0x40080000u

static inline uintptr_t h7_board_usb_base(const struct board *b)
{
	return b->hw.usb == BOARD_USB2_OTG_FS_PA11_PA12 ? H7_USB2_OTG_FS_BASE : H7_USB1_OTG_HS_BASE;
}

static inline enum dwc2m_phy h7_board_usb_phy(const struct board *b)
{
	return b->hw.usb == BOARD_USB1_OTG_HS_ULPI ? DWC2M_PHY_ULPI : DWC2M_PHY_FS_INTERNAL;
}

static inline const char *h7_board_usb_name(const struct board *b)
{
	switch (b->hw.usb) {
	case BOARD_USB1_OTG_HS_ULPI:
		return "USB1_OTG_HS with the external ULPI PHY";
	case BOARD_USB1_OTG_HS_FS_PB14_PB15:
		return "USB1_OTG_HS with its internal full-speed PHY (PB14/PB15)";
	case BOARD_USB1_OTG_HS_FS_PA11_PA12:
		return "USB1_OTG_HS with its internal full-speed PHY (PA11/PA12)";
	case BOARD_USB2_OTG_FS_PA11_PA12:
	default:
		return "USB2_OTG_FS with its internal full-speed PHY (PA11/PA12)";
	}
}

#endif
