/* SPDX-License-Identifier: MIT */
/*
 * USB device-controller boundary (port.h) on the Synopsys DWC2 core of the
 * STM32H7, EP0 only, slave (non-DMA) mode:
 *  - USB2_OTG_FS with its internal full-speed PHY on PA11/PA12 (AF10);
 *  - USB1_OTG_HS with its internal full-speed PHY on PB14/PB15 (AF12);
 *  - USB1_OTG_HS with an external ULPI PHY (high speed): STM32H747I-DISCO,
 *    Portenta H7.
 * The interrupt handler only moves packets between the FIFOs and the
 * transfer buffers and records events with usbd_event_post(); requests are
 * handled by the core from the main loop. Register sequences follow the
 * facts file (RM0399 "OTG_HS programming model"); every wait is bounded.
 */
#include <stddef.h>
#ifdef QDFU_HOST_MMIO
#include <string.h>
#endif

#include "common/compiler.h"
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_rcc.h"
#include "regs_scb.h"
#include "regs_usb_dwc2.h"

#define EP0_MPS 64u

/* FIFO RAM plan, in 32-bit words (4 KiB = 1024 words per core, of which
 * the facts advise to use fewer than 952). RX: SETUP packets (3 x 10
 * words with status), one 64-byte packet (16 + 1) and margin; TX0: four
 * 64-byte packets. */
#define RX_FIFO_WORDS  128u
#define TX0_FIFO_WORDS 64u
QDFU_STATIC_ASSERT(RX_FIFO_WORDS + TX0_FIFO_WORDS < 952u, "DWC2 FIFO RAM budget");
QDFU_STATIC_ASSERT(RX_FIFO_WORDS >= 16u && TX0_FIFO_WORDS >= 16u, "DWC2 minimum FIFO depth");
QDFU_STATIC_ASSERT(TX0_FIFO_WORDS * 4u >= EP0_MPS, "TX0 holds a whole packet");

#define AHBIDL_TIMEOUT_US 100000u
#define CSRST_TIMEOUT_US  10000u
#define CMOD_TIMEOUT_US   200000u /* >= 25 ms needed after FDMOD (verify) */
#define FLUSH_TIMEOUT_US  1000u
#define EPDIS_TIMEOUT_US  1000u
#define ULPI_RESET_US     1000u

/* TRDT (turnaround time in PHY clocks) per RM0399 table for AHB >= 32 MHz
 * with the internal FS PHY, and the value for a 60 MHz ULPI PHY. */
#define TRDT_FS 6u
#define TRDT_HS 9u

/* RXFLVL entries handled per interrupt before yielding (bounded work). */
#define RX_POP_MAX 16u

static const struct board_pin pin_fs_dm = {0, 11, 10, 1};    /* PA11 AF10 */
static const struct board_pin pin_fs_dp = {0, 12, 10, 1};    /* PA12 AF10 */
static const struct board_pin pin_hs_fs_dm = {1, 14, 12, 1}; /* PB14 AF12 */
static const struct board_pin pin_hs_fs_dp = {1, 15, 12, 1}; /* PB15 AF12 */
/* ULPI on USB1_OTG_HS, AF10: CK PA5, D0 PA3, D1 PB0, D2 PB1, D3 PB10,
 * D4 PB11, D5 PB12, D6 PB13, D7 PB5, STP PC0, NXT PH4, DIR PI11. */
static const struct board_pin pins_ulpi[] = {
    {0, 5, 10, 1},  {0, 3, 10, 1},  {1, 0, 10, 1}, {1, 1, 10, 1}, {1, 10, 10, 1}, {1, 11, 10, 1},
    {1, 12, 10, 1}, {1, 13, 10, 1}, {1, 5, 10, 1}, {2, 0, 10, 1}, {7, 4, 10, 1},  {8, 11, 10, 1},
};
QDFU_STATIC_ASSERT(QDFU_ARRAY_SIZE(pins_ulpi) == 12, "ULPI: CK, D0-D7, STP, NXT, DIR");

