/* SPDX-License-Identifier: MIT */
/*
 * The real DWC2 driver (usb_dwc2.c) on the DWC2 register model, below a
 * minimal EP0 responder written here (so the driver is tested on its own,
 * independent of the USB core): enumeration, multi-packet IN and OUT,
 * zero-length packets, STALL, addressing, full and high speed; and
 * negative tests showing the model rejects wrong register sequences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "h7_harness.h"
#include "port/stm32h7/h7.h"
#include "sim/h7/i2c_model.h"
#include "sim/h7/pf1550_model.h"
#include "port/stm32h7/h7_sys.h"
#include "port/stm32h7/mmio.h"
#include "hal/port.h"
#include "port/stm32h7/regs_usb_dwc2.h"

extern const struct board board_stm32h745i_disco;
extern const struct board board_stm32h747i_disco;
extern const struct board board_portenta_h7;

/* ------------------------------------------------ minimal EP0 responder */

#define REQ_VENDOR_IN    0x01 /* wValue bytes of pattern */
#define REQ_VENDOR_OUT   0x02 /* receive wLength bytes */
#define REQ_VENDOR_STALL 0x03

static const uint8_t dev_desc[18] = {18,   1,    0x00, 0x02, 0,    0, 0, 64, 0x83,
                                     0x04, 0x11, 0xDF, 0x00, 0x02, 1, 2, 3,  1};

static struct {
	struct port_usb_event q[32];
	unsigned head, tail;
	unsigned resets, setups, dropped;
	uint8_t setup[8];
	enum { ST_IDLE, ST_DATA_IN, ST_ZLP_IN, ST_DATA_OUT, ST_STATUS } stage;
	uint8_t inbuf[1024];
	uint8_t outbuf[1024];
	uint16_t out_len;
	bool zlp;
	uint16_t in_len;
} rsp;

void usbd_event_post(const struct port_usb_event *ev)
{
	if (rsp.head - rsp.tail >= 32) {
		rsp.dropped++;
		return;
	}
	rsp.q[rsp.head++ % 32] = *ev;
}

static void reply_in(const uint8_t *d, uint16_t len, uint16_t wlen)
{
	if (len > wlen)
		len = wlen;
	memcpy(rsp.inbuf, d, len);
	rsp.in_len = len;
	rsp.zlp = len != 0 && len < wlen && len % 64 == 0;
	rsp.stage = ST_DATA_IN;
	assert_int_equal(port_usb_ep0_xfer(0x80, rsp.inbuf, len), QDFU_OK);
}

static void status_in(void)
{
	rsp.stage = ST_STATUS;
	assert_int_equal(port_usb_ep0_xfer(0x80, NULL, 0), QDFU_OK);
}

static void on_setup(const uint8_t *s)
{
	uint16_t value = (uint16_t)(s[2] | s[3] << 8), wlen = (uint16_t)(s[6] | s[7] << 8);
	memcpy(rsp.setup, s, 8);
	rsp.setups++;
	if (s[0] == 0x80 && s[1] == 6 && value == 0x0100) {
		reply_in(dev_desc, sizeof(dev_desc), wlen);
	} else if (s[0] == 0x00 && s[1] == 5) {
		port_usb_set_address((uint8_t)value);
		status_in();
	} else if (s[0] == 0x00 && s[1] == 9) {
		status_in();
	} else if (s[0] == 0xC0 && s[1] == REQ_VENDOR_IN) {
		uint8_t pat[1024];
		for (unsigned i = 0; i < sizeof(pat); i++)
			pat[i] = (uint8_t)(i * 7 + 3);
		reply_in(pat, value, wlen);
	} else if (s[0] == 0x40 && s[1] == REQ_VENDOR_OUT && wlen <= sizeof(rsp.outbuf)) {
		rsp.stage = ST_DATA_OUT;
		assert_int_equal(port_usb_ep0_xfer(0x00, rsp.outbuf, wlen), QDFU_OK);
	} else {
		rsp.stage = ST_IDLE;
		port_usb_ep0_stall();
	}
}

