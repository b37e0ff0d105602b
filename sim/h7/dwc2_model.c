/* SPDX-License-Identifier: MIT */
/* DWC2 device-core model: see dwc2_model.h for what it enforces. */
#include "sim/h7/dwc2_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/clock/vclock.h"
#include "sim/h7/mmio_bus.h"

#define BLOCK_SIZE  0x20000u
#define NREGS       (0x1000u / 4u)
#define FIFO_WORDS  1024u
#define FIFO_USABLE 952u
#define RXQ_LEN     32u
#define T_AHBIDL_US 5u
#define T_CSRST_US  10u
#define T_CMOD_US   25000u
#define T_FLUSH_US  2u

/* Register offsets (word index = offset / 4). */
enum {
	GOTGCTL = 0x000,
	GAHBCFG = 0x008,
	GUSBCFG = 0x00C,
	GRSTCTL = 0x010,
	GINTSTS = 0x014,
	GINTMSK = 0x018,
	GRXSTSR = 0x01C,
	GRXSTSP = 0x020,
	GRXFSIZ = 0x024,
	DIEPTXF0 = 0x028,
	GCCFG = 0x038,
	GSNPSID = 0x040,
	DIEPTXF1 = 0x104,
	DCFG = 0x800,
	DCTL = 0x804,
	DSTS = 0x808,
	DIEPMSK = 0x810,
	DOEPMSK = 0x814,
	DAINT = 0x818,
	DAINTMSK = 0x81C,
	DIEPEMPMSK = 0x834,
	DIEPCTL0 = 0x900,
	DIEPINT0 = 0x908,
	DIEPTSIZ0 = 0x910,
	DTXFSTS0 = 0x918,
	DOEPCTL0 = 0xB00,
	DOEPINT0 = 0xB08,
	DOEPTSIZ0 = 0xB10,
	PCGCCTL = 0xE00,
};

/* Write-1-to-clear bits: MMIS, SOF, ESUSP, USBSUSP, USBRST, ENUMDNE, ISOODRP,
 * EOPF, IISOIXFR, IPXFR, DATAFSUSP, CIDSCHG, DISCINT, SRQINT, WKUPINT. */
#define GINTSTS_W1C 0xF070FC0Au
#define CTL_EPENA   (1u << 31)
#define CTL_EPDIS   (1u << 30)
#define CTL_SNAK    (1u << 27)
#define CTL_CNAK    (1u << 26)
#define CTL_STALL   (1u << 21)
#define CTL_NAKSTS  (1u << 17)
#define CTL_USBAEP  (1u << 15)

struct rx_entry {
	uint32_t sts;
	uint8_t data[64];
	uint16_t bytes;
};

struct dwc2_model {
	uintptr_t base;
	enum dwc2m_phy phy;
	uint32_t r[NREGS];
	unsigned errors;
	char last_error[192];
	/* timing */
	uint64_t ahbidl_at, csrst_done_at, cmod_at, txflush_done_at, rxflush_done_at;
	bool csrst_stuck;
	bool (*phy_powered)(void); /* ULPI: the PHY's supplies (NULL: always) */
	/* RX FIFO */
	struct rx_entry rxq[RXQ_LEN];
	unsigned rx_head, rx_count, rx_words;
	struct rx_entry cur; /* popped entry whose data is being read */
	unsigned cur_words_left, cur_pos;
	/* TX FIFO 0 */
	uint8_t tx[FIFO_WORDS * 4];
	unsigned tx_bytes;
	/* EP0 */
	bool in_nak, out_nak;
	/* addressing */
	bool in_ctrl, old_addr_valid;
	uint8_t old_addr;
	bool high_speed;
};

static void fail(struct dwc2_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->last_error, sizeof(m->last_error), fmt, ap);
	va_end(ap);
	m->errors++;
}

static uint64_t now(void)
{
	return vclock_now_us();
}

static uint32_t *reg(struct dwc2_model *m, uint32_t off)
{
	return &m->r[off / 4];
}

static bool device_mode(const struct dwc2_model *m)
{
	uint32_t u = m->r[GUSBCFG / 4];
	return (u & (1u << 30)) && !(u & (1u << 29)) && now() >= m->cmod_at;
}