static struct {
	struct dwc2_regs *r;
	volatile uint32_t *fifo0;
	bool ulpi;
	uint8_t irqn;
	enum port_usb_speed speed;
	uint8_t setup[8];
	bool setup_valid;
	/* IN transfer */
	const uint8_t *in_buf;
	uint16_t in_len, in_sent, in_pkt;
	bool in_busy, in_pkt_unwritten;
	/* OUT transfer */
	uint8_t *out_buf;
	uint16_t out_len, out_got, out_last;
	bool out_busy;
} u;

/* ------------------------------------------------------------ helpers */

#ifdef QDFU_HOST_MMIO
static uint32_t irq_lock(void)
{
	return 0;
}
static void irq_unlock(uint32_t s)
{
	(void)s;
}
#else
/* The main loop and the USB interrupt share the transfer state. */
static uint32_t irq_lock(void)
{
	uint32_t primask;
	__asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
	return primask;
}
static void irq_unlock(uint32_t s)
{
	__asm volatile("msr primask, %0" ::"r"(s) : "memory");
}
#endif

static void post(uint8_t type, uint8_t ep, uint16_t len)
{
	struct port_usb_event ev = {.type = type, .ep = ep, .len = len};
	if (type == PORT_USB_EV_SETUP)
		for (unsigned i = 0; i < 8; i++)
			ev.setup[i] = u.setup[i];
	usbd_event_post(&ev);
}

/* GRSTCTL flush bits are write-to-trigger: a plain store, never |= (a
 * read-modify-write would re-trigger whatever is still in progress). */