static void responder_task(void)
{
	while (rsp.tail != rsp.head) {
		struct port_usb_event ev = rsp.q[rsp.tail++ % 32];
		switch (ev.type) {
		case PORT_USB_EV_RESET:
			rsp.resets++;
			rsp.stage = ST_IDLE;
			break;
		case PORT_USB_EV_SETUP:
			on_setup(ev.setup);
			break;
		case PORT_USB_EV_XFER_DONE:
			if (rsp.stage == ST_DATA_IN && ev.ep == 0x80) {
				assert_int_equal(ev.len, rsp.in_len);
				if (rsp.zlp) {
					rsp.zlp = false;
					rsp.stage = ST_ZLP_IN;
					port_usb_ep0_xfer(0x80, NULL, 0);
				} else {
					rsp.stage = ST_STATUS;
					port_usb_ep0_xfer(0x00, NULL, 0);
				}
			} else if (rsp.stage == ST_ZLP_IN && ev.ep == 0x80) {
				rsp.stage = ST_STATUS;
				port_usb_ep0_xfer(0x00, NULL, 0);
			} else if (rsp.stage == ST_DATA_OUT && ev.ep == 0x00) {
				rsp.out_len = ev.len;
				status_in();
			} else if (rsp.stage == ST_STATUS) {
				rsp.stage = ST_IDLE;
			}
			break;
		default:
			break;
		}
	}
}

/* ------------------------------------------------------------ fixture */

static int setup_board(const struct board *b)
{
	memset(&rsp, 0, sizeof(rsp));
	if (h7h_setup(b, responder_task))
		return -1;
	if (port_usb_init(b) != QDFU_OK)
		return -1;
	return 0;
}

static int setup_fs(void **state)
{
	(void)state;
	return setup_board(&board_stm32h745i_disco);
}

static int setup_hs(void **state)
{
	(void)state;
	return setup_board(&board_stm32h747i_disco);
}

static int teardown(void **state)
{
	(void)state;
	h7h_teardown();
	return 0;
}

static int ctrl(uint8_t type, uint8_t req, uint16_t value, uint16_t len, uint8_t *data)
{
	uint8_t pkt[8];
	vhost_setup_pkt(pkt, type, req, value, 0, len);
	return vhost_control(&h7h.host, pkt, data);
}

static void assert_model_clean(void)
{
	if (dwc2m_errors(h7h.m))
		fail_msg("DWC2 model: %u errors, last: %s", dwc2m_errors(h7h.m),
		         dwc2m_last_error(h7h.m));
	assert_int_equal(h7h.irq_stuck, 0);
	assert_int_equal(rsp.dropped, 0);
}

static void connect_and_reset(bool hs)
{
	assert_false(dwc2m_connected(h7h.m)); /* soft-disconnected after init */
	port_usb_connect(true);
	assert_true(dwc2m_connected(h7h.m));
	assert_int_equal(vhost_reset(&h7h.host, hs), 0);
	assert_int_equal(rsp.resets, 1);
}

static void enumerate(uint8_t addr)
{
	uint8_t d[64];
	memset(d, 0, sizeof(d));
	/* The host's first request: 64 bytes asked, 18 returned. */
	assert_int_equal(ctrl(0x80, 6, 0x0100, 64, d), 18);
	assert_memory_equal(d, dev_desc, 18);
	assert_int_equal(ctrl(0x00, 5, addr, 0, NULL), 0);
	assert_int_equal(h7h.host.addr, addr);
	assert_int_equal(dwc2m_dad(h7h.m), addr);
	memset(d, 0, sizeof(d));
	assert_int_equal(ctrl(0x80, 6, 0x0100, 18, d), 18);
	assert_memory_equal(d, dev_desc, 18);
	assert_int_equal(ctrl(0x00, 9, 1, 0, NULL), 0);
}

/* ------------------------------------------------------------- tests */