static unsigned ep0_mps(const struct dwc2_model *m)
{
	static const unsigned mps[4] = {64, 32, 16, 8};
	return mps[m->r[DIEPCTL0 / 4] & 3u];
}

/* ------------------------------------------------------------- FIFO RAM */

static bool fifo_config_ok(struct dwc2_model *m, bool report)
{
	uint32_t rx = m->r[GRXFSIZ / 4] & 0xFFFFu;
	uint32_t lo[16], hi[16];
	unsigned n = 0;
	if (rx < 16) {
		if (report)
			fail(m, "GRXFSIZ %u words: below the 16-word minimum", rx);
		return false;
	}
	lo[n] = 0;
	hi[n++] = rx;
	for (unsigned i = 0; i < 16; i++) {
		uint32_t v = i == 0 ? m->r[DIEPTXF0 / 4] : m->r[(DIEPTXF1 + 4 * (i - 1)) / 4];
		uint32_t start = v & 0xFFFFu, depth = v >> 16;
		if (depth == 0)
			continue;
		if (depth < 16) {
			if (report)
				fail(m, "TX FIFO %u: depth %u below 16 words", i, depth);
			return false;
		}
		lo[n] = start;
		hi[n++] = start + depth;
	}
	if (!(m->r[DIEPTXF0 / 4] >> 16)) {
		if (report)
			fail(m, "DIEPTXF0: no TX FIFO for EP0");
		return false;
	}
	for (unsigned i = 0; i < n; i++) {
		if (hi[i] > FIFO_USABLE) {
			if (report)
				fail(m, "FIFO RAM: allocation ends at word %u (limit %u)", hi[i],
				     FIFO_USABLE);
			return false;
		}
		for (unsigned j = i + 1; j < n; j++)
			if (lo[i] < hi[j] && lo[j] < hi[i]) {
				if (report)
					fail(m, "FIFO RAM: FIFOs overlap");
				return false;
			}
	}
	return true;
}

static unsigned tx0_depth_bytes(const struct dwc2_model *m)
{
	return (m->r[DIEPTXF0 / 4] >> 16) * 4u;
}

static bool rx_push(struct dwc2_model *m, uint32_t sts, const uint8_t *data, uint16_t bytes)
{
	unsigned words = 1u + (bytes + 3u) / 4u;
	if (m->rx_count >= RXQ_LEN || m->rx_words + words > (m->r[GRXFSIZ / 4] & 0xFFFFu))
		return false;
	struct rx_entry *e = &m->rxq[(m->rx_head + m->rx_count) % RXQ_LEN];
	e->sts = sts | ((uint32_t)bytes << 4);
	e->bytes = bytes;
	if (bytes)
		memcpy(e->data, data, bytes);
	m->rx_count++;
	m->rx_words += words;
	return true;
}

static unsigned rx_free_words(const struct dwc2_model *m)
{
	uint32_t size = m->r[GRXFSIZ / 4] & 0xFFFFu;
	return m->rx_count >= RXQ_LEN || m->rx_words >= size ? 0 : size - m->rx_words;
}

/* ------------------------------------------------------------ registers */

static uint32_t daint(struct dwc2_model *m)
{
	uint32_t in = m->r[DIEPINT0 / 4];
	uint32_t inmsk = m->r[DIEPMSK / 4];
	if (m->r[DIEPEMPMSK / 4] & 1u)
		inmsk |= 1u << 7;
	if (m->tx_bytes == 0)
		in |= 1u << 7; /* TXFE */
	uint32_t v = 0;
	if (in & inmsk)
		v |= 1u;
	if (m->r[DOEPINT0 / 4] & m->r[DOEPMSK / 4])
		v |= 1u << 16;
	return v;
}

static uint32_t gintsts(struct dwc2_model *m)
{
	uint32_t v = m->r[GINTSTS / 4] & GINTSTS_W1C;
	if (!device_mode(m))
		v |= 1u; /* CMOD: host */
	if (m->rx_count)
		v |= 1u << 4;
	uint32_t d = daint(m) & m->r[DAINTMSK / 4];
	if (d & 0xFFFFu)
		v |= 1u << 18;
	if (d >> 16)
		v |= 1u << 19;
	return v;
}

