/* SPDX-License-Identifier: MIT */
/* CRS (clock recovery system for HSI48). */
#ifndef QDFU_PORT_STM32H7_REGS_CRS_H
#define QDFU_PORT_STM32H7_REGS_CRS_H

#include <stddef.h>
#include <stdint.h>

#define CRS_BASE 0x40008400u

struct crs_regs {
	volatile uint32_t CR;   /* 0x00 */
	volatile uint32_t CFGR; /* 0x04 */
	volatile uint32_t ISR;  /* 0x08 */
	volatile uint32_t ICR;  /* 0x0C */
};

_Static_assert(offsetof(struct crs_regs, CFGR) == 0x04, "CRS_CFGR");
_Static_assert(offsetof(struct crs_regs, ICR) == 0x0C, "CRS_ICR");

#define CRS_CR_CEN            (1u << 5)
#define CRS_CR_AUTOTRIMEN     (1u << 6)
#define CRS_CFGR_RELOAD_Msk   (0xFFFFu << 0)
#define CRS_CFGR_FELIM_Pos    16
#define CRS_CFGR_FELIM_Msk    (0xFFu << 16)
#define CRS_CFGR_SYNCSRC_Pos  28
#define CRS_CFGR_SYNCSRC_Msk  (3u << 28)
#define CRS_CFGR_SYNCSRC_USB1 (2u << 28) /* reset default: USB1_OTG_HS SOF */
#define CRS_CFGR_SYNCSRC_USB2 (3u << 28) /* USB2_OTG_FS SOF (PA11/PA12 on H74x/H75x) */
/* 48 MHz / 1 kHz SOF - 1, and the frequency error limit ST recommends. */
#define CRS_RELOAD_48MHZ_1KHZ 0xBB7Fu
#define CRS_FELIM_DEFAULT     0x22u

#endif