static void test_init_leaves_core_configured(void **state)
{
	(void)state;
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	/* FS internal PHY, device mode, FIFOs within the RAM budget. */
	assert_true(mmio_read(&r->GUSBCFG) & GUSBCFG_PHYSEL);
	assert_true(mmio_read(&r->GUSBCFG) & GUSBCFG_FDMOD);
	assert_int_equal(mmio_read(&r->GINTSTS) & GINTSTS_CMOD, 0);
	assert_true(mmio_read(&r->GCCFG) & GCCFG_PWRDWN);
	assert_int_equal(mmio_read(&r->DCFG) & DCFG_DSPD_Msk, DCFG_DSPD_FS_INTERNAL);
	uint32_t rx = mmio_read(&r->GRXFSIZ), tx0 = mmio_read(&r->DIEPTXF0);
	assert_true((tx0 & 0xFFFF) >= rx);
	assert_true((tx0 & 0xFFFF) + (tx0 >> 16) < 952);
	/* PA11/PA12 in AF10, the USB2 clock on, the USB kernel clock HSI48
	 * and the CRS on USB2's SOF (SYNCSRC = 3). */
	assert_int_equal(h7_sys_model_pin_mode(0, 11), 2);
	assert_int_equal(h7_sys_model_pin_af(0, 12), 10);
	const struct h7_sys_stats *st = h7_sys_model_stats();
	assert_true(st->ahb1enr & (1u << 27));
	assert_int_equal(st->usbsel, 3);
	assert_int_equal((st->crs_cfgr >> 28) & 3u, 3);
	assert_true(st->crs_cr & (1u << 5));
	assert_int_equal(st->errors, 0);
	assert_model_clean();
}

static void test_enumeration_full_speed(void **state)
{
	(void)state;
	connect_and_reset(false);
	assert_int_equal(port_usb_speed(), PORT_USB_SPEED_FULL);
	assert_int_equal(port_usb_ep0_mps(), 64);
	enumerate(7);
	/* The device now answers at 7 only. */
	uint8_t pkt[8], d[18];
	vhost_setup_pkt(pkt, 0x80, 6, 0x0100, 0, 18);
	assert_int_equal(dwc2m_setup(h7h.m, 0, pkt), DWC2M_NORESP);
	h7h.host.addr = 7;
	assert_int_equal(vhost_control(&h7h.host, pkt, d), 18);
	assert_model_clean();
}

static void test_multi_packet_in_and_zlp(void **state)
{
	(void)state;
	connect_and_reset(false);
	enumerate(3);
	uint8_t d[1024];
	/* 200 bytes: 64 + 64 + 64 + 8 */
	memset(d, 0, sizeof(d));
	assert_int_equal(ctrl(0xC0, REQ_VENDOR_IN, 200, 200, d), 200);
	for (unsigned i = 0; i < 200; i++)
		assert_int_equal(d[i], (uint8_t)(i * 7 + 3));
	/* 128 bytes for a 255-byte request: ends with a zero-length packet. */
	memset(d, 0, sizeof(d));
	assert_int_equal(ctrl(0xC0, REQ_VENDOR_IN, 128, 255, d), 128);
	for (unsigned i = 0; i < 128; i++)
		assert_int_equal(d[i], (uint8_t)(i * 7 + 3));
	/* Exactly wLength on a packet boundary: no ZLP. */
	assert_int_equal(ctrl(0xC0, REQ_VENDOR_IN, 64, 64, d), 64);
	/* Zero bytes of data for an IN request. */
	assert_int_equal(ctrl(0xC0, REQ_VENDOR_IN, 0, 16, d), 0);
	assert_model_clean();
}

static void test_multi_packet_out(void **state)
{
	(void)state;
	connect_and_reset(false);
	enumerate(9);
	uint8_t d[1024];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i ^ 0x5A);
	const uint16_t sizes[] = {1, 63, 64, 65, 300, 1024};
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		memset(rsp.outbuf, 0, sizeof(rsp.outbuf));
		assert_int_equal(ctrl(0x40, REQ_VENDOR_OUT, 0, sizes[k], d), sizes[k]);
		assert_int_equal(rsp.out_len, sizes[k]);
		assert_memory_equal(rsp.outbuf, d, sizes[k]);
	}
	assert_model_clean();
}

static void test_stall_then_recover(void **state)
{
	(void)state;
	connect_and_reset(false);
	enumerate(4);
	uint8_t d[64];
	/* No data stage: the status IN is stalled. */
	assert_int_equal(ctrl(0x40, REQ_VENDOR_STALL, 0, 0, NULL), VHOST_E_STALL);
	/* IN data stage stalled. */
	assert_int_equal(ctrl(0xC0, 0x7F, 0, 8, d), VHOST_E_STALL);
	/* The next SETUP clears the stall. */
	assert_int_equal(ctrl(0x80, 6, 0x0100, 18, d), 18);
	assert_model_clean();
}

