/* SPDX-License-Identifier: MIT */
/*
 * Synopsys DWC2 OTG core (USB1_OTG_HS, USB2_OTG_FS on STM32H7), device mode.
 * Names as in RM0399 chapter "USB on-the-go high-speed (OTG_HS)".
 */
#ifndef QDFU_PORT_STM32H7_REGS_USB_DWC2_H
#define QDFU_PORT_STM32H7_REGS_USB_DWC2_H

#include <stddef.h>
#include <stdint.h>

#define USB1_OTG_HS_BASE 0x40040000u
#define USB2_OTG_FS_BASE 0x40080000u
/* Registers, then one 4 KiB push/pop window per FIFO (FIFO n at 0x1000 *
 * (n + 1)); 32-bit accesses only. The model maps this much. */
#define DWC2_FIFO_OFFSET(n) (0x1000u * ((n) + 1u))
#define DWC2_BLOCK_SIZE     0x20000u
#define DWC2_EP_COUNT       9u    /* including EP0, both instances */
#define DWC2_FIFO_WORDS     1024u /* 4 KiB of FIFO RAM */

struct dwc2_in_ep {
	volatile uint32_t DIEPCTL; /* +0x00 */
	volatile uint32_t RESERVED0;
	volatile uint32_t DIEPINT; /* +0x08 */
	volatile uint32_t RESERVED1;
	volatile uint32_t DIEPTSIZ; /* +0x10 */
	volatile uint32_t DIEPDMA;  /* +0x14 */
	volatile uint32_t DTXFSTS;  /* +0x18 */
	volatile uint32_t RESERVED2;
};

struct dwc2_out_ep {
	volatile uint32_t DOEPCTL; /* +0x00 */
	volatile uint32_t RESERVED0;
	volatile uint32_t DOEPINT; /* +0x08 */
	volatile uint32_t RESERVED1;
	volatile uint32_t DOEPTSIZ; /* +0x10 */
	volatile uint32_t DOEPDMA;  /* +0x14 */
	volatile uint32_t RESERVED2[2];
};

struct dwc2_regs {
	volatile uint32_t GOTGCTL;  /* 0x000 */
	volatile uint32_t GOTGINT;  /* 0x004 */
	volatile uint32_t GAHBCFG;  /* 0x008 */
	volatile uint32_t GUSBCFG;  /* 0x00C */
	volatile uint32_t GRSTCTL;  /* 0x010 */
	volatile uint32_t GINTSTS;  /* 0x014 */
	volatile uint32_t GINTMSK;  /* 0x018 */
	volatile uint32_t GRXSTSR;  /* 0x01C */
	volatile uint32_t GRXSTSP;  /* 0x020 */
	volatile uint32_t GRXFSIZ;  /* 0x024 */
	volatile uint32_t DIEPTXF0; /* 0x028 */
	volatile uint32_t GNPTXSTS; /* 0x02C */
	volatile uint32_t RESERVED0[2];
	volatile uint32_t GCCFG;   /* 0x038 */
	volatile uint32_t CID;     /* 0x03C */
	volatile uint32_t GSNPSID; /* 0x040 */
	volatile uint32_t RESERVED1[4];
	volatile uint32_t GLPMCFG; /* 0x054 */
	volatile uint32_t RESERVED2[42];
	volatile uint32_t HPTXFSIZ;    /* 0x100 */
	volatile uint32_t DIEPTXF[15]; /* 0x104: DIEPTXF1..15 */
	volatile uint32_t RESERVED3[432];
	volatile uint32_t DCFG; /* 0x800 */
	volatile uint32_t DCTL; /* 0x804 */
	volatile uint32_t DSTS; /* 0x808 */
	volatile uint32_t RESERVED4;
	volatile uint32_t DIEPMSK;  /* 0x810 */
	volatile uint32_t DOEPMSK;  /* 0x814 */
	volatile uint32_t DAINT;    /* 0x818 */
	volatile uint32_t DAINTMSK; /* 0x81C */
	volatile uint32_t RESERVED5[2];
	volatile uint32_t DVBUSDIS;   /* 0x828 */
	volatile uint32_t DVBUSPULSE; /* 0x82C */
	volatile uint32_t DTHRCTL;    /* 0x830 */
	volatile uint32_t DIEPEMPMSK; /* 0x834 */
	volatile uint32_t RESERVED6[50];
	struct dwc2_in_ep IN[16];   /* 0x900 */
	struct dwc2_out_ep OUT[16]; /* 0xB00 */
	volatile uint32_t RESERVED7[64];
	volatile uint32_t PCGCCTL; /* 0xE00 */
};