/* A read of the FIFO window: the next word of the packet GRXSTSP popped. */
static uint32_t fifo_pop(struct dwc2_model *m, uint32_t off)
{
	if (m->cur_words_left == 0) {
		fail(m, "RX FIFO read with no data pending (+0x%x)", off);
		return 0;
	}
	uint32_t w = 0;
	for (unsigned k = 0; k < 4; k++) {
		unsigned i = m->cur_pos + k;
		if (i < m->cur.bytes)
			w |= (uint32_t)m->cur.data[i] << (8 * k);
	}
	m->cur_pos += 4;
	m->cur_words_left--;
	m->rx_words--;
	return w;
}

/* GRSTCTL: CSRST and the flush bits read 1 until the reset or flush is
 * over; AHBIDL once the AHB master is idle. */
static uint32_t read_grstctl(const struct dwc2_model *m)
{
	uint32_t v = m->r[GRSTCTL / 4] & (0x1Fu << 6);
	uint64_t t = now();
	if (m->csrst_stuck || t < m->csrst_done_at)
		v |= 1u;
	if (t < m->txflush_done_at)
		v |= 1u << 5;
	if (t < m->rxflush_done_at)
		v |= 1u << 4;
	if (!m->csrst_stuck && t >= m->ahbidl_at)
		v |= 1u << 31;
	return v;
}

/* GRXSTSR peeks at the RX FIFO's next status word, GRXSTSP pops it (and
 * the core raises STUP / XFRC for SETUP-done / OUT-done entries). */
static uint32_t read_grxsts(struct dwc2_model *m, uint32_t off)
{
	if (!m->rx_count) {
		fail(m, "GRXSTS%c read with an empty RX FIFO", off == GRXSTSP ? 'P' : 'R');
		return 0;
	}
	struct rx_entry *e = &m->rxq[m->rx_head];
	uint32_t sts = e->sts;
	if (off == GRXSTSR)
		return sts;
	if (m->cur_words_left)
		fail(m, "GRXSTSP popped with %u words of the previous packet unread",
		     m->cur_words_left);
	m->rx_words -= m->cur_words_left;
	m->cur = *e;
	m->cur_words_left = (e->bytes + 3u) / 4u;
	m->cur_pos = 0;
	m->rx_words--; /* the status word */
	m->rx_head = (m->rx_head + 1) % RXQ_LEN;
	m->rx_count--;
	uint32_t pktsts = (sts >> 17) & 0xFu;
	if (pktsts == 4) /* SETUP done: STUP + STPKTRX */
		*reg(m, DOEPINT0) |= (1u << 3) | (1u << 15);
	if (pktsts == 3) /* OUT transfer done */
		*reg(m, DOEPINT0) |= 1u << 0;
	return sts;
}

static uint32_t rd(void *ctx, uint32_t off, unsigned width)
{
	struct dwc2_model *m = ctx;
	if (width != 4) {
		fail(m, "%u-byte read at +0x%x: the core takes 32-bit accesses only", width, off);
		return 0;
	}
	if (off >= 0x1000) /* FIFO window: pops RX data */
		return fifo_pop(m, off);
	switch (off) {
	case GRSTCTL:
		return read_grstctl(m);
	case GINTSTS:
		return gintsts(m);
	case GRXSTSR:
	case GRXSTSP:
		return read_grxsts(m, off);
	case GSNPSID:
		return 0x4F54330Au;
	case DAINT:
		return daint(m);
	case DSTS:
		return m->r[DSTS / 4];
	case DIEPINT0:
		return m->r[DIEPINT0 / 4] | (m->tx_bytes == 0 ? 1u << 7 : 0);
	case DTXFSTS0:
		return (tx0_depth_bytes(m) - m->tx_bytes) / 4u;
	case DIEPCTL0:
		return (m->r[DIEPCTL0 / 4] | CTL_USBAEP | (m->in_nak ? CTL_NAKSTS : 0)) &
		       ~(CTL_SNAK | CTL_CNAK | CTL_EPDIS);
	case DOEPCTL0:
		return (m->r[DOEPCTL0 / 4] | CTL_USBAEP | (m->out_nak ? CTL_NAKSTS : 0)) &
		       ~(CTL_SNAK | CTL_CNAK | CTL_EPDIS);
	default:
		return m->r[off / 4];
	}
}

