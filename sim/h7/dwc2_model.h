/* SPDX-License-Identifier: MIT */
/*
 * A register-level model of the Synopsys DWC2 OTG core in device mode
 * (STM32H7 USB1_OTG_HS / USB2_OTG_FS), EP0 only, slave mode, registered on
 * the MMIO bus so the real driver (firmware/port/stm32h7/usb_dwc2.c built
 * with QDFU_HOST_MMIO) runs against it.
 *
 * Strict where drivers go wrong (each violation is counted, see
 * dwc2m_errors(), and usually also makes the host side fail):
 *  - core soft reset: CSRST written before AHBIDL reads 1 never completes;
 *  - device mode: GINTSTS.CMOD drops 25 ms after GUSBCFG.FDMOD; device
 *    registers written before that are ignored;
 *  - GRSTCTL flush bits are write-to-trigger: writing TXFFLSH/RXFFLSH again
 *    while that flush is still running (what `GRSTCTL |= ...` right after a
 *    flush does) is an error;
 *  - FIFO RAM: GRXFSIZ / DIEPTXFx at least 16 words, not overlapping, all
 *    below 952 words, else nothing is received;
 *  - RX FIFO: packets arrive as GRXSTSP entries (PKTSTS 6 SETUP data, 4
 *    SETUP done, 2 OUT data, 3 OUT done) whose data must be read before the
 *    next pop; STUP is raised when "SETUP done" is popped, XFRC when "OUT
 *    done" is; a full RX FIFO NAKs OUT and drops SETUP;
 *  - STUPCNT must be non-zero for a SETUP to be accepted;
 *  - a SETUP sets NAK on EP0 IN and OUT and disables EP0 OUT: a data or
 *    status stage needs EPENA and CNAK, else the host sees NAK;
 *  - TX FIFO written only for an enabled IN endpoint;
 *  - STALL on EP0 is cleared by the core on SETUP only;
 *  - DCFG.DAD takes effect at once, except that the status stage of the
 *    control transfer during which it changed still answers at the old
 *    address (the DWC2 SET_ADDRESS behaviour);
 *  - connected only with SDIS = 0, a valid B-session (VBDEN with VBUS, or
 *    BVALOEN + BVALOVAL), the PHY selected that the instance has (PHYSEL
 *    = 1 + GCCFG.PWRDWN = 1 for the internal FS PHY, PHYSEL = 0 for ULPI)
 *    and ungated clocks.
 *
 * Host side: transactions like a host controller, with the semantics of
 * sim/port/simport.h (ACK / NAK / STALL) plus "no response"
 * (device not connected, wrong address, SETUP dropped).
 */
#ifndef QDFU_SIM_H7_DWC2_MODEL_H
#define QDFU_SIM_H7_DWC2_MODEL_H

#include <stdbool.h>
#include <stdint.h>

enum dwc2m_phy {
	DWC2M_PHY_FS_INTERNAL = 0, /* USB2_OTG_FS PA11/PA12, USB1 PB14/PB15 */
	DWC2M_PHY_ULPI,            /* USB1_OTG_HS + external ULPI PHY */
};

enum {
	DWC2M_ACK = 0,
	DWC2M_NAK = 1,
	DWC2M_STALL = 2,
	DWC2M_NORESP = 3,
};

struct dwc2_model;

/* Create a core at target address base (0x40040000 or 0x40080000) and
 * register it on the MMIO bus. NULL on failure. */
struct dwc2_model *dwc2m_create(uintptr_t base, enum dwc2m_phy phy);
void dwc2m_destroy(struct dwc2_model *m);
/* ULPI boards: whether the external PHY has its supplies (e.g. from the
 * PF1550 model). Without them it gives no clock and CSRST never ends. */
void dwc2m_set_phy_power(struct dwc2_model *m, bool (*powered)(void));

/* The core's interrupt line (GAHBCFG.GINT and GINTSTS & GINTMSK). */
bool dwc2m_irq_pending(const struct dwc2_model *m);
bool dwc2m_connected(const struct dwc2_model *m);
/* Rule violations seen, and the last one in words. */
unsigned dwc2m_errors(const struct dwc2_model *m);
const char *dwc2m_last_error(const struct dwc2_model *m);
/* DCFG.DAD, and the speed the last bus reset enumerated (true = high). */
uint8_t dwc2m_dad(const struct dwc2_model *m);
bool dwc2m_high_speed(const struct dwc2_model *m);

/* Host side. high_speed: the host and hub support high speed (chirp). */
int dwc2m_bus_reset(struct dwc2_model *m, bool high_speed);
int dwc2m_setup(struct dwc2_model *m, uint8_t addr, const uint8_t pkt[8]);
int dwc2m_out(struct dwc2_model *m, uint8_t addr, uint8_t ep, const uint8_t *data, unsigned len);
int dwc2m_in(struct dwc2_model *m, uint8_t addr, uint8_t ep, uint8_t *data, unsigned maxlen,
             unsigned *len);

#endif