static int flush_tx_fifos(struct dwc2_regs *r, uint32_t txfnum)
{
	if (h7_wait_reg(&r->GRSTCTL, GRSTCTL_AHBIDL, GRSTCTL_AHBIDL, FLUSH_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_write(&r->GRSTCTL, GRSTCTL_TXFFLSH | txfnum);
	return h7_wait_reg(&r->GRSTCTL, GRSTCTL_TXFFLSH, 0, FLUSH_TIMEOUT_US);
}

static int flush_rx_fifo(struct dwc2_regs *r)
{
	mmio_write(&r->GRSTCTL, GRSTCTL_RXFFLSH);
	return h7_wait_reg(&r->GRSTCTL, GRSTCTL_RXFFLSH, 0, FLUSH_TIMEOUT_US);
}

static int core_soft_reset(struct dwc2_regs *r)
{
	if (h7_wait_reg(&r->GRSTCTL, GRSTCTL_AHBIDL, GRSTCTL_AHBIDL, AHBIDL_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_write(&r->GRSTCTL, GRSTCTL_CSRST);
	if (h7_wait_reg(&r->GRSTCTL, GRSTCTL_CSRST, 0, CSRST_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	/* The AHB side is usable again once it reports idle. */
	return h7_wait_reg(&r->GRSTCTL, GRSTCTL_AHBIDL, GRSTCTL_AHBIDL, AHBIDL_TIMEOUT_US);
}

static void write_fifo0(const uint8_t *p, uint16_t n)
{
	for (uint16_t i = 0; i < n; i += 4) {
		uint32_t w = 0;
		for (unsigned k = 0; k < 4 && i + k < n; k++)
			w |= (uint32_t)p[i + k] << (8 * k);
		mmio_write(u.fifo0, w);
	}
}

static void read_fifo0(uint8_t *dst, uint16_t n, uint16_t keep)
{
	/* n bytes are in the FIFO; store the first `keep` of them. */
	for (uint16_t i = 0; i < n; i += 4) {
		uint32_t w = mmio_read(u.fifo0);
		for (unsigned k = 0; k < 4 && i + k < n; k++)
			if (i + k < keep)
				dst[i + k] = (uint8_t)(w >> (8 * k));
	}
}

/* ------------------------------------------------------------ EP0 IN */

static void in_fill(void)
{
	uint32_t words = (u.in_pkt + 3u) / 4u;
	uint32_t space = mmio_read(&u.r->IN[0].DTXFSTS) & DTXFSTS_INEPTFSAV_Msk;

	if (space < words) {
		/* Not enough room yet: finish on TXFE. */
		u.in_pkt_unwritten = true;
		mmio_set(&u.r->DIEPEMPMSK, 1u << 0);
		return;
	}
	u.in_pkt_unwritten = false;
	mmio_clear(&u.r->DIEPEMPMSK, 1u << 0);
	write_fifo0(u.in_buf + u.in_sent, u.in_pkt);
}

static void in_start_packet(void)
{
	uint16_t left = (uint16_t)(u.in_len - u.in_sent);

	u.in_pkt = left < EP0_MPS ? left : EP0_MPS;
	mmio_write(&u.r->IN[0].DIEPTSIZ, DEPTSIZ_PKTCNT(1) | u.in_pkt);
	/* Enable first, then fill (slave mode): the core takes the data of
	 * an enabled endpoint only. CNAK, or the host sees NAKs forever. */
	mmio_set(&u.r->IN[0].DIEPCTL, DEPCTL_CNAK | DEPCTL_EPENA);
	if (u.in_pkt)
		in_fill();
}

/* ------------------------------------------------------------ EP0 OUT */

static void out_arm(void)
{
	mmio_write(&u.r->OUT[0].DOEPTSIZ, DOEPTSIZ_STUPCNT(3) | DEPTSIZ_PKTCNT(1) | EP0_MPS);
	mmio_set(&u.r->OUT[0].DOEPCTL, DEPCTL_CNAK | DEPCTL_EPENA);
}

/* A new SETUP ends whatever the previous control transfer left running. */
static void abort_in(void)
{
	if (!u.in_busy)
		return;
	u.in_busy = false;
	mmio_clear(&u.r->DIEPEMPMSK, 1u << 0);
	if (mmio_read(&u.r->IN[0].DIEPCTL) & DEPCTL_EPENA) {
		mmio_set(&u.r->IN[0].DIEPCTL, DEPCTL_SNAK | DEPCTL_EPDIS);
		(void)h7_wait_reg(&u.r->IN[0].DIEPINT, DIEPINT_EPDISD, DIEPINT_EPDISD,
		                  EPDIS_TIMEOUT_US);
		mmio_write(&u.r->IN[0].DIEPINT, DIEPINT_EPDISD);
	}
	(void)flush_tx_fifos(u.r, 0u << GRSTCTL_TXFNUM_Pos);
}

/* ------------------------------------------------------------ interrupt */

static void on_bus_reset(void)
{
	struct dwc2_regs *r = u.r;

	mmio_clear(&r->DCTL, DCTL_RWUSIG);
	(void)flush_tx_fifos(r, GRSTCTL_TXFNUM_ALL);
	for (unsigned i = 0; i < DWC2_EP_COUNT; i++) {
		mmio_clear(&r->IN[i].DIEPCTL, DEPCTL_STALL);
		mmio_modify(&r->OUT[i].DOEPCTL, DEPCTL_STALL | DEPCTL_SNAK, DEPCTL_SNAK);
		mmio_write(&r->IN[i].DIEPINT, DEPINT_CLEAR_ALL);
		mmio_write(&r->OUT[i].DOEPINT, DEPINT_CLEAR_ALL);
	}
	mmio_write(&r->DAINTMSK, DAINT_IEP(0) | DAINT_OEP(0));
	mmio_write(&r->DOEPMSK, DOEPINT_STUP | DOEPINT_XFRC | DOEPINT_EPDISD);
	mmio_write(&r->DIEPMSK, DIEPINT_TOC | DIEPINT_XFRC | DIEPINT_EPDISD);
	mmio_write(&r->DIEPEMPMSK, 0);
	mmio_modify(&r->DCFG, DCFG_DAD_Msk, 0);
	/* Ready for up to three back-to-back SETUP packets. */
	mmio_write(&r->OUT[0].DOEPTSIZ, DOEPTSIZ_STUPCNT(3) | DEPTSIZ_PKTCNT(1) | (3u * 8u));
	u.in_busy = u.out_busy = u.setup_valid = false;
	u.speed = PORT_USB_SPEED_FULL;
	post(PORT_USB_EV_RESET, 0, 0);
}

static void on_enum_done(void)
{
	struct dwc2_regs *r = u.r;
	uint32_t spd = (mmio_read(&r->DSTS) & DSTS_ENUMSPD_Msk) >> DSTS_ENUMSPD_Pos;

	u.speed = spd == DSTS_ENUMSPD_HS ? PORT_USB_SPEED_HIGH : PORT_USB_SPEED_FULL;
	mmio_modify(&r->IN[0].DIEPCTL, DEPCTL_MPSIZ_Msk, DEP0CTL_MPSIZ_64);
	mmio_modify(&r->GUSBCFG, GUSBCFG_TRDT_Msk,
	            (u.speed == PORT_USB_SPEED_HIGH ? TRDT_HS : TRDT_FS) << GUSBCFG_TRDT_Pos);
	mmio_set(&r->DCTL, DCTL_CGINAK); /* write-only trigger, reads as 0 */
}

static void on_rx_level(void)
{
	struct dwc2_regs *r = u.r;

	mmio_clear(&r->GINTMSK, GINTSTS_RXFLVL);
	for (unsigned n = 0; n < RX_POP_MAX && (mmio_read(&r->GINTSTS) & GINTSTS_RXFLVL); n++) {
		uint32_t st = mmio_read(&r->GRXSTSP);
		uint32_t ep = st & GRXSTSP_EPNUM_Msk;
		uint16_t bcnt = (uint16_t)((st & GRXSTSP_BCNT_Msk) >> GRXSTSP_BCNT_Pos);
		uint32_t pktsts = (st & GRXSTSP_PKTSTS_Msk) >> GRXSTSP_PKTSTS_Pos;

		if (pktsts == PKTSTS_SETUP_DATA) {
			/* Of back-to-back SETUPs the last one counts. */
			read_fifo0(u.setup, bcnt, sizeof(u.setup));
			u.setup_valid = bcnt == 8;
		} else if (pktsts == PKTSTS_OUT_DATA) {
			uint16_t room = 0;
			if (ep == 0 && u.out_busy && u.out_got < u.out_len)
				room = (uint16_t)(u.out_len - u.out_got);
			uint16_t keep = bcnt < room ? bcnt : room;
			read_fifo0(u.out_buf ? u.out_buf + u.out_got : NULL, bcnt,
			           u.out_buf ? keep : 0);
			u.out_got = (uint16_t)(u.out_got + keep);
			u.out_last = bcnt;
		}
		/* OUT_DONE / SETUP_DONE / GOUTNAK carry no data: the endpoint
		 * interrupts that follow do the work. */
	}
	mmio_set(&r->GINTMSK, GINTSTS_RXFLVL);
}

static void on_out_ep0(void)
{
	struct dwc2_regs *r = u.r;
	uint32_t st = mmio_read(&r->OUT[0].DOEPINT) & (mmio_read(&r->DOEPMSK) | DOEPINT_STPKTRX);

	if (st & DOEPINT_XFRC) {
		mmio_write(&r->OUT[0].DOEPINT, DOEPINT_XFRC);
		if (u.out_busy) {
			if (u.out_got >= u.out_len || u.out_last < EP0_MPS) {
				u.out_busy = false;
				post(PORT_USB_EV_XFER_DONE, 0x00, u.out_got);
			} else {
				out_arm();
			}
		}
	}
	if (st & DOEPINT_EPDISD)
		mmio_write(&r->OUT[0].DOEPINT, DOEPINT_EPDISD);
	if (st & DOEPINT_STUP) {
		/* STPKTRX too (cores newer than 3.00a set it with STUP). */
		mmio_write(&r->OUT[0].DOEPINT, DOEPINT_STUP | DOEPINT_STPKTRX | DOEPINT_B2BSTUP);
		abort_in();
		u.out_busy = false;
		/* Room for the next SETUPs; the endpoint stays NAKing data
		 * until the core starts a data or status stage. */
		mmio_write(&r->OUT[0].DOEPTSIZ,
		           DOEPTSIZ_STUPCNT(3) | DEPTSIZ_PKTCNT(1) | (3u * 8u));
		if (u.setup_valid) {
			u.setup_valid = false;
			post(PORT_USB_EV_SETUP, 0, 8);
		}
	}
}

static void on_in_ep0(void)
{
	struct dwc2_regs *r = u.r;
	uint32_t msk = mmio_read(&r->DIEPMSK);

	if (mmio_read(&r->DIEPEMPMSK) & 1u)
		msk |= DIEPINT_TXFE;
	uint32_t st = mmio_read(&r->IN[0].DIEPINT) & msk;

	if (st & DIEPINT_XFRC) {
		mmio_write(&r->IN[0].DIEPINT, DIEPINT_XFRC);
		if (u.in_busy) {
			u.in_sent = (uint16_t)(u.in_sent + u.in_pkt);
			if (u.in_sent >= u.in_len) {
				u.in_busy = false;
				post(PORT_USB_EV_XFER_DONE, 0x80, u.in_len);
			} else {
				in_start_packet();
			}
		}
	}
	if ((st & DIEPINT_TXFE) && u.in_busy && u.in_pkt_unwritten)
		in_fill();
	if (st & DIEPINT_TOC)
		mmio_write(&r->IN[0].DIEPINT, DIEPINT_TOC);
	if (st & DIEPINT_EPDISD)
		mmio_write(&r->IN[0].DIEPINT, DIEPINT_EPDISD);
}

void h7_usb_irq(void)
{
	struct dwc2_regs *r = u.r;

	if (!r)
		return;
	uint32_t sts = mmio_read(&r->GINTSTS) & mmio_read(&r->GINTMSK);

	if (sts & GINTSTS_USBRST) {
		mmio_write(&r->GINTSTS, GINTSTS_USBRST);
		on_bus_reset();
	}
	if (sts & GINTSTS_ENUMDNE) {
		mmio_write(&r->GINTSTS, GINTSTS_ENUMDNE);
		on_enum_done();
	}
	if (sts & GINTSTS_RXFLVL)
		on_rx_level();
	if (sts & GINTSTS_OEPINT) {
		if (mmio_read(&r->DAINT) & DAINT_OEP(0))
			on_out_ep0();
	}
	if (sts & GINTSTS_IEPINT) {
		if (mmio_read(&r->DAINT) & DAINT_IEP(0))
			on_in_ep0();
	}
	if (sts & GINTSTS_USBSUSP) {
		mmio_write(&r->GINTSTS, GINTSTS_USBSUSP);
		post(PORT_USB_EV_SUSPEND, 0, 0);
	}
	if (sts & GINTSTS_WKUPINT) {
		mmio_write(&r->GINTSTS, GINTSTS_WKUPINT);
		post(PORT_USB_EV_RESUME, 0, 0);
	}
}

void OTG_HS_IRQHandler(void);
void OTG_FS_IRQHandler(void);
void OTG_HS_IRQHandler(void)
{
	h7_usb_irq();
}
void OTG_FS_IRQHandler(void)
{
	h7_usb_irq();
}

#ifdef QDFU_HOST_MMIO
/* The simulator's MCU reset: on the target the start-up code zeroes .bss,
 * so a new boot never sees the previous boot's core pointer. */
void h7_usb_forget_state(void)
{
	memset(&u, 0, sizeof(u));
}
#endif

/* ------------------------------------------------------------ boundary */

static void nvic_enable(uint8_t irqn, bool on)
{
	struct nvic_regs *nvic = (struct nvic_regs *)MMIO_BASE(NVIC_BASE);

	if (on)
		mmio_write(&nvic->ISER[irqn / 32], 1u << (irqn % 32));
	else
		mmio_write(&nvic->ICER[irqn / 32], 1u << (irqn % 32));
}

static void pins_init(const struct board *b)
{
	switch (b->hw.usb) {
	case BOARD_USB2_OTG_FS_PA11_PA12:
	case BOARD_USB1_OTG_HS_FS_PA11_PA12: /* H72x/H7Ax: AF10 = OTG1_FS (ST's
	                                        H735G-DK usbd_conf.c) */
		h7_gpio_af(&pin_fs_dm);
		h7_gpio_af(&pin_fs_dp);
		break;
	case BOARD_USB1_OTG_HS_FS_PB14_PB15:
		h7_gpio_af(&pin_hs_fs_dm);
		h7_gpio_af(&pin_hs_fs_dp);
		break;
	case BOARD_USB1_OTG_HS_ULPI:
		for (unsigned i = 0; i < QDFU_ARRAY_SIZE(pins_ulpi); i++)
			h7_gpio_af(&pins_ulpi[i]);
		if (b->hw.ulpi_reset.port != 0xFF) {
			/* A clean PHY reset pulse, then give it time to start
			 * its 60 MHz clock. */
			h7_gpio_output(&b->hw.ulpi_reset, true);
			h7_delay_us(ULPI_RESET_US);
			h7_gpio_output(&b->hw.ulpi_reset, false);
			h7_delay_us(ULPI_RESET_US);
		}
		break;
	}
}

static void clock_and_reset_block(bool usb2, bool ulpi)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	uint32_t en = usb2 ? RCC_AHB1ENR_USB2OTGFSEN : RCC_AHB1ENR_USB1OTGHSEN;
	uint32_t rst = usb2 ? RCC_AHB1RSTR_USB2OTGRST : RCC_AHB1RSTR_USB1OTGRST;

	mmio_set(&rcc->AHB1ENR, en);
	/* The ULPI clock enable stays off with an internal PHY. */
	if (ulpi)
		mmio_set(&rcc->AHB1ENR, RCC_AHB1ENR_USB1OTGHSULPIEN);
	else if (!usb2)
		mmio_clear(&rcc->AHB1ENR, RCC_AHB1ENR_USB1OTGHSULPIEN);
	(void)mmio_read(&rcc->AHB1ENR);
	/* Start from reset values whatever ran before (an application that
	 * used USB and reset into us without a full chip reset). */
	mmio_set(&rcc->AHB1RSTR, rst);
	(void)mmio_read(&rcc->AHB1RSTR);
	mmio_clear(&rcc->AHB1RSTR, rst);
}

/* Step 9 of port_usb_init: endpoints quiet, their interrupts cleared. An
 * endpoint left enabled (by an application that reset into us) is disabled
 * with EPDIS + SNAK; EP0 cannot be disabled, only NAKed (RM0399 OTG
 * "Device programming model"). */
static void endpoints_quiet(struct dwc2_regs *r)
{
	mmio_write(&r->DIEPMSK, 0);
	mmio_write(&r->DOEPMSK, 0);
	mmio_write(&r->DAINTMSK, 0);
	for (unsigned i = 0; i < DWC2_EP_COUNT; i++) {
		uint32_t stop = i == 0 ? DEPCTL_SNAK : DEPCTL_EPDIS | DEPCTL_SNAK;
		bool in_on = (mmio_read(&r->IN[i].DIEPCTL) & DEPCTL_EPENA) != 0;
		bool out_on = (mmio_read(&r->OUT[i].DOEPCTL) & DEPCTL_EPENA) != 0;
		mmio_write(&r->IN[i].DIEPCTL, in_on ? stop : 0);
		mmio_write(&r->IN[i].DIEPTSIZ, 0);
		mmio_write(&r->IN[i].DIEPINT, DEPINT_CLEAR_ALL);
		mmio_write(&r->OUT[i].DOEPCTL, out_on ? stop : 0);
		mmio_write(&r->OUT[i].DOEPTSIZ, 0);
		mmio_write(&r->OUT[i].DOEPINT, DEPINT_CLEAR_ALL);
	}
}

/* Steps 10 and 11: only the core interrupts the EP0 device needs; FIFO RAM
 * with RX at 0 and TX0 right after it. */
static void core_interrupts_and_fifos(struct dwc2_regs *r)
{
	mmio_write(&r->GINTMSK, 0);
	mmio_write(&r->GINTSTS, GINTSTS_CLEAR_ALL);
	mmio_write(&r->GINTMSK, GINTSTS_RXFLVL | GINTSTS_USBSUSP | GINTSTS_USBRST |
	                            GINTSTS_ENUMDNE | GINTSTS_IEPINT | GINTSTS_OEPINT |
	                            GINTSTS_WKUPINT);
	mmio_write(&r->GRXFSIZ, RX_FIFO_WORDS);
	mmio_write(&r->DIEPTXF0, (TX0_FIFO_WORDS << DIEPTXF_DEPTH_Pos) | RX_FIFO_WORDS);
}

int port_usb_init(const struct board *b)
{
	bool usb2 = b->hw.usb == BOARD_USB2_OTG_FS_PA11_PA12;
	int rc;

	u.ulpi = b->hw.usb == BOARD_USB1_OTG_HS_ULPI;
	u.irqn = usb2 ? IRQN_OTG_FS : IRQN_OTG_HS;
	u.r = NULL; /* no interrupt work until the core is set up */
	nvic_enable(u.irqn, false);

	/* A ULPI PHY powered by a PMIC that did not come up (Portenta's
	 * PF1550): leave the PHY in reset and USB off (issue 11 item 2) */
	if (u.ulpi && b->hw.pmic != BOARD_PMIC_NONE && !h7_pmic_ok())
		return QDFU_E_STATE;
	rc = h7_power_usb_init();
	if (rc)
		return rc;
	rc = h7_clock_usb_init(b);
	if (rc)
		return rc;
	pins_init(b);
	clock_and_reset_block(usb2, u.ulpi);

	uintptr_t base = MMIO_BASE(usb2 ? USB2_OTG_FS_BASE : USB1_OTG_HS_BASE);
	struct dwc2_regs *r = (struct dwc2_regs *)base;
	u.fifo0 = (volatile uint32_t *)(base + DWC2_FIFO_OFFSET(0));

	/* 1. Interrupts off; PHY selection before the core reset. */
	mmio_clear(&r->GAHBCFG, GAHBCFG_GINT);
	if (u.ulpi)
		mmio_clear(&r->GUSBCFG, GUSBCFG_TSDPS | GUSBCFG_ULPIFSLS | GUSBCFG_PHYSEL |
		                            GUSBCFG_ULPIEVBUSD | GUSBCFG_ULPIEVBUSI);
	else
		mmio_set(&r->GUSBCFG, GUSBCFG_PHYSEL);

	/* 2. Core soft reset with the AHB idle handshake. */
	rc = core_soft_reset(r);
	if (rc)
		return rc;

	/* 3. Internal transceiver on (FS) or off (ULPI). */
	mmio_write(&r->GCCFG, u.ulpi ? 0 : GCCFG_PWRDWN);

	/* 4. Force device mode and wait until the core reports it. */
	mmio_modify(&r->GUSBCFG, GUSBCFG_FHMOD | GUSBCFG_FDMOD, GUSBCFG_FDMOD);
	if (h7_wait_reg(&r->GINTSTS, GINTSTS_CMOD, 0, CMOD_TIMEOUT_US))
		return QDFU_E_TIMEOUT;

	/* 5. No dedicated TX FIFOs yet. */
	for (unsigned i = 0; i < 15; i++)
		mmio_write(&r->DIEPTXF[i], 0);

	/* 6. Soft-disconnected; VBUS sensing off: B-session valid forced
	 * (not every board routes VBUS to PA9). */
	mmio_set(&r->DCTL, DCTL_SDIS);
	mmio_clear(&r->GCCFG, GCCFG_VBDEN);
	mmio_set(&r->GOTGCTL, GOTGCTL_BVALOEN | GOTGCTL_BVALOVAL);

	/* 7. Clocks ungated; speed. */
	mmio_write(&r->PCGCCTL, 0);
	mmio_modify(&r->DCFG, DCFG_DSPD_Msk | DCFG_DAD_Msk,
	            u.ulpi ? DCFG_DSPD_HS : DCFG_DSPD_FS_INTERNAL);

	/* 8. Flush all FIFOs. */
	rc = flush_tx_fifos(r, GRSTCTL_TXFNUM_ALL);
	if (!rc)
		rc = flush_rx_fifo(r);
	if (rc)
		return rc;

	/* 9. - 11. Endpoints quiet, core interrupts, FIFO RAM. */
	endpoints_quiet(r);
	core_interrupts_and_fifos(r);

	u.speed = u.ulpi ? PORT_USB_SPEED_HIGH : PORT_USB_SPEED_FULL;
	u.in_busy = u.out_busy = u.setup_valid = false;
	u.r = r;
	nvic_enable(u.irqn, true);
	return QDFU_OK;
}

void port_usb_connect(bool on)
{
	struct dwc2_regs *r = u.r;

	if (!r)
		return;
	if (on) {
		mmio_clear(&r->PCGCCTL, PCGCCTL_STOPCLK | PCGCCTL_GATECLK);
		mmio_clear(&r->DCTL, DCTL_SDIS);
		mmio_set(&r->GAHBCFG, GAHBCFG_GINT | GAHBCFG_TXFELVL);
	} else {
		mmio_set(&r->DCTL, DCTL_SDIS);
	}
}

void port_usb_set_address(uint8_t addr)
{
	/* DWC2 wants DAD written in the SETUP stage of SET_ADDRESS, before
	 * the status stage: the core still answers the status IN with the
	 * old address (facts: "SET_ADDRESS quirk"). */
	if (u.r)
		mmio_modify(&u.r->DCFG, DCFG_DAD_Msk, (uint32_t)(addr & 0x7F) << DCFG_DAD_Pos);
}

int port_usb_ep0_xfer(uint8_t ep, uint8_t *buf, uint16_t len)
{
	if (!u.r)
		return QDFU_E_STATE;
	if (len && !buf)
		return QDFU_E_PARAM;
	uint32_t s = irq_lock();
	int rc = QDFU_OK;

	if (ep & 0x80) {
		if (u.in_busy) {
			rc = QDFU_E_BUSY;
		} else {
			u.in_buf = buf;
			u.in_len = len;
			u.in_sent = 0;
			u.in_busy = true;
			in_start_packet();
		}
	} else {
		if (u.out_busy) {
			rc = QDFU_E_BUSY;
		} else {
			u.out_buf = buf;
			u.out_len = len;
			u.out_got = 0;
			u.out_last = 0;
			u.out_busy = true;
			out_arm();
		}
	}
	irq_unlock(s);
	return rc;
}

void port_usb_ep0_stall(void)
{
	if (!u.r)
		return;
	uint32_t s = irq_lock();
	/* Both directions; the core clears EP0 STALL when the next SETUP
	 * arrives. */
	mmio_set(&u.r->IN[0].DIEPCTL, DEPCTL_STALL);
	mmio_set(&u.r->OUT[0].DOEPCTL, DEPCTL_STALL);
	u.in_busy = u.out_busy = false;
	irq_unlock(s);
}

uint8_t port_usb_ep0_mps(void)
{
	return EP0_MPS;
}

enum port_usb_speed port_usb_speed(void)
{
	return u.speed;
}

bool port_usb_high_speed_capable(void)
{
	return u.ulpi; /* the internal PHYs are full speed only */
}