static void core_reset(struct dwc2_model *m)
{
	m->rx_head = m->rx_count = m->rx_words = 0;
	m->cur_words_left = 0;
	m->tx_bytes = 0;
	m->r[GINTSTS / 4] = 0;
	m->r[DIEPINT0 / 4] = m->r[DOEPINT0 / 4] = 0;
	m->r[DIEPCTL0 / 4] = m->r[DOEPCTL0 / 4] = 0;
	m->in_nak = m->out_nak = true;
}

static void write_ctl(struct dwc2_model *m, uint32_t off, uint32_t v, bool in)
{
	uint32_t *c = reg(m, off);
	bool *nak = in ? &m->in_nak : &m->out_nak;
	uint32_t old = *c;

	if (v & CTL_SNAK)
		*nak = true;
	if (v & CTL_CNAK)
		*nak = false;
	/* EP0 STALL: software can set it, only a SETUP clears it. */
	uint32_t stall = (old & CTL_STALL) | (v & CTL_STALL);
	uint32_t ena = old & CTL_EPENA;
	if (v & CTL_EPENA)
		ena = CTL_EPENA;
	if ((v & CTL_EPDIS) && (old & CTL_EPENA)) {
		ena = 0;
		*reg(m, in ? DIEPINT0 : DOEPINT0) |= 1u << 1; /* EPDISD */
	}
	*c = (v & ~(CTL_EPENA | CTL_EPDIS | CTL_SNAK | CTL_CNAK | CTL_STALL | CTL_NAKSTS)) | stall |
	     ena;
}

/* A write to the FIFO window: one word into EP0's TX FIFO. */
static void fifo_push(struct dwc2_model *m, uint32_t off, uint32_t v)
{
	if (off >= 0x2000) {
		fail(m, "write to TX FIFO %u: only EP0 is modelled", off / 0x1000 - 1);
		return;
	}
	if (!(m->r[DIEPCTL0 / 4] & CTL_EPENA)) {
		fail(m, "TX FIFO 0 written while DIEPCTL0.EPENA = 0");
		return;
	}
	if (m->tx_bytes + 4 > tx0_depth_bytes(m)) {
		fail(m, "TX FIFO 0 overflow");
		return;
	}
	for (unsigned k = 0; k < 4; k++)
		m->tx[m->tx_bytes++] = (uint8_t)(v >> (8 * k));
}

/* GRSTCTL is write-to-trigger: CSRST (only once AHBIDL = 1), TXFFLSH with
 * TXFNUM, RXFFLSH; a trigger written while the same operation still runs is
 * a driver bug (a |= on this register). */
static void write_grstctl(struct dwc2_model *m, uint32_t v, uint64_t t)
{
	if (v & 1u) { /* CSRST */
		if (t < m->ahbidl_at) {
			fail(m, "CSRST written before GRSTCTL.AHBIDL = 1: the reset hangs");
			m->csrst_stuck = true;
			return;
		}
		core_reset(m);
		if (m->phy == DWC2M_PHY_ULPI && m->phy_powered && !m->phy_powered()) {
			/* no 60 MHz ULPI clock from an unpowered PHY: the core
			 * soft reset never completes (the driver's bounded wait
			 * must notice) */
			m->csrst_stuck = true;
			return;
		}
		m->csrst_done_at = t + T_CSRST_US;
		m->ahbidl_at = m->csrst_done_at + T_AHBIDL_US;
		return;
	}
	if (v & (1u << 5)) { /* TXFFLSH */
		if (t < m->txflush_done_at)
			fail(m, "TXFFLSH written while a TX FIFO flush is still running "
			        "(GRSTCTL is write-to-trigger: use =, not |=)");
		uint32_t num = (v >> 6) & 0x1Fu;
		if (num == 0 || num == 0x10)
			m->tx_bytes = 0;
		m->txflush_done_at = t + T_FLUSH_US;
	}
	if (v & (1u << 4)) { /* RXFFLSH */
		if (t < m->rxflush_done_at)
			fail(m, "RXFFLSH written while an RX FIFO flush is still running "
			        "(GRSTCTL is write-to-trigger: use =, not |=)");
		m->rx_head = m->rx_count = m->rx_words = 0;
		m->cur_words_left = 0;
		m->rxflush_done_at = t + T_FLUSH_US;
	}
	m->r[GRSTCTL / 4] = v & (0x1Fu << 6);
}