static void test_bus_reset_mid_session(void **state)
{
	(void)state;
	connect_and_reset(false);
	enumerate(12);
	/* A second reset: back to address 0, and enumeration works again. */
	assert_int_equal(vhost_reset(&h7h.host, false), 0);
	assert_int_equal(rsp.resets, 2);
	assert_int_equal(dwc2m_dad(h7h.m), 0);
	enumerate(13);
	assert_model_clean();
}

static void test_soft_disconnect(void **state)
{
	(void)state;
	connect_and_reset(false);
	enumerate(5);
	port_usb_connect(false);
	assert_false(dwc2m_connected(h7h.m));
	uint8_t d[18];
	assert_int_equal(ctrl(0x80, 6, 0x0100, 18, d), VHOST_E_NORESP);
	port_usb_connect(true);
	assert_int_equal(vhost_reset(&h7h.host, false), 0);
	enumerate(6);
	assert_model_clean();
}

static void test_high_speed_ulpi(void **state)
{
	(void)state;
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40040000u);
	/* ULPI: PHYSEL = 0, DSPD = high speed, ULPI clock on, pins in AF10. */
	assert_int_equal(mmio_read(&r->GUSBCFG) & GUSBCFG_PHYSEL, 0);
	assert_int_equal(mmio_read(&r->DCFG) & DCFG_DSPD_Msk, DCFG_DSPD_HS);
	assert_true(h7_sys_model_stats()->ahb1enr & (1u << 26));
	assert_int_equal(h7_sys_model_pin_af(0, 5), 10);  /* ULPI CK */
	assert_int_equal(h7_sys_model_pin_af(8, 11), 10); /* ULPI DIR */
	connect_and_reset(true);
	assert_true(dwc2m_high_speed(h7h.m));
	assert_int_equal(port_usb_speed(), PORT_USB_SPEED_HIGH);
	enumerate(21);
	uint8_t d[600];
	assert_int_equal(ctrl(0xC0, REQ_VENDOR_IN, 600, 600, d), 600);
	for (unsigned i = 0; i < 600; i++)
		assert_int_equal(d[i], (uint8_t)(i * 7 + 3));
	assert_int_equal((mmio_read(&r->GUSBCFG) & GUSBCFG_TRDT_Msk) >> GUSBCFG_TRDT_Pos, 9);
	assert_model_clean();
}

static void test_ulpi_full_speed_host(void **state)
{
	(void)state;
	/* The same HS board behind a full-speed hub. */
	connect_and_reset(false);
	assert_false(dwc2m_high_speed(h7h.m));
	assert_int_equal(port_usb_speed(), PORT_USB_SPEED_FULL);
	enumerate(22);
	assert_model_clean();
}

/* Portenta H7 without Arduino's bootloader: the USB3320 PHY's rails come
 * from the PF1550, which nobody else configures (issue 11 item 2). Without
 * the PMIC bring-up the PHY gives no clock and USB must not come up. */
static void test_portenta_usb_needs_the_pmic(void **state)
{
	(void)state;
	assert_int_equal(h7h_setup(&board_portenta_h7, responder_task), 0);
	assert_int_not_equal(port_usb_init(&board_portenta_h7), QDFU_OK);
	h7h_teardown();
	/* with the PMIC brought up as Arduino's bootloader does */
	assert_int_equal(h7h_setup(&board_portenta_h7, responder_task), 0);
	assert_int_equal(h7_pmic_init(&board_portenta_h7), QDFU_OK);
	assert_true(pf1550_model_phy_rails_ok());
	assert_int_equal(pf1550_model_reg(0x35), 0x0F); /* SW1 */
	assert_int_equal(pf1550_model_reg(0x94), 20u << 3);
	assert_false(h7_sys_model_output(9, 0)); /* STANDBY (PJ0) low */
	assert_int_equal(i2c_model_frames(), 12);
	assert_string_equal(i2c_model_last_error(), "");
	assert_int_equal(port_usb_init(&board_portenta_h7), QDFU_OK);
	/* the PMIC put in standby: the PHY loses its rails and clock, and the
	 * driver's bounded core reset gives up instead of hanging */
	h7_gpio_output(&board_portenta_h7.hw.pmic_standby, true);
	assert_false(pf1550_model_phy_rails_ok());
	assert_int_equal(port_usb_init(&board_portenta_h7), QDFU_E_TIMEOUT);
	h7h_teardown();
}