_Static_assert(sizeof(struct dwc2_in_ep) == 0x20, "DIEP stride");
_Static_assert(sizeof(struct dwc2_out_ep) == 0x20, "DOEP stride");
_Static_assert(offsetof(struct dwc2_regs, GRSTCTL) == 0x010, "GRSTCTL");
_Static_assert(offsetof(struct dwc2_regs, GRXSTSP) == 0x020, "GRXSTSP");
_Static_assert(offsetof(struct dwc2_regs, DIEPTXF0) == 0x028, "DIEPTXF0");
_Static_assert(offsetof(struct dwc2_regs, GCCFG) == 0x038, "GCCFG");
_Static_assert(offsetof(struct dwc2_regs, GSNPSID) == 0x040, "GSNPSID");
_Static_assert(offsetof(struct dwc2_regs, GLPMCFG) == 0x054, "GLPMCFG");
_Static_assert(offsetof(struct dwc2_regs, DIEPTXF) == 0x104, "DIEPTXF1");
_Static_assert(offsetof(struct dwc2_regs, DCFG) == 0x800, "DCFG");
_Static_assert(offsetof(struct dwc2_regs, DAINTMSK) == 0x81C, "DAINTMSK");
_Static_assert(offsetof(struct dwc2_regs, DIEPEMPMSK) == 0x834, "DIEPEMPMSK");
_Static_assert(offsetof(struct dwc2_regs, IN) == 0x900, "DIEPCTL0");
_Static_assert(offsetof(struct dwc2_regs, IN[0].DTXFSTS) == 0x918, "DTXFSTS0");
_Static_assert(offsetof(struct dwc2_regs, OUT) == 0xB00, "DOEPCTL0");
_Static_assert(offsetof(struct dwc2_regs, OUT[0].DOEPTSIZ) == 0xB10, "DOEPTSIZ0");
_Static_assert(offsetof(struct dwc2_regs, PCGCCTL) == 0xE00, "PCGCCTL");