/* DCFG.DAD: a new address written during the control transfer that set it
 * still answers on the old one until the status stage (USB 2.0 9.4.6). */
static void write_dcfg(struct dwc2_model *m, uint32_t v)
{
	uint8_t old = (uint8_t)((m->r[DCFG / 4] >> 4) & 0x7Fu);
	uint8_t dad = (uint8_t)((v >> 4) & 0x7Fu);
	if (dad != old && m->in_ctrl && !m->old_addr_valid) {
		m->old_addr = old;
		m->old_addr_valid = true;
	}
	m->r[DCFG / 4] = v;
}

static void wr(void *ctx, uint32_t off, uint32_t v, unsigned width)
{
	struct dwc2_model *m = ctx;
	uint64_t t = now();

	if (width != 4) {
		fail(m, "%u-byte write at +0x%x: the core takes 32-bit accesses only", width, off);
		return;
	}
	if (m->csrst_stuck || t < m->csrst_done_at) {
		fail(m, "write at +0x%x during the core soft reset", off);
		return;
	}
	if (off >= 0x1000) { /* FIFO push */
		fifo_push(m, off, v);
		return;
	}
	if (off >= 0x800 && off < 0xE00 && !device_mode(m)) {
		fail(m,
		     "device register +0x%x written while the core is not in device mode "
		     "(CMOD = 1)",
		     off);
		return;
	}
	switch (off) {
	case GRSTCTL:
		write_grstctl(m, v, t);
		return;
	case GUSBCFG: {
		uint32_t was_dev = m->r[GUSBCFG / 4] & (1u << 30);
		m->r[GUSBCFG / 4] = v;
		if ((v & (1u << 30)) && !was_dev)
			m->cmod_at = t + T_CMOD_US;
		return;
	}
	case GINTSTS:
		m->r[GINTSTS / 4] &= ~(v & GINTSTS_W1C);
		return;
	case GRXSTSR:
	case GRXSTSP:
	case GSNPSID:
	case DAINT:
	case DSTS:
	case DTXFSTS0:
		return; /* read-only */
	case DCFG:
		write_dcfg(m, v);
		return;
	case DCTL:
		/* SGINAK, CGINAK, SGONAK, CGONAK are triggers that read 0. */
		m->r[DCTL / 4] = v & ~((1u << 7) | (1u << 8) | (1u << 9) | (1u << 10));
		return;
	case DIEPINT0:
	case DOEPINT0:
		*reg(m, off) &= ~v;
		return;
	case DIEPCTL0:
		write_ctl(m, off, v, true);
		return;
	case DOEPCTL0:
		write_ctl(m, off, v, false);
		return;
	default:
		m->r[off / 4] = v;
		return;
	}
}

static const struct mmio_model_ops ops = {rd, wr};