/* No PMIC answering (a board variant, a broken part): every I2C wait is
 * bounded, the bring-up fails with an error, and USB refuses to start,
 * leaving the PHY in reset. */
static void test_portenta_pmic_absent(void **state)
{
	(void)state;
	h7h_pmic_absent = true;
	assert_int_equal(h7h_setup(&board_portenta_h7, responder_task), 0);
	h7h_pmic_absent = false;
	uint64_t t0 = vclock_now_us();
	assert_int_not_equal(h7_pmic_init(&board_portenta_h7), QDFU_OK);
	assert_true(vclock_now_us() - t0 < 100000u);
	assert_false(h7_pmic_ok());
	assert_int_equal(port_usb_init(&board_portenta_h7), QDFU_E_STATE);
	assert_string_equal(i2c_model_last_error(), "");
	h7h_teardown();
}

static void test_portenta_ulpi_reset_pin(void **state)
{
	(void)state;
	assert_int_equal(h7h_setup(&board_portenta_h7, responder_task), 0);
	memset(&rsp, 0, sizeof(rsp));
	assert_int_equal(h7_pmic_init(&board_portenta_h7), QDFU_OK);
	assert_int_equal(port_usb_init(&board_portenta_h7), QDFU_OK);
	/* PJ4 (PHY reset, active-low) ends released: driven high. */
	assert_int_equal(h7_sys_model_pin_mode(9, 4), 1);
	assert_true(h7_sys_model_output(9, 4));
	connect_and_reset(true);
	enumerate(2);
	assert_model_clean();
	h7h_teardown();
}

/* ----------------------------------------------- negative: the model bites */

static void test_neg_missing_cnak_naks(void **state)
{
	(void)state;
	connect_and_reset(false);
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	uint8_t pkt[8], d[64];
	unsigned got;
	/* Deliver a SETUP but hold back the responder: program the IN data
	 * stage by hand without CNAK. */
	h7h.task = NULL;
	vhost_setup_pkt(pkt, 0x80, 6, 0x0100, 0, 18);
	assert_int_equal(dwc2m_setup(h7h.m, 0, pkt), DWC2M_ACK);
	h7h_service(NULL);
	mmio_write(&r->IN[0].DIEPTSIZ, DEPTSIZ_PKTCNT(1) | 18);
	mmio_set(&r->IN[0].DIEPCTL, DEPCTL_EPENA); /* no CNAK */
	for (unsigned i = 0; i < 5; i++)
		mmio_write((volatile uint32_t *)(MMIO_BASE(0x40080000u) + 0x1000), 0x11223344u);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(dwc2m_in(h7h.m, 0, 0, d, 64, &got), DWC2M_NAK);
	/* With CNAK the same packet goes out. */
	mmio_set(&r->IN[0].DIEPCTL, DEPCTL_CNAK);
	assert_int_equal(dwc2m_in(h7h.m, 0, 0, d, 64, &got), DWC2M_ACK);
	assert_int_equal(got, 18);
	assert_int_equal(dwc2m_errors(h7h.m), 0);
}

static void test_neg_flush_with_or_assign(void **state)
{
	(void)state;
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	/* Right: trigger, wait, trigger the next with a plain store. */
	mmio_write(&r->GRSTCTL, GRSTCTL_TXFFLSH | GRSTCTL_TXFNUM_ALL);
	assert_int_equal(h7_wait_reg(&r->GRSTCTL, GRSTCTL_TXFFLSH, 0, 100), 0);
	mmio_write(&r->GRSTCTL, GRSTCTL_RXFFLSH);
	assert_int_equal(h7_wait_reg(&r->GRSTCTL, GRSTCTL_RXFFLSH, 0, 100), 0);
	assert_int_equal(dwc2m_errors(h7h.m), 0);
	/* Wrong: `GRSTCTL |= RXFFLSH` right after a TX flush re-triggers it. */
	mmio_write(&r->GRSTCTL, GRSTCTL_TXFFLSH | GRSTCTL_TXFNUM_ALL);
	mmio_set(&r->GRSTCTL, GRSTCTL_RXFFLSH);
	assert_true(dwc2m_errors(h7h.m) > 0);
}