/* GOTGCTL */
#define GOTGCTL_BVALOEN  (1u << 6)
#define GOTGCTL_BVALOVAL (1u << 7)
/* GAHBCFG */
#define GAHBCFG_GINT    (1u << 0)
#define GAHBCFG_TXFELVL (1u << 7)
/* GUSBCFG */
#define GUSBCFG_TOCAL_Msk  (7u << 0)
#define GUSBCFG_PHYSEL     (1u << 6) /* 1 = internal full-speed PHY */
#define GUSBCFG_TRDT_Pos   10
#define GUSBCFG_TRDT_Msk   (0xFu << 10)
#define GUSBCFG_ULPIFSLS   (1u << 17)
#define GUSBCFG_ULPIAR     (1u << 18)
#define GUSBCFG_ULPICSM    (1u << 19)
#define GUSBCFG_ULPIEVBUSD (1u << 20)
#define GUSBCFG_ULPIEVBUSI (1u << 21)
#define GUSBCFG_TSDPS      (1u << 22)
#define GUSBCFG_FHMOD      (1u << 29)
#define GUSBCFG_FDMOD      (1u << 30)
/* GRSTCTL */
#define GRSTCTL_CSRST      (1u << 0)
#define GRSTCTL_RXFFLSH    (1u << 4)
#define GRSTCTL_TXFFLSH    (1u << 5)
#define GRSTCTL_TXFNUM_Pos 6
#define GRSTCTL_TXFNUM_Msk (0x1Fu << 6)
#define GRSTCTL_TXFNUM_ALL (0x10u << 6)
#define GRSTCTL_AHBIDL     (1u << 31)
/* GINTSTS / GINTMSK */
#define GINTSTS_CMOD      (1u << 0)
#define GINTSTS_MMIS      (1u << 1)
#define GINTSTS_OTGINT    (1u << 2)
#define GINTSTS_SOF       (1u << 3)
#define GINTSTS_RXFLVL    (1u << 4)
#define GINTSTS_ESUSP     (1u << 10)
#define GINTSTS_USBSUSP   (1u << 11)
#define GINTSTS_USBRST    (1u << 12)
#define GINTSTS_ENUMDNE   (1u << 13)
#define GINTSTS_IEPINT    (1u << 18)
#define GINTSTS_OEPINT    (1u << 19)
#define GINTSTS_SRQINT    (1u << 30)
#define GINTSTS_WKUPINT   (1u << 31)
#define GINTSTS_CLEAR_ALL 0xBFFFFFFFu
/* GRXSTSP */
#define GRXSTSP_EPNUM_Msk  (0xFu << 0)
#define GRXSTSP_BCNT_Pos   4
#define GRXSTSP_BCNT_Msk   (0x7FFu << 4)
#define GRXSTSP_DPID_Pos   15
#define GRXSTSP_PKTSTS_Pos 17
#define GRXSTSP_PKTSTS_Msk (0xFu << 17)
#define PKTSTS_GOUTNAK     1u
#define PKTSTS_OUT_DATA    2u
#define PKTSTS_OUT_DONE    3u
#define PKTSTS_SETUP_DONE  4u
#define PKTSTS_SETUP_DATA  6u
/* GRXFSIZ / DIEPTXFx: start address [15:0], depth [31:16], in words */
#define DIEPTXF_DEPTH_Pos 16
/* GCCFG */
#define GCCFG_PWRDWN (1u << 16)
#define GCCFG_VBDEN  (1u << 21)
/* DCFG */
#define DCFG_DSPD_Msk         (3u << 0)
#define DCFG_DSPD_HS          (0u << 0) /* high speed, external ULPI PHY */
#define DCFG_DSPD_FS_INTERNAL (3u << 0)
#define DCFG_NZLSOHSK         (1u << 2)
#define DCFG_DAD_Pos          4
#define DCFG_DAD_Msk          (0x7Fu << 4)
/* DCTL */
#define DCTL_RWUSIG (1u << 0)
#define DCTL_SDIS   (1u << 1)
#define DCTL_GINSTS (1u << 2)
#define DCTL_GONSTS (1u << 3)
#define DCTL_SGINAK (1u << 7)
#define DCTL_CGINAK (1u << 8)
#define DCTL_SGONAK (1u << 9)
#define DCTL_CGONAK (1u << 10)
/* DSTS: ENUMSPD[2:1]: 0 HS, 3 FS (48 MHz PHY clock) */
#define DSTS_SUSPSTS     (1u << 0)
#define DSTS_ENUMSPD_Pos 1
#define DSTS_ENUMSPD_Msk (3u << 1)
#define DSTS_ENUMSPD_HS  0u
#define DSTS_ENUMSPD_FS  3u
/* DIEPMSK / DIEPINT */
#define DIEPINT_XFRC   (1u << 0)
#define DIEPINT_EPDISD (1u << 1)
#define DIEPINT_TOC    (1u << 3)
#define DIEPINT_INEPNE (1u << 6)
#define DIEPINT_TXFE   (1u << 7)
/* DOEPMSK / DOEPINT */
#define DOEPINT_XFRC     (1u << 0)
#define DOEPINT_EPDISD   (1u << 1)
#define DOEPINT_STUP     (1u << 3)
#define DOEPINT_OTEPDIS  (1u << 4)
#define DOEPINT_OTEPSPR  (1u << 5)
#define DOEPINT_B2BSTUP  (1u << 6)
#define DOEPINT_NAK      (1u << 13)
#define DOEPINT_STPKTRX  (1u << 15)
#define DEPINT_CLEAR_ALL 0xFB7Fu
/* DAINT / DAINTMSK: IN endpoints [15:0], OUT endpoints [31:16] */
#define DAINT_IEP(n) (1u << (n))
#define DAINT_OEP(n) (1u << (16 + (n)))
/* DIEPCTLx / DOEPCTLx */
#define DEPCTL_MPSIZ_Msk  (0x7FFu << 0)
#define DEP0CTL_MPSIZ_64  0u /* EP0 encodes 64/32/16/8 as 0..3 */
#define DEPCTL_USBAEP     (1u << 15)
#define DEPCTL_NAKSTS     (1u << 17)
#define DEPCTL_EPTYP_Msk  (3u << 18)
#define DEPCTL_STALL      (1u << 21)
#define DEPCTL_TXFNUM_Pos 22
#define DEPCTL_CNAK       (1u << 26)
#define DEPCTL_SNAK       (1u << 27)
#define DEPCTL_EPDIS      (1u << 30)
#define DEPCTL_EPENA      (1u << 31)
/* DIEPTSIZx / DOEPTSIZx */
#define DEPTSIZ_XFRSIZ_Msk   (0x7FFFFu << 0)
#define DEPTSIZ_PKTCNT_Pos   19
#define DEPTSIZ_PKTCNT_Msk   (0x3FFu << 19)
#define DEPTSIZ_PKTCNT(n)    ((uint32_t)(n) << 19)
#define DOEPTSIZ_STUPCNT_Pos 29
#define DOEPTSIZ_STUPCNT_Msk (3u << 29)
#define DOEPTSIZ_STUPCNT(n)  ((uint32_t)(n) << 29)
/* DTXFSTS: INEPTFSAV[15:0], free words */
#define DTXFSTS_INEPTFSAV_Msk 0xFFFFu
/* PCGCCTL */
#define PCGCCTL_STOPCLK (1u << 0)
#define PCGCCTL_GATECLK (1u << 1)

#endif