struct dwc2_model *dwc2m_create(uintptr_t base, enum dwc2m_phy phy)
{
	struct dwc2_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->base = base;
	m->phy = phy;
	m->ahbidl_at = now() + T_AHBIDL_US;
	m->cmod_at = UINT64_MAX;
	m->in_nak = m->out_nak = true;
	/* Reset values that matter: PHYSEL reads 0 on USB1 (ULPI capable),
	 * 1 on USB2 (internal PHY only); TRDT 5; NPTX FIFO default. */
	m->r[GUSBCFG / 4] =
	    (phy == DWC2M_PHY_FS_INTERNAL && base == 0x40080000u ? 1u << 6 : 0) | (5u << 10);
	m->r[GRXFSIZ / 4] = 0x200u;
	m->r[DIEPTXF0 / 4] = (0x200u << 16) | 0x200u;
	m->r[DCTL / 4] = 1u << 1; /* SDIS */
	if (mmio_register(base, BLOCK_SIZE, &ops, m) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

void dwc2m_set_phy_power(struct dwc2_model *m, bool (*powered)(void))
{
	m->phy_powered = powered;
}

void dwc2m_destroy(struct dwc2_model *m)
{
	free(m);
}

bool dwc2m_irq_pending(const struct dwc2_model *mc)
{
	struct dwc2_model *m = (struct dwc2_model *)mc;
	return (m->r[GAHBCFG / 4] & 1u) && (gintsts(m) & m->r[GINTMSK / 4]);
}

static bool phy_ok(const struct dwc2_model *m)
{
	uint32_t physel = m->r[GUSBCFG / 4] & (1u << 6);
	if (m->phy == DWC2M_PHY_ULPI)
		return !physel;
	return physel && (m->r[GCCFG / 4] & (1u << 16));
}

bool dwc2m_connected(const struct dwc2_model *m)
{
	bool session = (m->r[GOTGCTL / 4] & (3u << 6)) == (3u << 6) ||
	               (m->r[GCCFG / 4] & (1u << 21)); /* VBDEN: VBUS is present in tests */
	return device_mode(m) && !(m->r[DCTL / 4] & (1u << 1)) && session && phy_ok(m) &&
	       !(m->r[PCGCCTL / 4] & 3u);
}

unsigned dwc2m_errors(const struct dwc2_model *m)
{
	return m->errors;
}

const char *dwc2m_last_error(const struct dwc2_model *m)
{
	return m->last_error;
}

uint8_t dwc2m_dad(const struct dwc2_model *m)
{
	return (uint8_t)((m->r[DCFG / 4] >> 4) & 0x7Fu);
}

bool dwc2m_high_speed(const struct dwc2_model *m)
{
	return m->high_speed;
}

static bool addressed(const struct dwc2_model *m, uint8_t addr)
{
	uint8_t cur = m->old_addr_valid ? m->old_addr : dwc2m_dad(m);
	return addr == cur;
}

int dwc2m_bus_reset(struct dwc2_model *m, bool high_speed)
{
	if (!dwc2m_connected(m))
		return DWC2M_NORESP;
	uint32_t dspd = m->r[DCFG / 4] & 3u;
	uint32_t enumspd;
	if (m->phy == DWC2M_PHY_ULPI) {
		m->high_speed = high_speed && dspd == 0;
		enumspd = m->high_speed ? 0u : 1u;
	} else {
		if (dspd != 3u)
			fail(m, "DCFG.DSPD = %u with the internal FS PHY (needs 3)", dspd);
		m->high_speed = false;
		enumspd = 3u;
	}
	m->r[DSTS / 4] = enumspd << 1;
	m->r[DIEPCTL0 / 4] &= ~(CTL_EPENA | CTL_STALL);
	m->r[DOEPCTL0 / 4] &= ~(CTL_EPENA | CTL_STALL);
	m->in_nak = m->out_nak = true;
	m->in_ctrl = m->old_addr_valid = false;
	m->r[GINTSTS / 4] |= (1u << 12) | (1u << 13); /* USBRST, ENUMDNE */
	return DWC2M_ACK;
}

int dwc2m_setup(struct dwc2_model *m, uint8_t addr, const uint8_t pkt[8])
{
	if (!dwc2m_connected(m))
		return DWC2M_NORESP;
	if (!addressed(m, addr))
		return DWC2M_NORESP;
	if (!fifo_config_ok(m, true))
		return DWC2M_NORESP;
	uint32_t *tsiz = reg(m, DOEPTSIZ0);
	uint32_t stupcnt = (*tsiz >> 29) & 3u;
	if (stupcnt == 0) {
		fail(m, "SETUP dropped: DOEPTSIZ0.STUPCNT = 0");
		return DWC2M_NORESP;
	}
	if (rx_free_words(m) < 4) {
		fail(m, "SETUP dropped: RX FIFO full (GRXSTSP not serviced)");
		return DWC2M_NORESP;
	}
	rx_push(m, 6u << 17, pkt, 8);
	rx_push(m, 4u << 17, NULL, 0);
	*tsiz = (*tsiz & ~(3u << 29)) | ((stupcnt - 1u) << 29);
	/* The core NAKs both directions of EP0 after a SETUP and ends any
	 * OUT transfer; STALL is cleared. */
	m->r[DIEPCTL0 / 4] &= ~CTL_STALL;
	m->r[DOEPCTL0 / 4] &= ~(CTL_STALL | CTL_EPENA);
	m->in_nak = m->out_nak = true;
	m->in_ctrl = true;
	m->old_addr_valid = false;
	return DWC2M_ACK;
}

int dwc2m_out(struct dwc2_model *m, uint8_t addr, uint8_t ep, const uint8_t *data, unsigned len)
{
	if (!dwc2m_connected(m) || !addressed(m, addr) || ep != 0)
		return DWC2M_NORESP;
	uint32_t *ctl = reg(m, DOEPCTL0), *tsiz = reg(m, DOEPTSIZ0);
	if (*ctl & CTL_STALL)
		return DWC2M_STALL;
	if (!(*ctl & CTL_EPENA) || m->out_nak)
		return DWC2M_NAK;
	if (len > ep0_mps(m)) {
		fail(m, "host sent %u bytes on EP0 (max packet %u)", len, ep0_mps(m));
		return DWC2M_NORESP;
	}
	if (rx_free_words(m) < 2u + (len + 3u) / 4u)
		return DWC2M_NAK;
	uint32_t xfrsize = *tsiz & 0x7Fu, pktcnt = (*tsiz >> 19) & 1u;
	if (pktcnt == 0 || len > xfrsize) {
		fail(m, "OUT of %u bytes with DOEPTSIZ0 XFRSIZ %u PKTCNT %u", len, xfrsize, pktcnt);
		return DWC2M_NAK;
	}
	rx_push(m, 2u << 17, data, (uint16_t)len);
	xfrsize -= len;
	pktcnt = 0;
	*tsiz = (*tsiz & ~(0x7Fu | (1u << 19))) | xfrsize;
	/* Transfer done (one packet on EP0): the endpoint NAKs until the
	 * driver enables it again. */
	rx_push(m, 3u << 17, NULL, 0);
	*ctl &= ~CTL_EPENA;
	m->out_nak = true;
	return DWC2M_ACK;
}

int dwc2m_in(struct dwc2_model *m, uint8_t addr, uint8_t ep, uint8_t *data, unsigned maxlen,
             unsigned *len)
{
	*len = 0;
	if (!dwc2m_connected(m) || !addressed(m, addr) || ep != 0)
		return DWC2M_NORESP;
	uint32_t *ctl = reg(m, DIEPCTL0), *tsiz = reg(m, DIEPTSIZ0);
	if (*ctl & CTL_STALL)
		return DWC2M_STALL;
	if (!(*ctl & CTL_EPENA) || m->in_nak)
		return DWC2M_NAK;
	uint32_t xfrsize = *tsiz & 0x7Fu, pktcnt = (*tsiz >> 19) & 3u;
	if (pktcnt == 0)
		return DWC2M_NAK;
	unsigned n = xfrsize < ep0_mps(m) ? xfrsize : ep0_mps(m);
	if (m->tx_bytes < n)
		return DWC2M_NAK; /* data not in the FIFO yet */
	if (n > maxlen) {
		fail(m, "IN packet of %u bytes, host buffer %u (babble)", n, maxlen);
		n = maxlen;
	}
	memcpy(data, m->tx, n);
	unsigned used = (n + 3u) / 4u * 4u;
	if (used > m->tx_bytes)
		used = m->tx_bytes;
	memmove(m->tx, m->tx + used, m->tx_bytes - used);
	m->tx_bytes -= used;
	*len = n;
	xfrsize -= n;
	pktcnt--;
	*tsiz = (*tsiz & ~(0x7Fu | (3u << 19))) | xfrsize | (pktcnt << 19);
	if (pktcnt == 0) {
		*ctl &= ~CTL_EPENA;
		*reg(m, DIEPINT0) |= 1u << 0; /* XFRC */
		m->in_nak = true;
	}
	if (m->old_addr_valid && n == 0) {
		/* status stage of the transfer that changed the address */
		m->old_addr_valid = false;
		m->in_ctrl = false;
	}
	return DWC2M_ACK;
}