static void test_neg_reset_without_ahbidl(void **state)
{
	(void)state;
	h7h_teardown();
	assert_int_equal(h7h_setup(&board_stm32h745i_disco, NULL), 0);
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	/* CSRST at once, without waiting for AHBIDL: the reset never ends. */
	mmio_write(&r->GRSTCTL, GRSTCTL_CSRST);
	assert_int_equal(h7_wait_reg(&r->GRSTCTL, GRSTCTL_CSRST, 0, 10000), QDFU_E_TIMEOUT);
	assert_true(dwc2m_errors(h7h.m) > 0);
}

static void test_neg_device_regs_before_cmod(void **state)
{
	(void)state;
	h7h_teardown();
	assert_int_equal(h7h_setup(&board_stm32h745i_disco, NULL), 0);
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	vclock_advance_us(100);
	mmio_set(&r->GUSBCFG, GUSBCFG_FDMOD);
	/* Not waiting for CMOD = 0: the device register write is lost. */
	mmio_write(&r->DCFG, DCFG_DSPD_FS_INTERNAL | (5u << DCFG_DAD_Pos));
	assert_true(dwc2m_errors(h7h.m) > 0);
	assert_int_equal(dwc2m_dad(h7h.m), 0);
}

static void test_neg_no_stupcnt_drops_setup(void **state)
{
	(void)state;
	connect_and_reset(false);
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	uint8_t pkt[8];
	mmio_write(&r->OUT[0].DOEPTSIZ, 0);
	vhost_setup_pkt(pkt, 0x80, 6, 0x0100, 0, 18);
	assert_int_equal(dwc2m_setup(h7h.m, 0, pkt), DWC2M_NORESP);
	assert_true(dwc2m_errors(h7h.m) > 0);
}

static void test_neg_oversized_fifos_receive_nothing(void **state)
{
	(void)state;
	connect_and_reset(false);
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	uint8_t pkt[8];
	/* RX 512 + TX0 512 words: more than the 952 usable words. */
	mmio_write(&r->GRXFSIZ, 512);
	mmio_write(&r->DIEPTXF0, (512u << 16) | 512u);
	vhost_setup_pkt(pkt, 0x80, 6, 0x0100, 0, 18);
	assert_int_equal(dwc2m_setup(h7h.m, 0, pkt), DWC2M_NORESP);
	assert_true(dwc2m_errors(h7h.m) > 0);
}

static void test_neg_unserviced_rx_fifo(void **state)
{
	(void)state;
	connect_and_reset(false);
	uint8_t pkt[8];
	/* Interrupts never serviced: SETUPs pile up in the RX FIFO until it
	 * is full and the next one is dropped. */
	h7h.host.service = NULL;
	vhost_setup_pkt(pkt, 0x80, 6, 0x0100, 0, 18);
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(0x40080000u);
	int hs = DWC2M_ACK;
	for (unsigned i = 0; i < 64 && hs == DWC2M_ACK; i++) {
		mmio_write(&r->OUT[0].DOEPTSIZ, DOEPTSIZ_STUPCNT(3));
		hs = dwc2m_setup(h7h.m, 0, pkt);
	}
	assert_int_equal(hs, DWC2M_NORESP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_init_leaves_core_configured, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_enumeration_full_speed, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_multi_packet_in_and_zlp, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_multi_packet_out, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_stall_then_recover, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_bus_reset_mid_session, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_soft_disconnect, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_high_speed_ulpi, setup_hs, teardown),
	    cmocka_unit_test_setup_teardown(test_ulpi_full_speed_host, setup_hs, teardown),
	    cmocka_unit_test(test_portenta_usb_needs_the_pmic),
	    cmocka_unit_test(test_portenta_pmic_absent),
	    cmocka_unit_test(test_portenta_ulpi_reset_pin),
	    cmocka_unit_test_setup_teardown(test_neg_missing_cnak_naks, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_neg_flush_with_or_assign, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_neg_reset_without_ahbidl, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_neg_device_regs_before_cmod, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_neg_no_stupcnt_drops_setup, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_neg_oversized_fifos_receive_nothing, setup_fs,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_neg_unserviced_rx_fifo, setup_fs, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
